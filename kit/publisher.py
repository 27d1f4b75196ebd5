"""The one way the kit publishes: a py-amqp channel in confirm mode (under a kombu connection).

A batch is published in one go and its publisher confirms are awaited together (pipelined), so
nothing counts as sent before the broker stored it. Used by the outbox relay (facts) and by the
event handlers (retries and dead letters). Not thread-safe: one user at a time (callers lock).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import amqp
from kombu import Connection


@dataclass(frozen=True)
class Outgoing:
    body: bytes
    exchange: str
    routing_key: str
    properties: dict[str, Any] = field(default_factory=dict)  # content_type, message_id, application_headers…


class ConfirmedPublisher:
    def __init__(self, amqp_uri: str, confirm_timeout: float = 15.0):
        self.amqp_uri = amqp_uri
        self.confirm_timeout = confirm_timeout
        self._connection: Connection | None = None
        self._channel: Any = None
        self._declared: set[str] = set()
        self._unconfirmed: set[int] = set()
        self._nacked = False
        self._next_tag = 0
        self._returned: list[tuple[str, str, str | None]] = []  # (exchange, routing key, message id)

    def _ensure_channel(self):
        if self._channel is None:
            self._connection = Connection(self.amqp_uri, connect_timeout=5)
            self._connection.ensure_connection(max_retries=3)
            channel = self._connection.connection.channel()
            channel.confirm_select()
            channel.events["basic_ack"].add(self._on_ack)
            channel.events["basic_nack"].add(self._on_nack)
            channel.events["basic_return"].add(self._on_return)
            self._channel, self._next_tag, self._unconfirmed, self._nacked = channel, 0, set(), False
            self._declared.clear()
        return self._channel

    def _on_ack(self, delivery_tag, multiple):
        if multiple:
            self._unconfirmed = {t for t in self._unconfirmed if t > delivery_tag}
        else:
            self._unconfirmed.discard(delivery_tag)

    def _on_nack(self, delivery_tag, multiple):
        self._nacked = True
        self._on_ack(delivery_tag, multiple)

    def _on_return(self, _exc, exchange, routing_key, message):
        # RabbitMQ sends basic.return before the confirm of the same message.
        self._returned.append((exchange, routing_key, message.properties.get("message_id")))

    def declare_topic_exchange(self, name: str) -> None:
        # Same arguments as nameko's event exchanges (kit.bus.events_exchange).
        if name not in self._declared:
            self._ensure_channel().exchange_declare(name, "topic", durable=True, auto_delete=False)
            self._declared.add(name)

    def declare_queue(self, name: str, arguments: dict[str, Any] | None = None) -> None:
        """A durable queue (the same arguments whoever declares it first)."""
        if name not in self._declared:
            self._ensure_channel().queue_declare(name, durable=True, auto_delete=False, arguments=arguments or {})
            self._declared.add(name)

    def publish(self, messages: Iterable[Outgoing], *, mandatory: bool = False) -> list[tuple[str, str, str | None]]:
        """Publish persistently, then wait until the broker confirmed every message (or raise).

        With `mandatory`, returns (exchange, routing key, message id) of each message that no queue took
        (the broker confirms those too: a confirm alone does not mean a queue has it)."""
        channel = self._ensure_channel()
        self._returned = []
        for message in messages:
            self._next_tag += 1
            self._unconfirmed.add(self._next_tag)
            channel.basic_publish(
                amqp.Message(message.body, delivery_mode=2, **message.properties),
                exchange=message.exchange,
                routing_key=message.routing_key,
                mandatory=mandatory,
            )
        deadline = time.monotonic() + self.confirm_timeout
        while self._unconfirmed:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"the broker did not confirm {len(self._unconfirmed)} message(s)")
            self._connection.connection.drain_events(timeout=remaining)  # type: ignore[union-attr]
        if self._nacked:
            self._nacked = False
            raise RuntimeError("the broker refused (nacked) a message; the batch will be sent again")
        returned, self._returned = self._returned, []
        return returned

    def close(self) -> None:
        try:
            if self._connection is not None:
                self._connection.release()
        except Exception:  # noqa: BLE001 - the connection is being thrown away anyway
            pass
        self._connection = self._channel = None
