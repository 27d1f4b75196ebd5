"""Move a deployment's durable queues to another queue type (classic → quorum), keeping every message.

A queue's type cannot be changed in place (RabbitMQ refuses a declaration with another `x-queue-type`:
PRECONDITION_FAILED), so each queue that has the wrong type is moved through a temporary queue, with
the services stopped (nothing consumes) while publishers may go on (outbox relays of other processes):

1. declare `<queue>.migrating` with the new type and the queue's binding — new facts now reach both;
2. unbind the old queue, move its messages to the temporary one (each published with a confirm before
   it is acked), delete it once empty (a consumer still attached stops the move before it starts);
3. declare the queue again with the new type and its binding, move the temporary queue's messages
   back, unbind and delete the temporary queue.

At every moment at least one queue is bound, so no publish is lost; a message may be moved twice if
the command is interrupted and run again, which the consumers' inbox makes harmless. Run as
`wenyun migrate-queues` (docs/deployment.md).
"""

from __future__ import annotations

import amqp
from amqp.exceptions import PreconditionFailed
from kombu import Connection, Queue

from kit.bus import dead_letter_queue
from kit.topology import service_queues

MIGRATING_SUFFIX = ".migrating"


class QueueInUse(RuntimeError):
    pass


def platform_queues(service_classes, queue_type: str) -> list[Queue]:
    queues = [dead_letter_queue(queue_type)]
    for cls in service_classes:
        queues.extend(service_queues(cls, queue_type))
    return queues


def migrate_queues(amqp_uri: str, service_classes, queue_type: str) -> list[dict]:
    """Give every durable queue of `service_classes` (and the dead-letter queue) the type `queue_type`.
    Returns one line per queue: {"queue", "action": "kept" | "moved", "messages"}."""
    report = []
    with Connection(amqp_uri, transport_options={"confirm_publish": True}, connect_timeout=5) as conn:
        conn.ensure_connection(max_retries=3)
        for queue in platform_queues(service_classes, queue_type):
            report.append(_migrate(conn, queue))
    return report


def _declares(conn: Connection, queue: Queue) -> bool:
    """True when `queue` can be declared as given (it is new, or already of that type)."""
    channel = conn.connection.channel()
    try:
        queue(channel).declare()
    except PreconditionFailed:
        return False  # the broker closed this channel
    channel.close()
    return True


def _migrate(conn: Connection, queue: Queue) -> dict:
    if _declares(conn, queue):
        return {"queue": queue.name, "action": "kept", "messages": 0}
    temporary = Queue(
        queue.name + MIGRATING_SUFFIX,
        exchange=queue.exchange,
        routing_key=queue.routing_key,
        durable=True,
        queue_arguments=queue.queue_arguments,  # type: ignore[attr-defined]  # set by kombu from the constructor
    )
    channel = conn.connection.channel()
    consumers = channel.queue_declare(queue.name, passive=True).consumer_count
    if consumers:
        channel.close()
        raise QueueInUse(f"{consumers} consumer(s) still read {queue.name}: stop the services first")
    temporary(channel).declare()
    bound = bool(queue.exchange and queue.exchange.name)
    if bound:
        channel.queue_unbind(queue.name, queue.exchange.name, queue.routing_key)
    moved = _move(channel, queue.name, temporary.name)
    _delete_empty(channel, queue.name)
    channel.close()
    # A fresh channel: RabbitMQ 3.10 keeps a channel's view of a queue it used by name, and crashes the
    # channel (INTERNAL_ERROR) when it meets the same name as a queue of another type.
    channel = conn.connection.channel()
    queue(channel).declare()
    _move(channel, temporary.name, queue.name)
    if bound:
        channel.queue_unbind(temporary.name, queue.exchange.name, queue.routing_key)
    _move(channel, temporary.name, queue.name)  # what arrived while both were bound
    _delete_empty(channel, temporary.name)
    channel.close()
    return {"queue": queue.name, "action": "moved", "messages": moved}


def _delete_empty(channel, name: str) -> None:
    # Quorum queues refuse queue.delete's if-empty flag: look, then delete (nothing is bound to it now).
    if channel.queue_declare(name, passive=True).message_count:
        raise RuntimeError(f"{name} received messages while being moved; run the command again")
    channel.queue_delete(name)


def _move(channel, source: str, target: str) -> int:
    """Move every message of `source` to `target` (confirmed publish, then ack)."""
    moved = 0
    while (message := channel.basic_get(source, no_ack=False)) is not None:
        properties = {k: v for k, v in message.properties.items() if k != "delivery_info"}
        channel.basic_publish(amqp.Message(message.body, **properties), exchange="", routing_key=target)
        channel.basic_ack(message.delivery_tag)
        moved += 1
    return moved
