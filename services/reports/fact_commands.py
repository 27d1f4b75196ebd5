"""Writing what was learnt: append a consumed fact to the log and project it, in one transaction
(the inbox claim of that transaction makes a redelivered fact a no-op); rebuild; settings."""

from __future__ import annotations

import json

from sqlalchemy import select, text

from contracts.envelope import Envelope
from kit.clock import utcnow
from services.reports import projection
from services.reports.domain.privacy import without_contact_details
from services.reports.tables import fact_log, report_settings


def record_fact(session, envelope: Envelope) -> None:
    data = without_contact_details(envelope.typed().model_dump(mode="json"))  # figures need no phone numbers
    occurred_at = envelope.time or utcnow()
    session.execute(
        fact_log.insert().values(
            event_id=envelope.id,
            event_type=envelope.type,
            source=envelope.source,
            subject=envelope.subject,
            occurred_at=occurred_at,
            data=json.dumps(data, ensure_ascii=False),
            received_at=utcnow(),
        )
    )
    projection.project(session, projection.Fact(envelope.type, data, occurred_at, envelope.id))


def rebuild(session) -> int:
    if session.get_bind().dialect.name == "postgresql":
        # Facts arriving meanwhile wait until the replay is committed (they append to the log).
        session.execute(text("LOCK TABLE fact_log IN EXCLUSIVE MODE"))
    return projection.rebuild(session)


def set_targets(session, targets: dict) -> dict:
    for key, value in targets.items():
        if session.execute(select(report_settings.c.key).where(report_settings.c.key == key)).first():
            session.execute(report_settings.update().where(report_settings.c.key == key).values(value=value))
        else:
            session.execute(report_settings.insert().values(key=key, value=value))
    return dict(session.execute(select(report_settings.c.key, report_settings.c.value)).all())
