"""Writing what was learnt: append a consumed fact to the log and project it, in one transaction
(the inbox claim of that transaction makes a redelivered fact a no-op); rebuild; settings."""

from __future__ import annotations

import json

from sqlalchemy import select, text

from contracts.envelope import Envelope
from kit.clock import utcnow
from services.reports import projection
from services.reports.domain.privacy import pseudonym, pseudonymised
from services.reports.tables import fact_log, report_settings, survey_contacts, survey_invitations


def record_fact(session, envelope: Envelope, pseudonym_key: bytes) -> None:
    fact = envelope.typed().model_dump(mode="json")
    if envelope.type.startswith("registration.") and fact.get("person_id"):
        _keep_survey_contact(session, fact["registration_id"], fact["person_id"])
    data = pseudonymised(fact, pseudonym_key)  # figures need no phone numbers, names or ids of people
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


def _keep_survey_contact(session, registration_id: str, person_id: str) -> None:
    where = survey_contacts.c.registration_id == registration_id
    if session.execute(select(survey_contacts.c.person_id).where(where)).first() is None:
        session.execute(survey_contacts.insert().values(registration_id=registration_id, person_id=person_id))


def forget_people(session, person_ids: list[str], pseudonym_key: bytes) -> None:
    """A closed account (PIPL): no survey can reach them any more; an answer they gave stays, under the
    pseudonym (the log holds nothing else of them)."""
    session.execute(survey_contacts.delete().where(survey_contacts.c.person_id.in_(person_ids)))
    for person_id in person_ids:
        session.execute(
            survey_invitations.update()
            .where(survey_invitations.c.person_id == person_id)
            .values(person_id=pseudonym(pseudonym_key, person_id))
        )


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
