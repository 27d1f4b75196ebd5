"""Every process takes a list of broker addresses and reconnects to any of them; the gateway's health
proves its reply queue works (a round trip), so it says so honestly while it cannot answer.

A broker node that does not answer is the first address (a closed port); losing a node is the broker
closing every connection of this test's vhost (`rabbitmqctl close_connection`), which touches no other
test's connections."""

from __future__ import annotations

import shutil
import subprocess
import time

import httpx
import pytest

from tests.platform import Platform, free_port

pytestmark = pytest.mark.skipif(shutil.which("rabbitmqctl") is None, reason="needs rabbitmqctl for the local broker")

VENUE = {"name": "嘉平镇文化服务中心", "kind": "town_cultural_station", "level": "town", "town": "嘉平镇"}


def close_connections_of(vhost: str) -> int:
    listed = subprocess.run(
        ["rabbitmqctl", "-q", "list_connections", "pid", "vhost", "--no-table-headers"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    pids = [line.split("\t")[0] for line in listed.splitlines() if line.endswith(f"\t{vhost}")]
    for pid in pids:
        subprocess.run(
            ["rabbitmqctl", "-q", "close_connection", pid, "node lost (test)"], capture_output=True, timeout=60
        )
    return len(pids)


def test_processes_use_any_listed_node_and_come_back_after_losing_it(amqp_uri, tmp_path):
    _base, vhost = amqp_uri.rsplit("/", 1)
    if not vhost:
        pytest.skip("needs a private vhost")
    dead_node = f"amqp://guest:guest@127.0.0.1:{free_port()}/{vhost}"
    platform = Platform(f"{dead_node};{amqp_uri}", tmp_path).start_all()
    try:
        health = platform.wait_healthy()
        assert health["broker"] == "ok" and health["reply_queue"] == "ok"

        assert close_connections_of(vhost) >= 7  # six services and the gateway, at least
        started = time.monotonic()
        while time.monotonic() - started < 60:
            response = httpx.get(f"{platform.base_url}/health", timeout=10)
            if response.status_code == 200:
                break
            assert response.status_code == 503  # honest while it cannot answer: never a 500
            time.sleep(0.2)
        assert response.status_code == 200, platform.tail_logs()
        assert response.json()["reply_queue"] == "ok"

        with platform.client("admin") as http:  # the whole path works again, nobody restarted
            assert http.post("/api/v1/venues", json=VENUE).status_code == 201
        assert all(process.poll() is None for process in platform.processes.values())
    finally:
        platform.stop_all()
