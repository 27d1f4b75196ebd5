"""The menu (菜单) of offerings and village orders (点单): place, schedule (the event is created from the
order), decline with a reason, withdraw; order counts per offering so rarely ordered items stand out."""
from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, select, update

from contracts.access import organises
from contracts.errors import Forbidden, NotFound, Unprocessable
from contracts.events import (MenuDemand, OfferingCreate, OfferingDemand, OfferingUpdate, OrderCreate, OrderDecline,
                              OrderDeclined, OrderPlaced, OrderSchedule, OrderScheduled)
from services.events import venues_client
from services.events.boundary import domain_errors, local, parse, require_actor, today, utcnow
from services.events.domain import orders as order_rules
from services.events.domain.lifecycle import validate_event_times
from services.events.domain.registrations import DEFAULT_RELEASE_LEAD
from services.events.event_commands import checked_plan, publish_in_tx, reload
from services.events.rows import Place, offering_view, order_fact, order_view, site_place
from services.events.tables import events, offerings, orders


def _offering(session, offering_id: str):
    row = session.execute(select(offerings).where(offerings.c.id == offering_id)).first()
    if row is None:
        raise NotFound(f"Offering {offering_id} is not on the menu.", {"offering_id": offering_id})
    return row


def _order(session, order_id: str, *, lock: bool = False):
    query = select(orders).where(orders.c.id == order_id)
    row = session.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFound(f"Order {order_id} does not exist.", {"order_id": order_id})
    return row


def _menu_offering(row) -> order_rules.MenuOffering:
    return order_rules.MenuOffering(offering_id=row.id, title=row.title, kind=row.kind, provider=row.provider,
                                    duration_minutes=row.duration_minutes, target_groups=tuple(row.target_groups),
                                    description=row.description or "", available=row.available)


def _village_order(row) -> order_rules.VillageOrder:
    return order_rules.VillageOrder(order_id=row.id, offering_id=row.offering_id, ordered_by=row.venue_id,
                                    window=order_rules.OrderWindow(row.earliest, row.latest),
                                    status=order_rules.OrderStatus(row.status), note=row.note or "",
                                    scheduled_for=row.scheduled_for, decline_reason=row.decline_reason)


def _order_counts(session) -> dict[str, int]:
    return {r[0]: int(r[1]) for r in session.execute(
        select(orders.c.offering_id, func.count()).group_by(orders.c.offering_id)).all()}


# ---- offerings -------------------------------------------------------------------------------------

def create_offering(db, actor: dict, body: dict) -> dict:
    actor = require_actor(actor, "organiser")
    data = parse(OfferingCreate, body)
    offering_id = str(uuid.uuid4())
    now = utcnow()
    values = dict(id=offering_id, available=True, created_by=actor.sub, created_at=now, updated_at=now,
                  **data.model_dump(mode="json"))
    with domain_errors():
        _menu_offering(_Row(values))
    with db.transaction() as tx:
        tx.session.execute(offerings.insert().values(**values))
        row = _offering(tx.session, offering_id)
    return offering_view(row).model_dump(mode="json")


def _check_offering_owner(actor, row) -> None:
    if not organises(actor, row.created_by):
        raise Forbidden("Only the organiser who put the offering on the menu (or an administrator) may change it.",
                        {"offering_id": row.id})


def check_may_change_offering(db, actor: dict, offering_id: str) -> None:
    who = require_actor(actor, "organiser")
    with db.read() as session:
        _check_offering_owner(who, _offering(session, offering_id))


def update_offering(db, actor: dict, offering_id: str, body: dict) -> dict:
    who = require_actor(actor, "organiser")
    with db.read() as session:  # who may change it is answered before anything about the body
        _check_offering_owner(who, _offering(session, offering_id))
    data = parse(OfferingUpdate, body)
    changes = {k: v for k, v in data.model_dump(mode="json", exclude_unset=True).items() if v is not None}
    with db.transaction() as tx:
        row = _offering(tx.session, offering_id)
        _check_offering_owner(who, row)
        with domain_errors():
            _menu_offering(_Row({**dict(row._mapping), **changes}))
        tx.session.execute(update(offerings).where(offerings.c.id == offering_id)
                           .values(**changes, updated_at=utcnow()))
        row = _offering(tx.session, offering_id)
        count = _order_counts(tx.session).get(offering_id, 0)
    return offering_view(row, count).model_dump(mode="json")


def list_offerings(db, available_only: bool = False) -> list[dict]:
    with db.read() as session:
        query = select(offerings).order_by(offerings.c.title, offerings.c.id)
        if available_only:
            query = query.where(offerings.c.available.is_(True))
        rows = session.execute(query).all()
        counts = _order_counts(session)
    return [offering_view(r, counts.get(r.id, 0)).model_dump(mode="json") for r in rows]


def get_offering(db, offering_id: str) -> dict:
    with db.read() as session:
        row = _offering(session, offering_id)
        count = _order_counts(session).get(offering_id, 0)
    return offering_view(row, count).model_dump(mode="json")


def menu_demand(db, threshold: int) -> dict:
    with db.read() as session:
        rows = session.execute(select(offerings).order_by(offerings.c.title)).all()
        counts = session.execute(select(orders.c.offering_id, orders.c.status, func.count())
                                 .group_by(orders.c.offering_id, orders.c.status)).all()
    by_status: dict[str, dict[str, int]] = {}
    for offering_id, status, count in counts:
        by_status.setdefault(offering_id, {})[status] = int(count)
    totals = {o: sum(s.values()) for o, s in by_status.items()}
    with domain_errors():
        rare = order_rules.rarely_ordered(totals, threshold, [r.id for r in rows])
    rare_ids = [r.offering_id for r in rare]
    return MenuDemand(threshold=threshold, rarely_ordered=rare_ids, offerings=[
        OfferingDemand(offering_id=r.id, title=r.title, available=r.available, orders=totals.get(r.id, 0),
                       scheduled=by_status.get(r.id, {}).get("scheduled", 0),
                       declined=by_status.get(r.id, {}).get("declined", 0), rarely_ordered=r.id in rare_ids)
        for r in sorted(rows, key=lambda r: (totals.get(r.id, 0), r.title))]).model_dump(mode="json")


# ---- orders ----------------------------------------------------------------------------------------

def place(db, venues, actor: dict, body: dict) -> dict:
    actor = require_actor(actor, "organiser", "venue_manager")
    data = parse(OrderCreate, body)
    if actor.role == "venue_manager" and not actor.has_scope("venue", data.venue_id):
        raise Forbidden("A venue manager orders for their own centre only.", {"venue_id": data.venue_id})
    with db.read() as session:
        offering = _offering(session, data.offering_id)
    venue = venues_client.venue(venues, data.venue_id)  # the ordering village / community centre
    order_id = str(uuid.uuid4())
    with domain_errors():
        order_rules.place_order(order_id, _menu_offering(offering), data.venue_id, data.earliest, data.latest,
                                today(), data.note)
    coords = venue.get("coordinates") or {}
    values = dict(id=order_id, offering_id=offering.id, venue_id=data.venue_id, venue_name=venue.get("name"),
                  town=venue.get("town"), village=venue.get("village"), lat=coords.get("lat"), lon=coords.get("lon"),
                  requested_by=actor.sub, earliest=data.earliest, latest=data.latest, note=data.note.strip(),
                  status="placed", created_at=utcnow())
    with db.transaction() as tx:
        tx.session.execute(orders.insert().values(**values))
        row = _order(tx.session, order_id)
        tx.emit(order_fact(OrderPlaced, row, offering.title), subject=order_id)
    return order_view(row, offering.title).model_dump(mode="json")


def _default_site(order) -> Place:
    if order.lat is None or order.lon is None:
        raise Unprocessable(f"{order.venue_name or order.venue_id} has no coordinates on record; give the site "
                            "(name and coordinates) or a room.", {"field": "site"})
    return Place(kind="outdoor", place_name=order.venue_name or order.village or order.venue_id,
                 venue_id=order.venue_id, town=order.town, village=order.village, lat=order.lat, lon=order.lon)


def schedule(db, venues, actor: dict, order_id: str, body: dict) -> dict:
    actor = require_actor(actor, "organiser")
    data = parse(OrderSchedule, body)
    with db.read() as session:
        order = _order(session, order_id)
        offering = _offering(session, order.offering_id)
    now = utcnow()
    with domain_errors():
        _village_order(order).schedule(local(data.start).date(), today())
    end = data.end or data.start + timedelta(minutes=offering.duration_minutes)
    if data.room_id:
        where = venues_client.room(venues, data.room_id)
    else:
        where = site_place(data.site) if data.site else _default_site(order)
    plan = dict(title=offering.title, description=offering.description or "", kind=offering.kind, festival=None,
                target_groups=offering.target_groups, start=data.start, end=end, capacity=data.capacity,
                kept_back=data.kept_back, release_lead_minutes=int(DEFAULT_RELEASE_LEAD.total_seconds() // 60),
                volunteer_needs=offering.volunteer_needs, free=True, recurrence=None, on_venue_closure="cancel",
                organiser_name=actor.name)
    columns = checked_plan(plan, where)
    event_id = str(uuid.uuid4())
    booking_id = None
    if data.publish:
        with domain_errors():
            validate_event_times(data.start, end, now=now)
        if where.kind == "room":
            booking_id = venues_client.hold(venues, actor, room_id=where.room_id, start=data.start, end=end,
                                            event_id=event_id, title=offering.title)
    try:
        with db.transaction() as tx:
            order = _order(tx.session, order_id, lock=True)
            with domain_errors():
                scheduled = _village_order(order).schedule(local(data.start).date(), today())
            tx.session.execute(events.insert().values(
                id=event_id, status="draft", organiser_id=actor.sub, created_at=now, updated_at=now, next_seq=1,
                confirmed_general=0, confirmed_kept_back=0, released=False, sequence=0, needs_reschedule=False,
                offering_id=offering.id, order_id=order_id, **columns))
            event = reload(tx.session, event_id)
            if data.publish:
                event = publish_in_tx(tx, event, booking_id, now)
            tx.session.execute(update(orders).where(orders.c.id == order_id).values(
                status=scheduled.status.value, scheduled_for=scheduled.scheduled_for, event_id=event_id,
                decided_by=actor.sub, decided_at=now))
            order = _order(tx.session, order_id)
            tx.emit(order_fact(OrderScheduled, order, offering.title, event_id=event_id, start=event.start),
                    subject=order_id)
    except Exception:
        if booking_id:
            venues_client.release_quietly(venues, actor, event_id=event_id, reason="scheduling the order failed")
        raise
    return order_view(order, offering.title).model_dump(mode="json")


def decline(db, actor: dict, order_id: str, body: dict) -> dict:
    actor = require_actor(actor, "organiser")
    data = parse(OrderDecline, body)
    with db.transaction() as tx:
        order = _order(tx.session, order_id, lock=True)
        offering = _offering(tx.session, order.offering_id)
        with domain_errors():
            declined = _village_order(order).decline(data.reason)
        tx.session.execute(update(orders).where(orders.c.id == order_id).values(
            status=declined.status.value, decline_reason=declined.decline_reason, decided_by=actor.sub,
            decided_at=utcnow()))
        order = _order(tx.session, order_id)
        tx.emit(order_fact(OrderDeclined, order, offering.title, reason=declined.decline_reason), subject=order_id)
    return order_view(order, offering.title).model_dump(mode="json")


def withdraw(db, actor: dict, order_id: str) -> dict:
    actor = require_actor(actor, "organiser", "venue_manager")
    with db.transaction() as tx:
        order = _order(tx.session, order_id, lock=True)
        if actor.role != "admin" and actor.sub != order.requested_by and not (
                actor.role == "venue_manager" and actor.has_scope("venue", order.venue_id)):
            raise Forbidden("Only whoever placed the order (or the centre's manager) may withdraw it.",
                            {"order_id": order_id})
        offering = _offering(tx.session, order.offering_id)
        with domain_errors():
            withdrawn = _village_order(order).withdraw()
        tx.session.execute(update(orders).where(orders.c.id == order_id).values(
            status=withdrawn.status.value, decided_at=utcnow()))
        order = _order(tx.session, order_id)
    return order_view(order, offering.title).model_dump(mode="json")


def get_order(db, actor: dict, order_id: str) -> dict:
    actor = require_actor(actor, "organiser", "venue_manager")
    with db.read() as session:
        order = _order(session, order_id)
        offering = _offering(session, order.offering_id)
    if actor.role == "venue_manager" and not actor.has_scope("venue", order.venue_id) \
            and actor.sub != order.requested_by:
        raise Forbidden("A venue manager sees the orders of their own centre.", {"order_id": order_id})
    return order_view(order, offering.title).model_dump(mode="json")


def list_orders(db, actor: dict, status: str | None = None, venue_id: str | None = None) -> list[dict]:
    actor = require_actor(actor, "organiser", "venue_manager")
    with db.read() as session:
        query = select(orders, offerings.c.title.label("offering_title")).join(
            offerings, offerings.c.id == orders.c.offering_id).order_by(orders.c.created_at.desc()).limit(500)
        if status:
            query = query.where(orders.c.status == status)
        if venue_id:
            query = query.where(orders.c.venue_id == venue_id)
        rows = session.execute(query).all()
    views = []
    for row in rows:
        if actor.role == "venue_manager" and not actor.has_scope("venue", row.venue_id) \
                and actor.sub != row.requested_by:
            continue
        values = dict(row._mapping)
        title = values.pop("offering_title")
        views.append(order_view(values, title).model_dump(mode="json"))
    return views


class _Row:
    """Attribute access over a dict, so a row-to-be can be checked by the same mapping as a stored row."""

    def __init__(self, values: dict):
        self.__dict__.update(values)
