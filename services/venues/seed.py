"""The 嘉平镇 demo data (seed 000, domain/jiaping_seed.py), loaded idempotently: what exists is kept."""

from __future__ import annotations

from contracts.common import Coordinates
from contracts.venues import RoomCreate, VenueCreate
from services.venues import network_commands, queries, schedule
from services.venues.domain.jiaping_seed import jiaping_centre

PARENT = VenueCreate(
    name="江津区文化馆",
    kind="cultural_centre",
    level="district",
    address="重庆市江津区",
    description="区级文化馆（总馆）",
)


def _services(centre) -> list[str]:
    return [f"{room.name}：{room.purpose}" if room.purpose else f"{room.name}：免费开放" for room in centre.rooms]


def seed_demo(tx, actor_sub: str) -> dict:
    centre = jiaping_centre()
    session = tx.session
    created = False
    parent = queries.venue_by_name(session, centre.parent_name)
    parent_id = (
        parent.id
        if parent
        else network_commands.insert_venue(tx, actor_sub, PARENT.model_copy(update={"name": centre.parent_name}))
    )
    venue = queries.venue_by_name(session, centre.name)
    if venue is None:
        created = True
        venue_id = network_commands.insert_venue(
            tx,
            actor_sub,
            VenueCreate(
                name=centre.name,
                kind=centre.kind,
                level=centre.level,
                parent_id=parent_id,
                town=centre.town,
                address=centre.address,
                coordinates=Coordinates(lat=centre.latitude, lon=centre.longitude),
                accessibility=list(centre.accessibility),
                services=_services(centre),
                asset_number_prefix=centre.asset_number_prefix,
                description=f"{centre.opening_hours_notice}。依据：{centre.source_document}",
            ),
            weekly_hours=schedule.weekly_json(centre.schedule),
            holiday_rule=str(centre.holiday_rule),
        )
        venue = queries.venue_row(session, venue_id)
    existing = {row.code: row for row in queries.room_rows(session, venue.id) if row.code}
    room_ids = {}
    for room in centre.rooms:
        if room.code in existing:
            room_ids[room.name] = existing[room.code].id
            continue
        created = True
        room_ids[room.name] = network_commands.insert_room(
            tx,
            actor_sub,
            venue,
            RoomCreate(
                name=room.name,
                kind=room.kind,
                code=room.code,
                area_m2=room.area_m2,
                capacity=room.capacity,
                equipment=list(room.equipment),
                staff_on_duty=list(room.staff_on_duty),
                purpose=room.purpose,
                booking_policy=str(room.booking_policy),
                buffer_minutes=room.buffer_minutes,
                no_booking_needed=room.no_booking_needed,
            ),
        )
    return {"venue_id": venue.id, "parent_id": parent_id, "rooms": room_ids, "created": created}
