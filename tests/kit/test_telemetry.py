"""OpenTelemetry (issue 10): off unless an OTLP endpoint is configured; when it is, the gateway's HTTP
requests and the SQL of kit engines are exported as spans (to a real HTTP receiver here)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from kit import telemetry
from kit.engine import make_engine

print("enabled", telemetry.enabled())
telemetry.configure_tracing("gateway")  # as kit.serve does, before any engine is made
engine = make_engine("sqlite://")
with engine.connect() as conn:
    conn.execute(text("SELECT 4242"))
app = FastAPI()

@app.get("/traced-route")
def traced():
    return {"ok": True}

telemetry.instrument_gateway(app)
assert TestClient(app).get("/traced-route").status_code == 200
telemetry.shutdown()
"""


class _Receiver(BaseHTTPRequestHandler):
    bodies: list[tuple[str, bytes]] = []

    def do_POST(self):  # noqa: N802 - http.server's name
        length = int(self.headers.get("Content-Length") or 0)
        _Receiver.bodies.append((self.path, self.rfile.read(length)))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def _run(env_extra: dict) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    env.update(env_extra)
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_nothing_is_exported_unless_an_endpoint_is_configured():
    assert "enabled False" in _run({})


def test_http_requests_and_sql_are_exported_over_otlp():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        out = _run({"OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{server.server_port}"})
    finally:
        server.shutdown()
    assert "enabled True" in out
    exported = b"".join(body for path, body in _Receiver.bodies if path == "/v1/traces")
    assert b"SELECT 4242" in exported  # the SQL span (SQLAlchemy)
    assert b"/traced-route" in exported  # the HTTP span (FastAPI)
    assert b"wenyun-gateway" in exported  # the service name
