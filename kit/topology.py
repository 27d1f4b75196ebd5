"""Declare, at deploy time, every durable queue and binding the services consume from.

nameko declares an event handler's queue when the consumer first starts; an event published
before that is dropped by the exchange. `wenyun migrate` (and `wenyun run`) call this first.
"""

from __future__ import annotations

from kombu import Connection, Queue

from kit.bus import dead_letter_queue, events_exchange


def event_queues(service_cls) -> list[Queue]:
    """The queues nameko will consume for the CloudEvent handlers of `service_cls`."""
    queues = []
    for name in dir(service_cls):
        method = getattr(service_cls, name, None)
        for entrypoint in getattr(method, "nameko_entrypoints", ()):
            if not getattr(entrypoint, "delivers_cloudevents", False):
                continue
            queue_name = f"evt-{entrypoint.source_service}-{entrypoint.event_type}--{service_cls.name}.{name}"
            queues.append(
                Queue(
                    queue_name,
                    exchange=events_exchange(entrypoint.source_service),
                    routing_key=entrypoint.event_type,
                    durable=True,
                    auto_delete=False,
                )
            )
    return queues


def declare_topology(amqp_uri: str, service_classes) -> list[str]:
    declared = []
    with Connection(amqp_uri, connect_timeout=5) as conn:
        channel = conn.default_channel
        dead_letter_queue()(channel).declare()
        for cls in service_classes:
            events_exchange(cls.name)(channel).declare()
            for queue in event_queues(cls):
                queue(channel).declare()
                declared.append(queue.name)
    return declared


def delete_topology(amqp_uri: str, service_classes) -> None:
    """Tests only: remove the queues so the next test starts clean."""
    with Connection(amqp_uri, connect_timeout=5) as conn:
        channel = conn.default_channel
        for cls in service_classes:
            for queue in event_queues(cls):
                queue(channel).delete()
        dead_letter_queue()(channel).delete()
