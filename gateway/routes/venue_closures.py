"""/api/v1/venues/{id}/closures and /api/v1/closures — closing a venue or room with a public notice (seed 004)."""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends, Request, status

from contracts.common import Actor
from contracts.venues import ClosureCreate, ClosureExtend, ClosureReopen, ClosureView
from gateway.auth import manager_of_path_venue, require
from gateway.calls import call
from gateway.problems import problem_responses

router = APIRouter(prefix="/api/v1", tags=["closures"])


@router.post(
    "/venues/{venue_id}/closures",
    status_code=status.HTTP_201_CREATED,
    response_model=ClosureView,
    responses=problem_responses(400, 401, 403, 404, 422, 503),
)
async def close(venue_id: str, body: ClosureCreate, request: Request, actor: Actor = Depends(manager_of_path_venue)):
    """Close the venue (or one room, `room_id`) with a reason and the expected reopening — refused
    without them (seed 004). Every booking inside is cancelled in the same step; `venue.closed` and a
    `booking.cancelled` per booking are published."""
    return await call(
        request, "venues", "create_closure", actor=actor, venue_id=venue_id, closure=body.model_dump(mode="json")
    )


@router.get("/venues/{venue_id}/closures", response_model=list[ClosureView], responses=problem_responses(404, 503))
async def list_closures(venue_id: str, request: Request, include_past: bool = False):
    """Current and announced closures (with `include_past`, ended ones too); public."""
    return await call(request, "venues", "list_closures", venue_id=venue_id, include_past=include_past)


@router.get("/closures/{closure_id}", response_model=ClosureView, responses=problem_responses(404, 503))
async def get_closure(closure_id: str, request: Request):
    """One closure and the bookings it cancelled; public."""
    return await call(request, "venues", "get_closure", closure_id=closure_id)


@router.post(
    "/closures/{closure_id}/reopen",
    response_model=ClosureView,
    responses=problem_responses(400, 401, 403, 404, 409, 422, 503),
)
async def reopen(
    closure_id: str,
    request: Request,
    body: ClosureReopen = Body(default_factory=ClosureReopen),
    actor: Actor = Depends(require("venue_manager")),
):
    """It reopened (now, or at `at` in the past): publishes `venue.reopened`."""
    return await call(
        request,
        "venues",
        "reopen_closure",
        actor=actor,
        closure_id=closure_id,
        reopen=body.model_dump(mode="json", exclude_unset=True),
    )


@router.patch(
    "/closures/{closure_id}", response_model=ClosureView, responses=problem_responses(400, 401, 403, 404, 409, 422, 503)
)
async def change_expected_reopening(
    closure_id: str, body: ClosureExtend, request: Request, actor: Actor = Depends(require("venue_manager"))
):
    """Announce another expected reopening (usually later): bookings in the added time are cancelled
    and `venue.reopened` (reopened_at null, the new expected reopening) is published."""
    return await call(
        request,
        "venues",
        "extend_closure",
        actor=actor,
        closure_id=closure_id,
        change=body.model_dump(mode="json", exclude_unset=True),
    )
