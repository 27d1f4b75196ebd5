"""Fixtures of the notifications service tests: a real SMTP server and a service container configured
for short intervals (parametrised over SQLite and PostgreSQL through `service_config`)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from kombu import Connection
from sqlalchemy import create_engine

from kit.topology import event_queues
from services.notifications.service import NotificationsService
from services.notifications.settings import NotificationSettings
from services.notifications.tests.helpers import SmtpSink


@pytest.fixture
def amqp_uri(module_amqp_uri):
    """One private vhost per test module rather than per test (rabbitmqctl costs ~2 s a test); the
    `notifications` fixture purges the service's queues, so no test sees another's messages."""
    return module_amqp_uri


@pytest.fixture(scope="module")
def smtp(tmp_path_factory):
    sink = SmtpSink(tmp_path_factory.mktemp("smtp")).start()
    yield sink
    sink.stop()


@dataclass
class Running:
    container: object
    settings: NotificationSettings
    engine: object
    config: dict


@pytest.fixture
def notifications(container_factory, service_config, smtp, tmp_path):
    """notifications(**settings) → Running: a (not yet started) container on a fresh database;
    notifications(same_database_as=running, **settings) → another container on the same database."""
    engines = []

    def make(same_database_as: Running | None = None, **overrides) -> Running:
        settings = NotificationSettings(
            **{
                "smtp_host": "127.0.0.1",
                "smtp_port": smtp.port,
                "sms_dev_path": tmp_path / "sms.jsonl",
                "send_interval": 0.1,
                "webhook_interval": 0.1,
                "send_lease": 1.0,
                "send_retry_delays": (0.2,),
                "webhook_retry_delays": (0, 0.2, 0.4),
                "webhook_timeout": 2.0,
                "webhook_lease": 5.0,
                # the test receivers listen on loopback: allowed here as an administrator would allow an intranet
                "webhook_allowed_networks": ("127.0.0.0/8",),
                **overrides,
            }
        )
        if same_database_as is None:
            base = service_config(NotificationsService)
            with Connection(base["AMQP_URI"]) as conn:
                for queue in event_queues(NotificationsService):
                    queue(conn.default_channel).purge()
        else:
            base = same_database_as.config
        config = {**base, "NOTIFICATIONS_SETTINGS": settings}
        engine = create_engine(config["DATABASE_URL"])
        engines.append(engine)
        return Running(container_factory(NotificationsService, config), settings, engine, config)

    yield make
    for engine in engines:
        engine.dispose()
