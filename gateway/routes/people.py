"""/api/v1/people — the people directory: how each person wants to be told (contact details, the
channels they agreed to, language, quiet hours)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from contracts.common import Actor
from contracts.notifications import Person, PersonContactUpdate
from gateway.auth import require
from gateway.calls import call
from gateway.problems import problem_responses

router = APIRouter(prefix="/api/v1/people", tags=["notifications"])


@router.get("/me", response_model=Person, responses=problem_responses(401, 503))
async def my_contact(request: Request, actor: Actor = Depends(require())):
    """The caller's own contact details and preferences (defaults when never set)."""
    return await call(request, "notifications", "get_person", actor=actor)


@router.put("/me", response_model=Person, responses=problem_responses(400, 401, 409, 422, 503))
async def set_my_contact(body: PersonContactUpdate, request: Request, actor: Actor = Depends(require())):
    """Set how the caller is told: phone, e-mail, the channels they consent to (`sms`, `email`; the inbox
    needs no consent), language (`zh-CN` or `en`) and quiet hours for SMS (local time)."""
    return await call(request, "notifications", "update_person", actor=actor, contact=body.model_dump(mode="json"))


@router.get("/{person_id}", response_model=Person, responses=problem_responses(401, 403, 422, 503))
async def person_contact(person_id: str, request: Request, actor: Actor = Depends(require("admin"))):
    """Someone's contact details (the administrator; see docs/authorisation.md)."""
    return await call(request, "notifications", "get_person", actor=actor, person_id=person_id)


@router.put("/{person_id}", response_model=Person, responses=problem_responses(400, 401, 403, 409, 422, 503))
async def set_person_contact(
    person_id: str, body: PersonContactUpdate, request: Request, actor: Actor = Depends(require("admin"))
):
    """Enter contact details and consent for someone else, e.g. for an elderly resident who asked at the
    desk (the administrator; staff enter a caller's contact with the booking or registration itself)."""
    return await call(
        request,
        "notifications",
        "update_person",
        actor=actor,
        person_id=person_id,
        contact=body.model_dump(mode="json"),
    )
