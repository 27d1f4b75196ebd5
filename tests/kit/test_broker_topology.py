"""Quorum queues, mandatory publishing of facts and the classic → quorum move, on a real RabbitMQ."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid

import pytest
from kombu import Connection, Queue
from sqlalchemy import MetaData, create_engine, insert, select

from kit.bus import broker_addresses, safe_address
from kit.clock import utcnow
from kit.outbox_relay import OutboxRelay, Unroutable
from kit.queue_migration import migrate_queues
from kit.tables import add_kit_tables
from kit.topology import QueueTypeMismatch, declare_topology, event_queues, subscribed_routes
from services.notifications.service import NotificationsService
from services.venues.service import VenuesService
from tests.callers import signed_hook

ADMIN = {"sub": "admin-1", "role": "admin", "scopes": []}


def queue_types(amqp_uri: str) -> dict[str, str]:
    """name → type of every queue in the test's vhost (rabbitmqctl: no management plugin needed)."""
    if not shutil.which("rabbitmqctl") or amqp_uri.endswith(":5672/"):
        pytest.skip("needs rabbitmqctl and a private vhost to read queue types")
    vhost = amqp_uri.rsplit("/", 1)[1]
    out = subprocess.run(
        ["rabbitmqctl", "-q", "list_queues", "-p", vhost, "name", "type", "--no-table-headers"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    return dict(line.split("\t")[:2] for line in out.strip().splitlines() if "\t" in line)


def test_broker_addresses_are_split_for_every_node():
    uri = "amqp://u:p@n1:5672/;amqp://u:p@n2:5673/ ; amqp://u:p@n3:5674/"
    assert broker_addresses(uri) == ["amqp://u:p@n1:5672/", "amqp://u:p@n2:5673/", "amqp://u:p@n3:5674/"]
    assert safe_address(uri) == "n1:5672/;n2:5673/;n3:5674/"


def test_every_durable_queue_is_a_quorum_queue(container_factory, service_config, amqp_uri):
    """Deploy step and running consumers agree on the type: RPC, event handler and dead-letter queues."""
    container = container_factory(NotificationsService, service_config(NotificationsService))
    container.start()  # nameko declares its RPC and handler queues again: same arguments, no clash
    venues = container_factory(VenuesService, service_config(VenuesService))
    venues.start()
    with signed_hook(venues, "register_venue") as register:
        register(actor=ADMIN, venue={"name": "文化站", "kind": "town_cultural_station", "level": "town"})
    types = queue_types(amqp_uri)
    durable = {name: kind for name, kind in types.items() if not name.startswith("rpc.reply")}
    assert "rpc-notifications" in durable and "rpc-venues" in durable and "wenyun.dead-letters" in durable
    assert any(name.startswith("evt-") for name in durable)
    assert set(durable.values()) == {"quorum"}, durable


def test_a_classic_deployment_is_moved_to_quorum_queues_without_losing_a_message(amqp_uri):
    classic = declare_topology(amqp_uri, [NotificationsService], "classic")
    queue_name = next(name for name in classic if name.startswith("evt-"))
    with Connection(amqp_uri) as conn:
        producer = conn.Producer(conn.default_channel)
        for n in range(5):  # facts waiting in a classic handler queue, and one dead letter
            producer.publish({"n": n}, exchange="", routing_key=queue_name, delivery_mode=2, message_id=f"fact-{n}")
        producer.publish({"dead": 1}, exchange="", routing_key="wenyun.dead-letters", delivery_mode=2)
    with pytest.raises(QueueTypeMismatch, match="wenyun migrate-queues"):
        declare_topology(amqp_uri, [NotificationsService], "quorum")

    report = migrate_queues(amqp_uri, [NotificationsService], "quorum")

    moved = {line["queue"]: line["messages"] for line in report if line["action"] == "moved"}
    assert moved[queue_name] == 5 and moved["wenyun.dead-letters"] == 1
    assert set(moved) == set(classic)  # every durable queue, none left behind
    declare_topology(amqp_uri, [NotificationsService], "quorum")  # `wenyun migrate` passes again
    types = queue_types(amqp_uri)
    assert all(types[name] == "quorum" for name in classic) and not any(n.endswith(".migrating") for n in types)
    with Connection(amqp_uri) as conn:
        queue = Queue(queue_name, durable=True, queue_arguments={"x-queue-type": "quorum"})(conn.default_channel)
        ids = []
        while (message := queue.get(no_ack=True)) is not None:
            ids.append(message.properties["message_id"])
    assert sorted(ids) == [f"fact-{n}" for n in range(5)]
    # and run again, it changes nothing
    assert {line["action"] for line in migrate_queues(amqp_uri, [NotificationsService], "quorum")} == {"kept"}


def _relay_with_rows(tmp_path, amqp_uri, rows, subscribed):
    engine = create_engine(f"sqlite:///{tmp_path / 'outbox.db'}")
    metadata = MetaData()
    outbox, _inbox = add_kit_tables(metadata)
    metadata.create_all(engine)
    with engine.begin() as conn:
        for seq, (exchange, event_type) in enumerate(rows):
            conn.execute(
                insert(outbox).values(
                    id=str(uuid.uuid4()),
                    seq=seq,
                    exchange=exchange,
                    event_type=event_type,
                    payload=json.dumps({"type": event_type}),
                    created_at=utcnow(),
                )
            )
    return engine, outbox, OutboxRelay(engine, outbox, amqp_uri, "venues", subscribed=subscribed)


def _unsent(engine, outbox) -> list[str]:
    with engine.connect() as conn:
        return [r.event_type for r in conn.execute(select(outbox).where(outbox.c.published_at.is_(None)))]


def test_a_fact_no_queue_took_is_not_marked_sent(tmp_path, amqp_uri):
    """A subscriber's queue is missing: the broker confirms but returns the fact; it stays in the outbox
    (and is sent once the queue is back). A fact nobody subscribes to is simply sent."""
    subscribed = subscribed_routes([NotificationsService, VenuesService])
    exchange, event_type = next(iter(sorted(subscribed)))
    engine, outbox, relay = _relay_with_rows(
        tmp_path, amqp_uri, [(exchange, event_type), ("venues.events", "nobody.listens")], subscribed
    )
    try:
        with pytest.raises(Unroutable, match=event_type):
            relay.publish_pending()
        assert _unsent(engine, outbox) == [event_type]

        declare_topology(amqp_uri, [NotificationsService, VenuesService], "quorum")
        assert relay.publish_pending() == 1
        assert _unsent(engine, outbox) == []
        with Connection(amqp_uri) as conn:
            queue = next(
                q
                for cls in (NotificationsService, VenuesService)
                for q in event_queues(cls)
                if (q.exchange.name, q.routing_key) == (exchange, event_type)
            )
            assert queue(conn.default_channel).get(no_ack=True) is not None
    finally:
        relay.close()
        engine.dispose()
