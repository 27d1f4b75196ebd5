"""Reading the read models into the plain records the domain computes with."""

from __future__ import annotations

from sqlalchemy import func, select

from services.reports.domain.efficiency import (
    BookingRecord,
    ClosureRecord,
    District,
    EventRecord,
    FeedbackRecord,
    HoursRecord,
    OrderRecord,
    RegistrationRecord,
    VenueRecord,
    VisitRecord,
)
from services.reports.domain.opening import ExceptionRecord, HoursVersion
from services.reports.domain.volunteering import StarChange, TeamRecord, VolunteerHoursRecord
from services.reports.tables import (
    fact_log,
    report_settings,
    rm_bookings,
    rm_closures,
    rm_events,
    rm_feedback,
    rm_hours,
    rm_logged_hours,
    rm_opening_exceptions,
    rm_opening_hours,
    rm_orders,
    rm_registrations,
    rm_star_changes,
    rm_teams,
    rm_training,
    rm_venues,
    rm_visits,
)


def _rows(session, table, order_by):
    return session.execute(select(table).order_by(*order_by)).mappings().all()


def district(session) -> District:
    return District(
        venues=[VenueRecord(**row) for row in _rows(session, rm_venues, [rm_venues.c.venue_id])],
        events=[
            EventRecord(**{**row, "target_groups": tuple(row["target_groups"])})
            for row in _rows(session, rm_events, [rm_events.c.event_id])
        ],
        registrations=[
            RegistrationRecord(
                event_id=r["event_id"],
                party_size=r["party_size"],
                status=r["status"],
                checked_in=r["checked_in"],
                person=r["person_id"],
            )
            for r in _rows(session, rm_registrations, [rm_registrations.c.registration_id])
        ],
        feedback=[
            FeedbackRecord(event_id=r["event_id"], rating=r["rating"])
            for r in _rows(session, rm_feedback, [rm_feedback.c.registration_id])
        ],
        orders=[OrderRecord(**row) for row in _rows(session, rm_orders, [rm_orders.c.order_id])],
        bookings=[
            BookingRecord(**{k: v for k, v in row.items() if k != "booking_id"})
            for row in _rows(session, rm_bookings, [rm_bookings.c.booking_id])
        ],
        closures=[
            ClosureRecord(venue_id=r["venue_id"], start=r["start"], end=r["end"], room_id=r["room_id"])
            for r in _rows(session, rm_closures, [rm_closures.c.closure_id])
        ],
        hours=[
            HoursRecord(event_id=r["event_id"], hours=r["hours"])
            for r in _rows(session, rm_hours, [rm_hours.c.event_id, rm_hours.c.volunteer_id])
        ],
        opening_hours=[
            HoursVersion(**row)
            for row in _rows(
                session, rm_opening_hours, [rm_opening_hours.c.venue_id, rm_opening_hours.c.effective_from]
            )
        ],
        opening_exceptions=[
            ExceptionRecord(venue_id=r["venue_id"], date=r["date"], intervals=tuple(r["intervals"]))
            for r in _rows(
                session, rm_opening_exceptions, [rm_opening_exceptions.c.venue_id, rm_opening_exceptions.c.date]
            )
        ],
        visits=[
            VisitRecord(venue_id=r["venue_id"], day=r["day"], total=r["total"], counts=dict(r["counts"]))
            for r in _rows(session, rm_visits, [rm_visits.c.entry_id])
        ],
        teams=[
            TeamRecord(
                team_id=r["team_id"],
                kind=r["kind"],
                town=r["town"],
                village=r["village"],
                active=r["active"],
                member_count=r["member_count"],
            )
            for r in _rows(session, rm_teams, [rm_teams.c.team_id])
        ],
        training=[_volunteer_hours(r) for r in _rows(session, rm_training, [rm_training.c.fact_id])],
        logged_hours=[_volunteer_hours(r) for r in _rows(session, rm_logged_hours, [rm_logged_hours.c.fact_id])],
        star_changes=[
            StarChange(
                volunteer_id=r["volunteer_id"], stars=r["stars"], at=r["at"], town=r["town"], village=r["village"]
            )
            for r in _rows(session, rm_star_changes, [rm_star_changes.c.fact_id])
        ],
    )


def _volunteer_hours(row) -> VolunteerHoursRecord:
    return VolunteerHoursRecord(
        volunteer_id=row["volunteer_id"], hours=row["hours"], day=row["day"], town=row["town"], village=row["village"]
    )


def targets(session) -> dict:
    return dict(session.execute(select(report_settings.c.key, report_settings.c.value)).all())


def log_size(session) -> int:
    return session.execute(select(func.count()).select_from(fact_log)).scalar_one()
