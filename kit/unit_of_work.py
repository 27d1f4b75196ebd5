"""The unit of work a worker sees as `self.db`: business rows, outbox rows and inbox rows in ONE
transaction.

    with self.db.transaction() as tx:
        tx.session.add(venue)
        tx.emit(VenueRegistered(...), subject=venue.id)

Inside an event-handler worker the transaction first records the event id in the inbox (kit.inbox); a
redelivered event therefore raises `AlreadyProcessed` and changes nothing (kit.events acks it). In an
RPC command it records the caller's idempotency key instead. After commit the outbox relay is woken
(kit.outbox_relay) and publishes what was committed.
"""

from __future__ import annotations

import logging
import os
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from sqlalchemy.exc import IntegrityError, OperationalError, PendingRollbackError
from sqlalchemy.orm import Session

from contracts.envelope import DomainEvent, to_cloudevent
from contracts.errors import Conflict, Unavailable
from kit.clock import utcnow
from kit.inbox import AlreadyProcessed, claim, claim_many
from kit.request_ids import current_request_id, traceparent
from kit.rpc import scoped_idempotency_key

if TYPE_CHECKING:
    from kit.database import Database

log = logging.getLogger(__name__)


class Transaction:
    def __init__(self, session: Session, outbox, inbox):
        self.session = session
        self._outbox = outbox
        self._inbox = inbox
        self.emitted: list[str] = []
        # In a batched event handler (kit.events `handle_events`): the batch's facts this consumer had
        # not applied yet, in delivery order — what the handler applies.
        self.unapplied: list = []
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
        payload = to_cloudevent(event, subject=subject, event_id=event_id, traceparent=self._traceparent)
        self.session.execute(
            self._outbox.insert().values(
                id=event_id,
                seq=len(self.emitted),
                exchange=event.exchange(),
                event_type=event.event_type,
                payload=payload.decode("utf-8"),
                created_at=self._now,
                attempts=0,
            )
        )
        self.emitted.append(event_id)
        return event_id

    def claim(self, event_id: str, consumer: str, event_type: str) -> None:
        """Record that `consumer` applies `event_id` (kit.inbox); AlreadyProcessed if it already did."""
        claim(self.session, self._inbox, event_id, consumer, event_type)

    def claim_batch(self, envelopes: list, consumer: str) -> None:
        """Record that `consumer` applies these facts, in one insert; `unapplied` are those it had not
        applied yet. AlreadyProcessed if it had applied them all."""
        self.unapplied = claim_many(self.session, self._inbox, envelopes, consumer)
        if not self.unapplied:
            raise AlreadyProcessed(", ".join(envelope.id for envelope in envelopes)[:200])


@dataclass
class PendingCommand:
    """A keyed command's transaction, kept open until its answer is known (kit.database's module doc)."""

    session: Session
    tx: Transaction


def conflict(exc: IntegrityError) -> Conflict:
    # A unique/exclusion constraint caught what the checks could not see (a race). The database's own
    # words (table and column names) stay in the log: a wrong input is refused before the write.
    log.warning("integrity error turned into 409: %s", str(exc.orig)[:300])
    return Conflict(
        "The change conflicts with another one made at the same time; reload and try again.",
        detail_zh="与同时进行的另一项修改冲突，请刷新后重试。",
    )


def close_session(session: Session) -> None:
    try:
        session.close()
    except OperationalError:  # a dead connection is discarded by the pool anyway
        log.warning("could not close a session whose database connection died")


def committed(provider: Database, tx: Transaction) -> None:
    """After a commit: wake the relay for the facts it recorded."""
    if tx.emitted:
        if provider.settings.fault == "crash_after_commit":
            log.error("fault injection: crashing after commit, before publish")
            os._exit(17)
        provider.wake_relay()


def database_unavailable(exc: OperationalError | PendingRollbackError) -> Unavailable:
    # The connection dropped or the server is restarting.
    log.warning("database unavailable: %s", str(getattr(exc, "orig", None) or exc)[:200])
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
        """A session for queries only (in a keyed command, its still open transaction: it sees the write)."""
        pending = self._provider.pending.get(self._worker_ctx.call_id)
        if pending is not None:
            try:
                yield pending.session
            except OperationalError as exc:
                raise database_unavailable(exc) from exc
            return
        session = self._provider.sessions()
        try:
            yield session
        except OperationalError as exc:
            raise database_unavailable(exc) from exc
        finally:
            try:
                session.rollback()
                session.close()
            except OperationalError as exc:  # the connection died under us: it is discarded anyway
                raise database_unavailable(exc) from exc

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        provider = self._provider
        provider.settle(self._worker_ctx)  # an earlier keyed transaction of this worker commits first
        session = provider.sessions()
        tx = Transaction(session, provider.outbox, provider.inbox)
        kept_open = False
        try:
            session.begin()
            claimed_here = self._claim_event(tx)
            yield tx
            if claimed_here and getattr(self._worker_ctx.entrypoint, "stores_answers", False):
                session.flush()  # constraint violations surface here, inside the `with` as before
                provider.pending[self._worker_ctx.call_id] = PendingCommand(session, tx)
                kept_open = True
                return  # committed with the answer (Database.finish_command)
            session.commit()
        except IntegrityError as exc:
            session.rollback()
            raise conflict(exc) from exc
        except OperationalError as exc:
            raise database_unavailable(exc) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            if not kept_open:
                close_session(session)
        committed(provider, tx)

    def _claim_event(self, tx: Transaction) -> bool:
        """The first transaction of a worker records what it is applying, so a redelivery is a no-op:
        in an event handler the CloudEvent id; in an RPC command the caller's idempotency key.
        True when this transaction claimed a caller's key."""
        if self._claimed:
            return False
        entrypoint = self._worker_ctx.entrypoint
        consumer = f"{self._provider.container.service_name}.{entrypoint.method_name}"
        if getattr(entrypoint, "delivers_batches", False):
            tx.claim_batch(self._worker_ctx.args[0], consumer)
            self._claimed = True
            return False
        if getattr(entrypoint, "delivers_cloudevents", False):
            envelope = self._worker_ctx.args[0]
            tx.claim(envelope.id, consumer, envelope.type)
            self._claimed = True
            return False
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
            self._provider.claimed_key(self._worker_ctx.call_id, consumer, key)
            self._claimed = True
            return True
        return False
