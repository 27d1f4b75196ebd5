"""Real outside parties for the notifications tests, on loopback only:
- an SMTP server (aiosmtpd, in a SUBPROCESS — the pytest process is eventlet-patched) writing a Maildir;
- a webhook receiver (http.server in a thread) that can refuse connections, answer 500, or accept;
- publishing a fact onto its service's topic exchange, as the owning service's relay would.
Also used by tests/system/test_notifications_*.py."""

from __future__ import annotations

import email
import json
import mailbox
import socket
import subprocess
import sys
import threading
import time
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from kombu import Connection

from contracts.envelope import DomainEvent, to_cloudevent
from kit.bus import events_exchange


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, timeout: float = 15.0, interval: float = 0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


class SmtpSink:
    """`python -m aiosmtpd … -c aiosmtpd.handlers.Mailbox <maildir>`: every accepted e-mail is a file."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.maildir = workdir / "maildir"
        self.process: subprocess.Popen | None = None

    def start(self) -> "SmtpSink":
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                f"127.0.0.1:{self.port}",
                "-c",
                "aiosmtpd.handlers.Mailbox",
                str(self.maildir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("aiosmtpd did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def messages(self) -> list[email.message.EmailMessage]:
        if not (self.maildir / "new").exists():
            return []
        box = mailbox.Maildir(str(self.maildir), factory=None, create=False)
        return [email.message_from_bytes(box.get_bytes(key), policy=policy.default) for key in box.keys()]

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages() if address in str(m["To"])]


class WebhookReceiver:
    """A real HTTP endpoint. Not listening until `start()` (connections are refused); then answers
    each path with `statuses[path]` (default 200) and records every request."""

    def __init__(self):
        self.port = free_port()
        self.statuses: dict[str, int] = {}
        self.requests: list[dict] = []
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> "WebhookReceiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                status = receiver.statuses.get(self.path, 200)
                with receiver._lock:
                    receiver.requests.append(
                        {
                            "path": self.path,
                            "method": "POST",
                            "headers": {k.lower(): v for k, v in self.headers.items()},
                            "body": body,
                            "status": status,
                        }
                    )
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def do_GET(self):  # noqa: N802 - a link being followed (e.g. from an SMS)
                with receiver._lock:
                    receiver.requests.append(
                        {"path": self.path, "method": "GET", "headers": dict(self.headers), "body": b"", "status": 200}
                    )
                self.send_response(200)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def accepted(self, path: str | None = None) -> list[dict]:
        """Requests answered 2xx (on `path`)."""
        with self._lock:
            return [
                r
                for r in self.requests
                if r["method"] == "POST" and 200 <= r["status"] < 300 and (path is None or r["path"] == path)
            ]

    def seen(self, path: str | None = None, method: str = "POST") -> list[dict]:
        with self._lock:
            return [r for r in self.requests if r["method"] == method and (path is None or r["path"] == path)]


def publish_fact(amqp_uri: str, fact: DomainEvent, *, event_id: str | None = None, subject: str | None = None) -> dict:
    """Publish `fact` as its owning service would (CloudEvent on <service>.events); returns the CloudEvent."""
    body = to_cloudevent(fact, subject=subject, event_id=event_id)
    exchange = events_exchange(fact.source_service)
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        conn.Producer().publish(
            body,
            exchange=exchange,
            routing_key=fact.event_type,
            declare=[exchange],
            content_type="application/cloudevents+json",
            content_encoding="utf-8",
            delivery_mode=2,
        )
    return json.loads(body)


def sms_lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
