"""RabbitMQ conventions shared by every process: exchanges, the dead-letter queue, the type of every
durable queue, the broker address list, and the CloudEvents content type registered with kombu so
nameko consumers accept it.

Durable queues are quorum queues by default (WENYUN_QUEUE_TYPE=quorum): replicated on a majority of
a cluster's nodes, so losing one node loses no queue and no message, and a publisher confirm means
"stored on a majority". `classic` keeps the old single-node queues (a test, or a deployment before
`wenyun migrate-queues`). Reply queues stay exclusive classic queues: they live as long as their
connection and are declared again with it.
"""

from __future__ import annotations

import json

from kombu import Connection, Exchange, Queue
from kombu.serialization import register

from contracts.envelope import CONTENT_TYPE
from kit.settings import get_settings

DEAD_LETTER_QUEUE = "wenyun.dead-letters"
RPC_EXCHANGE = "nameko-rpc"
QUEUE_TYPES = ("classic", "quorum")


def durable_queue_arguments(queue_type: str) -> dict:
    """The arguments every durable queue is declared with (the same by whoever declares it first)."""
    if queue_type not in QUEUE_TYPES:
        raise ValueError(f"unknown queue type {queue_type!r} (one of {', '.join(QUEUE_TYPES)})")
    return {"x-queue-type": "quorum"} if queue_type == "quorum" else {}


def dead_lettering_queue_arguments(queue_type: str) -> dict:
    """Arguments of a queue whose messages expire back into another queue (the handlers' retry queues).
    A quorum queue dead-letters at most once unless told otherwise; at-least-once needs reject-publish
    (RabbitMQ 3.10+, "Dead Lettering" in the quorum queue guide)."""
    arguments = durable_queue_arguments(queue_type)
    if queue_type == "quorum":
        arguments |= {"x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish"}
    return arguments


def queue_type_of(config: dict) -> str:
    """The queue type from a nameko container's config (its WENYUN_SETTINGS, else the environment)."""
    settings = config.get("WENYUN_SETTINGS") or get_settings()
    return settings.queue_type


def broker_addresses(amqp_uri: str) -> list[str]:
    """`amqp://a/;amqp://b/` (kombu's failover syntax, one address per cluster node) → each address."""
    return [part.strip() for part in amqp_uri.split(";") if part.strip()]


def safe_address(amqp_uri: str) -> str:
    """The addresses without credentials, for messages and logs."""
    return ";".join(address.split("@")[-1] for address in broker_addresses(amqp_uri))


def _loads(body):
    return json.loads(body.decode("utf-8") if isinstance(body, (bytes, bytearray)) else body)


# Structured CloudEvents are JSON; nameko consumers list "cloudevents" in their ACCEPT config.
register("cloudevents", json.dumps, _loads, content_type=CONTENT_TYPE, content_encoding="utf-8")


def events_exchange(service: str) -> Exchange:
    # Same arguments as nameko's get_event_exchange, so either side may declare it first.
    return Exchange(f"{service}.events", type="topic", durable=True, delivery_mode=2, auto_delete=False)


def dead_letter_queue(queue_type: str | None = None) -> Queue:
    queue_type = queue_type or get_settings().queue_type
    return Queue(
        DEAD_LETTER_QUEUE,
        exchange=Exchange(""),
        routing_key=DEAD_LETTER_QUEUE,
        durable=True,
        queue_arguments=durable_queue_arguments(queue_type),
    )


class BrokerUnreachable(RuntimeError):
    pass


def check_broker(amqp_uri: str, timeout: float = 3.0) -> None:
    """Raise BrokerUnreachable with a one-line explanation when RabbitMQ cannot be reached."""
    conn = Connection(amqp_uri, connect_timeout=timeout)
    try:
        conn.ensure_connection(max_retries=1, timeout=timeout)
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable" to the operator
        safe = safe_address(amqp_uri)
        raise BrokerUnreachable(
            f"RabbitMQ is not reachable at {safe} ({exc.__class__.__name__}). Start one with "
            f"`rabbitmq-server -detached` (or `docker compose up -d rabbitmq`), or set AMQP_URI."
        ) from exc
    finally:
        conn.release()
