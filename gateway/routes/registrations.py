"""Registrations (活动预约): online by residents, by phone / at the desk / on behalf by staff; cancellation
with automatic waitlist promotion; check-in; no-shows; feedback from those who attended."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Query, Request, status

from contracts.common import Actor
from contracts.events import (
    FeedbackCreate,
    FeedbackView,
    RegistrationCancel,
    RegistrationCreate,
    RegistrationStatus,
    RegistrationView,
)
from gateway.auth import require
from gateway.calls import call
from gateway.problems import problem_responses

router = APIRouter(tags=["registrations"])
REGISTRATIONS = "/api/v1/registrations"


@router.post(
    "/api/v1/events/{event_id}/registrations",
    status_code=status.HTTP_201_CREATED,
    response_model=RegistrationView,
    responses=problem_responses(400, 401, 403, 404, 409, 422, 503),
)
async def register(event_id: str, body: RegistrationCreate, request: Request, actor: Actor = Depends(require())):
    """Register a person or a group (all places or none, also on the waitlist). Online: the caller registers
    themself from the general places. Phone, desk and on_behalf: staff register someone (person_name or
    person_id) and draw on the kept-back places first. The answer is `confirmed` or `waitlisted` with the
    position."""
    return await call(
        request, "events", "register", actor=actor, event_id=event_id, registration=body.model_dump(mode="json")
    )


@router.get(
    "/api/v1/events/{event_id}/registrations",
    response_model=list[RegistrationView],
    responses=problem_responses(401, 403, 404, 503),
)
async def event_registrations(
    event_id: str,
    request: Request,
    status_: RegistrationStatus | None = Query(None, alias="status"),
    actor: Actor = Depends(require("organiser", "venue_manager")),
):
    """Every registration of an event in arrival order, with waitlist positions (staff)."""
    return await call(request, "events", "list_registrations", actor=actor, event_id=event_id, status=status_)


@router.get(REGISTRATIONS, response_model=list[RegistrationView], responses=problem_responses(401, 503))
async def my_registrations(request: Request, actor: Actor = Depends(require())):
    """The caller's registrations: for themself, and those they entered for others."""
    return await call(request, "events", "my_registrations", actor=actor)


@router.get(
    REGISTRATIONS + "/{registration_id}",
    response_model=RegistrationView,
    responses=problem_responses(401, 403, 404, 503),
)
async def get_registration(registration_id: str, request: Request, actor: Actor = Depends(require())):
    """One registration (the person, whoever registered them, or staff)."""
    return await call(request, "events", "get_registration", actor=actor, registration_id=registration_id)


# Whose registration it is decides first: the body (RegistrationCancel) is validated by events after that,
# so someone else's registration answers 403 whatever the body says.
@router.post(
    REGISTRATIONS + "/{registration_id}/cancel",
    response_model=RegistrationView,
    responses=problem_responses(400, 401, 403, 404, 409, 422, 503),
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": RegistrationCancel.model_json_schema()}},
        }
    },
)
async def cancel_registration(
    registration_id: str, request: Request, actor: Actor = Depends(require()), body: Any = Body(None)
):
    """Cancel; the places go back to the pool they came from and the first waitlisted parties that fit are
    promoted at once (`registration.promoted`)."""
    return await call(
        request, "events", "cancel_registration", actor=actor, registration_id=registration_id, cancellation=body
    )


@router.post(
    REGISTRATIONS + "/{registration_id}/check-in",
    response_model=RegistrationView,
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def check_in(
    registration_id: str, request: Request, actor: Actor = Depends(require("organiser", "venue_manager"))
):
    """Check in at the door (from an hour before the start until the end); staff."""
    return await call(request, "events", "check_in", actor=actor, registration_id=registration_id)


@router.post(
    REGISTRATIONS + "/{registration_id}/no-show",
    response_model=RegistrationView,
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def no_show(
    registration_id: str, request: Request, actor: Actor = Depends(require("organiser", "venue_manager"))
):
    """Mark a confirmed registration as a no-show once the event has begun; staff."""
    return await call(request, "events", "mark_no_show", actor=actor, registration_id=registration_id)


@router.post(
    REGISTRATIONS + "/{registration_id}/feedback",
    status_code=status.HTTP_201_CREATED,
    response_model=FeedbackView,
    responses=problem_responses(400, 401, 403, 404, 409, 422, 503),
)
async def give_feedback(
    registration_id: str, body: FeedbackCreate, request: Request, actor: Actor = Depends(require())
):
    """Rate the event 1–5 with an optional comment: only once, and only when the registration attended."""
    return await call(
        request,
        "events",
        "give_feedback",
        actor=actor,
        registration_id=registration_id,
        feedback=body.model_dump(mode="json"),
    )
