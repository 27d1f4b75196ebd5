"""Every published fact (the contract examples, so a new type is covered without a fixture) goes through
the fan-out without error, and applying it twice adds nothing. SQLite only: no broker needed here."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contracts.envelope import parse_cloudevent, registered_events, to_cloudevent
from contracts.volunteers import DispatchOffered
from kit.clock import utcnow
from kit.engine import make_engine
from kit.migrations import upgrade
from services.notifications.domain.messages import SILENT_EVENT_TYPES
from services.notifications.domain.webhook_privacy import for_subscribers
from services.notifications.fanout_commands import fan_out
from services.notifications.service import NotificationsService, handler_name
from services.notifications.settings import NotificationSettings
from services.notifications.tables import deliveries, inbox_messages, webhook_deliveries, webhook_subscriptions
from tests.contract.examples import example_event


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('fanout') / 'notifications.db'}"
    upgrade("notifications", url)
    engine = make_engine(url)
    with engine.begin() as db:  # a subscriber to everything, and people who agreed to everything
        now = utcnow()
        db.execute(
            webhook_subscriptions.insert().values(
                id="sub-all",
                owner="archive",
                url="http://127.0.0.1:9/",
                description="",
                event_types=[],
                secret="whsec_x",
                status="active",
                created_at=now,
                updated_at=now,
            )
        )
    yield engine
    engine.dispose()


def count(session, table, event_id):
    return session.execute(select(func.count()).select_from(table).where(table.c.event_id == event_id)).scalar_one()


def rows_of(session, event_id) -> dict:
    """What the fact left in the database (not what fan_out says it did)."""
    return {
        "inbox": count(session, inbox_messages, event_id),
        "deliveries": count(session, deliveries, event_id),
        "webhooks": count(session, webhook_deliveries, event_id),
    }


@pytest.mark.parametrize("event_type", sorted(registered_events()))
def test_every_fact_is_heard_and_applying_it_twice_adds_nothing(engine, event_type):
    assert callable(getattr(NotificationsService, handler_name(event_type)))
    envelope = parse_cloudevent(to_cloudevent(example_event(registered_events()[event_type]), subject="x"))
    settings = NotificationSettings()
    with Session(engine) as session, session.begin():
        assert rows_of(session, envelope.id) == {"inbox": 0, "deliveries": 0, "webhooks": 0}
        fan_out(session, envelope, settings, utcnow())
        first = rows_of(session, envelope.id)
        fan_out(session, envelope, settings, utcnow())
        assert rows_of(session, envelope.id) == first  # applying it again wrote nothing
        assert first["webhooks"] == 1  # the one subscriber to everything
        if event_type in SILENT_EVENT_TYPES:
            assert first["inbox"] == 0
        payload = session.execute(
            select(webhook_deliveries.c.payload).where(webhook_deliveries.c.event_id == envelope.id)
        ).scalar_one()
        # The fact as received, less people's phone numbers and e-mail addresses (it leaves the platform).
        assert json.loads(payload)["data"] == for_subscribers(envelope.data)
        assert json.loads(payload)["id"] == envelope.id
        assert '"phone": "1' not in payload and "@" not in json.dumps(json.loads(payload)["data"].get("contact") or {})


def test_offer_links_reach_the_volunteer_but_no_subscriber(engine):
    """A webhook subscriber (an archive, a dashboard) must not be able to answer a volunteer's offer."""
    data = example_event(DispatchOffered).model_dump(mode="json")
    links = {
        "accept_url": "https://wenyun.example.cn/offers/tok-ACCEPT-sig/accept",
        "decline_url": "https://wenyun.example.cn/offers/tok-DECLINE-sig/decline",
    }
    envelope = parse_cloudevent(to_cloudevent(DispatchOffered(**{**data, **links}), subject="x"))
    with Session(engine) as session, session.begin():
        fan_out(session, envelope, NotificationSettings(), utcnow())
        payload = session.execute(
            select(webhook_deliveries.c.payload).where(webhook_deliveries.c.event_id == envelope.id)
        ).scalar_one()
        inbox_body = session.execute(
            select(inbox_messages.c.body).where(inbox_messages.c.event_id == envelope.id)
        ).scalar_one()
    for secret in ("tok-ACCEPT-sig", "tok-DECLINE-sig", "/offers/"):
        assert secret not in payload
        assert secret in inbox_body  # the volunteer's own channel still carries them
    assert "accept_url" not in json.loads(payload)["data"]
