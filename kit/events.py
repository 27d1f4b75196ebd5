"""A reliable event-handler entrypoint for CloudEvents.

nameko's own `event_handler` acks a message whose handler raised: the fact is gone. This one
 - parses the structured CloudEvent and passes an `Envelope` (data validated by its contract);
 - treats `AlreadyProcessed` (a redelivery the inbox recognised) as success;
 - on any other error re-queues the message a bounded number of times, with a growing delay, and
   then moves it to the `wenyun.dead-letters` queue with the error, where an operator can list and
   replay it (`wenyun dead-letters`). The original is acked only after the copy is confirmed.
"""
from __future__ import annotations

import logging
import traceback
from datetime import datetime, timezone

import eventlet
from kombu import Exchange
from nameko.events import SERVICE_POOL, EventHandler
from nameko.exceptions import ContainerBeingKilled

from contracts.envelope import parse_cloudevent
from kit.bus import DEAD_LETTER_QUEUE, confirming_connection, dead_letter_queue
from kit.metrics import DEAD_LETTERS, RETRIES
from kit.settings import get_settings

log = logging.getLogger(__name__)
ATTEMPT_HEADER = "x-wenyun-attempt"


class CloudEventHandler(EventHandler):
    delivers_cloudevents = True

    def __init__(self, source_service: str, event_type: str, **kwargs):
        super().__init__(source_service, event_type, handler_type=SERVICE_POOL, reliable_delivery=True,
                         requeue_on_error=False, **kwargs)

    def setup(self):
        super().setup()
        self.settings = self.container.config.get("WENYUN_SETTINGS") or get_settings()
        self._amqp_uri = self.container.config["AMQP_URI"]
        self._connection = confirming_connection(self._amqp_uri)
        # One AMQP connection must not be used by two greenthreads at once (workers run concurrently).
        self._publish_lock = eventlet.semaphore.Semaphore()
        self._dlq_declared = False

    def stop(self):
        super().stop()
        self._connection.release()

    def handle_message(self, body, message):
        try:
            envelope = parse_cloudevent(message.body)
            envelope.typed()  # reject data that does not match the contract now, not mid-handler
        except Exception as exc:  # noqa: BLE001 - a malformed message can never succeed: park it
            log.error("malformed message on %s: %s", self.queue.name, exc)
            self._dead_letter(message, f"malformed CloudEvent: {exc}", attempts=0)
            self._settle(message, requeue=False)
            return
        context_data = self.unpack_message_headers(message)
        handle_result = lambda worker_ctx, result=None, exc_info=None: self.handle_result(  # noqa: E731
            message, worker_ctx, result, exc_info
        )
        try:
            self.container.spawn_worker(self, (envelope,), {}, context_data=context_data, handle_result=handle_result)
        except ContainerBeingKilled:
            self._settle(message, requeue=True)

    def handle_result(self, message, worker_ctx, result=None, exc_info=None):
        if exc_info is not None and exc_info[0].__name__ == "AlreadyProcessed":
            self._settle(message, requeue=False)
            return None, None
        if exc_info is not None:
            attempts = int((message.headers or {}).get(ATTEMPT_HEADER, 1))
            error = "".join(traceback.format_exception_only(exc_info[0], exc_info[1])).strip()
            try:
                if attempts < self.settings.handler_max_attempts:
                    RETRIES.labels(self.container.service_name).inc()
                    eventlet.sleep(self.settings.handler_retry_delay * attempts)
                    self._republish(message, attempts + 1)
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

    def _publish(self, body, *, routing_key: str, declare_dlq: bool = False, **properties) -> None:
        """Publish (confirmed) to the default exchange; one reconnect on a broken connection."""
        with self._publish_lock:
            for attempt in (1, 2):
                try:
                    self._connection.ensure_connection(max_retries=3)
                    producer = self._connection.Producer()
                    if declare_dlq and not self._dlq_declared:
                        dead_letter_queue()(producer.channel).declare()
                        self._dlq_declared = True
                    producer.publish(body, exchange=Exchange(""), routing_key=routing_key, delivery_mode=2,
                                     **properties)
                    return
                except Exception:  # noqa: BLE001 - a fresh connection gets one more try
                    self._connection.release()
                    self._connection = confirming_connection(self._amqp_uri)
                    self._dlq_declared = False
                    if attempt == 2:
                        raise

    def _republish(self, message, attempt: int) -> None:
        headers = dict(message.headers or {})
        headers[ATTEMPT_HEADER] = attempt
        self._publish(message.body, routing_key=self.queue.name, content_type=message.content_type,
                      content_encoding=message.content_encoding, headers=headers,
                      message_id=message.properties.get("message_id"))

    def _dead_letter(self, message, error: str, attempts: int) -> None:
        headers = dict(message.headers or {})
        headers.update({
            "x-original-queue": self.queue.name,
            "x-service": self.container.service_name,
            "x-error": error[:2000],
            "x-attempts": attempts,
            "x-failed-at": datetime.now(timezone.utc).isoformat(),
        })
        headers.pop(ATTEMPT_HEADER, None)
        self._publish(message.body, routing_key=DEAD_LETTER_QUEUE, declare_dlq=True, content_type=message.content_type,
                      content_encoding=message.content_encoding, headers=headers,
                      message_id=message.properties.get("message_id"))
        DEAD_LETTERS.labels(self.container.service_name).inc()
        log.error("dead-lettered a message from %s after %s attempts: %s", self.queue.name, attempts, error)


handle_event = CloudEventHandler.decorator
