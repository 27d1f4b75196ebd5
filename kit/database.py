"""The database dependency of a service: a unit of work that writes business rows, outbox rows
and inbox rows in ONE transaction; the outbox relay (kit.outbox_relay) publishes what was committed
and the inbox (kit.inbox) recognises what was already applied.

    with self.db.transaction() as tx:
        tx.session.add(venue)
        tx.emit(VenueRegistered(...), subject=venue.id)

Inside an event-handler worker the transaction first records the event id in the inbox; a
redelivered event therefore raises `AlreadyProcessed` and changes nothing (the entrypoint acks it).
After commit the relay is woken and publishes with publisher confirms; a periodic sweep publishes
whatever a crash left behind, so a fact committed is a fact delivered (at least once).
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from contextlib import contextmanager
from typing import Iterator

import eventlet
from eventlet.queue import Empty, LightQueue
from nameko.extensions import DependencyProvider
from sqlalchemy import MetaData, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from contracts.envelope import DomainEvent, to_cloudevent
from contracts.errors import Conflict, Unavailable, WenyunError
from kit.clock import utcnow
from kit.engine import make_engine
from kit.inbox import AlreadyProcessed, claim
from kit.outbox_relay import OutboxRelay
from kit.request_ids import current_request_id, traceparent
from kit.rpc import scoped_idempotency_key
from kit.settings import get_settings
from kit.tables import add_kit_tables

log = logging.getLogger(__name__)


class Transaction:
    def __init__(self, session: Session, outbox, inbox):
        self.session = session
        self._outbox = outbox
        self._inbox = inbox
        self.emitted: list[str] = []
        self._now = utcnow()
        request_id = current_request_id()  # the facts carry the id of the request that caused them
        self._traceparent = traceparent(request_id) if request_id else None

    @property
    def outbox(self):
        """The outbox table (kit.forgetting masks a closed account's phone numbers in kept facts)."""
        return self._outbox

    @property
    def inbox(self):
        """The inbox table (kit.forgetting masks them in kept answers too)."""
        return self._inbox

    def emit(self, event: DomainEvent, *, subject: str | None = None) -> str:
        """Record a fact to publish once this transaction commits. Returns the CloudEvent id."""
        event_id = str(uuid.uuid4())
        self.session.execute(
            insert(self._outbox).values(
                id=event_id,
                seq=len(self.emitted),
                exchange=event.exchange(),
                event_type=event.event_type,
                payload=to_cloudevent(event, subject=subject, event_id=event_id, traceparent=self._traceparent).decode(
                    "utf-8"
                ),
                created_at=self._now,
                attempts=0,
            )
        )
        self.emitted.append(event_id)
        return event_id

    def claim(self, event_id: str, consumer: str, event_type: str) -> None:
        """Record that `consumer` applies `event_id` (kit.inbox); AlreadyProcessed if it already did."""
        claim(self.session, self._inbox, event_id, consumer, event_type)


class Database(DependencyProvider):
    """Engine, sessions, outbox and inbox of one service (its own database)."""

    def __init__(self, metadata: MetaData):
        self.metadata = metadata
        self.outbox, self.inbox = add_kit_tables(metadata)

    def setup(self):
        config = self.container.config
        self.settings = config.get("WENYUN_SETTINGS") or get_settings()
        self.url = config["DATABASE_URL"]
        self.engine = make_engine(self.url, pool_size=max(10, int(config.get("max_workers", 10))))
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.relay = OutboxRelay(self.engine, self.outbox, config["AMQP_URI"], self.container.service_name)
        self._wake = LightQueue()
        self._running = False
        self._claimed_keys: dict[str, tuple[str, str]] = {}  # worker call id → (consumer, scoped key)

    def start(self):
        self._running = True
        self.container.spawn_managed_thread(self._relay_loop, identifier="outbox-relay")

    def stop(self):
        self._running = False
        self._wake.put(None)
        eventlet.sleep(0)

    def kill(self):
        self._running = False

    def wake_relay(self):
        self._wake.put(None)

    def _relay_loop(self):
        interval = self.settings.outbox_sweep_interval
        while self._running:
            try:
                self._wake.get(timeout=interval)
            except Empty:
                pass  # the periodic sweep: re-send what a crash or a broker outage left behind
            while not self._wake.empty():
                self._wake.get_nowait()
            if not self._running:
                break
            try:
                while self.relay.publish_pending() >= self.relay.batch:
                    pass
                self.relay.backlog()
            except Exception as exc:  # noqa: BLE001 - broker/db down: the next sweep retries
                log.warning("outbox relay of %s: %s; will retry", self.container.service_name, exc)
                eventlet.sleep(min(interval, 1.0))
        self.relay.close()
        self.engine.dispose()

    def get_dependency(self, worker_ctx):
        return UnitOfWork(self, worker_ctx)

    def worker_teardown(self, worker_ctx):
        self._claimed_keys.pop(worker_ctx.call_id, None)

    # -- idempotency keys of RPC commands: the answer of the first call, for a retry ------------------
    def stored_answer(self, consumer: str, key: str) -> tuple[bool, object]:
        """(True, answer) when this caller's key was already applied and answered; (False, None) otherwise."""
        inbox = self.inbox
        try:
            with self.engine.connect() as conn:
                stored = conn.execute(
                    select(inbox.c.response).where(inbox.c.event_id == key, inbox.c.consumer == consumer)
                ).scalar_one_or_none()
        except OperationalError as exc:
            raise _database_unavailable(exc) from exc
        return (False, None) if stored is None else (True, json.loads(stored))

    def remember_answer(self, worker_ctx, result) -> None:
        claimed = self._claimed_keys.pop(worker_ctx.call_id, None)
        if claimed is None:
            return
        consumer, key = claimed
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    update(self.inbox)
                    .where(self.inbox.c.event_id == key, self.inbox.c.consumer == consumer)
                    .values(response=json.dumps(result, default=str, ensure_ascii=False))
                )
        except Exception as exc:  # noqa: BLE001 - the command is applied; a retry then gets 409, not a second run
            log.warning("could not store the answer of %s for its idempotency key: %s", consumer, exc)

    def health(self) -> dict:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"database": "ok", "outbox_backlog": self.relay.backlog()}


def _database_unavailable(exc: OperationalError) -> Unavailable:
    # The connection dropped or the server is restarting.
    log.warning("database unavailable: %s", str(exc.orig)[:200])
    # Not "nothing changed": a read after a committed write can fail too; the idempotency key makes a
    # retry of the same request safe either way.
    return Unavailable(
        "The service's database did not answer. Try again shortly (a retried write is never applied twice).",
        {"retry_after_seconds": 5},
    )


class UnitOfWork:
    """What a worker sees as `self.db`."""

    def __init__(self, provider: Database, worker_ctx):
        self._provider = provider
        self._worker_ctx = worker_ctx
        self._claimed = False

    @property
    def engine(self):
        return self._provider.engine

    def health(self) -> dict:
        return self._provider.health()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for queries only."""
        session = self._provider.sessions()
        try:
            yield session
        except OperationalError as exc:
            raise _database_unavailable(exc) from exc
        finally:
            try:
                session.rollback()
                session.close()
            except OperationalError as exc:  # the connection died under us: it is discarded anyway
                raise _database_unavailable(exc) from exc

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        provider = self._provider
        session = provider.sessions()
        tx = Transaction(session, provider.outbox, provider.inbox)
        try:
            with session.begin():
                self._claim_event(tx)
                yield tx
        except IntegrityError as exc:
            # A unique/exclusion constraint caught what the checks could not see (a race). The database's own
            # words (table and column names) stay in the log: a wrong input is refused before the write.
            log.warning("integrity error turned into 409: %s", str(exc.orig)[:300])
            raise Conflict(
                "The change conflicts with another one made at the same time; reload and try again.",
                detail_zh="与同时进行的另一项修改冲突，请刷新后重试。",
            ) from exc
        except OperationalError as exc:
            raise _database_unavailable(exc) from exc
        finally:
            try:
                session.close()
            except OperationalError:  # a dead connection is discarded by the pool anyway
                log.warning("could not close a session whose database connection died")
        if tx.emitted:
            if provider.settings.fault == "crash_after_commit":
                log.error("fault injection: crashing after commit, before publish")
                os._exit(17)
            provider.wake_relay()

    def _claim_event(self, tx: Transaction) -> None:
        """The first transaction of a worker records what it is applying, so a redelivery is a no-op:
        in an event handler the CloudEvent id; in an RPC command the caller's idempotency key."""
        if self._claimed:
            return
        entrypoint = self._worker_ctx.entrypoint
        consumer = f"{self._provider.container.service_name}.{entrypoint.method_name}"
        if getattr(entrypoint, "delivers_cloudevents", False):
            envelope = self._worker_ctx.args[0]
            tx.claim(envelope.id, consumer, envelope.type)
            self._claimed = True
            return
        key = scoped_idempotency_key(self._worker_ctx.kwargs or {}, self._worker_ctx.data)
        if key:
            try:
                tx.claim(key, consumer, "rpc")
            except AlreadyProcessed as exc:
                # Applied, but its answer is not stored yet (still running, or a crash came between the
                # commit and the answer): it is not applied twice.
                raise Conflict(
                    "This request was already applied or is being applied; it is not applied twice "
                    "(same Idempotency-Key). Retry shortly for its answer.",
                    {"idempotency_key": str(self._worker_ctx.data.get("idempotency_key"))[:64]},
                ) from exc
            self._provider._claimed_keys[self._worker_ctx.call_id] = (consumer, key)
            self._claimed = True


__all__ = ["AlreadyProcessed", "Database", "Transaction", "UnitOfWork", "WenyunError"]
