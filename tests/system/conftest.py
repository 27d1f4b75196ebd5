import pytest

from tests.platform import Platform


@pytest.fixture
def platform(amqp_uri, tmp_path):
    """All four services and the gateway, on PostgreSQL, in a private vhost."""
    running = Platform(amqp_uri, tmp_path).start_all()
    yield running
    running.stop_all()


@pytest.fixture
def sqlite_platform(amqp_uri, tmp_path):
    running = Platform(amqp_uri, tmp_path, db_kind="sqlite").start_all()
    yield running
    running.stop_all()
