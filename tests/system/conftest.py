import pytest

from tests.platform import Platform


@pytest.fixture
def platform(amqp_uri, tmp_path):
    """All the services and the gateway, on PostgreSQL, in a private vhost (fresh for this test)."""
    running = Platform(amqp_uri, tmp_path).start_all()
    yield running
    running.stop_all()


@pytest.fixture
def sqlite_platform(amqp_uri, tmp_path):
    running = Platform(amqp_uri, tmp_path, db_kind="sqlite").start_all()
    yield running
    running.stop_all()


@pytest.fixture(scope="module")
def shared_platform(module_amqp_uri, tmp_path_factory):
    """One running platform (PostgreSQL) for all tests of a module: starting one costs ~10 s, so
    tests that only add data (and do not kill processes) share it."""
    running = Platform(module_amqp_uri, tmp_path_factory.mktemp("platform")).start_all()
    yield running
    running.stop_all()
