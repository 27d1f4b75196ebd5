"""The outbox relay: publishes committed outbox rows in order, with publisher confirms, and marks them
sent only once the broker has them — so a fact committed is a fact delivered (at least once).

`RelayLoop` runs it in a service: woken after each commit that emitted facts (kit.unit_of_work), and
every `outbox_sweep_interval` seconds anyway, to publish whatever a crash or a broker outage left behind.

Facts are published `mandatory`: a confirm alone only says the exchange took the message, even when
no queue was there to route it to (a subscriber's queue deleted, or never declared). A returned fact
that some service subscribes to (`subscribed`, from kit.topology) stays unsent, is counted in
`wenyun_outbox_unroutable_total` and logged as an error, and is published again at every sweep until
a queue takes it. A returned fact nobody subscribes to is simply sent: there is no one to lose it.
"""

from __future__ import annotations

import logging

import eventlet
from eventlet.queue import Empty, LightQueue
from sqlalchemy import func, select, update

from kit.clock import utcnow
from kit.engine import is_sqlite
from kit.metrics import OUTBOX_BACKLOG, OUTBOX_PUBLISHED, OUTBOX_UNROUTABLE
from kit.publisher import ConfirmedPublisher, Outgoing

log = logging.getLogger(__name__)


class Unroutable(RuntimeError):
    """Some facts with subscribers reached no queue; they stay unsent."""


class OutboxRelay:
    """Publishes committed outbox rows in order and marks them sent once the broker confirmed them
    (a batch at a time, its confirms awaited together: kit.publisher)."""

    def __init__(
        self,
        engine,
        outbox,
        amqp_uri: str,
        service: str,
        batch: int = 200,
        confirm_timeout: float = 15.0,
        subscribed: frozenset[tuple[str, str]] = frozenset(),
    ):
        self.engine = engine
        self.subscribed = subscribed
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

    def _publish_all(self, rows) -> set[str]:
        """Publish `rows`; the ids of those that must stay unsent (returned, and someone subscribes)."""
        for exchange in {row.exchange for row in rows}:
            self.publisher.declare_topic_exchange(exchange)
        returned = self.publisher.publish(
            (
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
            ),
            mandatory=True,
        )
        held = set()
        for exchange, routing_key, message_id in returned:
            if (exchange, routing_key) in self.subscribed and message_id:
                held.add(message_id)
                OUTBOX_UNROUTABLE.labels(self.service, routing_key).inc()
        return held

    def publish_pending(self) -> int:
        """Publish one batch of unsent rows; returns how many were published."""
        with self._lock:
            try:
                return self._publish_batch()
            except Unroutable:
                raise
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
                    held = self._publish_all(rows)
                    self._mark_sent(conn, [r.id for r in rows if r.id not in held])
        else:
            with self.engine.begin() as conn:
                rows = conn.execute(query).all()
            if rows:
                held = self._publish_all(rows)
                with self.engine.begin() as conn:
                    self._mark_sent(conn, [r.id for r in rows if r.id not in held])
        if not rows:
            return 0
        OUTBOX_PUBLISHED.labels(self.service).inc(len(rows) - len(held))
        if held:
            types = sorted({r.event_type for r in rows if r.id in held})
            raise Unroutable(
                f"{len(held)} fact(s) of {', '.join(types)} reached no queue though a service subscribes "
                "(is its queue deleted? run `wenyun migrate`); kept unsent, sent again at the next sweep"
            )
        return len(rows)

    def _mark_sent(self, conn, ids: list[str]) -> None:
        if ids:
            conn.execute(update(self.outbox).where(self.outbox.c.id.in_(ids)).values(published_at=utcnow()))

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
            except Unroutable as exc:
                log.error("outbox relay of %s: %s", self.relay.service, exc)
                eventlet.sleep(min(interval, 1.0))
            except Exception as exc:  # noqa: BLE001 - broker/db down: the next sweep retries
                log.warning("outbox relay of %s: %s; will retry", self.relay.service, exc)
                eventlet.sleep(min(interval, 1.0))
        self.relay.close()
