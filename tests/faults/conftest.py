"""Fault suite fixtures: ONE real platform (all services + gateway on PostgreSQL, in a private
RabbitMQ vhost) shared by the fault tests of this package, because a start costs ~10 s and the
whole suite must stay within 120 s. Every test leaves it healthy again (it restarts what it killed
and waits for /health) and proves its claims on the venues it registered itself."""

from __future__ import annotations

import shutil
import subprocess
import uuid

import pytest

from tests.platform import Platform

AMQP_BASE = "amqp://guest:guest@localhost:5672"


def _rabbitmqctl(*args: str) -> bool:
    if not shutil.which("rabbitmqctl"):
        return False
    return subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, timeout=60).returncode == 0


@pytest.fixture(scope="package")
def fault_platform(tmp_path_factory):
    vhost = f"wenyun-faults-{uuid.uuid4().hex[:8]}"
    if _rabbitmqctl("add_vhost", vhost) and _rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"):
        amqp_uri = f"{AMQP_BASE}/{vhost}"
    else:
        vhost, amqp_uri = None, f"{AMQP_BASE}/"
    running = Platform(amqp_uri, tmp_path_factory.mktemp("faults")).start_all()
    yield running
    running.stop_all()
    if vhost:
        _rabbitmqctl("delete_vhost", vhost)


@pytest.fixture
def platform(fault_platform):
    """The shared platform, checked healthy before and after each fault test."""
    fault_platform.wait_healthy(timeout=60)
    yield fault_platform
    fault_platform.wait_healthy(timeout=60)
