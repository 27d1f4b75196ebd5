"""The database dependency of a service: its engine and sessions, its outbox and inbox tables and the
relay that publishes what was committed. What a worker sees (`self.db`) is the unit of work
(kit.unit_of_work); the relay is kit.outbox_relay, the inbox kit.inbox.
"""

from __future__ import annotations

from nameko.extensions import DependencyProvider
from sqlalchemy import MetaData, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from kit.engine import make_engine
from kit.inbox import store_answer, stored_answer
from kit.outbox_relay import OutboxRelay, RelayLoop
from kit.settings import get_settings
from kit.tables import add_kit_tables
from kit.unit_of_work import UnitOfWork, database_unavailable


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
        self._relay_loop = RelayLoop(self.relay, self.settings.outbox_sweep_interval)
        self._claimed_keys: dict[str, tuple[str, str]] = {}  # worker call id → (consumer, scoped key)

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
        self._claimed_keys.pop(worker_ctx.call_id, None)

    # -- idempotency keys of RPC commands (kit.rpc): the answer of the first call, for a retry --------
    def claimed_key(self, call_id: str, consumer: str, key: str) -> None:
        """The worker `call_id` claimed `key`: its answer is stored with it (remember_answer)."""
        self._claimed_keys[call_id] = (consumer, key)

    def stored_answer(self, consumer: str, key: str) -> tuple[bool, object]:
        try:
            return stored_answer(self.engine, self.inbox, consumer, key)
        except OperationalError as exc:
            raise database_unavailable(exc) from exc

    def remember_answer(self, worker_ctx, result) -> None:
        claimed = self._claimed_keys.pop(worker_ctx.call_id, None)
        if claimed is not None:
            store_answer(self.engine, self.inbox, *claimed, result)

    def health(self) -> dict:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"database": "ok", "outbox_backlog": self.relay.backlog()}
