"""Reads of the events database: events (drafts only for their organiser), the public notice board, the
iCalendar feeds and the satisfaction figures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select

from contracts.access import organises
from contracts.common import Actor
from contracts.errors import BadRequest, Forbidden, NotFound
from contracts.events import (
    MenuDemand,
    NoticeBoard,
    NoticeEntry,
    OfferingDemand,
    SatisfactionView,
    StandingFreeActivities,
)
from kit.boundary import domain_errors, row_or_404
from kit.clock import utcnow
from services.events.access import check_may_act_for, is_staff_for, may_see_order
from services.events.allocation import waitlist_position
from services.events.domain import calendar_feed, notice_board
from services.events.domain import orders as order_rules
from services.events.domain.feedback import satisfaction
from services.events.rows import event_view, offering_view, order_view, registration_view
from services.events.tables import events, feedback, offerings, orders, registrations, venue_directory, walk_in_feedback

PUBLIC_STATUSES = ("published", "completed", "cancelled")
STANDING_LOOKBACK = timedelta(days=90)  # sessions looked at for "standing" free activities, either side of now


def load_event(session, event_id: str):
    row = session.execute(select(events).where(events.c.id == event_id)).first()
    return row_or_404(row, f"Event {event_id} does not exist.", {"event_id": event_id})


def may_see_draft(actor: Actor | None, row) -> bool:
    """Drafts are their organisers' own: to anyone else a draft event does not exist."""
    return actor is not None and organises(actor, row.organiser_id, row.town)


def waitlisted_counts(session, event_ids) -> dict[str, tuple[int, int]]:
    if not event_ids:
        return {}
    rows = session.execute(
        select(registrations.c.event_id, func.count(), func.coalesce(func.sum(registrations.c.party_size), 0))
        .where(registrations.c.event_id.in_(list(event_ids)), registrations.c.status == "waitlisted")
        .group_by(registrations.c.event_id)
    ).all()
    return {r[0]: (int(r[1]), int(r[2])) for r in rows}


def get_event(session, actor: Actor | None, event_id: str) -> dict:
    row = load_event(session, event_id)
    if row.status == "draft" and not may_see_draft(actor, row):
        raise NotFound(f"Event {event_id} does not exist.", {"event_id": event_id})
    counts = waitlisted_counts(session, [event_id])
    return event_view(row, counts.get(event_id, (0, 0))).model_dump(mode="json")


def list_events(
    session,
    actor: Actor | None,
    *,
    status: str | None = None,
    venue_id: str | None = None,
    town: str | None = None,
    village: str | None = None,
    organiser_id: str | None = None,
    starts_after: datetime | None = None,
    starts_before: datetime | None = None,
    limit: int = 200,
) -> list[dict]:
    query = select(events).order_by(events.c.start, events.c.id).limit(max(1, min(limit, 500)))
    if actor is None:
        query = query.where(events.c.status.in_(PUBLIC_STATUSES))
    elif actor.role != "admin":
        query = query.where(or_(events.c.status.in_(PUBLIC_STATUSES), events.c.organiser_id == actor.sub))
    for column, value in (
        (events.c.status, status),
        (events.c.venue_id, venue_id),
        (events.c.town, town),
        (events.c.village, village),
        (events.c.organiser_id, organiser_id),
    ):
        if value:
            query = query.where(column == value)
    if starts_after:
        query = query.where(events.c.start >= starts_after)
    if starts_before:
        query = query.where(events.c.start < starts_before)
    rows = session.execute(query).all()
    counts = waitlisted_counts(session, [r.id for r in rows])
    return [event_view(r, counts.get(r.id, (0, 0))).model_dump(mode="json") for r in rows]


def _place_filter(query, venue_id: str | None, town: str | None, village: str | None):
    if venue_id:
        query = query.where(events.c.venue_id == venue_id)
    if town:
        query = query.where(events.c.town == town)
    if village:
        query = query.where(events.c.village == village)
    return query


def _notice_source(row) -> dict:
    return {
        "event_id": row.id,
        "title": row.title,
        "starts_at": row.start,
        "ends_at": row.end,
        "place": row.place_name,
        "organiser": row.organiser_name or row.organiser_id,
        "kind": row.kind,
        "target_groups": row.target_groups or [],
        "status": row.status,
        "free": row.free,
        "recurrence": row.recurrence,
    }


def notice_board_view(
    session, *, venue_id: str | None = None, town: str | None = None, village: str | None = None, limit: int = 200
) -> dict:
    """Upcoming published events (item, time, place, organiser — seed 001) and, per centre, the standing
    free activities counted against the standard of at least four."""
    now = utcnow()
    upcoming = session.execute(
        _place_filter(
            select(events)
            .where(events.c.status == "published", events.c.end >= now)
            .order_by(events.c.start, events.c.id)
            .limit(max(1, min(limit, 500))),
            venue_id,
            town,
            village,
        )
    ).all()
    entries = []
    for row in upcoming:
        entry = notice_board.notice_entry(_notice_source(row))
        entries.append(NoticeEntry(**entry, venue_id=row.venue_id, town=row.town, village=row.village))
    recent = session.execute(
        _place_filter(
            select(events).where(
                events.c.status.in_(("published", "completed")),
                events.c.venue_id.is_not(None),
                events.c.start >= now - STANDING_LOOKBACK,
                events.c.start < now + STANDING_LOOKBACK,
            ),
            venue_id,
            town,
            village,
        )
    ).all()
    by_centre: dict[str, list[dict]] = defaultdict(list)
    names: dict[str, str] = {}
    for row in recent:
        by_centre[row.venue_id].append(_notice_source(row))
        names.setdefault(row.venue_id, row.venue_name or "")
    if venue_id and venue_id not in by_centre:
        by_centre[venue_id] = []
    missing = [c for c in by_centre if not names.get(c)]
    if missing:
        for r in session.execute(
            select(venue_directory.c.venue_id, venue_directory.c.name).where(venue_directory.c.venue_id.in_(missing))
        ).all():
            names[r.venue_id] = r.name
    standing = [
        StandingFreeActivities(
            centre_id=centre,
            centre_name=names.get(centre) or centre,
            count=result["count"],
            required=notice_board.STANDING_FREE_ACTIVITIES_REQUIRED,
            meets_standard=result["meets_standard"],
            items=result["items"],
        )
        for centre, result in sorted(
            notice_board.standing_free_activities(by_centre).items(), key=lambda item: names.get(item[0]) or item[0]
        )
    ]
    return NoticeBoard(
        generated_at=now,
        venue_id=venue_id,
        town=town,
        village=village,
        entries=entries,
        standing_free_activities=standing,
    ).model_dump(mode="json")


def calendar_ics(session, scope: str, key: str, page_url: Callable[[str], str]) -> str:
    """The RFC 5545 feed of a venue, town or village: published events, completed ones of the last 90 days,
    and cancelled ones (STATUS:CANCELLED, so subscribed calendars drop them)."""
    column = {"venue": events.c.venue_id, "town": events.c.town, "village": events.c.village}.get(scope)
    if column is None:
        raise BadRequest(f"Unknown calendar scope {scope!r}; one of venue, town, village.", {"scope": scope})
    rows = session.execute(
        select(events)
        .where(
            column == key,
            events.c.status.in_(PUBLIC_STATUSES),
            events.c.published_at.is_not(None),
            events.c.end >= utcnow() - STANDING_LOOKBACK,
        )
        .order_by(events.c.start, events.c.id)
    ).all()
    name = key
    if scope == "venue":
        found = [r.venue_name for r in rows if r.venue_name] or session.execute(
            select(venue_directory.c.name).where(venue_directory.c.venue_id == key)
        ).scalars().all()
        name = found[0] if found else key
    entries = [
        calendar_feed.CalendarEntry(
            event_id=r.id,
            title=r.title,
            start=r.start,
            end=r.end,
            location=r.place_name + (f"（{r.address}）" if r.address else ""),
            organiser=r.organiser_name or r.organiser_id,
            status=r.status,
            updated_at=r.updated_at,
            target_groups=tuple(r.target_groups or ()),
            description=r.description or "",
            sequence=r.sequence,
            latitude=r.lat,
            longitude=r.lon,
            kind=r.kind,
            festival=r.festival,
            url=page_url(r.id),
        )
        for r in rows
    ]  # the event's page, not the JSON API
    return calendar_feed.render_ics(f"文云 · {name} 文化活动", entries).decode("utf-8")


def satisfaction_view(session, scope: str, key: str) -> dict:
    if scope not in ("event", "offering", "organiser"):
        raise BadRequest(f"Unknown scope {scope!r}; one of event, offering, organiser.", {"scope": scope})
    ratings = [
        rating
        for table in (feedback, walk_in_feedback)  # registrants' and the code's (issue 17.8)
        for rating in session.execute(select(table.c.rating).where(table.c[f"{scope}_id"] == key)).scalars()
    ]
    figures = satisfaction(int(r) for r in ratings)
    return SatisfactionView(
        scope=scope,
        id=key,
        count=figures["count"],
        average=figures["average"],
        distribution={str(k): v for k, v in figures["distribution"].items()},
        satisfied_share=figures["satisfied_share"],
    ).model_dump(mode="json")


# ---- registrations ---------------------------------------------------------------------------------


def registration_row(session, registration_id: str):
    row = session.execute(select(registrations).where(registrations.c.id == registration_id)).first()
    return row_or_404(row, f"Registration {registration_id} does not exist.", {"registration_id": registration_id})


def get_registration(session, actor: Actor, registration_id: str) -> dict:
    registration = registration_row(session, registration_id)
    check_may_act_for(actor, registration, load_event(session, registration.event_id))
    position = (
        waitlist_position(session, registration.event_id, registration.seq)
        if registration.status == "waitlisted"
        else None
    )
    return registration_view(registration, position).model_dump(mode="json")


def registrations_of_event(session, actor: Actor, event_id: str, status: str | None = None) -> list[dict]:
    event = load_event(session, event_id)
    if not is_staff_for(actor, event):
        raise Forbidden("Only staff of this event see its registrations.", {"event_id": event_id})
    query = select(registrations).where(registrations.c.event_id == event_id).order_by(registrations.c.seq)
    if status:
        query = query.where(registrations.c.status == status)
    position, views = 0, []
    for row in session.execute(query).all():
        waiting = row.status == "waitlisted"
        position += waiting
        views.append(registration_view(row, position if waiting else None).model_dump(mode="json"))
    return views


def registrations_of(session, actor: Actor) -> list[dict]:
    """The caller's own registrations and those they made for others, newest first."""
    rows = session.execute(
        select(registrations)
        .where((registrations.c.person_id == actor.sub) | (registrations.c.registered_by == actor.sub))
        .order_by(registrations.c.created_at.desc())
        .limit(500)
    ).all()
    return [
        registration_view(
            row, waitlist_position(session, row.event_id, row.seq) if row.status == "waitlisted" else None
        ).model_dump(mode="json")
        for row in rows
    ]


# ---- the menu and village orders --------------------------------------------------------------------


def offering_row(session, offering_id: str):
    row = session.execute(select(offerings).where(offerings.c.id == offering_id)).first()
    return row_or_404(row, f"Offering {offering_id} is not on the menu.", {"offering_id": offering_id})


def order_row(session, order_id: str, *, lock: bool = False):
    query = select(orders).where(orders.c.id == order_id)
    row = session.execute(query.with_for_update() if lock else query).first()
    return row_or_404(row, f"Order {order_id} does not exist.", {"order_id": order_id})


def order_counts(session) -> dict[str, int]:
    return {
        r[0]: int(r[1])
        for r in session.execute(select(orders.c.offering_id, func.count()).group_by(orders.c.offering_id)).all()
    }


def list_offerings(session, available_only: bool = False) -> list[dict]:
    query = select(offerings).order_by(offerings.c.title, offerings.c.id)
    if available_only:
        query = query.where(offerings.c.available.is_(True))
    counts = order_counts(session)
    return [offering_view(r, counts.get(r.id, 0)).model_dump(mode="json") for r in session.execute(query).all()]


def get_offering(session, offering_id: str) -> dict:
    row = offering_row(session, offering_id)
    return offering_view(row, order_counts(session).get(offering_id, 0)).model_dump(mode="json")


def menu_demand(session, threshold: int) -> dict:
    rows = session.execute(select(offerings).order_by(offerings.c.title)).all()
    counts = session.execute(
        select(orders.c.offering_id, orders.c.status, func.count()).group_by(orders.c.offering_id, orders.c.status)
    ).all()
    by_status: dict[str, dict[str, int]] = {}
    for offering_id, status, count in counts:
        by_status.setdefault(offering_id, {})[status] = int(count)
    totals = {o: sum(s.values()) for o, s in by_status.items()}
    with domain_errors():
        rare = order_rules.rarely_ordered(totals, threshold, [r.id for r in rows])
    rare_ids = [r.offering_id for r in rare]
    return MenuDemand(
        threshold=threshold,
        rarely_ordered=rare_ids,
        offerings=[
            OfferingDemand(
                offering_id=r.id,
                title=r.title,
                available=r.available,
                orders=totals.get(r.id, 0),
                scheduled=by_status.get(r.id, {}).get("scheduled", 0),
                declined=by_status.get(r.id, {}).get("declined", 0),
                rarely_ordered=r.id in rare_ids,
            )
            for r in sorted(rows, key=lambda r: (totals.get(r.id, 0), r.title))
        ],
    ).model_dump(mode="json")


def get_order(session, actor: Actor, order_id: str) -> dict:
    order = order_row(session, order_id)
    offering = offering_row(session, order.offering_id)
    if not may_see_order(actor, order):
        raise Forbidden("A venue manager sees the orders of their own centre.", {"order_id": order_id})
    return order_view(order, offering.title).model_dump(mode="json")


def list_orders(session, actor: Actor, status: str | None = None, venue_id: str | None = None) -> list[dict]:
    query = (
        select(orders, offerings.c.title.label("offering_title"))
        .join(offerings, offerings.c.id == orders.c.offering_id)
        .order_by(orders.c.created_at.desc())
        .limit(500)
    )
    if status:
        query = query.where(orders.c.status == status)
    if venue_id:
        query = query.where(orders.c.venue_id == venue_id)
    views = []
    for row in session.execute(query).all():
        if not may_see_order(actor, row):
            continue
        values = dict(row._mapping)
        title = values.pop("offering_title")
        views.append(order_view(values, title).model_dump(mode="json"))
    return views
