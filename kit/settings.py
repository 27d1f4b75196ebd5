"""Platform settings, read from the environment (pydantic-settings).

Every process (service, gateway, CLI) reads the same variables, so one `export` configures a whole
deployment. Defaults give the embedded set-up: SQLite under `var/`, RabbitMQ on localhost.
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICE_NAMES = ("venues", "events", "volunteers", "notifications", "accounts", "reports")
METRICS_PORTS = {
    "venues": 9101,
    "events": 9102,
    "volunteers": 9103,
    "notifications": 9104,
    "accounts": 9105,
    "reports": 9106,
}


MIN_SECRET_BYTES = 32


class PlatformSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WENYUN_", extra="ignore")

    # One address per broker node, separated by ";" (amqp://u:p@node1:5672/;amqp://u:p@node2:5672/):
    # every process connects to the first that answers and moves to another when its node is lost.
    amqp_uri: str = Field(
        "amqp://guest:guest@localhost:5672/", validation_alias=AliasChoices("AMQP_URI", "WENYUN_AMQP_URI")
    )
    # Durable queues: "quorum" (replicated, survives the loss of a cluster node) or "classic" (a test,
    # or a deployment whose queues `wenyun migrate-queues` has not moved yet). kit.bus.
    queue_type: Literal["classic", "quorum"] = "quorum"
    var_dir: Path = Path("var")
    # When set (e.g. postgresql://postgres@localhost:5432), each service without its own
    # <SERVICE>_DATABASE_URL uses the database wenyun_<service> on that server.
    postgres_url: str | None = None
    secret_key: str | None = None
    # The Ed25519 private key (PEM) that signs access tokens; without it one is derived from the
    # secret key (kit.tokens), so development and tests need no set-up.
    token_signing_key: str | None = None
    public_base_url: str = Field(
        "http://localhost:8000", validation_alias=AliasChoices("PUBLIC_BASE_URL", "WENYUN_PUBLIC_BASE_URL")
    )
    # Where the web app is reached (the gateway sends browsers asking for its old pages there; calendar
    # feeds link its event pages).
    web_public_url: str = "http://localhost:8080"
    # "production" refuses to start without PUBLIC_BASE_URL and WENYUN_WEB_PUBLIC_URL (links in texts,
    # e-mails and feeds would point at localhost); "development" warns.
    environment: Literal["development", "production"] = "development"
    rpc_timeout: float = 8.0
    # Event handlers: attempts before a message goes to the dead-letter queue.
    handler_max_attempts: int = 4
    handler_retry_delay: float = 0.5
    outbox_sweep_interval: float = 2.0
    # Batched event handlers (kit.events `handle_events`): at most this many facts per worker and
    # transaction, and how long (seconds) a fact that arrives alone waits for others.
    event_batch_size: int = Field(50, ge=1, le=500)
    event_batch_wait: float = Field(0.005, ge=0, le=1)
    max_workers: int = 10
    # Database connections of ONE service process: kept open, and opened on top of them for a burst.
    # Every replica may hold pool + overflow, so N processes need N × (pool + overflow) connections of
    # PostgreSQL's max_connections (docs/deployment.md). WENYUN_<SERVICE>_DB_POOL_SIZE and
    # WENYUN_<SERVICE>_DB_MAX_OVERFLOW set them for one service.
    db_pool_size: int = Field(10, ge=1)
    db_max_overflow: int = Field(10, ge=0)
    # Fault injection for tests only, e.g. "crash_after_commit".
    fault: str | None = None
    gateway_port: int = 8000
    # Gateway processes behind the one port (uvicorn workers); unset: one per core. Each keeps its own RPC
    # connection and its own rate-limit buckets.
    gateway_workers: int | None = Field(None, ge=1)
    # Cache-Control max-age of public reads answered to anonymous callers (gateway/http_cache.py).
    public_max_age: int = Field(30, ge=0)
    # Gateway limits (gateway/limits.py): rates like "60/minute", "off" disables one.
    max_body_bytes: int = 1_000_000
    rate_limit_writes_per_client: str = "300/minute"
    rate_limit_writes_per_token: str = "60/minute"
    rate_limit_token_pages_per_client: str = "30/minute"
    rate_limit_sign_in_per_client: str = "20/minute"

    def resolved_var_dir(self) -> Path:
        path = self.var_dir.expanduser().resolve()
        path.mkdir(parents=True, exist_ok=True)
        return path

    def database_url(self, service: str) -> str:
        own = os.environ.get(f"{service.upper()}_DATABASE_URL")
        if own:
            return own
        if self.postgres_url:
            return f"{self.postgres_url.rstrip('/')}/wenyun_{service}"
        return f"sqlite:///{self.resolved_var_dir() / f'{service}.db'}"

    def signing_key(self) -> bytes:
        """The secret that signs bearer tokens and volunteer links.

        Taken from WENYUN_SECRET_KEY; otherwise generated once into var/secret.key so a
        development machine works with no set-up and nothing secret is ever committed.
        """
        if self.secret_key:
            if len(self.secret_key.encode()) < MIN_SECRET_BYTES:  # RFC 7518 §3.2: at least the hash size
                raise ValueError(
                    f"WENYUN_SECRET_KEY must be at least {MIN_SECRET_BYTES} bytes "
                    "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')"
                )
            return self.secret_key.encode()
        key_file = self.resolved_var_dir() / "secret.key"
        if not key_file.exists():
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48))
        return key_file.read_text().strip().encode()

    def token_signing_pem(self) -> bytes:
        """What `kit.tokens.signer_from` turns into the access-token signing key."""
        return self.token_signing_key.encode() if self.token_signing_key else self.signing_key()

    def public_url_problem(self) -> str | None:
        """Why the public addresses cannot be trusted (never set), or None."""
        unset = [
            name
            for field, name in (("public_base_url", "PUBLIC_BASE_URL"), ("web_public_url", "WENYUN_WEB_PUBLIC_URL"))
            if field not in self.model_fields_set
        ]
        if not unset:
            return None
        return (
            f"{' and '.join(unset)} not set: links in SMS, e-mails and calendar feeds point at "
            f"{self.public_base_url} / {self.web_public_url}. Set them to the platform's public addresses."
        )

    def event_page_url(self, event_id: str) -> str:
        return f"{self.web_public_url.rstrip('/')}/events/{event_id}"

    def db_pool(self, service: str) -> tuple[int, int]:
        """(pool size, max overflow) of one service's database engine."""
        size = os.environ.get(f"WENYUN_{service.upper()}_DB_POOL_SIZE")
        overflow = os.environ.get(f"WENYUN_{service.upper()}_DB_MAX_OVERFLOW")
        pool = (int(size) if size else self.db_pool_size, int(overflow) if overflow else self.db_max_overflow)
        if pool[0] < 1 or pool[1] < 0:
            raise ValueError(f"{service}: the database pool needs at least one connection, got {pool}")
        return pool

    def metrics_port(self, service: str) -> int:
        return int(os.environ.get("METRICS_PORT", METRICS_PORTS.get(service, 0)))


@lru_cache(maxsize=1)
def get_settings() -> PlatformSettings:
    return PlatformSettings()


def nameko_config(service: str, settings: PlatformSettings | None = None) -> dict:
    """The nameko config dict of one service process, derived from the settings."""
    settings = settings or get_settings()
    return {
        "AMQP_URI": settings.amqp_uri,
        "DATABASE_URL": settings.database_url(service),
        "max_workers": settings.max_workers,
        "serializer": "json",
        "ACCEPT": ["json", "cloudevents"],
        "WENYUN_SETTINGS": settings,
    }
