"""The database dependency of a service: its engine and sessions, its outbox and inbox tables and the
relay that publishes what was committed. What a worker sees (`self.db`) is the unit of work
(kit.unit_of_work); the relay is kit.outbox_relay, the inbox kit.inbox.

An RPC command with an idempotency key (kit.rpc) stores its answer in the SAME transaction as its
write: the transaction that claims the key is kept open when its `with` block ends, the worker's
reads see it, and it commits with the answer once the worker returns, before the reply. A replica
killed between that commit and its reply therefore leaves the answer behind, and the caller's retry
gets the first answer (status and body) instead of "already applied". A second transaction or a call
to another service in the same worker commits it first (the answer is then stored after, as before).
"""

from __future__ import annotations

import logging
import sys

from nameko.extensions import DependencyProvider
from sqlalchemy import MetaData, text
from sqlalchemy.exc import IntegrityError, OperationalError, PendingRollbackError
from sqlalchemy.orm import sessionmaker

from kit.engine import make_engine
from kit.inbox import answer_update, store_answer, stored_answer
from kit.outbox_relay import OutboxRelay, RelayLoop
from kit.settings import get_settings
from kit.tables import add_kit_tables
from kit.unit_of_work import PendingCommand, UnitOfWork, close_session, committed, conflict, database_unavailable

log = logging.getLogger(__name__)


class Database(DependencyProvider):
    """Engine, sessions, outbox and inbox of one service (its own database)."""

    def __init__(self, metadata: MetaData):
        self.metadata = metadata
        self.outbox, self.inbox = add_kit_tables(metadata)

    def setup(self):
        config = self.container.config
        self.settings = config.get("WENYUN_SETTINGS") or get_settings()
        self.url = config["DATABASE_URL"]
        pool_size, max_overflow = self.settings.db_pool(self.container.service_name)
        self.engine = make_engine(self.url, pool_size=pool_size, max_overflow=max_overflow)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.relay = OutboxRelay(
            self.engine,
            self.outbox,
            config["AMQP_URI"],
            self.container.service_name,
            # What the platform's services subscribe to (kit.serve); a test's container may leave it out.
            subscribed=config.get("WENYUN_SUBSCRIBED_ROUTES", frozenset()),
        )
        self._relay_loop = RelayLoop(self.relay, self.settings.outbox_sweep_interval)
        self._claimed_keys: dict[str, tuple[str, str]] = {}  # worker call id → (consumer, scoped key)
        self.pending: dict[str, PendingCommand] = {}  # worker call id → its open keyed transaction

    def start(self):
        self._relay_loop.running = True
        self.container.spawn_managed_thread(self._run_relay, identifier="outbox-relay")

    def _run_relay(self):
        self._relay_loop.run()
        self.engine.dispose()

    def stop(self):
        self._relay_loop.stop()

    def kill(self):
        self._relay_loop.running = False

    def wake_relay(self):
        self._relay_loop.wake()

    def get_dependency(self, worker_ctx):
        return UnitOfWork(self, worker_ctx)

    def worker_teardown(self, worker_ctx):
        if worker_ctx.call_id in self.pending:  # the entrypoint did not finish it: commit what it wrote
            try:
                self.settle(worker_ctx)
            except Exception as exc:  # noqa: BLE001 - never let a worker's teardown take the container down
                log.warning("could not commit a command's transaction at the end of its worker: %s", exc)
        self._claimed_keys.pop(worker_ctx.call_id, None)

    # -- idempotency keys of RPC commands (kit.rpc): the answer of the first call, for a retry --------
    def claimed_key(self, call_id: str, consumer: str, key: str) -> None:
        """The worker `call_id` claimed `key`: its answer is stored with it (finish_command)."""
        self._claimed_keys[call_id] = (consumer, key)

    def stored_answer(self, consumer: str, key: str) -> tuple[bool, object]:
        try:
            return stored_answer(self.engine, self.inbox, consumer, key)
        except OperationalError as exc:
            raise database_unavailable(exc) from exc

    def settle(self, worker_ctx) -> None:
        """Commit the worker's open keyed transaction now (without its answer, which comes later)."""
        pending = self.pending.pop(worker_ctx.call_id, None)
        if pending is not None:
            self._commit(pending)

    def finish_command(self, worker_ctx, result, exc_info):
        """The worker returned: commit its keyed transaction together with the answer (kit.rpc calls this
        before replying). Returns (result, exc_info) — an error instead when the commit fails."""
        pending = self.pending.pop(worker_ctx.call_id, None)
        claimed = self._claimed_keys.pop(worker_ctx.call_id, None)
        if pending is None:
            if claimed is not None and exc_info is None:
                store_answer(self.engine, self.inbox, *claimed, result)
            return result, exc_info
        answer = (*claimed, result) if claimed is not None and exc_info is None else None
        try:
            self._commit(pending, answer)
        except Exception:  # noqa: BLE001 - not applied after all: the caller hears why (409, 503), may retry
            return None, sys.exc_info()
        return result, exc_info

    def _commit(self, pending: PendingCommand, answer: tuple[str, str, object] | None = None) -> None:
        """Commit a keyed command's transaction, with its answer (consumer, key, result) when it has one."""
        session = pending.session
        try:
            if answer is not None:
                session.execute(answer_update(self.inbox, *answer))
            session.commit()
        except IntegrityError as exc:
            session.rollback()
            raise conflict(exc) from exc
        except (OperationalError, PendingRollbackError) as exc:
            # The connection died under the open transaction (PendingRollbackError: it died during the
            # worker's read after the write): the server rolled it back, nothing was applied — a 503,
            # and the caller's retry with the same key applies it once.
            raise database_unavailable(exc) from exc
        finally:
            close_session(session)
        committed(self, pending.tx)

    def health(self) -> dict:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"database": "ok", "outbox_backlog": self.relay.backlog()}
