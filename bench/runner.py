"""Helpers to drive the load generator (bench.load) and the baseline scripts as separate processes."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from bench.stats import Figures

ROOT = Path(__file__).resolve().parent.parent


def start_load(spec: dict) -> subprocess.Popen:
    """Start the asyncio load generator in its own process; collect with finish_load(). Its output
    goes to a temporary file, so a caller that polls it meanwhile can never block it on a full pipe."""
    out = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.load"], cwd=ROOT, stdin=subprocess.PIPE, stdout=out, stderr=subprocess.PIPE
    )
    process.stdin.write(json.dumps(spec).encode())
    process.stdin.close()
    process.out_file = out
    return process


def finish_load(process: subprocess.Popen, timeout: float = 300) -> dict:
    try:
        stderr = process.stderr.read()
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    if process.returncode != 0:
        raise RuntimeError(f"load generator failed: {stderr.decode()[-2000:]}")
    process.out_file.seek(0)
    try:
        return json.loads(process.out_file.read())
    finally:
        process.out_file.close()


def run_load(spec: dict, timeout: float = 300) -> dict:
    return finish_load(start_load(spec), timeout)


def run_json(args: list[str], timeout: float = 300) -> dict:
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:2])} failed: {done.stderr.decode()[-2000:]}")
    return json.loads(done.stdout)


def figures_from_load(name: str, out: dict, ok=(200, 201)) -> Figures:
    results = out["results"]
    good = [r for r in results if r[2] in ok]
    figures = Figures(
        name,
        count=len(good),
        errors=len(results) - len(good),
        seconds=out["finished"] - out["started"],
        latencies_ms=[r[1] for r in good],
    )
    statuses: dict[str, int] = {}
    for r in results:
        statuses[str(r[2])] = statuses.get(str(r[2]), 0) + 1
    figures.notes["statuses"] = statuses
    errors = [r[3] for r in results if r[2] not in ok and r[3]]
    if errors:
        figures.notes["first_errors"] = errors[:3]
    return figures


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class BareHttpServer:
    """The bare-handler baseline server (bench.bare_http) — or another bench app — in its own process."""

    def __init__(self, module: str = "bench.bare_http", extra: list[str] | None = None):
        self.module, self.extra = module, extra or []

    def __enter__(self):
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", self.module, "--port", str(self.port), *self.extra],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        import httpx

        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        self.__exit__(None, None, None)
        raise RuntimeError("the bare HTTP baseline server did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


def parse_time(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
