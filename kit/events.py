"""A reliable event-handler entrypoint for CloudEvents.

nameko's own `event_handler` acks a message whose handler raised: the fact is gone. This one
 - parses the structured CloudEvent and passes an `Envelope` (data validated by its contract);
 - treats `AlreadyProcessed` (a redelivery the inbox recognised, kit.inbox) as success;
 - on any other error parks the message in the queue's retry queue, whose TTL (the platform's
   `handler_retry_delay`) dead-letters it back to the queue: the broker waits, not the worker. After
   `handler_max_attempts` it goes to the `wenyun.dead-letters` queue with the error, where an operator
   can list and replay it (`wenyun dead-letters`). The original is acked only after the copy is confirmed.

`handle_events` (CloudEventBatchHandler) is the same contract for a consumer that applies many facts at
once: up to `event_batch_size` deliveries of its queue go to ONE worker as a list, which claims them in
one multi-row inbox insert and applies them in one transaction (kit.unit_of_work: `tx.unapplied`); they
are acked together after the commit. If the batch fails, each of its messages is tried again alone, so a
poison message ends in its retry and dead-letter queues by itself and the others are applied once (the
batch's transaction was rolled back).
"""

from __future__ import annotations

import logging
import traceback
from datetime import datetime, timezone

import eventlet
from nameko.events import SERVICE_POOL, EventHandler
from nameko.exceptions import ContainerBeingKilled
from nameko.messaging import QueueConsumer

from contracts.envelope import Envelope, parse_cloudevent
from kit.bus import DEAD_LETTER_QUEUE, dead_lettering_queue_arguments, durable_queue_arguments
from kit.inbox import AlreadyProcessed
from kit.metrics import DEAD_LETTERS, RETRIES
from kit.publisher import ConfirmedPublisher, Outgoing
from kit.settings import get_settings

log = logging.getLogger(__name__)
ATTEMPT_HEADER = "x-wenyun-attempt"


class CloudEventHandler(EventHandler):
    delivers_cloudevents = True

    def __init__(self, source_service: str, event_type: str, **kwargs):
        super().__init__(
            source_service,
            event_type,
            handler_type=SERVICE_POOL,
            reliable_delivery=True,
            requeue_on_error=False,
            **kwargs,
        )

    def setup(self):
        super().setup()
        self.settings = self.container.config.get("WENYUN_SETTINGS") or get_settings()
        # nameko's queue (name, binding), declared with the platform's queue type.
        self.queue.queue_arguments = durable_queue_arguments(self.settings.queue_type)
        self._publisher = ConfirmedPublisher(self.container.config["AMQP_URI"])
        # One AMQP connection must not be used by two greenthreads at once (workers run concurrently).
        self._publish_lock = eventlet.semaphore.Semaphore()

    def stop(self):
        super().stop()
        self._publisher.close()

    @property
    def retry_queue_name(self) -> str:
        # The delay and the queue type are part of the name: a changed setting declares a new queue
        # instead of clashing with the arguments of the old one (which simply drains into the queue).
        suffix = "-quorum" if self.settings.queue_type == "quorum" else ""
        return f"{self.queue.name}.retry-{retry_delay_ms(self.settings.handler_retry_delay)}ms{suffix}"

    def handle_message(self, body, message):
        envelope = self._envelope_or_dead_letter(message)
        if envelope is not None:
            self._spawn_one(envelope, message)

    def _envelope_or_dead_letter(self, message) -> Envelope | None:
        try:
            envelope = parse_cloudevent(message.body)
            envelope.typed()  # reject data that does not match the contract now, not mid-handler
        except Exception as exc:  # noqa: BLE001 - a malformed message can never succeed: park it
            log.error("malformed message on %s: %s", self.queue.name, exc)
            self._dead_letter(message, f"malformed CloudEvent: {exc}", attempts=0)
            self._settle(message, requeue=False)
            return None
        return envelope

    def _arguments(self, envelope: Envelope) -> tuple:
        """The worker's arguments for one fact (a batched handler takes a list)."""
        return (envelope,)

    def _spawn_one(self, envelope: Envelope, message) -> None:
        context_data = self.unpack_message_headers(message)
        handle_result = lambda worker_ctx, result=None, exc_info=None: self.handle_result(  # noqa: E731
            message, worker_ctx, result, exc_info
        )
        try:
            self.container.spawn_worker(
                self, self._arguments(envelope), {}, context_data=context_data, handle_result=handle_result
            )
        except ContainerBeingKilled:
            self._settle(message, requeue=True)

    def handle_result(self, message, worker_ctx, result=None, exc_info=None):
        if exc_info is not None and issubclass(exc_info[0], AlreadyProcessed):
            self._settle(message, requeue=False)
            return None, None
        if exc_info is not None:
            attempts = int((message.headers or {}).get(ATTEMPT_HEADER, 1))
            error = "".join(traceback.format_exception_only(exc_info[0], exc_info[1])).strip()
            try:
                if attempts < self.settings.handler_max_attempts:
                    RETRIES.labels(self.container.service_name).inc()
                    self._park_for_retry(message, attempts + 1)
                else:
                    self._dead_letter(message, error, attempts)
            except Exception:  # noqa: BLE001 - could not park it: give it back to the broker
                log.exception("could not retry/dead-letter a message from %s; requeueing", self.queue.name)
                self._settle(message, requeue=True)
                return result, exc_info
        self._settle(message, requeue=False)
        return result, exc_info

    def _settle(self, message, *, requeue: bool) -> None:
        """Ack (or requeue) if the channel is still there; if the broker went away the message is
        redelivered anyway, and the inbox makes that harmless — never let it kill the container."""
        try:
            if requeue:
                self.queue_consumer.requeue_message(message)
            else:
                self.queue_consumer.ack_message(message)
        except Exception as exc:  # noqa: BLE001
            log.warning("could not settle a message from %s (%s); the broker will redeliver it", self.queue.name, exc)

    def _publish(self, message, *, routing_key: str, headers: dict, queue_arguments: dict | None = None) -> None:
        """Publish a copy (confirmed) to the default exchange, declaring its queue; one reconnect."""
        outgoing = Outgoing(
            message.body if isinstance(message.body, bytes) else message.body.encode("utf-8"),
            "",
            routing_key,
            {
                "content_type": message.content_type,
                "content_encoding": message.content_encoding,
                "message_id": message.properties.get("message_id"),
                "application_headers": headers,
            },
        )
        with self._publish_lock:
            for attempt in (1, 2):
                try:
                    self._publisher.declare_queue(routing_key, queue_arguments)
                    self._publisher.publish([outgoing])
                    return
                except Exception:  # noqa: BLE001 - a fresh connection gets one more try
                    self._publisher.close()
                    if attempt == 2:
                        raise

    def _park_for_retry(self, message, attempt: int) -> None:
        headers = dict(message.headers or {})
        headers[ATTEMPT_HEADER] = attempt
        headers.pop("x-death", None)  # the broker's own record of earlier trips through the retry queue
        self._publish(
            message,
            routing_key=self.retry_queue_name,
            headers=headers,
            queue_arguments={
                **dead_lettering_queue_arguments(self.settings.queue_type),
                "x-message-ttl": retry_delay_ms(self.settings.handler_retry_delay),
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": self.queue.name,
            },
        )

    def _dead_letter(self, message, error: str, attempts: int) -> None:
        headers = dict(message.headers or {})
        headers.update(
            {
                "x-original-queue": self.queue.name,
                "x-service": self.container.service_name,
                "x-error": error[:2000],
                "x-attempts": attempts,
                "x-failed-at": datetime.now(timezone.utc).isoformat(),
            }
        )
        headers.pop(ATTEMPT_HEADER, None)
        headers.pop("x-death", None)
        self._publish(
            message,
            routing_key=DEAD_LETTER_QUEUE,
            headers=headers,
            queue_arguments=durable_queue_arguments(self.settings.queue_type),
        )
        DEAD_LETTERS.labels(self.container.service_name).inc()
        log.error("dead-lettered a message from %s after %s attempts: %s", self.queue.name, attempts, error)


class BatchQueueConsumer(QueueConsumer):
    """nameko's queue consumer for batched handlers (its own connection): each of their queues may hold
    two batches unacked at once, one being applied while the next fills."""

    @property
    def prefetch_count(self):
        settings = self.container.config.get("WENYUN_SETTINGS") or get_settings()
        return max(self.container.max_workers, 2 * settings.event_batch_size)


class CloudEventBatchHandler(CloudEventHandler):
    """`handle_events`: the handler gets a list of Envelopes (kit.events' module doc)."""

    delivers_batches = True
    queue_consumer = BatchQueueConsumer()

    def setup(self):
        super().setup()
        self.batch_size = self.settings.event_batch_size
        self.batch_wait = self.settings.event_batch_wait
        self._waiting: list[tuple[Envelope, object]] = []
        self._timer = None

    def _arguments(self, envelope: Envelope) -> tuple:
        return ([envelope],)

    def stop(self):
        self._flush()
        super().stop()  # no delivery after this
        self._flush()  # what arrived meanwhile is applied before the container waits for its workers

    def handle_message(self, body, message):
        envelope = self._envelope_or_dead_letter(message)
        if envelope is None:
            return
        self._waiting.append((envelope, message))
        if len(self._waiting) >= self.batch_size:
            self._flush()
        elif self._timer is None:
            # A fact that arrives alone waits at most `event_batch_wait` for company.
            self._timer = eventlet.spawn_after(self.batch_wait, self._flush)

    def _flush(self) -> None:
        # Take the batch before anything that may yield (cancelling a timer switches greenthreads).
        batch, self._waiting = self._waiting, []
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
        if not batch:
            return
        if len(batch) == 1:
            envelope, message = batch[0]
            self._spawn_one(envelope, message)
            return
        messages = [message for _, message in batch]
        handle_result = lambda worker_ctx, result=None, exc_info=None: self._batch_result(  # noqa: E731
            batch, worker_ctx, result, exc_info
        )
        try:
            # Context (request id) from the messages' own CloudEvents: none is common to the batch.
            self.container.spawn_worker(
                self, ([envelope for envelope, _ in batch],), {}, context_data={}, handle_result=handle_result
            )
        except ContainerBeingKilled:
            for message in messages:
                self._settle(message, requeue=True)

    def _batch_result(self, batch, worker_ctx, result=None, exc_info=None):
        if exc_info is None or issubclass(exc_info[0], AlreadyProcessed):
            for _, message in batch:
                self._settle(message, requeue=False)
            return result, exc_info
        # Nothing of the batch was applied (one transaction): each message alone now, so that only the
        # one that cannot be applied is retried and dead-lettered.
        log.warning(
            "a batch of %s from %s failed (%s); applying its messages one by one",
            len(batch),
            self.queue.name,
            exc_info[0].__name__,
        )
        # From a thread of its own: this worker's slot must be free for them.
        self.container.spawn_managed_thread(
            lambda: [self._spawn_one(envelope, message) for envelope, message in batch],
            identifier=f"{self.queue.name}.batch-fallback",
        )
        return result, exc_info


def retry_delay_ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


handle_event = CloudEventHandler.decorator
handle_events = CloudEventBatchHandler.decorator
