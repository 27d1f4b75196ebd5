"""Outbox, inbox, retries and dead letters against a real RabbitMQ and real databases."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from kombu import Connection, Queue
from nameko.testing.services import entrypoint_waiter
from sqlalchemy import create_engine, select

from contracts.envelope import to_cloudevent
from contracts.venues import VenueRegistered
from kit.bus import events_exchange
from kit.dead_letters import list_dead_letters, replay_dead_letters
from kit.events import handle_event
from kit.tables import add_kit_tables
from services.notifications.service import NotificationsService
from services.notifications.tables import inbox_messages
from services.venues.service import VenuesService
from tests.callers import signed_hook

ADMIN = {"sub": "admin-1", "role": "admin", "scopes": []}


def outside_queue(amqp_uri, name="outside-subscriber"):
    """What another district system does: bind its own durable queue to venues.events."""
    conn = Connection(amqp_uri)
    queue = Queue(name, exchange=events_exchange("venues"), routing_key="venue.*", durable=True)
    queue(conn.default_channel).declare()
    return conn, queue


def drain(conn, queue, expect, timeout=30.0):
    got, deadline = [], time.time() + timeout
    bound = queue(conn.default_channel)
    while time.time() < deadline and len(got) < expect:
        message = bound.get(no_ack=True)
        if message is None:
            time.sleep(0.05)
            continue
        got.append(message)
    return got


def test_committed_fact_is_published_as_a_cloudevent(container_factory, service_config, amqp_uri):
    conn, queue = outside_queue(amqp_uri)
    container = container_factory(VenuesService, service_config(VenuesService))
    container.start()
    with signed_hook(container, "register_venue") as register:
        venue = register(
            actor=ADMIN, venue={"name": "嘉平镇文化服务中心", "kind": "town_cultural_station", "level": "town"}
        )
    [message] = drain(conn, queue, 1)
    assert message.content_type == "application/cloudevents+json"
    event = json.loads(message.body)
    assert event["type"] == "venue.registered" and event["specversion"] == "1.0"
    assert event["source"] == "/wenyun/venues" and event["subject"] == venue["id"]
    assert event["data"]["name"] == "嘉平镇文化服务中心" and event["id"] and event["time"]
    conn.release()


def test_bad_command_changes_nothing(container_factory, service_config, amqp_uri):
    conn, queue = outside_queue(amqp_uri)
    container = container_factory(VenuesService, service_config(VenuesService))
    container.start()
    with signed_hook(container, "register_venue") as register:
        with pytest.raises(Exception):
            register(actor=ADMIN, venue={"name": "x", "kind": "castle", "level": "town"})
        with pytest.raises(Exception):
            register(actor={"sub": "v", "role": "volunteer"}, venue={"name": "x", "kind": "library", "level": "town"})
    with signed_hook(container, "list_venues") as list_venues:
        assert list_venues() == []
    assert drain(conn, queue, 1, timeout=1.0) == []
    conn.release()


def test_sweeper_publishes_what_a_crash_left_in_the_outbox(container_factory, service_config, amqp_uri):
    config = service_config(VenuesService)
    # A row committed by a process that died before publishing it.
    engine = create_engine(config["DATABASE_URL"])
    outbox, _ = add_kit_tables(VenuesService.db.metadata)
    event_id = str(uuid.uuid4())
    fact = VenueRegistered(venue_id="v-crashed", name="遗留场馆", kind="library", level="district", registered_by="x")
    from kit.clock import utcnow

    with engine.begin() as db:
        db.execute(
            outbox.insert().values(
                id=event_id,
                seq=0,
                exchange="venues.events",
                event_type=fact.event_type,
                payload=to_cloudevent(fact, event_id=event_id).decode(),
                created_at=utcnow(),
                attempts=0,
            )
        )
    conn, queue = outside_queue(amqp_uri)
    container_factory(VenuesService, config).start()
    [message] = drain(conn, queue, 1)
    assert json.loads(message.body)["id"] == event_id
    deadline = time.time() + 5
    while time.time() < deadline:
        with engine.connect() as db:
            if db.execute(select(outbox.c.published_at).where(outbox.c.id == event_id)).scalar():
                break
        time.sleep(0.1)
    else:
        pytest.fail("outbox row never marked published")
    engine.dispose()
    conn.release()


def publish_raw(amqp_uri, body: bytes, routing_key="venue.registered", content_type="application/cloudevents+json"):
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        conn.Producer().publish(
            body,
            exchange=events_exchange("venues"),
            routing_key=routing_key,
            content_type=content_type,
            content_encoding="utf-8",
            declare=[events_exchange("venues")],
        )


def test_redelivered_event_has_one_effect(container_factory, service_config, amqp_uri):
    config = service_config(NotificationsService)
    container = container_factory(NotificationsService, config)
    container.start()
    fact = VenueRegistered(venue_id="v1", name="文化站", kind="town_cultural_station", level="town", registered_by="a")
    body = to_cloudevent(fact)
    with entrypoint_waiter(container, "on_venue_registered"):
        publish_raw(amqp_uri, body)
    with entrypoint_waiter(container, "on_venue_registered"):
        publish_raw(amqp_uri, body)  # the same CloudEvent id again
    engine = create_engine(config["DATABASE_URL"])
    with engine.connect() as db:
        rows = db.execute(select(inbox_messages)).all()
    engine.dispose()
    assert len(rows) == 1


class FlakyService:
    """A consumer whose handler always fails: its messages must end in the dead-letter queue."""

    name = "flaky"
    calls = []

    @handle_event("venues", "venue.registered")
    def on_venue_registered(self, event):
        FlakyService.calls.append(event.id)
        raise RuntimeError("cannot handle this today")


def test_failing_handler_retries_then_dead_letters_and_replays(container_factory, test_settings, amqp_uri):
    from kit.topology import declare_topology

    declare_topology(amqp_uri, [FlakyService])
    FlakyService.calls = []
    config = {"AMQP_URI": amqp_uri, "ACCEPT": ["json", "cloudevents"], "WENYUN_SETTINGS": test_settings}
    container = container_factory(FlakyService, config)
    container.start()
    fact = VenueRegistered(venue_id="v9", name="站", kind="library", level="district", registered_by="a")
    event_id = str(uuid.uuid4())
    publish_raw(amqp_uri, to_cloudevent(fact, event_id=event_id))
    publish_raw(amqp_uri, b'{"not": "a cloudevent"}')
    deadline = time.time() + 30
    letters = []
    while time.time() < deadline and len(letters) < 2:
        time.sleep(0.2)
        letters = list_dead_letters(amqp_uri)
    assert FlakyService.calls == [event_id] * test_settings.handler_max_attempts
    by_id = {item["message_id"]: item for item in letters}
    assert "RuntimeError: cannot handle this today" in by_id[event_id]["error"]
    assert by_id[event_id]["queue"] == "evt-venues-venue.registered--flaky.on_venue_registered"
    assert any("malformed" in (item["error"] or "") for item in letters)
    # Listing does not consume; replay sends the message back to its consumer.
    assert len(list_dead_letters(amqp_uri)) == 2
    replayed = replay_dead_letters(amqp_uri, message_id=event_id)
    assert [r["message_id"] for r in replayed] == [event_id]
    deadline = time.time() + 30
    while time.time() < deadline and len(FlakyService.calls) < 2 * test_settings.handler_max_attempts:
        time.sleep(0.1)
    assert len(FlakyService.calls) == 2 * test_settings.handler_max_attempts
