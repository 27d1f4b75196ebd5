"""The venue network and its rooms: rows written and facts emitted inside the caller's transaction."""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError

from contracts.errors import Conflict, Unprocessable
from contracts.venues import RoomCreate, RoomUpdate, VenueCreate, VenueRegistered, VenueUpdate, VenueUpdated
from kit.clock import utcnow
from services.venues import queries
from services.venues.domain.compliance import DEFAULT_VILLAGE_WEEKLY_HOURS
from services.venues.hours_commands import hours_set_fact
from services.venues.tables import rooms, venues


def _no_such_parent(parent_id: str) -> Unprocessable:
    # The input is wrong, not the venue asked for: 422 naming the field, before the foreign key refuses it.
    return Unprocessable(
        f"parent_id: no venue {parent_id} to be a branch of.",
        {"field": "parent_id", "parent_id": parent_id},
        detail_zh="上级场馆不存在",
    )


def insert_venue(
    tx,
    actor_sub: str,
    data: VenueCreate,
    *,
    weekly_hours: dict | None = None,
    holiday_rule: str = "by_arrangement",
    village_weekly_hours: float = DEFAULT_VILLAGE_WEEKLY_HOURS,
) -> str:
    if data.parent_id is not None and queries.venue_row(tx.session, data.parent_id) is None:
        raise _no_such_parent(data.parent_id)
    venue_id = str(uuid.uuid4())
    moment = utcnow()
    tx.session.execute(
        venues.insert().values(
            id=venue_id,
            created_by=actor_sub,
            created_at=moment,
            updated_at=moment,
            status="open",
            weekly_hours=weekly_hours,
            holiday_rule=holiday_rule,
            **queries.venue_columns(data),
        )
    )
    tx.emit(
        VenueRegistered(
            venue_id=venue_id, registered_by=actor_sub, **data.model_dump(include=set(VenueRegistered.model_fields))
        ),
        subject=venue_id,
    )
    if weekly_hours:  # a seeded centre comes with its published hours
        tx.emit(
            hours_set_fact(
                venue_id, data.name, data.level, weekly_hours, holiday_rule, actor_sub, village_weekly_hours
            ),
            subject=venue_id,
        )
    return venue_id


def _parent_would_loop(session, venue_id: str, parent_id: str) -> bool:
    seen, current = set(), parent_id
    while current and current not in seen:
        if current == venue_id:
            return True
        seen.add(current)
        row = queries.venue_row(session, current)
        current = row.parent_id if row else None
    return False


def update_venue(tx, actor_sub: str, venue, data: VenueUpdate) -> list[str]:
    changes = data.model_dump(exclude_unset=True)
    if "name" in changes and changes["name"] is None:
        raise Unprocessable("A venue needs a name.", {"field": "name"})
    if changes.get("parent_id") is not None:
        if queries.venue_row(tx.session, changes["parent_id"]) is None:
            raise _no_such_parent(changes["parent_id"])
        if _parent_would_loop(tx.session, venue.id, changes["parent_id"]):
            raise Unprocessable(
                "A venue cannot be a branch of itself or of its own branches.", {"parent_id": changes["parent_id"]}
            )
    columns = dict(changes)
    if "coordinates" in columns:
        point = columns.pop("coordinates")
        columns["lat"], columns["lon"] = (point["lat"], point["lon"]) if point else (None, None)
    for name in ("accessibility", "services"):
        if name in columns and columns[name] is None:
            columns[name] = []
    if not columns:
        return []
    columns["updated_at"] = utcnow()
    tx.session.execute(venues.update().where(venues.c.id == venue.id).values(**columns))
    current = queries.venue_view(queries.venue_row(tx.session, venue.id))
    tx.emit(
        VenueUpdated(
            venue_id=venue.id,
            changed=sorted(changes),
            updated_by=actor_sub,
            **current.model_dump(include=set(VenueUpdated.model_fields) - {"venue_id"}),
        ),
        subject=venue.id,
    )
    return sorted(changes)


def _room_integrity(venue, error: IntegrityError) -> Conflict:
    return Conflict(
        f"{venue.name} already has a room with that name or code.",
        {"venue_id": venue.id},
        detail_zh=f"{venue.name}已有同名或同编号的房间",
    )


def insert_room(tx, actor_sub: str, venue, data: RoomCreate) -> str:
    room_id = str(uuid.uuid4())
    moment = utcnow()
    try:
        with tx.session.begin_nested():
            tx.session.execute(
                rooms.insert().values(
                    id=room_id,
                    venue_id=venue.id,
                    created_by=actor_sub,
                    created_at=moment,
                    updated_at=moment,
                    **data.model_dump(),
                )
            )
    except IntegrityError as error:
        raise _room_integrity(venue, error) from error
    return room_id


def update_room(tx, room, venue, data: RoomUpdate) -> None:
    changes = data.model_dump(exclude_unset=True)
    for name, value in changes.items():
        if value is None:
            raise Unprocessable(f"The field {name} cannot be emptied.", {"field": name})
    if not changes:
        return
    try:
        with tx.session.begin_nested():
            tx.session.execute(rooms.update().where(rooms.c.id == room.id).values(updated_at=utcnow(), **changes))
    except IntegrityError as error:
        raise _room_integrity(venue, error) from error
