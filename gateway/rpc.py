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
import logging
import uuid
from typing import Any

import aio_pika
from aio_pika.exceptions import DeliveryError
from aiormq.exceptions import ChannelInvalidStateError
from pamqp.commands import Basic

from contracts.errors import ERRORS_BY_NAME, WenyunError
from kit.bus import RPC_EXCHANGE, broker_addresses, safe_address
from kit.callers import AUTHORIZATION, forwarded_token
from kit.request_ids import current_request_id

log = logging.getLogger("wenyun.gateway")


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


RECONNECT_DELAY_MAX = 2.0


class RpcClient:
    """One AMQP connection to the first broker node that answers (`amqp_uri` may list several, separated
    by ";"), kept by a task that, when it is lost, connects to the next node and declares again all it
    consumes: the exclusive reply queue (a new one) and every subscription. aio-pika's robust connection
    is not used: it reconnects to one address only and has been seen to leave the reply queue undeclared."""

    def __init__(self, amqp_uri: str, timeout: float = 8.0):
        self.amqp_uri = amqp_uri
        self.addresses = broker_addresses(amqp_uri)
        self.timeout = timeout
        self._connection: aio_pika.abc.AbstractConnection | None = None
        self._pending: dict[str, asyncio.Future] = {}
        self._subscriptions: list[tuple[str, str, Any]] = []
        self._ready = asyncio.Event()
        self._keeper: asyncio.Task | None = None
        self._closing = False
        self.last_error: str | None = None

    async def connect(self, wait: float = 5.0) -> None:
        """Start keeping a connection; wait up to `wait` seconds for the first (raise if none yet: the
        task goes on trying, and /health says the broker is down meanwhile)."""
        if self._keeper is None:
            self._keeper = asyncio.get_running_loop().create_task(self._keep_connected())
        try:
            await asyncio.wait_for(self._ready.wait(), wait)
        except asyncio.TimeoutError:
            raise ConnectionError(f"no broker node answered: {self.last_error}") from None

    async def _keep_connected(self) -> None:
        attempt = 0
        while not self._closing:
            address = self.addresses[attempt % len(self.addresses)]
            attempt += 1
            try:
                connection = await aio_pika.connect(address, timeout=5)
            except Exception as exc:  # noqa: BLE001 - try the next node
                self.last_error = f"{safe_address(address)}: {exc.__class__.__name__}"
                await asyncio.sleep(min(RECONNECT_DELAY_MAX, 0.2 * attempt))
                continue
            try:
                channel = await self._declare(connection)
            except Exception as exc:  # noqa: BLE001 - the node went away while we declared
                self.last_error = f"{safe_address(address)}: {exc.__class__.__name__} while declaring"
                await _close_quietly(connection)
                continue
            attempt -= 1  # the next try starts at the node that worked
            self._connection, self.last_error = connection, None
            self._ready.set()
            log.info("connected to RabbitMQ at %s", safe_address(address))
            done, _ = await asyncio.wait(
                [asyncio.ensure_future(connection.closed()), asyncio.ensure_future(channel.closed())],
                return_when=asyncio.FIRST_COMPLETED,
            )
            self._ready.clear()
            self._connection = None
            self._fail_pending("the message broker connection was lost")
            await _close_quietly(connection)
            if not self._closing:
                self.last_error = f"{safe_address(address)}: connection lost"
                log.warning("lost RabbitMQ at %s; connecting again", safe_address(address))
                attempt += 1  # the next node first

    async def _declare(self, connection) -> aio_pika.abc.AbstractChannel:
        channel = await connection.channel(publisher_confirms=True)
        reply_exchange = await channel.declare_exchange(RPC_EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True)
        await self._open_publisher(connection)
        # Exclusive: it lives on this connection's node and dies with it; the next connection declares a new one.
        reply_queue = await channel.declare_queue(
            f"rpc.reply-gateway-{uuid.uuid4().hex}", exclusive=True, auto_delete=True
        )
        await reply_queue.bind(reply_exchange, routing_key=reply_queue.name)
        await reply_queue.consume(self._on_reply, no_ack=True)
        self._reply_queue = reply_queue
        for exchange, routing_key, on_message in self._subscriptions:
            await self._subscribe_on(connection, exchange, routing_key, on_message)
        return channel

    async def _open_publisher(self, connection) -> None:
        """Requests go out on a channel of their own, which can be replaced without losing the reply queue."""
        channel = await connection.channel(publisher_confirms=True)
        self._exchange = await channel.declare_exchange(RPC_EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True)
        self._publish_channel = channel

    async def _renew_publisher(self, failed_exchange) -> None:
        # A RabbitMQ 3.10 channel that published to a quorum queue while its leader was being elected was
        # seen to have every later publish to that queue refused (nack) for minutes, though the queue had
        # a new leader within a second; a fresh channel publishes at once.
        if failed_exchange is not self._exchange or not self.connected:
            return  # another call renewed it already, or the connection is being replaced
        old = self._publish_channel
        try:
            await self._open_publisher(self._connection)
        except Exception as exc:  # noqa: BLE001 - the keeper task reconnects if the connection is gone
            log.warning("could not open a new publishing channel: %s", exc)
            return
        try:
            await old.close()
        except Exception:  # noqa: BLE001 - it is being thrown away
            pass

    def _fail_pending(self, reason: str) -> None:
        # Their answers would come to a reply queue that is gone: fail now (the caller may retry with its
        # idempotency key and get the first answer) rather than wait for the timeout.
        for future in self._pending.values():
            if not future.done():
                future.set_exception(ConnectionError(reason))
        self._pending.clear()

    async def subscribe(self, exchange: str, routing_key: str, on_message) -> None:
        """Hear facts of one type on a private queue that lives as long as this connection (and is
        declared again with the next): `on_message(body: bytes)`, for local state such as revoked sessions."""
        if not self.connected:
            raise ServiceUnavailable(exchange.split(".")[0], "the message broker is not reachable")
        await self._subscribe_on(self._connection, exchange, routing_key, on_message)
        self._subscriptions.append((exchange, routing_key, on_message))

    async def _subscribe_on(self, connection, exchange: str, routing_key: str, on_message) -> None:
        channel = await connection.channel()
        source = await channel.declare_exchange(exchange, aio_pika.ExchangeType.TOPIC, durable=True)
        queue = await channel.declare_queue(
            f"gateway-{routing_key}-{uuid.uuid4().hex}", exclusive=True, auto_delete=True
        )
        await queue.bind(source, routing_key=routing_key)

        async def deliver(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            await on_message(message.body)

        await queue.consume(deliver, no_ack=True)

    async def close(self) -> None:
        self._closing = True
        if self._keeper is not None:
            self._keeper.cancel()
        if self._connection is not None:
            await _close_quietly(self._connection)

    @property
    def connected(self) -> bool:
        return self._ready.is_set() and self._connection is not None and not self._connection.is_closed

    async def round_trip(self, timeout: float = 2.0) -> None:
        """Send a message to our own reply queue through the RPC exchange and wait for it: proves that
        publishing, the reply queue's binding and its consumer all work (raise ServiceUnavailable if not)."""
        if not self.connected:
            raise ServiceUnavailable("gateway", f"the message broker is not reachable ({self.last_error})")
        correlation_id = uuid.uuid4().hex
        future = asyncio.get_running_loop().create_future()
        self._pending[correlation_id] = future
        try:
            async with asyncio.timeout(timeout):
                await self._exchange.publish(
                    aio_pika.Message(b'{"result": "pong"}', correlation_id=correlation_id, expiration=timeout),
                    routing_key=self._reply_queue.name,
                    mandatory=True,
                )
                await future
        except (asyncio.TimeoutError, DeliveryError, aio_pika.exceptions.AMQPError, ConnectionError) as exc:
            raise ServiceUnavailable("gateway", f"its reply queue does not answer ({exc.__class__.__name__})") from exc
        finally:
            self._pending.pop(correlation_id, None)

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
        exchange = self._exchange
        try:
            # One deadline for the whole call: publishing (which waits while the broker reconnects)
            # and the answer together never take longer than `timeout`.
            async with asyncio.timeout(timeout):
                await exchange.publish(
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
            if isinstance(exc.frame, Basic.Return):
                raise ServiceUnavailable(service, "the service has never started (no queue)") from exc
            await self._renew_publisher(exchange)
            raise ServiceUnavailable(
                service, "the broker refused the request (its queue is electing a leader)"
            ) from exc
        except asyncio.TimeoutError as exc:
            raise ServiceUnavailable(service, f"no answer within {timeout:g} s") from exc
        except (aio_pika.exceptions.AMQPError, ChannelInvalidStateError, ConnectionError, RuntimeError) as exc:
            await self._renew_publisher(exchange)
            raise ServiceUnavailable(
                service, f"the message broker connection failed ({exc.__class__.__name__})"
            ) from exc
        finally:
            self._pending.pop(correlation_id, None)
        error = reply.get("error")
        if error:
            raise _to_exception(service, error)
        return reply.get("result")


async def _close_quietly(connection) -> None:
    try:
        await connection.close()
    except Exception:  # noqa: BLE001 - it is being thrown away
        pass


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
