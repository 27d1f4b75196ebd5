"""The questions events asks venues (RPC through kit.rpc.TimedRpcProxy, always with a timeout).

    get_room(room_id)                                       → venue_id, venue_name, name, capacity, town,
                                                              village, coordinates
    get_venue(venue_id)                                     → the venue (name, town, village, coordinates)
    hold_room(actor, room_id, start, end, event_id, title)  → the booking holding the room for the event
    move_hold(actor, event_id, start, end)                  → the booking, moved (same room)
    release_hold(actor, event_id, reason)                   → the hold is released

Errors raised by venues (`Conflict`, `Unprocessable`, `NotFound`) come back as the same classes, so a
room that cannot be held fails the publication with venues' own reason.
"""

from __future__ import annotations

import logging
from datetime import datetime

from contracts.common import Actor
from contracts.errors import NotFound, Unprocessable
from services.events.rows import Place, room_place

log = logging.getLogger(__name__)


def _booking_id(result) -> str | None:
    if isinstance(result, dict):
        return result.get("booking_id") or result.get("id")
    return None


def room(venues, room_id: str) -> Place:
    """The room a request names. No such room is a wrong field of that request (422 naming room_id), not a 404
    of the event or order the request is about."""
    try:
        return room_place(venues.get_room(room_id))
    except NotFound as exc:
        raise Unprocessable(
            f"room_id: there is no room {room_id}.",
            {"field": "room_id", "room_id": room_id},
            detail_zh="没有这个房间。",
        ) from exc


def venue(venues, venue_id: str) -> dict:
    return venues.get_venue(venue_id)


def hold(
    venues, actor: Actor, *, room_id: str, start: datetime, end: datetime, event_id: str, title: str
) -> str | None:
    held = hold_with_status(venues, actor, room_id=room_id, start=start, end=end, event_id=event_id, title=title)
    return held["booking_id"]


def hold_with_status(
    venues, actor: Actor, *, room_id: str, start: datetime, end: datetime, event_id: str, title: str
) -> dict:
    """The hold as venues answers it: {"booking_id", "status"} — "pending" on a room whose manager
    confirms every booking."""
    result = venues.hold_room(
        actor=actor.model_dump(),
        room_id=room_id,
        start=start.isoformat(),
        end=end.isoformat(),
        event_id=event_id,
        title=title,
    )
    answer = result if isinstance(result, dict) else {}
    return {
        "booking_id": _booking_id(result),
        "status": answer.get("status"),
        "calendar_warning": answer.get("calendar_warning_zh") or answer.get("calendar_warning"),
    }


def move(venues, actor: Actor, *, event_id: str, start: datetime, end: datetime) -> str | None:
    result = venues.move_hold(actor=actor.model_dump(), event_id=event_id, start=start.isoformat(), end=end.isoformat())
    return _booking_id(result)


def release(venues, actor: Actor, *, event_id: str, reason: str) -> None:
    venues.release_hold(actor=actor.model_dump(), event_id=event_id, reason=reason)


def release_quietly(venues, actor: Actor, *, event_id: str, reason: str) -> None:
    """Undo a hold after our own commit failed; the failure being reported matters more than this."""
    try:
        release(venues, actor, event_id=event_id, reason=reason)
    except Exception as exc:  # noqa: BLE001 - best effort compensation, logged for the operator
        log.error("could not release the room hold of event %s after a failed change: %s", event_id, exc)
