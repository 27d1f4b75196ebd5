"""RabbitMQ conventions shared by every process: exchanges, the dead-letter queue, and the
CloudEvents content type registered with kombu so nameko consumers accept it."""

from __future__ import annotations

import json

from kombu import Connection, Exchange, Queue
from kombu.serialization import register

from contracts.envelope import CONTENT_TYPE

DEAD_LETTER_QUEUE = "wenyun.dead-letters"
RPC_EXCHANGE = "nameko-rpc"


def _loads(body):
    return json.loads(body.decode("utf-8") if isinstance(body, (bytes, bytearray)) else body)


# Structured CloudEvents are JSON; nameko consumers list "cloudevents" in their ACCEPT config.
register("cloudevents", json.dumps, _loads, content_type=CONTENT_TYPE, content_encoding="utf-8")


def events_exchange(service: str) -> Exchange:
    # Same arguments as nameko's get_event_exchange, so either side may declare it first.
    return Exchange(f"{service}.events", type="topic", durable=True, delivery_mode=2, auto_delete=False)


def dead_letter_queue() -> Queue:
    return Queue(DEAD_LETTER_QUEUE, exchange=Exchange(""), routing_key=DEAD_LETTER_QUEUE, durable=True)


def confirming_connection(amqp_uri: str) -> Connection:
    """A connection whose publishes wait for the broker's confirm (nothing is 'sent' until stored)."""
    return Connection(amqp_uri, transport_options={"confirm_publish": True}, connect_timeout=5)


class BrokerUnreachable(RuntimeError):
    pass


def check_broker(amqp_uri: str, timeout: float = 3.0) -> None:
    """Raise BrokerUnreachable with a one-line explanation when RabbitMQ cannot be reached."""
    conn = Connection(amqp_uri, connect_timeout=timeout)
    try:
        conn.ensure_connection(max_retries=1, timeout=timeout)
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable" to the operator
        safe = amqp_uri.split("@")[-1]
        raise BrokerUnreachable(
            f"RabbitMQ is not reachable at {safe} ({exc.__class__.__name__}). Start one with "
            f"`rabbitmq-server -detached` (or `docker compose up -d rabbitmq`), or set AMQP_URI."
        ) from exc
    finally:
        conn.release()
