"""/api/v1/events/{event_id}/dispatch and check-in — the organiser's side of volunteer dispatch."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from contracts.common import Actor
from contracts.volunteers import CheckIn, Dispatch
from gateway.auth import require
from gateway.calls import call
from gateway.problems import problem_responses

router = APIRouter(prefix="/api/v1/events", tags=["dispatch"])


@router.get("/{event_id}/dispatch", response_model=Dispatch, responses=problem_responses(401, 403, 404, 503))
async def get_dispatch(event_id: str, request: Request, actor: Actor = Depends(require("organiser"))):
    """The event's volunteer team, open offers and every offer made (the event's organiser)."""
    return await call(request, "volunteers", "get_dispatch", actor=actor, event_id=event_id)


@router.post(
    "/{event_id}/volunteers/{volunteer_id}/check-in",
    response_model=CheckIn,
    responses=problem_responses(401, 403, 404, 409, 503),
)
async def check_in(event_id: str, volunteer_id: str, request: Request, actor: Actor = Depends(require("organiser"))):
    """Check a volunteer of the team in at the event; hours are credited to those checked in when it completes."""
    return await call(request, "volunteers", "check_in", actor=actor, event_id=event_id, volunteer_id=volunteer_id)
