"""Check-in at the event, hours credited when it completes (once per event and volunteer), and the
event's satisfaction figures from residents' feedback."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from contracts.errors import Conflict
from contracts.volunteers import CheckIn, HoursCredited
from kit.clock import local_today
from kit.unit_of_work import Transaction
from services.volunteers import star_commands
from services.volunteers.domain.hours import credits_for_event
from services.volunteers.domain.recognition import NATIONAL_STAR_THRESHOLDS
from services.volunteers.tables import checkins, completed_events, event_satisfaction, hours_log, offers


def credit(
    tx: Transaction,
    *,
    event_id: str,
    title: str,
    start: datetime,
    end: datetime,
    now: datetime,
    volunteer_ids: list[str],
    recorded_by: str,
    thresholds=NATIONAL_STAR_THRESHOLDS,
) -> list[HoursCredited]:
    """Credit the event's hours to those volunteers who have no credit for it yet; emit hours.credited
    (and volunteer.stars_changed for whom the hours earned a star)."""
    session = tx.session
    stars = star_commands.stars_now(session, volunteer_ids, thresholds)
    already = set(session.execute(select(hours_log.c.credit_key).where(hours_log.c.event_id == event_id)).scalars())
    facts = []
    for c in credits_for_event(event_id, start, end, {vid: True for vid in volunteer_ids}, already):
        session.execute(
            hours_log.insert().values(
                id=str(uuid.uuid4()),
                credit_key=c.key,
                volunteer_id=c.volunteer_id,
                event_id=event_id,
                event_title=title,
                hours=c.hours,
                served_on=local_today(start),
                source="event",
                note=None,
                recorded_by=recorded_by,
                created_at=now,
            )
        )
        total = session.execute(
            select(func.sum(hours_log.c.hours)).where(hours_log.c.volunteer_id == c.volunteer_id)
        ).scalar_one()
        fact = HoursCredited(volunteer_id=c.volunteer_id, event_id=event_id, hours=c.hours, total_hours=float(total))
        tx.emit(fact, subject=c.volunteer_id)
        facts.append(fact)
    star_commands.emit_changes(tx, stars, thresholds)
    return facts


def check_in(
    tx: Transaction, drow, volunteer_id: str, *, by: str, now: datetime, thresholds=NATIONAL_STAR_THRESHOLDS
) -> CheckIn:
    """Check a volunteer of the event's team in. After the event completed, the hours are credited at once."""
    session = tx.session
    event_id = drow.event_id
    on_team = session.execute(
        select(offers.c.id).where(
            offers.c.dispatch_id == drow.id, offers.c.volunteer_id == volunteer_id, offers.c.status == "accepted"
        )
    ).first()
    if not on_team:
        raise Conflict(
            f"{volunteer_id} is not on the team of event {event_id} (no accepted offer). "
            "该志愿者不在本次活动的服务名单中。",
            {"reason": "not_on_team", "volunteer_id": volunteer_id},
        )
    existing = checkin_row(session, event_id, volunteer_id)
    if existing is not None:
        raise Conflict(
            f"{volunteer_id} already checked in at {existing.checked_in_at.isoformat()}.",
            {"reason": "already_checked_in", "volunteer_id": volunteer_id},
        )
    session.execute(
        checkins.insert().values(event_id=event_id, volunteer_id=volunteer_id, checked_in_at=now, checked_in_by=by)
    )
    credited = None
    done = completion(session, event_id)
    if done is not None:
        facts = credit(
            tx,
            event_id=event_id,
            title=done.title,
            start=done.start,
            end=done.end,
            now=now,
            volunteer_ids=[volunteer_id],
            recorded_by=by,
            thresholds=thresholds,
        )
        credited = facts[0].hours if facts else None
    return CheckIn(
        event_id=event_id, volunteer_id=volunteer_id, checked_in_at=now, checked_in_by=by, credited_hours=credited
    )


def complete_event(
    tx: Transaction,
    *,
    event_id: str,
    title: str,
    start: datetime,
    end: datetime,
    now: datetime,
    thresholds=NATIONAL_STAR_THRESHOLDS,
) -> list[HoursCredited]:
    """event.completed: remember it (so a late check-in is credited at once) and credit who checked in.
    A second delivery — same CloudEvent id or not — finds every credit made and credits nobody again."""
    session = tx.session
    if completion(session, event_id) is None:
        session.execute(
            completed_events.insert().values(event_id=event_id, title=title, start=start, end=end, completed_at=now)
        )
    checked = list(session.execute(select(checkins.c.volunteer_id).where(checkins.c.event_id == event_id)).scalars())
    return credit(
        tx,
        event_id=event_id,
        title=title,
        start=start,
        end=end,
        now=now,
        volunteer_ids=checked,
        recorded_by="event.completed",
        thresholds=thresholds,
    )


def completion(session: Session, event_id: str):
    return session.execute(select(completed_events).where(completed_events.c.event_id == event_id)).first()


def checkin_row(session: Session, event_id: str, volunteer_id: str):
    return session.execute(
        select(checkins).where(checkins.c.event_id == event_id, checkins.c.volunteer_id == volunteer_id)
    ).first()


def record_feedback(session: Session, event_id: str, rating: int, now: datetime) -> None:
    """One more resident rating of the event (the inbox makes a redelivered feedback.received harmless)."""
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(event_satisfaction)
    statement = insert.values(event_id=event_id, rating_count=1, rating_sum=rating, updated_at=now)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[event_satisfaction.c.event_id],
            set_={
                "rating_count": event_satisfaction.c.rating_count + 1,
                "rating_sum": event_satisfaction.c.rating_sum + rating,
                "updated_at": now,
            },
        )
    )
