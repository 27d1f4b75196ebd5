"""Row ↔ contract mapping and the read queries of the venues database."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from contracts.common import Coordinates
from contracts.errors import Unprocessable
from contracts.venues import Asset, Booking, Room, RoomLookup, Venue, VenueCreate
from kit.boundary import row_or_404
from kit.clock import shown
from services.venues.domain.booking_rules import ACTIVE_STATUSES, ROOM_HOLDING_STATUSES
from services.venues.tables import assets, bookings, closures, rooms, venues

ACTIVE = tuple(str(status) for status in ACTIVE_STATUSES)
HOLDING = tuple(sorted(str(status) for status in ROOM_HOLDING_STATUSES))


# ---- venues --------------------------------------------------------------------------------------


def venue_columns(data: VenueCreate) -> dict:
    values = data.model_dump(exclude={"coordinates"})
    values["lat"] = data.coordinates.lat if data.coordinates else None
    values["lon"] = data.coordinates.lon if data.coordinates else None
    return values


def venue_row(session: Session, venue_id: str):
    return session.execute(select(venues).where(venues.c.id == venue_id)).first()


def venue_or_404(session: Session, venue_id: str):
    return row_or_404(venue_row(session, venue_id), f"Venue {venue_id} does not exist.", {"venue_id": venue_id})


def venue_by_name(session: Session, name: str):
    return session.execute(select(venues).where(venues.c.name == name).order_by(venues.c.created_at)).first()


def venue_rows(session: Session, level: str | None = None, parent_id: str | None = None):
    query = select(venues).order_by(venues.c.created_at, venues.c.name)
    if level:
        query = query.where(venues.c.level == level)
    if parent_id:
        query = query.where(venues.c.parent_id == parent_id)
    return session.execute(query).all()


def coordinates(row) -> Coordinates | None:
    return Coordinates(lat=row.lat, lon=row.lon) if row.lat is not None and row.lon is not None else None


def venue_view(row, closed: bool = False) -> Venue:
    values = {name: getattr(row, name) for name in Venue.model_fields if name not in ("coordinates", "status")}
    values["services"] = row.services or []
    values["accessibility"] = row.accessibility or []
    values["coordinates"] = coordinates(row)
    values["status"] = "closed" if closed else "open"
    return Venue.model_validate(values)


# ---- closures in force ---------------------------------------------------------------------------


def _in_force_at(moment: dt.datetime):
    """Closures covering `moment`: started, not reopened yet, expected reopening still ahead."""
    return and_(
        closures.c.start <= moment,
        closures.c.expected_reopening > moment,
        or_(closures.c.reopened_at.is_(None), closures.c.reopened_at > moment),
    )


def closed_venue_ids(session: Session, moment: dt.datetime) -> set[str]:
    query = select(closures.c.venue_id).where(closures.c.room_id.is_(None), _in_force_at(moment))
    return set(session.execute(query).scalars())


def venue_with_closure_or_404(session: Session, venue_id: str, moment: dt.datetime):
    """The venue's row and whether a whole-venue closure is in force at `moment`, in one statement (a read
    of one venue used to load every closed venue of the district)."""
    closed = (
        select(closures.c.id)
        .where(closures.c.venue_id == venues.c.id, closures.c.room_id.is_(None), _in_force_at(moment))
        .exists()
        .label("closed_now")
    )
    row = session.execute(select(venues, closed).where(venues.c.id == venue_id)).first()
    row = row_or_404(row, f"Venue {venue_id} does not exist.", {"venue_id": venue_id})
    return row, bool(row.closed_now)


def venue_closed_at(session: Session, venue_id: str, moment: dt.datetime) -> bool:
    """Whether a whole-venue closure of this one venue is in force at `moment`."""
    query = select(closures.c.id).where(
        closures.c.venue_id == venue_id, closures.c.room_id.is_(None), _in_force_at(moment)
    )
    return session.execute(query.limit(1)).first() is not None


def closed_room_ids(session: Session, venue_id: str, moment: dt.datetime) -> set[str]:
    query = select(closures.c.room_id).where(
        closures.c.venue_id == venue_id, closures.c.room_id.is_not(None), _in_force_at(moment)
    )
    return set(session.execute(query).scalars())


# ---- rooms ---------------------------------------------------------------------------------------


def room_row(session: Session, room_id: str, *, for_update: bool = False):
    query = select(rooms).where(rooms.c.id == room_id)
    if for_update:
        query = query.with_for_update()  # serialises bookings of one room on PostgreSQL
    return session.execute(query).first()


def room_or_404(session: Session, room_id: str, *, for_update: bool = False):
    row = room_row(session, room_id, for_update=for_update)
    return row_or_404(row, f"Room {room_id} does not exist.", {"room_id": room_id})


def room_of_venue_or_422(session: Session, venue, room_id: str | None):
    """The room a body names (None when it names none). The venue in the path exists; a room that is not one of
    its rooms is a wrong input: 422 naming the field (not a 404 that reads as the venue not found)."""
    if room_id is None:
        return None
    room = room_row(session, room_id)
    if room is None or room.venue_id != venue.id:
        raise Unprocessable(
            f"room_id: {room_id} is not a room of {venue.name}.",
            {"field": "room_id", "room_id": room_id, "venue_id": venue.id},
            detail_zh="该房间不属于此场馆",
        )
    return room


def room_rows(session: Session, venue_id: str, *, for_update: bool = False):
    query = select(rooms).where(rooms.c.venue_id == venue_id).order_by(rooms.c.created_at, rooms.c.name)
    if for_update:
        query = query.with_for_update()
    return session.execute(query).all()


def room_names(session: Session, venue_id: str) -> dict[str, str]:
    return dict(session.execute(select(rooms.c.id, rooms.c.name).where(rooms.c.venue_id == venue_id)).all())


def room_view(row, venue, closed: bool = False) -> Room:
    values = {
        name: getattr(row, name)
        for name in Room.model_fields
        if name not in ("venue_name", "status") and hasattr(row, name)
    }
    values["equipment"] = row.equipment or []
    values["staff_on_duty"] = row.staff_on_duty or []
    values["booking_limits"] = row.booking_limits or {}  # the defaults, shown
    return Room.model_validate({**values, "venue_name": venue.name, "status": "closed" if closed else "open"})


def room_lookup(row, venue) -> RoomLookup:
    return RoomLookup(
        id=row.id,
        venue_id=venue.id,
        venue_name=venue.name,
        name=row.name,
        capacity=row.capacity,
        town=venue.town,
        village=venue.village,
        coordinates=coordinates(venue),
        booking_policy=row.booking_policy,
    )


# ---- bookings ------------------------------------------------------------------------------------


def booking_row(session: Session, booking_id: str, *, for_update: bool = False):
    query = select(bookings).where(bookings.c.id == booking_id)
    if for_update:
        query = query.with_for_update()
    return session.execute(query).first()


def booking_or_404(session: Session, booking_id: str, *, for_update: bool = False):
    row = booking_row(session, booking_id, for_update=for_update)
    return row_or_404(row, f"Booking {booking_id} does not exist.", {"booking_id": booking_id})


def active_bookings_overlapping(
    session: Session,
    room_ids: list[str],
    start: dt.datetime,
    end: dt.datetime,
    *,
    by_occupied_span: bool = True,
    exclude: tuple[str, ...] = (),
):
    """Bookings of `room_ids` that hold the room (pending, confirmed, checked in) whose occupied span
    (or, with by_occupied_span=False, whose booked time) overlaps [start, end)."""
    first, last = (
        (bookings.c.occupied_start, bookings.c.occupied_end)
        if by_occupied_span
        else (bookings.c.starts_at, bookings.c.ends_at)
    )
    query = (
        select(bookings)
        .where(bookings.c.room_id.in_(room_ids), bookings.c.status.in_(HOLDING), first < end, last > start)
        .order_by(bookings.c.starts_at)
    )
    if exclude:
        query = query.where(bookings.c.id.not_in(exclude))
    return session.execute(query).all()


def person_bookings_between(
    session: Session, room_id: str, person: str, start: dt.datetime, end: dt.datetime, *, exclude: tuple[str, ...] = ()
) -> int:
    """How many bookings of the room held for `person` start in [start, end) (for the weekly quota)."""
    query = (
        select(func.count())
        .select_from(bookings)
        .where(
            bookings.c.room_id == room_id,
            bookings.c.booker_id == person,
            bookings.c.status.in_(HOLDING),
            bookings.c.starts_at >= start,
            bookings.c.starts_at < end,
        )
    )
    if exclude:
        query = query.where(bookings.c.id.not_in(exclude))
    return session.execute(query).scalar_one()


def booking_rows(
    session: Session,
    *,
    venue_ids: list[str] | None = None,
    room_id: str | None = None,
    person: str | None = None,
    status: str | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    event_id: str | None = None,
    limit: int = 200,
):
    query = select(bookings).order_by(bookings.c.starts_at).limit(limit)
    if venue_ids is not None:
        query = query.where(bookings.c.venue_id.in_(venue_ids))
    if room_id:
        query = query.where(bookings.c.room_id == room_id)
    if person:
        query = query.where(or_(bookings.c.booked_by == person, bookings.c.booker_id == person))
    if status:
        query = query.where(bookings.c.status == status)
    if start:
        query = query.where(bookings.c.ends_at > start)
    if end:
        query = query.where(bookings.c.starts_at < end)
    if event_id:
        query = query.where(bookings.c.event_id == event_id)
    return session.execute(query).all()


def booking_view(row, room_name: str, venue_name: str) -> Booking:
    values = dict(row._mapping) if hasattr(row, "_mapping") else dict(row)
    values.update(
        start=shown(values.pop("starts_at")),
        end=shown(values.pop("ends_at")),
        created_at=shown(values["created_at"]),
        updated_at=shown(values["updated_at"]),
        room_name=room_name,
        venue_name=venue_name,
    )
    for name in ("occupied_start", "occupied_end"):
        values.pop(name)
    values["signed_off_at"] = shown(values.get("signed_off_at"))
    return Booking.model_validate(values)


def booking_views(session: Session, rows) -> list[Booking]:
    room_ids = {row.room_id for row in rows}
    names = {}
    if room_ids:
        query = (
            select(rooms.c.id, rooms.c.name, venues.c.name.label("venue_name"))
            .join(venues, venues.c.id == rooms.c.venue_id)
            .where(rooms.c.id.in_(room_ids))
        )
        names = {r.id: (r.name, r.venue_name) for r in session.execute(query)}
    return [booking_view(row, *names[row.room_id]) for row in rows]


# ---- closures ------------------------------------------------------------------------------------


def closure_row(session: Session, closure_id: str, *, for_update: bool = False):
    query = select(closures).where(closures.c.id == closure_id)
    if for_update:
        query = query.with_for_update()
    row = session.execute(query).first()
    return row_or_404(row, f"Closure {closure_id} does not exist.", {"closure_id": closure_id})


def closure_rows(session: Session, venue_id: str, *, since: dt.datetime | None = None):
    """The venue's closures (and its rooms'), newest first; with `since`, only those not over by then."""
    query = select(closures).where(closures.c.venue_id == venue_id).order_by(closures.c.start.desc())
    rows = session.execute(query).all()
    if since is not None:
        rows = [row for row in rows if effective_end(row) > since and not withdrawn(row)]
    return rows


def _closure_values(row) -> dict:
    return row if isinstance(row, dict) else dict(row._mapping)


def effective_end(row) -> dt.datetime:
    """When a closure ends: its recorded reopening, else the expected one (row or dict)."""
    values = _closure_values(row)
    return values["reopened_at"] if values["reopened_at"] is not None else values["expected_reopening"]


def withdrawn(row) -> bool:
    """Reopened before it began: the closure never took effect."""
    values = _closure_values(row)
    return values["reopened_at"] is not None and values["reopened_at"] <= values["start"]


def cancelled_by_closure(session: Session, closure_id: str) -> list[str]:
    query = select(bookings.c.id).where(bookings.c.closure_id == closure_id).order_by(bookings.c.starts_at)
    return list(session.execute(query).scalars())


# ---- assets --------------------------------------------------------------------------------------


def asset_row(session: Session, asset_id: str, *, for_update: bool = False):
    query = select(assets).where(assets.c.id == asset_id)
    if for_update:
        query = query.with_for_update()
    return row_or_404(session.execute(query).first(), f"Asset {asset_id} does not exist.", {"asset_id": asset_id})


def asset_view(row, room_names_by_id: dict[str, str]) -> Asset:
    mapping = dict(row._mapping) if hasattr(row, "_mapping") else dict(row)
    values = {name: mapping[name] for name in Asset.model_fields if name != "room_name"}
    room_id = mapping.get("room_id")
    return Asset.model_validate({**values, "room_name": room_names_by_id.get(room_id) if room_id else None})
