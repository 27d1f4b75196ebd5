"""Feedback without registration (issue 17.8): the event's short code for the organiser to show, and
POST /api/v1/feedback/{code} for anyone who was there (one rating per phone number)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Request, status

from contracts.common import Actor
from contracts.events import FeedbackCode, WalkInFeedbackCreate, WalkInFeedbackView
from gateway.auth import require
from gateway.calls import call
from gateway.problems import problem_responses

router = APIRouter(tags=["events"])
CODE = Path(min_length=4, max_length=12, pattern=r"^[A-Za-z0-9]+$", examples=["K7M2QX"])


@router.post(
    "/api/v1/events/{event_id}/feedback-code",
    response_model=FeedbackCode,
    responses=problem_responses(401, 403, 404, 503),
)
async def feedback_code(event_id: str, request: Request, actor: Actor = Depends(require("organiser"))):
    """The event's feedback code and link (made once; the same afterwards), to show at the event."""
    return await call(request, "events", "feedback_code", actor=actor, event_id=event_id)


@router.post(
    "/api/v1/feedback/{code}",
    status_code=status.HTTP_201_CREATED,
    response_model=WalkInFeedbackView,
    responses=problem_responses(400, 404, 409, 422, 503),
)
async def give_feedback_with_code(body: WalkInFeedbackCreate, request: Request, code: str = CODE):
    """Rate an event you attended, with the code shown there (from its start until a week after it);
    409 when this phone number has already rated it."""
    return await call(request, "events", "give_feedback_with_code", code=code, feedback=body.model_dump(mode="json"))
