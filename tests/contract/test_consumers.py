"""Each producer's example of every fact is fed to every consumer of it (all four services running
on the real broker), as a newer producer would send it (every field of the example and some this code
does not know): no consumer may fail on a valid fact — not even one about something it has never heard of —
every queue drains and nothing may end in the dead-letter queue."""

from __future__ import annotations

import json
import time

import pytest
from kombu import Connection
from pydantic import ValidationError

import contracts  # noqa: F401
from contracts.envelope import parse_cloudevent, read_fact, registered_events, to_cloudevent
from kit.bus import events_exchange
from kit.dead_letters import list_dead_letters
from kit.serve import service_class
from kit.settings import SERVICE_NAMES
from kit.topology import event_queues
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


def newer(data):
    """What a newer producer sends: the same fact with an optional field added at every level."""
    if isinstance(data, list):
        return [newer(item) for item in data]
    if isinstance(data, dict):
        return {**{k: newer(v) for k, v in data.items()}, "added_in_a_later_version": "x"}
    return data


def newer_cloudevent(model) -> bytes:
    document = json.loads(to_cloudevent(example_event(model), subject="example"))
    document["data"] = newer(document["data"])
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize("event_type", sorted(registered_events()))
def test_a_reader_accepts_a_newer_fact_and_a_producer_does_not_write_unknown_fields(event_type):
    model = registered_events()[event_type]
    envelope = parse_cloudevent(newer_cloudevent(model))
    assert envelope.typed() == read_fact(model, example_event(model).model_dump(mode="json"))
    if envelope.data != example_event(model).model_dump(mode="json"):
        with pytest.raises(ValidationError):  # producers stay strict: a misspelt field is a bug
            model.model_validate(envelope.data)


def test_examples_are_handled_by_every_consumer(runner_factory, service_config):
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
            # as a newer producer sends it: every field of the example, and some this code does not know
            producer.publish(
                newer_cloudevent(model),
                exchange=exchange,
                routing_key=event_type,
                content_type="application/cloudevents+json",
                content_encoding="utf-8",
                declare=[exchange],
            )
    # Wait until every consumer queue is drained (handled or dead-lettered).
    deadline = time.time() + 60
    queues = [q for names in consumers.values() for q in names]
    while True:
        with Connection(amqp_uri) as conn:
            channel = conn.default_channel
            backlog = {q: n for q in queues if (n := channel.queue_declare(q, passive=True).message_count)}
        if not backlog or time.time() > deadline:
            break
        time.sleep(0.3)
    assert backlog == {}, f"consumers did not drain their queues: {backlog}"
    time.sleep(1.0)  # let the last workers finish (and any retry land)
    letters = list_dead_letters(amqp_uri)
    assert letters == [], "consumers failed on valid facts:\n" + "\n".join(
        f"{d['queue']}: {d['error']}" for d in letters
    )
