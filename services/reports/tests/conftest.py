"""Fixtures of the reports service tests: the real container (real broker, SQLite and PostgreSQL) and
a publisher that puts facts on the bus as the other services would (with the time they happened)."""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime

import pytest
from kombu import Connection
from sqlalchemy import create_engine, func, select

from contracts.envelope import DomainEvent, to_cloudevent
from kit.bus import events_exchange
from services.reports.service import ReportsService
from services.reports.tables import fact_log
from tests.callers import signed_hook

ADMIN = {"sub": "admin-1", "role": "admin", "scopes": []}


def republish(amqp_uri: str, fact: DomainEvent, happened: datetime, event_id: str) -> None:
    publish_facts(amqp_uri, [(fact, happened)], event_ids=[event_id])


def publish_facts(
    amqp_uri: str, facts: list[tuple[DomainEvent, datetime]], event_ids: list[str] | None = None
) -> list[str]:
    """Publish facts (confirmed) with their CloudEvent `time` set to when they happened."""
    ids = []
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        producer = conn.Producer()
        for n, (fact, happened) in enumerate(facts):
            event_id = event_ids[n] if event_ids else str(uuid.uuid4())
            body = json.loads(to_cloudevent(fact, event_id=event_id))
            body["time"] = happened.isoformat()
            exchange = events_exchange(fact.source_service)
            producer.publish(
                json.dumps(body, ensure_ascii=False).encode(),
                exchange=exchange,
                routing_key=fact.event_type,
                content_type="application/cloudevents+json",
                content_encoding="utf-8",
                declare=[exchange],
                delivery_mode=2,
            )
            ids.append(event_id)
    return ids


class Reports:
    def __init__(self, container, config: dict):
        self.container = container
        self.database_url = config["DATABASE_URL"]
        self.amqp_uri = config["AMQP_URI"]

    def __getattr__(self, method):
        def call(**kwargs):
            with signed_hook(self.container, method) as hook:
                return hook(**kwargs)

        return call

    def wait_logged(self, count: int, timeout: float = 20) -> int:
        engine = create_engine(self.database_url)
        try:
            deadline = time.time() + timeout
            while True:
                with engine.connect() as conn:
                    logged = conn.execute(select(func.count()).select_from(fact_log)).scalar_one()
                if logged >= count or time.time() > deadline:
                    return logged
                time.sleep(0.1)
        finally:
            engine.dispose()


@pytest.fixture
def reports(container_factory, service_config) -> Reports:
    config = service_config(ReportsService)
    container = container_factory(ReportsService, config)
    container.start()
    return Reports(container, config)
