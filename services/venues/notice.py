"""The public notice (公示) of a venue: rooms, this week's hours, services and closures (seeds 000, 003, 004)."""

from __future__ import annotations

from kit.clock import to_local, utcnow
from services.venues import closure_commands, queries, schedule
from services.venues.domain.opening_hours import iso_week_label


def public_notice(session, venue, week: str | None = None) -> dict:
    moment = utcnow()
    week = week or iso_week_label(to_local(moment).date())
    dates = schedule.week_dates(week)
    days = schedule.resolve(session, venue, dates[0], dates[-1])
    venue_closed = queries.venue_closed_at(session, venue.id, moment)
    closed_rooms = queries.closed_room_ids(session, venue.id, moment)
    room_rows = queries.room_rows(session, venue.id)
    names = {row.id: row.name for row in room_rows}
    rooms = [
        {
            "id": row.id,
            "name": row.name,
            "kind": row.kind,
            "area_m2": row.area_m2,
            "capacity": row.capacity,
            "equipment": row.equipment or [],
            "staff_on_duty": row.staff_on_duty or [],
            "purpose": row.purpose,
            "booking_policy": row.booking_policy,
            "no_booking_needed": row.no_booking_needed,
            "status": "closed" if venue_closed or row.id in closed_rooms else "open",
        }
        for row in room_rows
    ]
    services = list(venue.services or []) or [f"{row.name}：{row.purpose}" for row in room_rows if row.purpose]
    closures = []
    for row in queries.closure_rows(session, venue.id, since=moment):
        view = closure_commands.view(row, venue, names.get(row.room_id), [])
        closures.append(
            {
                key: view[key]
                for key in ("id", "room_id", "room_name", "start", "expected_reopening", "reason", "notice_zh")
            }
        )
    return {
        "venue_id": venue.id,
        "name": venue.name,
        "address": venue.address,
        "contact_phone": venue.contact_phone,
        "accessibility": venue.accessibility or [],
        "status": "closed" if venue_closed else "open",
        "hours_notice_zh": schedule.hours_notice_zh(venue),
        "week": week,
        "this_week": [schedule.day_view(day) for day in days],
        "rooms": rooms,
        "services": services,
        "closures": closures,
        "generated_at": moment,
    }
