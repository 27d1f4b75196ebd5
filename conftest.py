"""Shared test fixtures: a real RabbitMQ (a fresh vhost per test) and real databases
(SQLite in a temp dir, or a fresh PostgreSQL database), as DESIGN §7 asks. No mocks."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import uuid

import eventlet


def _browser_tests_only() -> bool:
    """True for a run of tests/browser alone: Playwright's sync API hangs under eventlet's monkey-patching,
    and the browser tests need no green service containers (every process is real)."""
    if os.environ.get("WENYUN_TEST_EVENTLET") == "0":
        return True
    paths = [os.path.abspath(a.split("::")[0]) for a in sys.argv[1:] if os.path.exists(a.split("::")[0])]
    browser = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tests", "browser")
    return bool(paths) and all(p == browser or p.startswith(browser + os.sep) for p in paths)


if not _browser_tests_only():
    eventlet.monkey_patch()  # as `nameko test` does: service containers run green in this process
    from psycogreen.eventlet import patch_psycopg

    patch_psycopg()

import pytest  # noqa: E402

from kit.engine import drop_database, ensure_database  # noqa: E402
from kit.settings import PlatformSettings  # noqa: E402

POSTGRES_URL = os.environ.get("WENYUN_TEST_POSTGRES_URL", "postgresql://postgres@localhost:5432")
AMQP_BASE = os.environ.get("WENYUN_TEST_AMQP_BASE", "amqp://guest:guest@localhost:5672")


def _rabbitmqctl(*args: str) -> bool:
    if not shutil.which("rabbitmqctl"):
        return False
    return subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, timeout=60).returncode == 0


@contextlib.contextmanager
def private_vhost():
    """A private vhost so queues and messages of one test never meet another's."""
    vhost = f"wenyun-test-{uuid.uuid4().hex[:10]}"
    if not shutil.which("rabbitmqctl"):  # a broker elsewhere: share its default vhost
        yield f"{AMQP_BASE}/"
        return
    for _attempt in range(3):  # rabbitmqctl can time out on a loaded machine
        if _rabbitmqctl("add_vhost", vhost) and _rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"):
            break
    else:
        pytest.fail(f"could not create the RabbitMQ vhost {vhost} with rabbitmqctl")
    try:
        yield f"{AMQP_BASE}/{vhost}"
    finally:
        _rabbitmqctl("delete_vhost", vhost)


@pytest.fixture
def amqp_uri():
    with private_vhost() as uri:
        yield uri


@pytest.fixture(scope="module")
def module_amqp_uri():
    with private_vhost() as uri:
        yield uri


@pytest.fixture(scope="session")
def session_amqp_uri():
    with private_vhost() as uri:
        yield uri


@pytest.fixture(params=["sqlite", "postgresql"])
def db_kind(request):
    return request.param


@pytest.fixture
def database_url(db_kind, tmp_path):
    """database_url(service) → a fresh, empty database of the parametrised kind."""
    created = []

    def make(service: str) -> str:
        if db_kind == "sqlite":
            url = f"sqlite:///{tmp_path / f'{service}.db'}"
        else:
            url = f"{POSTGRES_URL}/wt_{uuid.uuid4().hex[:10]}_{service}"
            ensure_database(url)
        created.append(url)
        return url

    yield make
    for url in created:
        drop_database(url)


@pytest.fixture
def test_settings(amqp_uri, tmp_path):
    return PlatformSettings(
        amqp_uri=amqp_uri,
        var_dir=tmp_path / "var",
        secret_key="test-secret-key-of-at-least-32-bytes",
        handler_retry_delay=0.05,
        handler_max_attempts=3,
        outbox_sweep_interval=0.3,
    )


@pytest.fixture
def service_config(test_settings, database_url):
    """service_config(ServiceClass) → nameko config with its database migrated and queues declared."""
    from kit.migrations import upgrade
    from kit.topology import declare_topology

    def make(service_cls) -> dict:
        url = database_url(service_cls.name)
        upgrade(service_cls.name, url)
        declare_topology(test_settings.amqp_uri, [service_cls], test_settings.queue_type)
        return {
            "AMQP_URI": test_settings.amqp_uri,
            "DATABASE_URL": url,
            "max_workers": 10,
            "serializer": "json",
            "ACCEPT": ["json", "cloudevents"],
            "WENYUN_SETTINGS": test_settings,
        }

    return make


def pytest_collection_modifyitems(config, items):
    """Fault tests restart the broker or kill processes: they run last, after everything that shares the
    machine's RabbitMQ and PostgreSQL (the order within each group is kept)."""
    faults = [item for item in items if "/tests/faults/" in str(item.fspath)]
    if faults:
        items[:] = [item for item in items if "/tests/faults/" not in str(item.fspath)] + faults
