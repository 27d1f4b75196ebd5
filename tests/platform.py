"""Runs the whole platform as real processes for system, fault and load tests.

Each `Platform` gets its own RabbitMQ vhost, its own databases (PostgreSQL by default, as DESIGN §7
asks; SQLite on request) and its own ports, so it never meets another run's data.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

from kit.engine import drop_database
from kit.settings import SERVICE_NAMES
from tests.published_facts import invalid_facts

ROOT = Path(__file__).resolve().parent.parent
SYSTEM_TEST_SECRET = "system-test-secret-of-at-least-32-bytes"  # kit.settings.MIN_SECRET_BYTES


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Platform:
    def __init__(
        self,
        amqp_uri: str,
        workdir: Path,
        db_kind: str = "postgresql",
        extra_env: dict | None = None,
        postgres_url: str = "postgresql://postgres@localhost:5432",
    ):
        self.amqp_uri = amqp_uri
        self.workdir = workdir
        self.db_kind = db_kind
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.web_port = free_port()
        self.web_url = f"http://127.0.0.1:{self.web_port}"
        self.web_session_key = "system-test-web-session"
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}
        tag = uuid.uuid4().hex[:8]
        self.database_urls = {
            s: (
                f"{postgres_url}/ws_{tag}_{s}"
                if db_kind == "postgresql"
                else f"sqlite:///{workdir / 'var' / f'{s}.db'}"
            )
            for s in SERVICE_NAMES
        }
        self.env = {
            **os.environ,
            "AMQP_URI": amqp_uri,
            "WENYUN_VAR_DIR": str(workdir / "var"),
            "WENYUN_SECRET_KEY": SYSTEM_TEST_SECRET,
            "WENYUN_GATEWAY_PORT": str(self.port),
            "WENYUN_GATEWAY_WORKERS": "1",  # one process: the tests kill and restart it by its pid
            "WENYUN_RPC_TIMEOUT": "5",
            "WENYUN_OUTBOX_SWEEP_INTERVAL": "0.5",
            "WENYUN_HANDLER_RETRY_DELAY": "0.1",
            "PUBLIC_BASE_URL": self.base_url,
            "NOTIFICATIONS_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8",  # the tests' webhook receivers
            # Every test client is 127.0.0.1 and some send 1,000 writes at once (tests/system/test_outside_clients.py
            # turns them on)
            "WENYUN_RATE_LIMIT_WRITES_PER_CLIENT": "off",
            "WENYUN_RATE_LIMIT_WRITES_PER_TOKEN": "off",
            "WENYUN_RATE_LIMIT_TOKEN_PAGES_PER_CLIENT": "off",
            "WENYUN_RATE_LIMIT_SIGN_IN_PER_CLIENT": "off",
            "WENYUN_WEB_PORT": str(self.web_port),
            "WENYUN_API_URL": self.base_url,
            "WENYUN_WEB_PUBLIC_URL": self.web_url,
            "WENYUN_WEB_SESSION_KEY": self.web_session_key,
            "METRICS_PORT": "0",
            "PYTHONUNBUFFERED": "1",
            **{f"{s.upper()}_DATABASE_URL": url for s, url in self.database_urls.items()},
            **(extra_env or {}),
        }
        self.env.pop("WENYUN_FAULT", None)

    # -- processes ----------------------------------------------------------------------------
    def start(self, name: str, service: str | None = None, **env: str) -> None:
        """Start process `name` running `service` (default: the same; a second replica has its own name)."""
        log_path = self.workdir / f"{name}.log"
        self.logs[name] = log_path
        log = open(log_path, "ab")
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "wenyun", "serve", service or name],
            cwd=ROOT,
            env={**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes.pop(name, None)
        if process and process.poll() is None:
            os.killpg(process.pid, sig)
            process.wait(timeout=20)

    def wait_exit(self, name: str, timeout: float = 20) -> int:
        process = self.processes[name]
        code = process.wait(timeout=timeout)
        del self.processes[name]
        return code

    def start_all(self) -> "Platform":
        try:
            # Deploy step first (migrations + durable queues), as `wenyun run` does.
            subprocess.run(
                [sys.executable, "-m", "wenyun", "migrate"],
                cwd=ROOT,
                env=self.env,
                check=True,
                capture_output=True,
                timeout=180,
            )
            for name in (*SERVICE_NAMES, "gateway", "web"):
                self.start(name)
            self.wait_healthy()
            self.wait_web()
        except BaseException:
            self.stop_all()  # no processes or databases left behind by a failed start
            raise
        return self

    def wait_healthy(self, timeout: float = 90) -> dict:
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            try:
                response = httpx.get(f"{self.base_url}/health", timeout=5)
                last = response.text
                if response.status_code == 200:
                    return response.json()
            except httpx.HTTPError as exc:
                last = repr(exc)
            time.sleep(0.5)
        raise RuntimeError(f"platform not healthy in {timeout}s: {last}\n{self.tail_logs()}")

    def wait_web(self, timeout: float = 30) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if httpx.get(f"{self.web_url}/health", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the web app did not start in {timeout}s\n{self.tail_logs()}")

    def wait_up(self, name: str, timeout: float = 60) -> None:
        """Wait until process `name` logged that its service is up (a replica /health cannot tell apart)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.processes[name].poll() is not None:
                raise RuntimeError(f"{name} exited with {self.processes[name].returncode}\n{self.tail_logs()}")
            if " is up" in self.logs[name].read_text(errors="replace"):
                return
            time.sleep(0.3)
        raise RuntimeError(f"{name} did not come up in {timeout}s\n{self.tail_logs()}")

    def wait_service(self, name: str, timeout: float = 60) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            body = httpx.get(f"{self.base_url}/health", timeout=5).json()
            if body["services"].get(name, {}).get("status") == "ok":
                return
            time.sleep(0.3)
        raise RuntimeError(f"{name} did not come back\n{self.tail_logs()}")

    def stop_all(self) -> None:
        # Signal every process first and then wait: each takes ~2 s to stop gracefully.
        stopping = {}
        for name, process in list(self.processes.items()):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM if name not in ("gateway", "web") else signal.SIGKILL)
            stopping[name] = self.processes.pop(name)
        for name, process in stopping.items():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        checked, invalid = invalid_facts(self.database_urls)
        if self.db_kind == "postgresql":
            for url in self.database_urls.values():
                drop_database(url)
        # Every fact the tests on this platform caused, as published, against its documented schema.
        assert not invalid, f"{len(invalid)} of {checked} published facts break their schema:\n" + "\n".join(invalid)

    def tail_logs(self, lines: int = 40) -> str:
        out = []
        for name, path in self.logs.items():
            text = path.read_text(errors="replace").splitlines()[-lines:]
            out.append(f"---- {name}\n" + "\n".join(text))
        return "\n".join(out)

    # -- HTTP -----------------------------------------------------------------------------------
    def token(self, role: str, sub: str | None = None, scopes: list[str] | None = None, name: str | None = None) -> str:
        from gateway.auth import issue_token

        return issue_token(SYSTEM_TEST_SECRET.encode(), sub=sub or f"{role}-1", role=role, scopes=scopes, name=name)

    def rpc_context(self, actor: dict) -> dict:
        """Context data for an RPC straight onto the broker (as `wenyun seed` sends it): a token for `actor`."""
        from kit.settings import PlatformSettings
        from tests.callers import signed_context

        return signed_context(PlatformSettings(secret_key=SYSTEM_TEST_SECRET), actor)

    def client(self, role: str | None = None, **token_args) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.token(role, **token_args)}"} if role else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=15)
