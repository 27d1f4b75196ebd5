"""The menu (菜单) of offerings and village orders (点单): place, schedule (the event is created from the
order), decline with a reason, withdraw; order counts per offering so rarely ordered items stand out."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import update

from contracts.access import organises
from contracts.errors import Forbidden, Unprocessable
from contracts.events import (
    OfferingCreate,
    OfferingUpdate,
    OrderCreate,
    OrderDecline,
    OrderDeclined,
    OrderPlaced,
    OrderSchedule,
    OrderScheduled,
)
from kit.boundary import domain_errors, model_or_422, signed_in
from kit.clock import local, local_today, utcnow
from services.events import venues_client
from services.events.domain import orders as order_rules
from services.events.domain.lifecycle import validate_event_times
from services.events.domain.registrations import DEFAULT_RELEASE_LEAD
from services.events.event_commands import checked_plan, insert_draft, publish_in_tx, reload
from services.events.queries import offering_row, order_counts, order_row
from services.events.rows import Place, offering_view, order_fact, order_view, site_place
from services.events.tables import offerings, orders


def _menu_offering(row) -> order_rules.MenuOffering:
    return order_rules.MenuOffering(
        offering_id=row.id,
        title=row.title,
        kind=row.kind,
        provider=row.provider,
        duration_minutes=row.duration_minutes,
        target_groups=tuple(row.target_groups),
        description=row.description or "",
        available=row.available,
    )


def _village_order(row) -> order_rules.VillageOrder:
    return order_rules.VillageOrder(
        order_id=row.id,
        offering_id=row.offering_id,
        ordered_by=row.venue_id,
        window=order_rules.OrderWindow(row.earliest, row.latest),
        status=order_rules.OrderStatus(row.status),
        note=row.note or "",
        scheduled_for=row.scheduled_for,
        decline_reason=row.decline_reason,
    )


# ---- offerings -------------------------------------------------------------------------------------


def create_offering(db, actor: dict, body: dict) -> dict:
    actor = signed_in(actor, "organiser")
    data = model_or_422(OfferingCreate, body)
    offering_id = str(uuid.uuid4())
    now = utcnow()
    values = dict(
        id=offering_id,
        available=True,
        created_by=actor.sub,
        created_at=now,
        updated_at=now,
        **data.model_dump(mode="json"),
    )
    with domain_errors():
        _menu_offering(_Row(values))
    with db.transaction() as tx:
        tx.session.execute(offerings.insert().values(**values))
        row = offering_row(tx.session, offering_id)
    return offering_view(row).model_dump(mode="json")


def _check_offering_owner(actor, row) -> None:
    if not organises(actor, row.created_by):
        raise Forbidden(
            "Only the organiser who put the offering on the menu (or an administrator) may change it.",
            {"offering_id": row.id},
        )


def check_may_change_offering(db, actor: dict, offering_id: str) -> None:
    who = signed_in(actor, "organiser")
    with db.read() as session:
        _check_offering_owner(who, offering_row(session, offering_id))


def update_offering(db, actor: dict, offering_id: str, body: dict) -> dict:
    who = signed_in(actor, "organiser")
    with db.read() as session:  # who may change it is answered before anything about the body
        _check_offering_owner(who, offering_row(session, offering_id))
    data = model_or_422(OfferingUpdate, body)
    changes = {k: v for k, v in data.model_dump(mode="json", exclude_unset=True).items() if v is not None}
    with db.transaction() as tx:
        row = offering_row(tx.session, offering_id)
        _check_offering_owner(who, row)
        with domain_errors():
            _menu_offering(_Row({**dict(row._mapping), **changes}))
        tx.session.execute(
            update(offerings).where(offerings.c.id == offering_id).values(**changes, updated_at=utcnow())
        )
        row = offering_row(tx.session, offering_id)
        count = order_counts(tx.session).get(offering_id, 0)
    return offering_view(row, count).model_dump(mode="json")


# ---- orders ----------------------------------------------------------------------------------------


def place(db, venues, actor: dict, body: dict) -> dict:
    actor = signed_in(actor, "organiser", "venue_manager")
    data = model_or_422(OrderCreate, body)
    if actor.role == "venue_manager" and not actor.has_scope("venue", data.venue_id):
        raise Forbidden("A venue manager orders for their own centre only.", {"venue_id": data.venue_id})
    with db.read() as session:
        offering = offering_row(session, data.offering_id)
    venue = venues_client.venue(venues, data.venue_id)  # the ordering village / community centre
    order_id = str(uuid.uuid4())
    with domain_errors():
        order_rules.place_order(
            order_id, _menu_offering(offering), data.venue_id, data.earliest, data.latest, local_today(), data.note
        )
    coords = venue.get("coordinates") or {}
    values = dict(
        id=order_id,
        offering_id=offering.id,
        venue_id=data.venue_id,
        venue_name=venue.get("name"),
        town=venue.get("town"),
        village=venue.get("village"),
        lat=coords.get("lat"),
        lon=coords.get("lon"),
        requested_by=actor.sub,
        earliest=data.earliest,
        latest=data.latest,
        note=data.note.strip(),
        status="placed",
        created_at=utcnow(),
    )
    with db.transaction() as tx:
        tx.session.execute(orders.insert().values(**values))
        row = order_row(tx.session, order_id)
        tx.emit(order_fact(OrderPlaced, row, offering.title), subject=order_id)
    return order_view(row, offering.title).model_dump(mode="json")


def _default_site(order) -> Place:
    if order.lat is None or order.lon is None:
        raise Unprocessable(
            f"{order.venue_name or order.venue_id} has no coordinates on record; give the site "
            "(name and coordinates) or a room.",
            {"field": "site"},
        )
    return Place(
        kind="outdoor",
        place_name=order.venue_name or order.village or order.venue_id,
        venue_id=order.venue_id,
        town=order.town,
        village=order.village,
        lat=order.lat,
        lon=order.lon,
    )


def schedule(db, venues, actor: dict, order_id: str, body: dict) -> dict:
    actor = signed_in(actor, "organiser")
    data = model_or_422(OrderSchedule, body)
    with db.read() as session:
        order = order_row(session, order_id)
        offering = offering_row(session, order.offering_id)
    now = utcnow()
    with domain_errors():
        _village_order(order).schedule(local(data.start).date(), local_today())
    end = data.end or data.start + timedelta(minutes=offering.duration_minutes)
    if data.room_id:
        where = venues_client.room(venues, data.room_id)
    else:
        where = site_place(data.site) if data.site else _default_site(order)
    plan = offering_plan(
        offering, start=data.start, end=end, capacity=data.capacity, kept_back=data.kept_back, organiser_name=actor.name
    )
    columns = checked_plan(plan, where)
    event_id = str(uuid.uuid4())
    booking_id = None
    if data.publish:
        with domain_errors():
            validate_event_times(data.start, end, now=now)
        if where.kind == "room":
            booking_id = venues_client.hold(
                venues, actor, room_id=where.room_id, start=data.start, end=end, event_id=event_id, title=offering.title
            )
    try:
        with db.transaction() as tx:
            order = order_row(tx.session, order_id, lock=True)
            with domain_errors():
                scheduled = _village_order(order).schedule(local(data.start).date(), local_today())
            insert_draft(tx.session, event_id, actor.sub, now, offering_id=offering.id, order_id=order_id, **columns)
            event = reload(tx.session, event_id)
            if data.publish:
                event = publish_in_tx(tx, event, booking_id, now)
            tx.session.execute(
                update(orders)
                .where(orders.c.id == order_id)
                .values(
                    status=scheduled.status.value,
                    scheduled_for=scheduled.scheduled_for,
                    event_id=event_id,
                    decided_by=actor.sub,
                    decided_at=now,
                )
            )
            order = order_row(tx.session, order_id)
            tx.emit(
                order_fact(OrderScheduled, order, offering.title, event_id=event_id, start=event.start),
                subject=order_id,
            )
    except Exception:
        if booking_id:
            venues_client.release_quietly(venues, actor, event_id=event_id, reason="scheduling the order failed")
        raise
    return order_view(order, offering.title).model_dump(mode="json")


def decline(db, actor: dict, order_id: str, body: dict) -> dict:
    actor = signed_in(actor, "organiser")
    data = model_or_422(OrderDecline, body)
    with db.transaction() as tx:
        order = order_row(tx.session, order_id, lock=True)
        offering = offering_row(tx.session, order.offering_id)
        with domain_errors():
            declined = _village_order(order).decline(data.reason)
        tx.session.execute(
            update(orders)
            .where(orders.c.id == order_id)
            .values(
                status=declined.status.value,
                decline_reason=declined.decline_reason,
                decided_by=actor.sub,
                decided_at=utcnow(),
            )
        )
        order = order_row(tx.session, order_id)
        tx.emit(order_fact(OrderDeclined, order, offering.title, reason=declined.decline_reason), subject=order_id)
    return order_view(order, offering.title).model_dump(mode="json")


def withdraw(db, actor: dict, order_id: str) -> dict:
    actor = signed_in(actor, "organiser", "venue_manager")
    with db.transaction() as tx:
        order = order_row(tx.session, order_id, lock=True)
        if (
            actor.role != "admin"
            and actor.sub != order.requested_by
            and not (actor.role == "venue_manager" and actor.has_scope("venue", order.venue_id))
        ):
            raise Forbidden(
                "Only whoever placed the order (or the centre's manager) may withdraw it.", {"order_id": order_id}
            )
        offering = offering_row(tx.session, order.offering_id)
        with domain_errors():
            withdrawn = _village_order(order).withdraw()
        tx.session.execute(
            update(orders).where(orders.c.id == order_id).values(status=withdrawn.status.value, decided_at=utcnow())
        )
        order = order_row(tx.session, order_id)
    return order_view(order, offering.title).model_dump(mode="json")


class _Row:
    """Attribute access over a dict, so a row-to-be can be checked by the same mapping as a stored row."""

    def __init__(self, values: dict):
        self.__dict__.update(values)


def offering_plan(
    offering, *, start, end, capacity: int | None, kept_back: int, organiser_name: str | None, festival=None
) -> dict:
    """The event plan of one delivery of a menu item (an order scheduled, or an item of a season plan)."""
    return dict(
        title=offering.title,
        description=offering.description or "",
        kind=offering.kind,
        festival=festival,
        target_groups=offering.target_groups,
        start=start,
        end=end,
        capacity=capacity,
        kept_back=kept_back,
        release_lead_minutes=int(DEFAULT_RELEASE_LEAD.total_seconds() // 60),
        volunteer_needs=offering.volunteer_needs,
        free=True,
        recurrence=None,
        on_venue_closure="cancel",
        organiser_name=organiser_name,
    )
