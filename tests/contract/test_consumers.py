"""Each producer's example of every fact is fed to every consumer of it (all four services running
on the real broker): no consumer may fail on a valid fact — not even one about something it has
never heard of — and nothing may end in the dead-letter queue."""
from __future__ import annotations

import time

from kombu import Connection

import contracts  # noqa: F401
from contracts.envelope import registered_events, to_cloudevent
from kit.bus import events_exchange
from kit.dead_letters import list_dead_letters
from kit.topology import event_queues
from kit.settings import SERVICE_NAMES
from kit.serve import service_class
from tests.contract.examples import example_event


def consumed_types() -> dict[str, list[str]]:
    consumers: dict[str, list[str]] = {}
    for name in SERVICE_NAMES:
        for queue in event_queues(service_class(name)):
            types = [queue.routing_key]
            if queue.routing_key == "#":  # every fact of one producer (reports logs them all)
                source = queue.exchange.name.removesuffix(".events")
                types = [t for t, model in registered_events().items() if model.source_service == source]
            for event_type in types:
                consumers.setdefault(event_type, []).append(queue.name)
    return consumers


def test_every_consumed_type_is_a_registered_fact():
    unknown = set(consumed_types()) - set(registered_events())
    assert not unknown, f"handlers bound to unknown event types: {unknown}"


def test_examples_are_handled_by_every_consumer(runner_factory, service_config, db_kind):
    if db_kind != "sqlite":
        return  # one database is enough here: this is about message shapes
    classes = [service_class(name) for name in SERVICE_NAMES]
    configs = [service_config(cls) for cls in classes]
    for cls, config in zip(classes, configs):
        runner_factory(config, cls).start()
    amqp_uri = configs[0]["AMQP_URI"]
    consumers = consumed_types()
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        producer = conn.Producer()
        for event_type in consumers:
            model = registered_events()[event_type]
            exchange = events_exchange(model.source_service)
            producer.publish(to_cloudevent(example_event(model), subject="example"), exchange=exchange,
                             routing_key=event_type, content_type="application/cloudevents+json",
                             content_encoding="utf-8", declare=[exchange])
    # Wait until every consumer queue is drained (handled or dead-lettered).
    deadline = time.time() + 30
    queues = [q for names in consumers.values() for q in names]
    while time.time() < deadline:
        with Connection(amqp_uri) as conn:
            channel = conn.default_channel
            backlog = sum(channel.queue_declare(q, passive=True).message_count for q in queues)
        if backlog == 0:
            break
        time.sleep(0.3)
    time.sleep(1.0)  # let the last workers finish (and any retry land)
    letters = list_dead_letters(amqp_uri)
    assert letters == [], "consumers failed on valid facts:\n" + "\n".join(
        f"{d['queue']}: {d['error']}" for d in letters)
