"""From facts to read models: one function per fact type, applied live (as each fact arrives) and
again by `rebuild` (replaying the whole log in order). Both paths run exactly this code, so the
rebuilt read models equal the live ones."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable

from pydantic import TypeAdapter
from sqlalchemy import select

from services.reports.tables import (
    READ_MODELS,
    fact_log,
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

_TIME = TypeAdapter(datetime)


@dataclass(frozen=True)
class Fact:
    event_type: str
    data: dict
    occurred_at: datetime
    event_id: str = ""  # the CloudEvent id: the key of what has no id of its own (feedback given by code)


def _time(value) -> datetime:
    return _TIME.validate_python(value)


def _put(session, table, key: dict, values: dict) -> None:
    """Insert or update the row with `key` (facts may arrive more than once in a rebuild's history)."""
    where = [table.c[name] == value for name, value in key.items()]
    if session.execute(select(*table.primary_key.columns).where(*where)).first():
        session.execute(table.update().where(*where).values(**values))
    else:
        session.execute(table.insert().values(**key, **values))


# Facts about one thing can arrive out of order (a retried delivery goes to the back of its queue):
# a later stage never goes back to an earlier one.
_STAGE = {
    "requested": 0,
    "waitlisted": 0,
    "placed": 0,
    "published": 0,
    "confirmed": 1,
    "scheduled": 1,
    "declined": 1,
    "completed": 2,
    "cancelled": 2,
    "rejected": 2,
}


def _keep_later_status(session, table, key: dict, values: dict) -> None:
    current = session.execute(select(table.c.status).where(*[table.c[n] == v for n, v in key.items()])).scalar()
    if current is not None and _STAGE.get(current, 0) > _STAGE.get(values.get("status"), 0):
        values["status"] = current


def _update(session, table, key: dict, values: dict) -> None:
    session.execute(table.update().where(*[table.c[n] == v for n, v in key.items()]).values(**values))


def _venue(session, fact: Fact) -> None:
    d = fact.data
    coordinates = d.get("coordinates") or {}
    _put(
        session,
        rm_venues,
        {"venue_id": d["venue_id"]},
        dict(
            name=d["name"],
            kind=d["kind"],
            level=d["level"],
            town=d.get("town"),
            village=d.get("village"),
            lat=coordinates.get("lat"),
            lon=coordinates.get("lon"),
        ),
    )


def _event(status: str | None) -> Callable:
    def apply(session, fact: Fact) -> None:
        d = fact.data
        values = dict(
            title=d["title"],
            kind=d["kind"],
            festival=d.get("festival"),
            target_groups=list(d.get("target_groups") or []),
            organiser_id=d["organiser_id"],
            organiser_name=d.get("organiser_name"),
            venue_id=d.get("venue_id"),
            town=d.get("town"),
            village=d.get("village"),
            start=_time(d["start"]),
            end=_time(d["end"]),
        )
        if status is not None:
            values["status"] = status
        if "attended" in d:
            values["attended"] = d["attended"]
        existing = session.execute(select(rm_events.c.status).where(rm_events.c.event_id == d["event_id"])).first()
        if existing is None:
            values.setdefault("status", "published")
            values.setdefault("attended", 0)
        elif "status" in values:
            _keep_later_status(session, rm_events, {"event_id": d["event_id"]}, values)
        _put(session, rm_events, {"event_id": d["event_id"]}, values)

    return apply


def _registration(status: str) -> Callable:
    def apply(session, fact: Fact) -> None:
        d = fact.data
        key = {"registration_id": d["registration_id"]}
        values = dict(event_id=d["event_id"], party_size=d["party_size"], status=status, person_id=d.get("person_id"))
        _keep_later_status(session, rm_registrations, key, values)
        _put(session, rm_registrations, key, values)

    return apply


def _checked_in(session, fact: Fact) -> None:
    d = fact.data
    key = {"registration_id": d["registration_id"]}
    if session.execute(
        select(rm_registrations.c.status).where(rm_registrations.c.registration_id == d["registration_id"])
    ).first():
        _update(session, rm_registrations, key, {"checked_in": True})
    else:  # before its registration.confirmed (a retried delivery): a check-in is of a confirmed place
        values = dict(
            event_id=d["event_id"], party_size=d["party_size"], status="confirmed", person_id=d.get("person_id")
        )
        _put(session, rm_registrations, key, {**values, "checked_in": True})


def _visits(session, fact: Fact) -> None:
    d = fact.data
    values = dict(venue_id=d["venue_id"], day=date.fromisoformat(d["date"]), total=d["total"], counts=d["counts"])
    _put(session, rm_visits, {"entry_id": d["entry_id"]}, values)


def _feedback(session, fact: Fact) -> None:
    d = fact.data
    # Feedback given with the event's code has no registration: each such fact is one rating.
    key = d.get("registration_id") or fact.event_id
    _put(session, rm_feedback, {"registration_id": key}, dict(event_id=d["event_id"], rating=d["rating"]))


def _order(status: str) -> Callable:
    def apply(session, fact: Fact) -> None:
        d = fact.data
        values = dict(
            offering_id=d["offering_id"], offering_title=d["offering_title"], venue_id=d["venue_id"], status=status
        )
        key = {"order_id": d["order_id"]}
        _keep_later_status(session, rm_orders, key, values)
        if status == "placed":
            values["placed_at"] = fact.occurred_at
        elif session.execute(select(rm_orders.c.order_id).where(rm_orders.c.order_id == d["order_id"])).first() is None:
            values["placed_at"] = fact.occurred_at  # until its order.placed arrives
        if status == "declined":
            values["reason"] = d.get("reason")
        if status == "scheduled":
            values.update(event_id=d["event_id"], performance_start=_time(d["start"]))
        _put(session, rm_orders, key, values)

    return apply


def _booking(status: str | None) -> Callable:
    def apply(session, fact: Fact) -> None:
        d = fact.data
        key = {"booking_id": d["booking_id"]}
        values = dict(
            venue_id=d["venue_id"],
            room_id=d["room_id"],
            room_name=d["room_name"],
            start=_time(d["start"]),
            end=_time(d["end"]),
            status=status or d["status"],
        )
        _keep_later_status(session, rm_bookings, key, values)
        _put(session, rm_bookings, key, values)

    return apply


def _closed(session, fact: Fact) -> None:
    d = fact.data
    _put(
        session,
        rm_closures,
        {"closure_id": d["closure_id"]},
        dict(
            venue_id=d["venue_id"],
            room_id=d.get("room_id"),
            start=_time(d["start"]),
            end=_time(d["expected_reopening"]),
            reason=d["reason"],
        ),
    )


def _reopened(session, fact: Fact) -> None:
    d = fact.data
    reopened = d.get("reopened_at") or d.get("expected_reopening")
    if reopened:
        _update(session, rm_closures, {"closure_id": d["closure_id"]}, {"end": _time(reopened)})


def _hours(session, fact: Fact) -> None:
    d = fact.data
    _put(session, rm_hours, {"event_id": d["event_id"], "volunteer_id": d["volunteer_id"]}, {"hours": d["hours"]})


def _opening_hours(session, fact: Fact) -> None:
    d = fact.data
    _put(
        session,
        rm_opening_hours,
        {"venue_id": d["venue_id"], "effective_from": date.fromisoformat(d["effective_from"])},
        dict(weekly=d["weekly"], holiday_rule=d["holiday_rule"], standard=d["standard"]),
    )


def _opening_exception(session, fact: Fact) -> None:
    d = fact.data
    key = {"venue_id": d["venue_id"], "date": date.fromisoformat(d["date"])}
    _put(session, rm_opening_exceptions, key, {"intervals": list(d.get("intervals") or [])})


def _opening_exception_removed(session, fact: Fact) -> None:
    d = fact.data
    session.execute(
        rm_opening_exceptions.delete().where(
            rm_opening_exceptions.c.venue_id == d["venue_id"],
            rm_opening_exceptions.c.date == date.fromisoformat(d["date"]),
        )
    )


def _team(session, fact: Fact) -> None:
    d = fact.data
    _put(
        session,
        rm_teams,
        {"team_id": d["team_id"]},
        dict(
            name=d["name"],
            kind=d["kind"],
            town=d.get("town"),
            village=d.get("village"),
            active=d["active"],
            member_count=d["member_count"],
        ),
    )


def _by_volunteer(table) -> Callable:
    """Training or hours logged: one row per fact, where the volunteer is based."""

    def apply(session, fact: Fact) -> None:
        d = fact.data
        values = dict(
            volunteer_id=d["volunteer_id"],
            hours=d["hours"],
            day=date.fromisoformat(d["on"]),
            town=d.get("town"),
            village=d.get("village"),
        )
        _put(session, table, {"fact_id": fact.event_id}, values)

    return apply


def _stars(session, fact: Fact) -> None:
    d = fact.data
    values = dict(
        volunteer_id=d["volunteer_id"],
        stars=d["stars"],
        at=fact.occurred_at,
        town=d.get("town"),
        village=d.get("village"),
    )
    _put(session, rm_star_changes, {"fact_id": fact.event_id}, values)


PROJECTORS: dict[str, Callable] = {
    "venue.registered": _venue,
    "venue.updated": _venue,
    "venue.closed": _closed,
    "venue.reopened": _reopened,
    "venue.hours_set": _opening_hours,
    "venue.hours_exception_set": _opening_exception,
    "venue.hours_exception_removed": _opening_exception_removed,
    "event.published": _event("published"),
    "event.rescheduled": _event(None),
    "event.displaced": _event(None),
    "event.cancelled": _event("cancelled"),
    "event.completed": _event("completed"),
    "registration.confirmed": _registration("confirmed"),
    "registration.promoted": _registration("confirmed"),
    "registration.rescheduled": _registration("confirmed"),
    "registration.waitlisted": _registration("waitlisted"),
    "registration.cancelled": _registration("cancelled"),
    "registration.checked_in": _checked_in,
    "visits.recorded": _visits,
    "feedback.received": _feedback,
    "order.placed": _order("placed"),
    "order.scheduled": _order("scheduled"),
    "order.declined": _order("declined"),
    "booking.requested": _booking(None),
    "booking.confirmed": _booking("confirmed"),
    "booking.rescheduled": _booking(None),
    "booking.rejected": _booking("rejected"),
    "booking.cancelled": _booking("cancelled"),
    "hours.credited": _hours,
    "hours.logged": _by_volunteer(rm_logged_hours),
    "training.recorded": _by_volunteer(rm_training),
    "volunteer.stars_changed": _stars,
    "team.registered": _team,
    "team.updated": _team,
}


def project(session, fact: Fact) -> None:
    """Apply one fact to the read models (facts no report needs are only logged)."""
    projector = PROJECTORS.get(fact.event_type)
    if projector is not None:
        projector(session, fact)


def rebuild(session, batch: int = 500) -> int:
    """Empty every read model and replay the whole log in the order it was received."""
    for table in READ_MODELS:
        session.execute(table.delete())
    replayed, last = 0, 0
    while True:
        rows = session.execute(
            select(fact_log.c.seq, fact_log.c.event_type, fact_log.c.data, fact_log.c.occurred_at, fact_log.c.event_id)
            .where(fact_log.c.seq > last)
            .order_by(fact_log.c.seq)
            .limit(batch)
        ).all()
        if not rows:
            return replayed
        for row in rows:
            project(session, Fact(row.event_type, json.loads(row.data), row.occurred_at, row.event_id))
        replayed += len(rows)
        last = rows[-1].seq
