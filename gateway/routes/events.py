"""/api/v1/events — cultural events: draft, publish (holding the room), reschedule, cancel, complete;
kept-back places; satisfaction; festival dates."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request, status

from contracts.common import Actor, IsoDatetime
from contracts.events import (
    EventCancel,
    EventCreate,
    EventReschedule,
    EventStatus,
    EventUpdate,
    EventView,
    FestivalDay,
    KeptBackRelease,
    SatisfactionView,
)
from gateway.auth import optional_actor, organiser_of_path_event, require
from gateway.calls import call
from gateway.problems import problem_responses

router = APIRouter(tags=["events"])
EVENTS = "/api/v1/events"


@router.post(
    EVENTS,
    status_code=status.HTTP_201_CREATED,
    response_model=EventView,
    responses=problem_responses(400, 401, 403, 404, 422, 503),
)
async def create_event(body: EventCreate, request: Request, actor: Actor = Depends(require("organiser"))):
    """Create a draft event (organisers). The place is a room (held through venues when published) or an
    outdoor site with coordinates; a festival tag outside its season gives `festival_warning`."""
    return await call(request, "events", "create_event", actor=actor, event=body.model_dump(mode="json"))


@router.get(EVENTS, response_model=list[EventView], responses=problem_responses(401, 422, 503))
async def list_events(
    request: Request,
    status_: EventStatus | None = Query(None, alias="status"),
    venue_id: str | None = None,
    town: str | None = None,
    village: str | None = None,
    organiser_id: str | None = None,
    starts_after: IsoDatetime | None = None,
    starts_before: IsoDatetime | None = None,
    limit: int = Query(200, ge=1, le=500),
    actor: Actor | None = Depends(optional_actor),
):
    """Events; public (drafts only for their organiser and administrators)."""
    return await call(
        request,
        "events",
        "list_events",
        actor=actor,
        status=status_,
        venue_id=venue_id,
        town=town,
        village=village,
        organiser_id=organiser_id,
        starts_after=starts_after.isoformat() if starts_after else None,
        starts_before=starts_before.isoformat() if starts_before else None,
        limit=limit,
    )


@router.get(EVENTS + "/{event_id}", response_model=EventView, responses=problem_responses(401, 404, 503))
async def get_event(event_id: str, request: Request, actor: Actor | None = Depends(optional_actor)):
    """One event with its places (confirmed, free, waitlisted); public unless a draft."""
    return await call(request, "events", "get_event", actor=actor, event_id=event_id)


@router.patch(
    EVENTS + "/{event_id}", response_model=EventView, responses=problem_responses(400, 401, 403, 404, 409, 422, 503)
)
async def update_event(
    event_id: str, body: EventUpdate, request: Request, actor: Actor = Depends(organiser_of_path_event)
):
    """Change an event; only the fields sent change. A published event's time or place moves by reschedule."""
    return await call(
        request,
        "events",
        "update_event",
        actor=actor,
        event_id=event_id,
        changes=body.model_dump(mode="json", exclude_unset=True),
    )


@router.post(
    EVENTS + "/{event_id}/publish", response_model=EventView, responses=problem_responses(401, 403, 404, 409, 422, 503)
)
async def publish_event(event_id: str, request: Request, actor: Actor = Depends(require("organiser"))):
    """Publish: the room is held through venues (if it cannot be, nothing is published and venues' reason is
    returned); `event.published` and, when volunteers are needed, `dispatch.requested` follow."""
    return await call(request, "events", "publish_event", actor=actor, event_id=event_id)


@router.post(
    EVENTS + "/{event_id}/reschedule",
    response_model=EventView,
    responses=problem_responses(400, 401, 403, 404, 409, 422, 503),
)
async def reschedule_event(
    event_id: str, body: EventReschedule, request: Request, actor: Actor = Depends(organiser_of_path_event)
):
    """Move a published event in time (and optionally place); the room hold moves; registrants keep their
    places and are told (`event.rescheduled`, `registration.rescheduled`)."""
    return await call(
        request, "events", "reschedule_event", actor=actor, event_id=event_id, change=body.model_dump(mode="json")
    )


@router.post(
    EVENTS + "/{event_id}/cancel",
    response_model=EventView,
    responses=problem_responses(400, 401, 403, 404, 409, 422, 503),
)
async def cancel_event(
    event_id: str, body: EventCancel, request: Request, actor: Actor = Depends(organiser_of_path_event)
):
    """Cancel with a reason: the room is released, every registration is cancelled and everyone is told."""
    return await call(
        request, "events", "cancel_event", actor=actor, event_id=event_id, cancellation=body.model_dump(mode="json")
    )


@router.post(
    EVENTS + "/{event_id}/complete", response_model=EventView, responses=problem_responses(401, 403, 404, 409, 422, 503)
)
async def complete_event(event_id: str, request: Request, actor: Actor = Depends(require("organiser"))):
    """After the end: checked-in registrations become attended, the others no-shows; `event.completed`."""
    return await call(request, "events", "complete_event", actor=actor, event_id=event_id)


@router.post(
    EVENTS + "/{event_id}/release-kept-back",
    response_model=KeptBackRelease,
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def release_kept_back(event_id: str, request: Request, actor: Actor = Depends(require("organiser"))):
    """Release the kept-back places now (they are released automatically at the event's release time) and
    promote the waitlist into them."""
    return await call(request, "events", "release_kept_back", actor=actor, event_id=event_id)


@router.get(EVENTS + "/{event_id}/satisfaction", response_model=SatisfactionView, responses=problem_responses(400, 503))
async def event_satisfaction(event_id: str, request: Request):
    """Ratings of one event by those who attended; public."""
    return await call(request, "events", "satisfaction", scope="event", key=event_id)


@router.get(
    "/api/v1/organisers/{organiser_id}/satisfaction",
    response_model=SatisfactionView,
    responses=problem_responses(400, 503),
)
async def organiser_satisfaction(organiser_id: str, request: Request):
    """Ratings of every event of one organiser; public."""
    return await call(request, "events", "satisfaction", scope="organiser", key=organiser_id)


@router.get("/api/v1/festivals/{year}", response_model=list[FestivalDay], responses=problem_responses(422, 503))
async def festival_days(year: int, request: Request):
    """The festivals of a year (lunar dates computed, 清明 from the solar term) and the season in which an
    event tagged with one is on time; public."""
    return await call(request, "events", "festival_days", year=year)
