"""An asyncio client for nameko RPC (aio-pika), so the gateway never blocks on a service.

nameko's wire protocol: publish {"args", "kwargs"} to the `nameko-rpc` topic exchange with routing
key "<service>.<method>", reply_to and correlation_id; the reply {"result", "error"} comes back
through the same exchange to our exclusive reply queue. Every call has a timeout; the request
message expires with it, so a service that comes back later does not act on a request nobody
waits for any more.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import aio_pika
from aio_pika.exceptions import DeliveryError
from aiormq.exceptions import ChannelInvalidStateError

from contracts.errors import ERRORS_BY_NAME, WenyunError
from kit.callers import AUTHORIZATION, forwarded_token
from kit.request_ids import current_request_id


class ServiceUnavailable(Exception):
    def __init__(self, service: str, reason: str):
        super().__init__(f"{service}: {reason}")
        self.service = service
        self.reason = reason


class RemoteError(Exception):
    """An unexpected error inside a service (a bug there): the gateway answers 500."""

    def __init__(self, service: str, exc_type: str, value: str):
        super().__init__(f"{service} raised {exc_type}: {value}")
        self.service, self.exc_type, self.value = service, exc_type, value


class RpcClient:
    def __init__(self, amqp_uri: str, timeout: float = 8.0):
        self.amqp_uri = amqp_uri
        self.timeout = timeout
        self._connection: aio_pika.abc.AbstractRobustConnection | None = None
        self._pending: dict[str, asyncio.Future] = {}

    async def connect(self) -> None:
        self._connection = await aio_pika.connect_robust(self.amqp_uri, timeout=5)
        channel = await self._connection.channel(publisher_confirms=True)
        self._exchange = await channel.declare_exchange("nameko-rpc", aio_pika.ExchangeType.TOPIC, durable=True)
        self._reply_queue = await channel.declare_queue(
            f"rpc.reply-gateway-{uuid.uuid4().hex}", exclusive=True, auto_delete=True
        )
        await self._reply_queue.bind(self._exchange, routing_key=self._reply_queue.name)
        await self._reply_queue.consume(self._on_reply, no_ack=True)

    async def subscribe(self, exchange: str, routing_key: str, on_message) -> None:
        """Hear facts of one type on a private queue that lives as long as this connection (and is
        restored with it): `on_message(body: bytes)`, for local state such as revoked sessions."""
        if not self.connected:
            raise ServiceUnavailable(exchange.split(".")[0], "the message broker is not reachable")
        channel = await self._connection.channel()
        source = await channel.declare_exchange(exchange, aio_pika.ExchangeType.TOPIC, durable=True)
        queue = await channel.declare_queue(
            f"gateway-{routing_key}-{uuid.uuid4().hex}", exclusive=True, auto_delete=True
        )
        await queue.bind(source, routing_key=routing_key)

        async def deliver(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            await on_message(message.body)

        await queue.consume(deliver, no_ack=True)

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()

    @property
    def connected(self) -> bool:
        return self._connection is not None and not self._connection.is_closed

    async def _on_reply(self, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        future = self._pending.pop(message.correlation_id or "", None)
        if future is not None and not future.done():
            future.set_result(json.loads(message.body))

    async def call(
        self,
        service: str,
        method: str,
        *args: Any,
        timeout: float | None = None,
        idempotency_key: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if not self.connected:
            raise ServiceUnavailable(service, "the message broker is not reachable")
        timeout = timeout or self.timeout
        correlation_id = uuid.uuid4().hex
        future = asyncio.get_running_loop().create_future()
        self._pending[correlation_id] = future
        body = json.dumps({"args": list(args), "kwargs": kwargs}, default=str).encode()
        try:
            # One deadline for the whole call: publishing (which waits while the broker reconnects)
            # and the answer together never take longer than `timeout`.
            async with asyncio.timeout(timeout):
                await self._exchange.publish(
                    aio_pika.Message(
                        body,
                        content_type="application/json",
                        correlation_id=correlation_id,
                        reply_to=self._reply_queue.name,
                        expiration=timeout,
                        # nameko hands "nameko.*" headers to the worker as context data
                        headers=_context_headers(idempotency_key),
                    ),
                    routing_key=f"{service}.{method}",
                    mandatory=True,
                )
                reply = await future
        except DeliveryError as exc:
            raise ServiceUnavailable(service, "the service has never started (no queue)") from exc
        except asyncio.TimeoutError as exc:
            raise ServiceUnavailable(service, f"no answer within {timeout:g} s") from exc
        except (aio_pika.exceptions.AMQPError, ChannelInvalidStateError, ConnectionError) as exc:
            raise ServiceUnavailable(
                service, f"the message broker connection failed ({exc.__class__.__name__})"
            ) from exc
        finally:
            self._pending.pop(correlation_id, None)
        error = reply.get("error")
        if error:
            raise _to_exception(service, error)
        return reply.get("result")


def _context_headers(idempotency_key: str | None) -> dict | None:
    """The request's id (kit.request_ids), the caller's verified access token (kit.callers: the services
    believe it, not the actor argument) and the write's idempotency key, for the worker's context."""
    headers = {"nameko.request_id": current_request_id()} if current_request_id() else {}
    if forwarded_token():
        headers[f"nameko.{AUTHORIZATION}"] = forwarded_token()
    if idempotency_key:
        headers["nameko.idempotency_key"] = idempotency_key
    return headers or None


def _to_exception(service: str, error: dict) -> Exception:
    cls = ERRORS_BY_NAME.get(error.get("exc_type", ""))
    if cls is not None and error.get("exc_path", "").startswith("contracts.errors"):
        args = error.get("exc_args") or [error.get("value", "")]
        detail = args[0] if args else ""
        extra = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
        return cls(str(detail), extra)
    return RemoteError(service, error.get("exc_type", "?"), error.get("value", ""))


__all__ = ["RpcClient", "ServiceUnavailable", "RemoteError", "WenyunError"]
