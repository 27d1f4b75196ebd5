"""Declare, at deploy time, every durable queue and binding the services consume from.

nameko declares an event handler's queue when the consumer first starts; an event published
before that is dropped by the exchange. `wenyun migrate` (and `wenyun run`) call this first.
"""

from __future__ import annotations

from amqp.exceptions import PreconditionFailed
from kombu import Connection, Exchange, Queue
from nameko.rpc import Rpc

from kit.bus import RPC_EXCHANGE, dead_letter_queue, durable_queue_arguments, events_exchange
from kit.settings import get_settings


def event_queues(service_cls, queue_type: str = "quorum") -> list[Queue]:
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
                    queue_arguments=durable_queue_arguments(queue_type),
                )
            )
    return queues


def rpc_exchange() -> Exchange:
    # As nameko's get_rpc_exchange: a durable topic exchange.
    return Exchange(RPC_EXCHANGE, type="topic", durable=True, auto_delete=False)


def rpc_queue(service_name: str, queue_type: str) -> Queue:
    """The queue of a service's RPC requests (nameko's name and binding; kit.rpc consumes it)."""
    return Queue(
        f"rpc-{service_name}",
        exchange=rpc_exchange(),
        routing_key=f"{service_name}.*",
        durable=True,
        queue_arguments=durable_queue_arguments(queue_type),
    )


def service_queues(service_cls, queue_type: str) -> list[Queue]:
    """Every durable queue a service consumes: its RPC queue and its event handlers' queues."""
    has_rpc = any(
        isinstance(entrypoint, Rpc)
        for name in dir(service_cls)
        for entrypoint in getattr(getattr(service_cls, name, None), "nameko_entrypoints", ())
    )
    return ([rpc_queue(service_cls.name, queue_type)] if has_rpc else []) + event_queues(service_cls, queue_type)


def subscribed_routes(service_classes) -> frozenset[tuple[str, str]]:
    """(exchange, routing key) of every fact some service subscribes to: a publish of one of these that
    no queue takes is a lost fact (kit.outbox_relay keeps it unsent)."""
    return frozenset((queue.exchange.name, queue.routing_key) for cls in service_classes for queue in event_queues(cls))


class QueueTypeMismatch(RuntimeError):
    """A queue exists with other arguments (a classic queue where a quorum queue is asked for)."""


def declare_topology(amqp_uri: str, service_classes, queue_type: str | None = None) -> list[str]:
    """Declare the dead-letter queue, the services' exchanges and every queue they consume (RPC and
    events), so a fact published before a consumer first starts is kept, and a publish that no queue
    takes is a real loss (mandatory publishing, kit.outbox_relay)."""
    queue_type = queue_type or get_settings().queue_type
    declared = []
    with Connection(amqp_uri, connect_timeout=5) as conn:
        channel = conn.default_channel
        queues = [dead_letter_queue(queue_type)]
        for cls in service_classes:
            events_exchange(cls.name)(channel).declare()
            queues.extend(service_queues(cls, queue_type))
        for queue in queues:
            try:
                queue(conn.default_channel).declare()
            except PreconditionFailed as exc:
                raise QueueTypeMismatch(
                    f"the queue {queue.name} exists with other arguments than WENYUN_QUEUE_TYPE={queue_type} "
                    f"asks for ({exc.reply_text}); move it with `wenyun migrate-queues`"
                ) from exc
            declared.append(queue.name)
    return declared


def delete_topology(amqp_uri: str, service_classes) -> None:
    """Tests only: remove the queues so the next test starts clean."""
    with Connection(amqp_uri, connect_timeout=5) as conn:
        channel = conn.default_channel
        for cls in service_classes:
            for queue in service_queues(cls, "classic"):
                queue(channel).delete()
        dead_letter_queue("classic")(channel).delete()
