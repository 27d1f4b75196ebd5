"""The outbox relay: publishes committed outbox rows in order, with publisher confirms, and marks them
sent only once the broker has them — so a fact committed is a fact delivered (at least once).

`RelayLoop` runs it in a service: woken after each commit that emitted facts (kit.unit_of_work), and
every `outbox_sweep_interval` seconds anyway, to publish whatever a crash or a broker outage left behind.
"""

from __future__ import annotations

import logging

import eventlet
from eventlet.queue import Empty, LightQueue
from sqlalchemy import func, select, update

from kit.clock import utcnow
from kit.engine import is_sqlite
from kit.metrics import OUTBOX_BACKLOG, OUTBOX_PUBLISHED
from kit.publisher import ConfirmedPublisher, Outgoing

log = logging.getLogger(__name__)


class OutboxRelay:
    """Publishes committed outbox rows in order and marks them sent once the broker confirmed them
    (a batch at a time, its confirms awaited together: kit.publisher)."""

    def __init__(self, engine, outbox, amqp_uri: str, service: str, batch: int = 200, confirm_timeout: float = 15.0):
        self.engine = engine
        self.outbox = outbox
        self.service = service
        self.batch = batch
        self.publisher = ConfirmedPublisher(amqp_uri, confirm_timeout)
        self._lock = eventlet.semaphore.Semaphore()
        self._postgres = not is_sqlite(str(engine.url))

    def _reset(self):
        self.publisher.close()

    def close(self):
        self._reset()

    def _publish_all(self, rows) -> None:
        for exchange in {row.exchange for row in rows}:
            self.publisher.declare_topic_exchange(exchange)
        self.publisher.publish(
            Outgoing(
                row.payload.encode("utf-8"),
                row.exchange,
                row.event_type,
                {
                    "content_type": "application/cloudevents+json",
                    "content_encoding": "utf-8",
                    "message_id": row.id,
                    "application_headers": {"ce-id": row.id, "ce-type": row.event_type},
                },
            )
            for row in rows
        )

    def publish_pending(self) -> int:
        """Publish one batch of unsent rows; returns how many were published."""
        with self._lock:
            try:
                return self._publish_batch()
            except Exception:
                self._reset()
                raise

    def _publish_batch(self) -> int:
        outbox = self.outbox
        query = (
            select(outbox.c.id, outbox.c.exchange, outbox.c.event_type, outbox.c.payload)
            .where(outbox.c.published_at.is_(None))
            .order_by(outbox.c.created_at, outbox.c.seq)
            .limit(self.batch)
        )
        if self._postgres:
            # Replicas of a service share the outbox: each row is published by whoever locked it.
            with self.engine.begin() as conn:
                rows = conn.execute(query.with_for_update(skip_locked=True)).all()
                if rows:
                    self._publish_all(rows)
                    conn.execute(
                        update(outbox).where(outbox.c.id.in_([r.id for r in rows])).values(published_at=utcnow())
                    )
        else:
            with self.engine.begin() as conn:
                rows = conn.execute(query).all()
            if rows:
                self._publish_all(rows)
                with self.engine.begin() as conn:
                    conn.execute(
                        update(outbox).where(outbox.c.id.in_([r.id for r in rows])).values(published_at=utcnow())
                    )
        if rows:
            OUTBOX_PUBLISHED.labels(self.service).inc(len(rows))
        return len(rows)

    def backlog(self) -> int:
        with self.engine.connect() as conn:
            count = conn.execute(select(func.count()).where(self.outbox.c.published_at.is_(None))).scalar_one()
        OUTBOX_BACKLOG.labels(self.service).set(count)
        return count


class RelayLoop:
    """The relay's green thread: publish on wake-up and on every sweep until stopped."""

    def __init__(self, relay: OutboxRelay, sweep_interval: float):
        self.relay = relay
        self.sweep_interval = sweep_interval
        self.running = False
        self._wake = LightQueue()

    def wake(self) -> None:
        self._wake.put(None)

    def stop(self) -> None:
        self.running = False
        self._wake.put(None)
        eventlet.sleep(0)

    def run(self) -> None:
        interval = self.sweep_interval
        while self.running:
            try:
                self._wake.get(timeout=interval)
            except Empty:
                pass  # the periodic sweep: re-send what a crash or a broker outage left behind
            while not self._wake.empty():
                self._wake.get_nowait()
            if not self.running:
                break
            try:
                while self.relay.publish_pending() >= self.relay.batch:
                    pass
                self.relay.backlog()
            except Exception as exc:  # noqa: BLE001 - broker/db down: the next sweep retries
                log.warning("outbox relay of %s: %s; will retry", self.relay.service, exc)
                eventlet.sleep(min(interval, 1.0))
        self.relay.close()
