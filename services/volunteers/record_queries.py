"""Training records, the service-hours log, organisers' ratings and event satisfaction: rows ↔ contracts."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.volunteers import (
    HoursEntry,
    HoursLog,
    Satisfaction,
    ServedEvent,
    StarLevel,
    TrainingRecord,
    TrainingReport,
    TrainingReportRow,
    TrainingSummary,
)
from services.volunteers.domain.recognition import TrainingRecord as DomainTraining
from services.volunteers.domain.recognition import training_report
from services.volunteers.tables import event_satisfaction, hours_log, service_ratings, training_records, volunteers


def training_view(row) -> TrainingRecord:
    return TrainingRecord(
        id=row.id,
        volunteer_id=row.volunteer_id,
        course=row.course,
        provider=row.provider,
        hours=row.hours,
        on=row.trained_on,
        recorded_by=row.recorded_by,
    )


def training_rows(session: Session, volunteer_ids: list[str] | None, year: int):
    query = (
        select(training_records)
        .where(training_records.c.trained_on >= date(year, 1, 1), training_records.c.trained_on < date(year + 1, 1, 1))
        .order_by(training_records.c.trained_on, training_records.c.id)
    )
    if volunteer_ids is not None:
        query = query.where(training_records.c.volunteer_id.in_(volunteer_ids))
    return session.execute(query).all()


def _domain(rows):
    return [DomainTraining(r.volunteer_id, r.trained_on, r.hours, r.course, r.provider) for r in rows]


def training_summary(session: Session, volunteer_id: str, year: int) -> TrainingSummary:
    rows = training_rows(session, [volunteer_id], year)
    report = training_report(_domain(rows), year, people=[volunteer_id])
    person = report.people[0]
    return TrainingSummary(
        volunteer_id=volunteer_id,
        year=year,
        hours=person.hours,
        required_hours=report.required_hours,
        met=person.met,
        missing_hours=person.missing_hours,
        records=[training_view(r) for r in rows],
    )


def training_report_of(session: Session, year: int, *, town: str | None, village: str | None) -> TrainingReport:
    """Every active volunteer (of the town or village, if given) against the yearly 40 h."""
    query = select(volunteers.c.id, volunteers.c.name).where(volunteers.c.status == "active")
    if town:
        query = query.where(volunteers.c.town == town)
    if village:
        query = query.where(volunteers.c.village == village)
    names = dict(session.execute(query).all())
    report = training_report(_domain(training_rows(session, list(names), year)), year, people=list(names))
    return TrainingReport(
        year=year,
        required_hours=report.required_hours,
        met_count=report.met_count,
        people=[
            TrainingReportRow(
                volunteer_id=p.person_id,
                name=names[p.person_id],
                hours=p.hours,
                met=p.met,
                missing_hours=p.missing_hours,
            )
            for p in report.people
        ],
    )


def hours_entry_view(row) -> HoursEntry:
    return HoursEntry(
        id=row.id,
        volunteer_id=row.volunteer_id,
        event_id=row.event_id,
        event_title=row.event_title,
        hours=row.hours,
        on=row.served_on,
        source=row.source,
        note=row.note,
        recorded_by=row.recorded_by,
        created_at=row.created_at,
    )


def satisfaction_of(session: Session, event_ids: list[str]) -> dict[str, Satisfaction]:
    if not event_ids:
        return {}
    rows = session.execute(select(event_satisfaction).where(event_satisfaction.c.event_id.in_(event_ids))).all()
    return {
        r.event_id: Satisfaction(
            average=round(r.rating_sum / r.rating_count, 2) if r.rating_count else None, count=r.rating_count
        )
        for r in rows
    }


def hours_log_of(session: Session, volunteer_id: str, *, stars: StarLevel, today: date, recent_days: int) -> HoursLog:
    rows = session.execute(
        select(hours_log)
        .where(hours_log.c.volunteer_id == volunteer_id)
        .order_by(hours_log.c.served_on.desc(), hours_log.c.created_at.desc())
    ).all()
    event_rows = [r for r in rows if r.event_id]
    ratings = dict(
        session.execute(
            select(service_ratings.c.event_id, service_ratings.c.rating).where(
                service_ratings.c.volunteer_id == volunteer_id
            )
        ).all()
    )
    satisfaction = satisfaction_of(session, [r.event_id for r in event_rows])
    since = today - timedelta(days=recent_days - 1)
    return HoursLog(
        volunteer_id=volunteer_id,
        total_hours=round(sum(r.hours for r in rows), 2),
        recent_hours=round(sum(r.hours for r in rows if r.served_on >= since), 2),
        recent_days=recent_days,
        entries=[hours_entry_view(r) for r in rows],
        served_events=[
            ServedEvent(
                event_id=r.event_id,
                event_title=r.event_title,
                on=r.served_on,
                hours=r.hours,
                organiser_rating=ratings.get(r.event_id),
                satisfaction=satisfaction.get(r.event_id, Satisfaction()),
            )
            for r in event_rows
        ],
        stars=stars,
    )
