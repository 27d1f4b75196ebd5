"""RPC entrypoints and calls between services.

`rpc` — use instead of nameko's: same entrypoint, but a reply that cannot be published (the broker
is restarting) is logged and the request left unacked, so it is redelivered once the connection is
back, instead of the error killing the whole service container (nameko's default after 3 tries).
Redelivered commands are harmless because the gateway gives every write an idempotency key that
the command's transaction claims (kit.unit_of_work).

`TimedRpcProxy` — calling another service, always with a timeout (DESIGN §2), and with a service token
of the calling service (kit.callers) beside the person's token that nameko passes on:

    venues = TimedRpcProxy("venues", timeout=5)
    hold = self.venues.hold_room(actor=..., room_id=...)

A `contracts.errors` error raised by the other service is raised here as the same class (so a
`Conflict` in venues reaches the gateway as a 409); no answer in time raises `Unavailable` (503).
"""

from __future__ import annotations

import hashlib
import logging

import eventlet
from nameko.amqp.publish import Publisher
from nameko.exceptions import registry
from nameko.rpc import ReplyListener, Responder, Rpc, RpcConsumer, RpcProxy

from contracts.errors import ERRORS_BY_NAME, Unavailable
from kit.bus import queue_type_of
from kit.callers import SERVICE_TOKEN, Callers, signer_of
from kit.inbox import FRESH_KEY_PREFIX
from kit.topology import rpc_queue

log = logging.getLogger(__name__)
IDEMPOTENCY_KEY = "idempotency_key"  # travels as the AMQP header "nameko.idempotency_key"


def scoped_idempotency_key(kwargs: dict, context_data: dict | None) -> str | None:
    """The caller's idempotency key scoped to the caller (the actor's `sub`): two clients that both send
    `1` never meet. 64 hex characters (the inbox's key column)."""
    raw = (context_data or {}).get(IDEMPOTENCY_KEY)
    if not raw:
        return None
    actor = kwargs.get("actor")
    caller = actor.get("sub") if isinstance(actor, dict) else None
    return hashlib.sha256(f"{caller or '-'}\x1f{raw}".encode("utf-8")).hexdigest()


def _token_names_actor(container, kwargs: dict, context_data: dict) -> bool:
    """A stored answer goes back only to the caller it was for: the actor's `sub` that scopes the key
    must be the one the call's verified token names (kit.callers), not merely claimed."""
    actor = kwargs.get("actor")
    if actor is None:
        return True
    callers = next((d for d in container.dependencies if isinstance(d, Callers)), None)
    sub = callers.subject(context_data) if callers is not None else None
    return isinstance(actor, dict) and sub is not None and actor.get("sub") == sub


def _answer_store(container):
    """The service's kit.database.Database (duck-typed: kit.unit_of_work imports this module)."""
    return next((d for d in container.dependencies if hasattr(d, "stored_answer")), None)


# Let nameko rebuild our errors as the same classes (with their args) on the calling side.
for _cls in ERRORS_BY_NAME.values():
    registry[f"{_cls.__module__}.{_cls.__name__}"] = _cls


class _PatientPublisher(Publisher):
    # Ride out a short broker blip before giving up on a reply.
    retry_policy = {"max_retries": 6, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 2}
    # A reply needs no publisher confirm (waiting for it was ~22 % of a read in venues' profile): a lost
    # reply times out at the caller, and a retried write finds its stored answer (idempotency key).
    use_confirms = False


class _PatientResponder(Responder):
    publisher_cls = _PatientPublisher


class ResilientRpcConsumer(RpcConsumer):
    def setup(self):
        # nameko's queue, declared with the platform's queue type (a quorum queue survives a lost node).
        if self.queue is None:
            self.queue = rpc_queue(self.container.service_name, queue_type_of(self.container.config))
            self.queue_consumer.register_provider(self)
            self._registered = True

    def handle_result(self, message, result, exc_info):
        from nameko.constants import AMQP_URI_CONFIG_KEY, DEFAULT_SERIALIZER, SERIALIZER_CONFIG_KEY
        from nameko.rpc import get_rpc_exchange

        config = self.container.config
        responder = _PatientResponder(
            config[AMQP_URI_CONFIG_KEY],
            get_rpc_exchange(config),
            config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER),
            message,
        )
        try:
            result, exc_info = responder.send_response(result, exc_info)
        except Exception as exc:  # noqa: BLE001 - broker unreachable: leave it unacked, it comes back
            log.warning("could not send an RPC reply (%s); the request stays unacked and will be redelivered", exc)
            return result, exc_info
        try:
            self.queue_consumer.ack_message(message)
        except Exception as exc:  # noqa: BLE001 - the broker redelivers it; the idempotency key makes that harmless
            log.warning("could not ack an RPC request (%s); it will be redelivered", exc)
        return result, exc_info


class ResilientRpc(Rpc):
    """Also: a command retried with the same idempotency key by the same caller gets the stored answer
    of its first call (as Stripe and the IETF Idempotency-Key draft do), without running again. The
    answer is committed with the command's write (kit.database), so it survives a replica that dies
    before replying."""

    rpc_consumer = ResilientRpcConsumer()
    stores_answers = True  # kit.database keeps a keyed command's transaction open for its answer

    def handle_message(self, body, message):
        store = _answer_store(self.container)
        if store is not None and isinstance(body, dict) and isinstance(body.get("kwargs"), dict):
            headers = self.unpack_message_headers(message)
            key = scoped_idempotency_key(body["kwargs"], headers)
            # A fresh key on its first delivery has no answer yet: skip the lookup (one transaction less
            # for every write a client sent without a key). Its claim still guards the write.
            first_of_fresh = str(headers.get(IDEMPOTENCY_KEY, "")).startswith(FRESH_KEY_PREFIX) and not (
                message.delivery_info or {}
            ).get("redelivered")
            if key is not None and not first_of_fresh and _token_names_actor(self.container, body["kwargs"], headers):
                found, answer = store.stored_answer(f"{self.container.service_name}.{self.method_name}", key)
                if found:
                    self.rpc_consumer.handle_result(message, answer, None)
                    return
        super().handle_message(body, message)

    def handle_result(self, message, worker_ctx, result, exc_info):
        store = _answer_store(self.container)
        if store is not None:
            # Commit the write with its answer before the reply: a retry after it finds the answer.
            result, exc_info = store.finish_command(worker_ctx, result, exc_info)
        return super().handle_result(message, worker_ctx, result, exc_info)


rpc = ResilientRpc.decorator


class TransientReplyListener(ReplyListener):
    """nameko's reply queue, but exclusive and not durable: kombu's default made it a durable queue on the
    node this process first connected to, which cannot be declared again while that node is down
    (NOT_FOUND: home node … is down), so the service never reconnected. A transient queue dies with its
    connection or node, and the next connection declares it again (on whichever node it reached)."""

    def setup(self):
        super().setup()
        self.queue.durable = False
        self.queue.exclusive = True


class TimedRpcProxy(RpcProxy):
    rpc_reply_listener = TransientReplyListener()

    def __init__(self, target_service: str, timeout: float = 5.0, **options):
        super().__init__(target_service, **options)
        self.timeout = timeout

    def setup(self):
        super().setup()
        signer, name = signer_of(self.container.config), self.container.service_name
        self.service_token = lambda: signer.sign_service(name)

    def get_dependency(self, worker_ctx):
        return _TimedServiceProxy(
            super().get_dependency(worker_ctx), worker_ctx, self.target_service, self.timeout, self.service_token
        )


class _TimedServiceProxy:
    def __init__(self, proxy, worker_ctx, service: str, timeout: float, service_token):
        self._proxy, self._worker_ctx, self._service, self._timeout = proxy, worker_ctx, service, timeout
        self._service_token = service_token

    def __getattr__(self, method: str):
        def call(*args, **kwargs):
            store = _answer_store(self._worker_ctx.container)
            if store is not None:
                store.settle(self._worker_ctx)  # the other service may read what this command wrote
            # The caller's idempotency key belongs to the caller's command: a redelivered command
            # must be able to repeat its (idempotent) calls, so the key is not passed on.
            key = self._worker_ctx.data.pop(IDEMPOTENCY_KEY, None)
            # This service's own token for this call (the one that came in names the caller before us).
            came_with = self._worker_ctx.data.get(SERVICE_TOKEN)
            self._worker_ctx.data[SERVICE_TOKEN] = self._service_token()
            try:
                reply = getattr(self._proxy, method).call_async(*args, **kwargs)
            finally:
                if key is not None:
                    self._worker_ctx.data[IDEMPOTENCY_KEY] = key
                if came_with is None:
                    self._worker_ctx.data.pop(SERVICE_TOKEN, None)
                else:
                    self._worker_ctx.data[SERVICE_TOKEN] = came_with
            try:
                with eventlet.Timeout(self._timeout):
                    return reply.result()
            except eventlet.Timeout as exc:
                raise Unavailable(
                    f"The {self._service} service did not answer {method} within {self._timeout:g} s.",
                    {"service": self._service},
                ) from exc

        return call
