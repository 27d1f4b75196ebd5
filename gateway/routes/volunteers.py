"""/api/v1/volunteers — cultural volunteers: applications, review, own record, training, hours, offers."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Body, Depends, Query, Request, status

from contracts.common import Actor
from contracts.volunteers import (
    HoursEntry,
    HoursEntryCreate,
    HoursLog,
    Offer,
    RatingCreate,
    ServiceRating,
    SkillOption,
    StatusNote,
    TrainingCreate,
    TrainingRecord,
    TrainingReport,
    TrainingSummary,
    Volunteer,
    VolunteerApplication,
    VolunteerReview,
    VolunteerStatusName,
    VolunteerUpdate,
)
from gateway.auth import require, volunteer_reviewer, volunteer_self_or_reviewer
from gateway.calls import call
from gateway.problems import problem_responses

router = APIRouter(prefix="/api/v1/volunteers", tags=["volunteers"])


@router.get("/skills", response_model=list[SkillOption], responses=problem_responses(503))
async def skills(request: Request):
    """The controlled list of skills (code and Chinese label); public."""
    return await call(request, "volunteers", "skills")


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Volunteer,
    responses=problem_responses(401, 403, 409, 422, 503),
)
async def apply(body: VolunteerApplication, request: Request, actor: Actor = Depends(require())):
    """Apply to volunteer. The record's id is the caller's own id (staff may give `volunteer_id`)."""
    return await call(request, "volunteers", "apply", actor=actor, application=body.model_dump(mode="json"))


@router.get("", response_model=list[Volunteer], responses=problem_responses(401, 403, 422, 503))
async def list_volunteers(
    request: Request,
    status: VolunteerStatusName | None = None,
    skill: str | None = None,
    town: str | None = None,
    village: str | None = None,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0),
    actor: Actor = Depends(volunteer_reviewer),
):
    """Volunteers, for staff."""
    return await call(
        request,
        "volunteers",
        "list_volunteers",
        actor=actor,
        status=status,
        skill=skill,
        town=town,
        village=village,
        limit=limit,
        offset=offset,
    )


@router.get("/me", response_model=Volunteer, responses=problem_responses(401, 404, 503))
async def my_record(request: Request, actor: Actor = Depends(require())):
    """The caller's own volunteer record."""
    return await call(request, "volunteers", "get_volunteer", actor=actor, volunteer_id=actor.sub)


@router.get("/training-report", response_model=TrainingReport, responses=problem_responses(401, 403, 422, 503))
async def training_report(
    request: Request,
    year: int | None = Query(None, ge=2000, le=2100),
    town: str | None = None,
    village: str | None = None,
    actor: Actor = Depends(volunteer_reviewer),
):
    """Every active volunteer's training hours in a year against the standard (≥1 week = 40 h)."""
    return await call(request, "volunteers", "training_report", actor=actor, year=year, town=town, village=village)


@router.get("/{volunteer_id}", response_model=Volunteer, responses=problem_responses(401, 403, 404, 503))
async def get_volunteer(volunteer_id: str, request: Request, actor: Actor = Depends(require())):
    """One volunteer record: the volunteer themself, or staff."""
    return await call(request, "volunteers", "get_volunteer", actor=actor, volunteer_id=volunteer_id)


@router.patch("/{volunteer_id}", response_model=Volunteer, responses=problem_responses(401, 403, 404, 409, 422, 503))
async def update_volunteer(
    volunteer_id: str, body: VolunteerUpdate, request: Request, actor: Actor = Depends(volunteer_self_or_reviewer)
):
    """Change one's own record (contact, skills, languages, availability, home, channels)."""
    return await call(
        request,
        "volunteers",
        "update_volunteer",
        actor=actor,
        volunteer_id=volunteer_id,
        changes=body.model_dump(mode="json", exclude_unset=True),
    )


@router.post(
    "/{volunteer_id}/review", response_model=Volunteer, responses=problem_responses(401, 403, 404, 409, 422, 503)
)
async def review(
    volunteer_id: str, body: VolunteerReview, request: Request, actor: Actor = Depends(volunteer_reviewer)
):
    """Approve (→ active) or reject (→ rejected, with the reason) an application."""
    return await call(
        request,
        "volunteers",
        "review_volunteer",
        actor=actor,
        volunteer_id=volunteer_id,
        review=body.model_dump(mode="json"),
    )


async def _status(request, actor, volunteer_id, action, body):
    return await call(
        request,
        "volunteers",
        "change_volunteer_status",
        actor=actor,
        volunteer_id=volunteer_id,
        action=action,
        note=(body or StatusNote()).model_dump(mode="json"),
    )


@router.post(
    "/{volunteer_id}/suspend", response_model=Volunteer, responses=problem_responses(401, 403, 404, 409, 422, 503)
)
async def suspend(
    volunteer_id: str,
    request: Request,
    body: StatusNote | None = Body(None),
    actor: Actor = Depends(volunteer_reviewer),
):
    """Suspend an active volunteer (no offers until reinstated)."""
    return await _status(request, actor, volunteer_id, "suspend", body)


@router.post(
    "/{volunteer_id}/reinstate", response_model=Volunteer, responses=problem_responses(401, 403, 404, 409, 422, 503)
)
async def reinstate(
    volunteer_id: str,
    request: Request,
    body: StatusNote | None = Body(None),
    actor: Actor = Depends(volunteer_reviewer),
):
    """Make a suspended volunteer active again."""
    return await _status(request, actor, volunteer_id, "reinstate", body)


@router.post(
    "/{volunteer_id}/retire", response_model=Volunteer, responses=problem_responses(401, 403, 404, 409, 422, 503)
)
async def retire(
    volunteer_id: str, request: Request, body: StatusNote | None = Body(None), actor: Actor = Depends(require())
):
    """Stop volunteering (the volunteer themself, or staff)."""
    return await _status(request, actor, volunteer_id, "retire", body)


@router.post(
    "/{volunteer_id}/training",
    status_code=status.HTTP_201_CREATED,
    response_model=TrainingRecord,
    responses=problem_responses(401, 403, 404, 422, 503),
)
async def record_training(
    volunteer_id: str, body: TrainingCreate, request: Request, actor: Actor = Depends(volunteer_reviewer)
):
    """Record a training course (course, provider, hours, date)."""
    return await call(
        request,
        "volunteers",
        "record_training",
        actor=actor,
        volunteer_id=volunteer_id,
        training=body.model_dump(mode="json"),
    )


@router.get(
    "/{volunteer_id}/training", response_model=TrainingSummary, responses=problem_responses(401, 403, 404, 422, 503)
)
async def training(
    volunteer_id: str,
    request: Request,
    year: int | None = Query(None, ge=2000, le=2100),
    actor: Actor = Depends(require()),
):
    """Training records of a year and the total against 40 h."""
    return await call(request, "volunteers", "training_summary", actor=actor, volunteer_id=volunteer_id, year=year)


@router.post(
    "/{volunteer_id}/hours",
    status_code=status.HTTP_201_CREATED,
    response_model=HoursEntry,
    responses=problem_responses(401, 403, 404, 422, 503),
)
async def log_hours(
    volunteer_id: str, body: HoursEntryCreate, request: Request, actor: Actor = Depends(volunteer_reviewer)
):
    """Log service outside a dispatched event (event hours are credited automatically)."""
    return await call(
        request, "volunteers", "log_hours", actor=actor, volunteer_id=volunteer_id, entry=body.model_dump(mode="json")
    )


@router.get("/{volunteer_id}/hours", response_model=HoursLog, responses=problem_responses(401, 403, 404, 503))
async def hours(volunteer_id: str, request: Request, actor: Actor = Depends(require())):
    """The service-hours log, the events served with their satisfaction figures, and the star level."""
    return await call(request, "volunteers", "hours_log", actor=actor, volunteer_id=volunteer_id)


@router.post(
    "/{volunteer_id}/ratings", response_model=ServiceRating, responses=problem_responses(401, 403, 404, 409, 422, 503)
)
async def rate(volunteer_id: str, body: RatingCreate, request: Request, actor: Actor = Depends(require("organiser"))):
    """The event's organiser rates the volunteer's service there, 1–5 (again: replaces it)."""
    return await call(
        request,
        "volunteers",
        "rate_service",
        actor=actor,
        volunteer_id=volunteer_id,
        rating=body.model_dump(mode="json"),
    )


@router.get("/{volunteer_id}/offers", response_model=list[Offer], responses=problem_responses(401, 403, 503))
async def offers(
    volunteer_id: str,
    request: Request,
    status: Literal["offered", "accepted", "declined", "expired", "withdrawn"] | None = None,
    actor: Actor = Depends(require()),
):
    """Dispatch offers made to the volunteer (their own, or staff)."""
    return await call(request, "volunteers", "volunteer_offers", actor=actor, volunteer_id=volunteer_id, status=status)
