"""Batched event handlers (kit.events `handle_events`, issue 13 step 4) against a real RabbitMQ, on SQLite
and on PostgreSQL: many deliveries in one worker and one transaction, claimed in one inbox insert and acked
together; a redelivered fact is not applied twice; a poison fact in a batch ends in the dead-letter queue
alone while the rest of its batch is applied once."""

from __future__ import annotations

import time
import uuid

import pytest
from kombu import Connection
from sqlalchemy import Column, MetaData, String, Table, create_engine, func, select

from contracts.envelope import to_cloudevent
from contracts.venues import VenueRegistered
from kit.bus import events_exchange
from kit.database import Database
from kit.dead_letters import list_dead_letters
from kit.events import handle_events
from kit.tables import add_kit_tables
from kit.topology import declare_topology

metadata = MetaData()
applied = Table("applied", metadata, Column("event_id", String(64), primary_key=True), Column("venue_id", String(64)))


class BatchedService:
    name = "batched"
    db = Database(metadata)
    batches: list[list[str]] = []  # the ids each worker applied (tx.unapplied), in order

    @handle_events("venues", "venue.registered")
    def on_venue_registered(self, events):
        with self.db.transaction() as tx:
            for event in tx.unapplied:
                if event.data["venue_id"] == "poison":
                    raise RuntimeError("this venue cannot be applied")
                tx.session.execute(applied.insert().values(event_id=event.id, venue_id=event.data["venue_id"]))
            BatchedService.batches.append([event.id for event in tx.unapplied])


def fact(venue_id: str, event_id: str | None = None) -> tuple[str, bytes]:
    event_id = event_id or str(uuid.uuid4())
    body = to_cloudevent(
        VenueRegistered(venue_id=venue_id, name="文化站", kind="library", level="town", registered_by="a"),
        event_id=event_id,
    )
    return event_id, body


def publish(amqp_uri: str, bodies: list[bytes]) -> None:
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        producer = conn.Producer()
        for body in bodies:
            producer.publish(
                body,
                exchange=events_exchange("venues"),
                routing_key="venue.registered",
                content_type="application/cloudevents+json",
                content_encoding="utf-8",
            )


@pytest.fixture
def batched(container_factory, test_settings, database_url):
    url = database_url("batched")
    engine = create_engine(url)
    # A fresh copy: every container binds a new Database, which adds the kit tables to `metadata` again.
    tables = MetaData()
    add_kit_tables(tables)
    applied.to_metadata(tables)
    tables.create_all(engine)
    declare_topology(test_settings.amqp_uri, [BatchedService], test_settings.queue_type)
    BatchedService.batches = []
    config = {
        "AMQP_URI": test_settings.amqp_uri,
        "DATABASE_URL": url,
        "max_workers": 10,
        "serializer": "json",
        "ACCEPT": ["json", "cloudevents"],
        "WENYUN_SETTINGS": test_settings.model_copy(update={"event_batch_size": 16, "event_batch_wait": 0.02}),
    }
    yield lambda: container_factory(BatchedService, config), engine
    engine.dispose()


def rows(engine) -> dict[str, int]:
    with engine.connect() as db:
        return dict(db.execute(select(applied.c.venue_id, func.count()).group_by(applied.c.venue_id)).all())


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail("timed out")


def test_a_burst_is_applied_in_batches_once_and_a_redelivery_changes_nothing(batched, test_settings):
    start, engine = batched
    facts = [fact(f"v{i}") for i in range(40)]
    publish(test_settings.amqp_uri, [body for _, body in facts])  # queued before the consumer starts
    start().start()
    wait_for(lambda: sum(rows(engine).values()) == 40)
    assert rows(engine) == {f"v{i}": 1 for i in range(40)}
    assert max(len(batch) for batch in BatchedService.batches) > 1  # several facts per transaction
    assert max(len(batch) for batch in BatchedService.batches) <= 16  # never more than event_batch_size
    assert sorted(i for batch in BatchedService.batches for i in batch) == sorted(i for i, _ in facts)

    # The same CloudEvents again (a publisher's retry, a redelivery) with one new one: only that is applied.
    newcomer = fact("v-new")
    publish(test_settings.amqp_uri, [body for _, body in facts[:5]] + [newcomer[1]])
    wait_for(lambda: rows(engine).get("v-new") == 1)
    time.sleep(0.3)  # anything left of the redeliveries has been handled by now
    assert sum(rows(engine).values()) == 41
    assert [i for batch in BatchedService.batches for i in batch].count(newcomer[0]) == 1
    assert all(i not in (e for e, _ in facts[:5]) for i in BatchedService.batches[-1])


def test_a_poison_fact_is_dead_lettered_alone_and_the_rest_of_its_batch_applied_once(batched, test_settings):
    start, engine = batched
    facts = [fact(f"v{i}") for i in range(10)] + [fact("poison")] + [fact(f"v{i}") for i in range(10, 20)]
    poison_id = facts[10][0]
    publish(test_settings.amqp_uri, [body for _, body in facts])
    start().start()
    wait_for(lambda: sum(rows(engine).values()) == 20)
    wait_for(lambda: len(list_dead_letters(test_settings.amqp_uri)) >= 1)
    time.sleep(0.3)
    assert rows(engine) == {f"v{i}": 1 for i in range(20)}  # each good fact once, the poison never
    [letter] = list_dead_letters(test_settings.amqp_uri)
    assert letter["message_id"] == poison_id
    assert "RuntimeError: this venue cannot be applied" in letter["error"]
    assert letter["queue"] == "evt-venues-venue.registered--batched.on_venue_registered"
    applied_ids = [i for batch in BatchedService.batches for i in batch]
    assert poison_id not in applied_ids and len(applied_ids) == len(set(applied_ids)) == 20
