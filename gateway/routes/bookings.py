"""/api/v1/bookings — room bookings (场地预订), online or recorded by staff on someone's behalf (代预约)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Body, Depends, Query, Request, status

from contracts.common import Actor, IsoAwareDatetime
from contracts.venues import Booking, BookingActionIn, BookingCreate, RecurringBookingCreate, RecurringBookingResult
from gateway.auth import require
from gateway.calls import call
from gateway.problems import problem_responses

router = APIRouter(prefix="/api/v1/bookings", tags=["bookings"])
BOOKERS = ("resident", "organiser", "venue_manager")
ACTION = Body(default_factory=BookingActionIn)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Booking,
    responses=problem_responses(400, 401, 403, 404, 409, 422, 503),
)
async def create_booking(body: BookingCreate, request: Request, actor: Actor = Depends(require(*BOOKERS))):
    """Book a room. 422 says why not (closed then, over capacity, the room's policy); 409 names the
    booking in the way (the room's cleanup buffer counts). Approval-required rooms answer `pending`."""
    return await call(request, "venues", "create_booking", actor=actor, booking=body.model_dump(mode="json"))


@router.post(
    "/recurring",
    status_code=status.HTTP_201_CREATED,
    response_model=RecurringBookingResult,
    responses=problem_responses(400, 401, 403, 404, 409, 422, 503),
)
async def create_recurring_booking(
    body: RecurringBookingCreate, request: Request, actor: Actor = Depends(require(*BOOKERS))
):
    """The same slot every week for `weeks` weeks: the dates that fit are booked, the rest reported
    per date with the reason (and the conflicting bookings)."""
    return await call(request, "venues", "create_recurring_booking", actor=actor, booking=body.model_dump(mode="json"))


@router.get("", response_model=list[Booking], responses=problem_responses(401, 403, 404, 422, 503))
async def list_bookings(
    request: Request,
    actor: Actor = Depends(require()),
    room_id: str | None = None,
    venue_id: str | None = None,
    status: Literal["pending", "confirmed", "rejected", "cancelled", "checked_in", "no_show"] | None = None,
    start: IsoAwareDatetime | None = Query(None, alias="from"),
    end: IsoAwareDatetime | None = Query(None, alias="to"),
    mine: bool = False,
    limit: int = Query(200, ge=1, le=1000),
):
    """Venue managers see their venues' bookings; everyone else (or `mine=true`) their own."""
    return await call(
        request,
        "venues",
        "list_bookings",
        actor=actor,
        room_id=room_id,
        venue_id=venue_id,
        status=status,
        start=start.isoformat() if start else None,
        end=end.isoformat() if end else None,
        mine=mine,
        limit=limit,
    )


@router.get("/{booking_id}", response_model=Booking, responses=problem_responses(401, 403, 404, 503))
async def get_booking(booking_id: str, request: Request, actor: Actor = Depends(require())):
    """One booking (its booker, who entered it, or the venue's managers)."""
    return await call(request, "venues", "get_booking", actor=actor, booking_id=booking_id)


@router.post("/{booking_id}/cancel", response_model=Booking, responses=problem_responses(400, 401, 403, 404, 409, 503))
async def cancel_booking(
    booking_id: str, request: Request, body: BookingActionIn = ACTION, actor: Actor = Depends(require(*BOOKERS))
):
    """Cancel (the booker or the venue's managers); publishes `booking.cancelled`."""
    return await call(
        request, "venues", "cancel_booking", actor=actor, booking_id=booking_id, body=body.model_dump(mode="json")
    )


@router.post("/{booking_id}/approve", response_model=Booking, responses=problem_responses(400, 401, 403, 404, 409, 503))
async def approve_booking(
    booking_id: str, request: Request, body: BookingActionIn = ACTION, actor: Actor = Depends(require("venue_manager"))
):
    """Confirm a pending booking (the venue's managers); publishes `booking.confirmed`."""
    return await call(
        request, "venues", "approve_booking", actor=actor, booking_id=booking_id, body=body.model_dump(mode="json")
    )


@router.post(
    "/{booking_id}/reject", response_model=Booking, responses=problem_responses(400, 401, 403, 404, 409, 422, 503)
)
async def reject_booking(
    booking_id: str, request: Request, body: BookingActionIn = ACTION, actor: Actor = Depends(require("venue_manager"))
):
    """Refuse a pending booking with a reason; publishes `booking.rejected`."""
    return await call(
        request, "venues", "reject_booking", actor=actor, booking_id=booking_id, body=body.model_dump(mode="json")
    )


@router.post("/{booking_id}/check-in", response_model=Booking, responses=problem_responses(401, 403, 404, 409, 503))
async def check_in(booking_id: str, request: Request, actor: Actor = Depends(require("venue_manager"))):
    """The booker arrived."""
    return await call(request, "venues", "check_in_booking", actor=actor, booking_id=booking_id)


@router.post("/{booking_id}/no-show", response_model=Booking, responses=problem_responses(401, 403, 404, 409, 503))
async def no_show(booking_id: str, request: Request, actor: Actor = Depends(require("venue_manager"))):
    """The booker did not come."""
    return await call(request, "venues", "mark_no_show", actor=actor, booking_id=booking_id)
