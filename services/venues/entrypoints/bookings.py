"""Room bookings (场地预订): place, recurring weekly, list, and the state machine (approve, reject,
cancel, check in, no-show)."""

from __future__ import annotations

import uuid

from contracts.errors import Conflict, Forbidden, Unprocessable
from contracts.venues import BookingActionIn, BookingCreate, RecurringBookingCreate, RecurringBookingResult
from kit.boundary import actor_from, aware_or_422, model_or_422
from kit.clock import from_local, to_local
from kit.rpc import rpc
from services.venues import booking_commands as commands
from services.venues import no_show_commands as no_shows
from services.venues import queries
from services.venues.access import require_manager
from services.venues.domain.booking_rules import (
    BookingAction,
    BookingRefusal,
    recurring_booking_report,
    weekly_occurrences,
)


def _managed_venue_ids(actor) -> list[str] | None:
    """None: every venue (admin, or scope venue:*)."""
    if actor.role == "admin" or "venue:*" in actor.scopes:
        return None
    return [scope.split(":", 1)[1] for scope in actor.scopes if scope.startswith("venue:")]


class BookingEntrypoints:
    @rpc
    def create_booking(self, actor: dict, booking: dict) -> dict:
        actor = actor_from(actor)
        data = model_or_422(BookingCreate, booking, "booking")
        if self.db.engine.dialect.name == "postgresql":  # SQLite serialises every transaction anyway
            with self.db.read() as session:
                room = queries.room_or_404(session, data.room_id)
                venue = queries.venue_row(session, room.venue_id)
                commands.precheck(session, commands.placement_for(actor, data, venue), room, venue)
        with self.db.transaction() as tx:
            room, venue = commands.lock_room(tx.session, data.room_id)
            placement = commands.placement_for(actor, data, venue)
            if placement.held_to_limits:
                no_shows.require_not_paused(tx.session, placement.booker_id)
            row = commands.place(tx, placement, room, venue)
        return commands.booking_view_of(row, room, venue)

    @rpc
    def create_recurring_booking(self, actor: dict, booking: dict) -> dict:
        """The same slot for N weeks: the dates that fit are booked, the others reported with the reason."""
        actor = actor_from(actor)
        data = model_or_422(RecurringBookingCreate, booking, "recurring booking")
        series_id = str(uuid.uuid4())
        with self.db.transaction() as tx:
            room, venue = commands.lock_room(tx.session, data.room_id)
            template = commands.placement_for(actor, BookingCreate(**data.model_dump(exclude={"weeks"})), venue)
            template.series_id = series_id
            if template.held_to_limits:
                no_shows.require_not_paused(tx.session, template.booker_id)
            try:
                occurrences = weekly_occurrences(to_local(data.start), to_local(data.end), data.weeks)
            except ValueError as error:
                raise Unprocessable(commands.sentence(str(error)), {"reason_code": "invalid_time"}) from error
            decisions, booked = [], {}
            for index, (start_local, end_local) in enumerate(occurrences):
                start, end = from_local(start_local), from_local(end_local)
                decision, day = commands.decide(
                    tx.session,
                    room,
                    venue,
                    start,
                    end,
                    template.attendees,
                    template.booker_kind,
                    template.channel,
                    template.booker_name,
                    held_to_limits=template.held_to_limits,
                    person=template.booker_id,
                )
                decisions.append(decision)
                if not isinstance(decision, BookingRefusal):
                    placement = commands.Placement(**{**template.__dict__, "start": start, "end": end})
                    booked[index] = {
                        **commands.insert(tx, placement, room, venue, decision),
                        **commands.calendar_warning(day),
                    }
            report = recurring_booking_report(occurrences, decisions).to_dict()
            for index, outcome in enumerate(report["occurrences"]):
                outcome["reason_code"] = outcome.pop("code", None)
                outcome["booking_id"] = booked[index]["id"] if index in booked else None
                outcome["start"], outcome["end"] = (
                    from_local(occurrences[index][0]).isoformat(),
                    from_local(occurrences[index][1]).isoformat(),
                )
            result = {
                "series_id": series_id,
                **report,
                "bookings": [commands.booking_view_of(row, room, venue) for row in booked.values()],
            }
            if not booked:
                cls = Conflict if all(o["reason_code"] == "conflict" for o in report["occurrences"]) else Unprocessable
                raise cls(
                    f"None of the {data.weeks} weekly dates could be booked; see the report per date.",
                    {"report": RecurringBookingResult.model_validate(result).model_dump(mode="json")},
                )
        return RecurringBookingResult.model_validate(result).model_dump(mode="json")

    @rpc
    def get_booking(self, actor: dict, booking_id: str) -> dict:
        actor = actor_from(actor)
        with self.db.read() as session:
            row = queries.booking_or_404(session, booking_id)
            if not commands.may_see(actor, row):
                raise Forbidden(
                    "Only the booker or a manager of the venue may see this booking.", {"booking_id": booking_id}
                )
            return queries.booking_views(session, [row])[0].model_dump(mode="json")

    @rpc
    def list_bookings(
        self,
        actor: dict,
        room_id: str | None = None,
        venue_id: str | None = None,
        status: str | None = None,
        start: str | None = None,
        end: str | None = None,
        mine: bool = False,
        limit: int = 200,
    ) -> list[dict]:
        """Managers see the bookings of their venues; everyone else sees their own."""
        actor = actor_from(actor)
        first = aware_or_422(start, "from") if start else None
        last = aware_or_422(end, "to") if end else None
        with self.db.read() as session:
            person, venue_ids = None, None
            if mine or actor.role not in ("admin", "venue_manager"):
                person = actor.sub
            else:
                venue_ids = _managed_venue_ids(actor)
                if venue_id:
                    require_manager(actor, venue_id)
                    venue_ids = [venue_id]
                if room_id:
                    room = queries.room_or_404(session, room_id)
                    require_manager(actor, room.venue_id)
            rows = queries.booking_rows(
                session,
                venue_ids=venue_ids if not person else None,
                room_id=room_id,
                person=person,
                status=status,
                start=first,
                end=last,
                limit=max(1, min(int(limit) if str(limit).isdigit() else 200, 1000)),
            )
            if person and venue_id:
                rows = [row for row in rows if row.venue_id == venue_id]
            return [view.model_dump(mode="json") for view in queries.booking_views(session, rows)]

    def _act(
        self,
        actor: dict,
        booking_id: str,
        action: BookingAction,
        body: dict | None,
        *,
        managers_only: bool,
        reason_required: bool = False,
        default_reason: str | None = None,
    ) -> dict:
        actor = actor_from(actor)
        data = model_or_422(BookingActionIn, body, "request")
        reason = (data.reason or "").strip() or None
        if reason_required and not reason:
            raise Unprocessable(
                "Give the reason, so the booker knows why.", {"field": "reason", "detail_zh": "请填写原因"}
            )
        with self.db.transaction() as tx:
            booking = queries.booking_or_404(tx.session, booking_id)
            room, venue = commands.lock_room(tx.session, booking.room_id)
            booking = queries.booking_or_404(tx.session, booking_id, for_update=True)
            if managers_only:
                require_manager(actor, venue.id, venue.name)
            else:
                commands.require_owner_or_manager(actor, booking, venue)
            if action is BookingAction.CANCEL:
                commands.require_cancellable_by_booker(actor, booking, room)
            elif action is BookingAction.CHECK_IN:
                no_shows.require_check_in_open(booking, room)
            elif action is BookingAction.MARK_NO_SHOW:
                no_shows.require_no_show_due(booking, room)
            if reason is None and default_reason:
                own = actor.sub in (booking.booked_by, booking.booker_id)
                reason = "cancelled by the booker" if own else default_reason
            row = commands.change_status(
                tx,
                booking,
                room,
                venue,
                action,
                actor.sub,
                reason=reason,
                signed_off_by=(data.signed_off_by or "").strip() or None,
            )
        return commands.booking_view_of(row, room, venue)

    @rpc
    def cancel_booking(self, actor: dict, booking_id: str, body: dict | None = None) -> dict:
        return self._act(
            actor, booking_id, BookingAction.CANCEL, body, managers_only=False, default_reason="cancelled by the venue"
        )

    @rpc
    def approve_booking(self, actor: dict, booking_id: str, body: dict | None = None) -> dict:
        return self._act(actor, booking_id, BookingAction.CONFIRM, body, managers_only=True)

    @rpc
    def reject_booking(self, actor: dict, booking_id: str, body: dict | None = None) -> dict:
        return self._act(actor, booking_id, BookingAction.REJECT, body, managers_only=True, reason_required=True)

    @rpc
    def check_in_booking(self, actor: dict, booking_id: str) -> dict:
        return self._act(actor, booking_id, BookingAction.CHECK_IN, None, managers_only=True)

    @rpc
    def mark_no_show(self, actor: dict, booking_id: str) -> dict:
        return self._act(actor, booking_id, BookingAction.MARK_NO_SHOW, None, managers_only=True)
