"""Room holds for cultural events (the events service calls these; names and arguments are a contract).

A hold is a booking with `event_id`, booked online by the organiser as an organisation; it follows
the same rules (opening hours, no overlap, policy, no start in the past) and publishes the same
booking.* facts. It is not held to the room's limits for residents (advance window, length, weekly
quota): those share a room fairly among people, while public events are announced and planned months
ahead (a 中秋 programme, the season plan) — as the venue's own staff, who are not held to them either.
The manager keeps control where it matters: an approval-required room gives a `pending` hold.
Only the events service asks (its service token, kit.callers), for the organiser whose token it forwards."""

from __future__ import annotations

from contracts.errors import Conflict, Forbidden, NotFound
from contracts.venues import HoldRoomRequest, MoveHoldRequest, ReleaseHoldRequest, RoomHold
from kit.boundary import actor_from, model_or_422
from kit.callers import require_service
from kit.clock import shown
from kit.rpc import rpc
from services.venues import booking_commands as commands
from services.venues import queries
from services.venues.access import manages, require_manager
from services.venues.domain.booking_rules import BookingAction

HOLD_ROLES = ("organiser", "venue_manager", "admin")


def _hold(values) -> dict:
    values = dict(values._mapping) if hasattr(values, "_mapping") else dict(values)
    return RoomHold(
        booking_id=values["id"],
        status=values["status"],
        room_id=values["room_id"],
        event_id=values["event_id"],
        start=shown(values["starts_at"]),
        end=shown(values["ends_at"]),
        calendar_warning=values.get("calendar_warning"),
        calendar_warning_zh=values.get("calendar_warning_zh"),
    ).model_dump(mode="json")


def _may_hold(actor, venue) -> None:
    """Organisers hold rooms for their events (events checks who owns the event); a venue manager
    only in their own venues."""
    if actor.role not in HOLD_ROLES:
        raise Forbidden(f"The role {actor.role} may not hold rooms for events.", {"needed_role": list(HOLD_ROLES)})
    if actor.role == "venue_manager" and not manages(actor, venue.id):
        require_manager(actor, venue.id, venue.name)


class HoldEntrypoints:
    @rpc
    def hold_room(self, actor: dict, room_id: str, start: str, end: str, event_id: str, title: str) -> dict:
        """→ {"booking_id", "status", ...}; the same (event_id, room_id, times) again returns the same hold."""
        require_service("events", what="hold rooms for events")
        actor = actor_from(actor)
        data = model_or_422(
            HoldRoomRequest,
            {"room_id": room_id, "start": start, "end": end, "event_id": event_id, "title": title or ""},
            "room hold",
        )
        with self.db.transaction() as tx:
            room, venue = commands.lock_room(tx.session, data.room_id)
            _may_hold(actor, venue)
            held = [
                row
                for row in queries.booking_rows(tx.session, room_id=room.id, event_id=data.event_id)
                if row.status in queries.ACTIVE
            ]
            if held:
                row = held[0]
                if row.starts_at == data.start and row.ends_at == data.end:
                    return _hold(row)
                raise Conflict(
                    f"Event {data.event_id} already holds {room.name} at another time "
                    f"({shown(row.starts_at):%Y-%m-%d %H:%M}–{shown(row.ends_at):%H:%M}); move the hold "
                    f"instead.",
                    {"booking_id": row.id, "event_id": data.event_id, "conflicting_booking_ids": [row.id]},
                )
            placement = commands.Placement(
                room_id=room.id,
                start=data.start,
                end=data.end,
                attendees=1,
                booker_kind="organisation",
                booked_by=actor.sub,
                channel="online",
                purpose=data.title,
                booker_id=actor.sub,
                booker_name=actor.name,
                event_id=data.event_id,
                held_to_limits=False,
            )  # an event is planned further ahead than residents book; not in the past
            values = commands.place(tx, placement, room, venue)
        return _hold(values)

    @rpc
    def move_hold(self, actor: dict, event_id: str, start: str, end: str) -> dict:
        """Move the event's hold(s) to new times in the same room(s), or raise why not (nothing changes)."""
        require_service("events", what="hold rooms for events")
        actor = actor_from(actor)
        data = model_or_422(MoveHoldRequest, {"event_id": event_id, "start": start, "end": end}, "hold move")
        holds = []
        with self.db.transaction() as tx:
            rows = [
                row for row in queries.booking_rows(tx.session, event_id=data.event_id) if row.status in queries.ACTIVE
            ]
            if not rows:
                raise NotFound(f"No room is held for event {data.event_id}.", {"event_id": data.event_id})
            for row in rows:
                room, venue = commands.lock_room(tx.session, row.room_id)
                _may_hold(actor, venue)
                row = queries.booking_or_404(tx.session, row.id, for_update=True)
                if row.starts_at == data.start and row.ends_at == data.end:
                    holds.append(_hold(row))
                    continue
                holds.append(_hold(commands.move(tx, row, room, venue, data.start, data.end)))
        return {**holds[0], "holds": holds}

    @rpc
    def release_hold(self, actor: dict, event_id: str, reason: str) -> dict:
        """Cancel the event's hold(s); {"released": false} when there is nothing (left) to release."""
        require_service("events", what="hold rooms for events")
        actor = actor_from(actor)
        data = model_or_422(ReleaseHoldRequest, {"event_id": event_id, "reason": reason or ""}, "hold release")
        released = []
        with self.db.transaction() as tx:
            rows = [
                row for row in queries.booking_rows(tx.session, event_id=data.event_id) if row.status in queries.ACTIVE
            ]
            for row in rows:
                room, venue = commands.lock_room(tx.session, row.room_id)
                _may_hold(actor, venue)
                row = queries.booking_or_404(tx.session, row.id, for_update=True)
                if row.status not in queries.ACTIVE:
                    continue
                commands.change_status(
                    tx,
                    row,
                    room,
                    venue,
                    BookingAction.CANCEL,
                    actor.sub,
                    reason=data.reason or "released by the event's organiser",
                )
                released.append(row.id)
        return {"released": bool(released), "booking_ids": released}
