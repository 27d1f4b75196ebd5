"""What the bench runs against: a platform already running (`wenyun run`), or one it starts itself.

A running platform is found at --url (default http://localhost:8000) with its broker at --amqp
(default amqp://guest:guest@localhost:5672/). When nothing answers there, the bench starts its own
platform on PostgreSQL (tests/platform.py: every service and the gateway as real processes, in a
private RabbitMQ vhost with private databases) and stops it afterwards.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_URL = "http://localhost:8000"
DEFAULT_AMQP = "amqp://guest:guest@localhost:5672/"
DEFAULT_POSTGRES = "postgresql://postgres@localhost:5432"


@dataclass
class Target:
    base_url: str
    amqp_uri: str
    signing_key: bytes
    postgres_url: str
    started_here: bool = False
    platform: object = None
    workdir: Path | None = None
    vhost: str | None = None
    info: dict = field(default_factory=dict)

    def token(self, role: str, sub: str | None = None, scopes: list[str] | None = None) -> str:
        from gateway.auth import issue_token

        return issue_token(self.signing_key, sub=sub or f"bench-{role}", role=role, scopes=scopes)

    def headers(self, role: str, **kwargs) -> dict:
        return {"Authorization": f"Bearer {self.token(role, **kwargs)}"}

    def client(self, role: str | None = None, timeout: float = 30) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, headers=self.headers(role) if role else {}, timeout=timeout)

    def close(self) -> None:
        if self.platform is not None:
            self.platform.stop_all()
            self.platform = None
        if self.vhost:
            _rabbitmqctl("delete_vhost", self.vhost)
            self.vhost = None
        if self.workdir and self.workdir.exists():
            shutil.rmtree(self.workdir, ignore_errors=True)


def _rabbitmqctl(*args: str) -> bool:
    if not shutil.which("rabbitmqctl"):
        return False
    try:
        return subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, timeout=60).returncode == 0
    except subprocess.TimeoutExpired:
        return False


def _answers(url: str) -> bool:
    try:
        httpx.get(f"{url}/health", timeout=3)
        return True
    except httpx.HTTPError:
        return False


def _signing_key(explicit: str | None) -> bytes:
    if explicit:
        return explicit.encode()
    from kit.settings import PlatformSettings

    return PlatformSettings().signing_key()  # WENYUN_SECRET_KEY, or var/secret.key as `wenyun run` uses


def connect(
    url: str | None,
    amqp_uri: str | None,
    secret: str | None,
    postgres_url: str | None,
    start: str = "auto",
    log=print,
    extra_env: dict | None = None,
) -> Target:
    """start: "auto" (use a running platform, else start one), "always" (own platform), "never"."""
    url = (url or os.environ.get("WENYUN_BENCH_URL") or DEFAULT_URL).rstrip("/")
    amqp_uri = amqp_uri or os.environ.get("AMQP_URI") or DEFAULT_AMQP
    postgres_url = postgres_url or os.environ.get("WENYUN_POSTGRES_URL") or DEFAULT_POSTGRES
    secret = secret or os.environ.get("WENYUN_SECRET_KEY")
    if start != "always" and _answers(url):
        log(f"bench: using the platform running at {url} (broker {amqp_uri.split('@')[-1]})")
        return Target(url, amqp_uri, _signing_key(secret), postgres_url)
    if start == "never":
        raise SystemExit(f"bench: nothing answers at {url}/health; start the platform (`make run`) or drop --no-start")
    from kit.bus import BrokerUnreachable, check_broker
    from tests.platform import SYSTEM_TEST_SECRET, Platform

    stripped = amqp_uri.rstrip("/")
    base = stripped.rsplit("/", 1)[0] if stripped.count("/") > 2 else stripped
    try:
        check_broker(amqp_uri)
    except BrokerUnreachable as exc:
        raise SystemExit(f"bench: {exc}")
    vhost = f"wenyun-bench-{uuid.uuid4().hex[:8]}"
    if _rabbitmqctl("add_vhost", vhost) and _rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"):
        platform_amqp = f"{base}/{vhost}"
    else:
        vhost, platform_amqp = None, amqp_uri
    workdir = Path(tempfile.mkdtemp(prefix="wenyun-bench-"))
    log(f"bench: nothing answers at {url}; starting a platform on PostgreSQL (logs in {workdir}) ...")
    platform = Platform(platform_amqp, workdir, db_kind="postgresql", postgres_url=postgres_url, extra_env=extra_env)
    target = Target(
        platform.base_url,
        platform_amqp,
        SYSTEM_TEST_SECRET.encode(),
        postgres_url,
        started_here=True,
        platform=platform,
        workdir=workdir,
        vhost=vhost,
    )
    try:
        platform.start_all()
    except BaseException:
        target.close()
        raise
    log(f"bench: platform up at {platform.base_url}")
    return target
