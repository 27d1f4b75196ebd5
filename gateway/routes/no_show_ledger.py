"""/api/v1/no-show-ledger/{person_id} — a person's no-shows and whether their online booking is paused;
venue managers exempt people (e.g. the elderly) and lift pauses."""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends, Request

from contracts.common import Actor
from contracts.venues import NoShowExemptionIn, NoShowLedger, PauseLiftIn
from gateway.auth import require
from gateway.calls import call
from gateway.problems import problem_responses

router = APIRouter(prefix="/api/v1/no-show-ledger", tags=["bookings"])
KEEPERS = ("venue_manager",)


@router.get("/{person_id}", response_model=NoShowLedger, responses=problem_responses(401, 403, 503))
async def no_show_ledger(person_id: str, request: Request, actor: Actor = Depends(require())):
    """The person themself, venue managers and administrators."""
    return await call(request, "venues", "no_show_ledger", actor=actor, person_id=person_id)


@router.put("/{person_id}/exemption", response_model=NoShowLedger, responses=problem_responses(400, 401, 403, 422, 503))
async def exempt(person_id: str, body: NoShowExemptionIn, request: Request, actor: Actor = Depends(require(*KEEPERS))):
    """No-shows never pause this person's online booking (e.g. elderly residents)."""
    return await call(
        request,
        "venues",
        "exempt_from_no_show_pause",
        actor=actor,
        person_id=person_id,
        body=body.model_dump(mode="json"),
    )


@router.post("/{person_id}/lift", response_model=NoShowLedger, responses=problem_responses(400, 401, 403, 422, 503))
async def lift(
    person_id: str,
    request: Request,
    body: PauseLiftIn = Body(default_factory=PauseLiftIn),
    actor: Actor = Depends(require(*KEEPERS)),
):
    """Lift the pause: the no-shows so far no longer count."""
    return await call(
        request, "venues", "lift_booking_pause", actor=actor, person_id=person_id, body=body.model_dump(mode="json")
    )
