"""/api/v1/venues — the venue network, opening hours, calendar, compliance and the public notice."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request, status

from contracts.common import Actor, IsoDate, ecma_pattern
from contracts.venues import (
    ComplianceReport,
    DateExceptionIn,
    DateExceptionView,
    OpeningHours,
    OpeningHoursView,
    PublicNotice,
    Venue,
    VenueCalendar,
    VenueCreate,
    VenueUpdate,
)
from gateway.auth import manager_of_path_venue, require
from gateway.calls import call
from gateway.problems import problem_responses

router = APIRouter(prefix="/api/v1/venues", tags=["venues"])
MANAGERS = ("venue_manager",)
WEEK = Query(pattern=ecma_pattern(r"^\d{4}-W\d{2}$"), examples=["2026-W48"], description="An ISO week.")


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Venue,
    responses=problem_responses(400, 401, 403, 404, 422, 503),
)
async def register_venue(body: VenueCreate, request: Request, actor: Actor = Depends(require("admin"))):
    """Register a venue in the 总分馆 network (district administrators)."""
    return await call(request, "venues", "register_venue", actor=actor, venue=body.model_dump(mode="json"))


@router.get("", response_model=list[Venue], responses=problem_responses(422, 503))
async def list_venues(
    request: Request, level: Literal["district", "town", "village"] | None = None, parent_id: str | None = None
):
    """The venue network; public."""
    return await call(request, "venues", "list_venues", level=level, parent_id=parent_id)


@router.get("/{venue_id}", response_model=Venue, responses=problem_responses(404, 503))
async def get_venue(venue_id: str, request: Request):
    """One venue; public."""
    return await call(request, "venues", "get_venue", venue_id=venue_id)


@router.patch("/{venue_id}", response_model=Venue, responses=problem_responses(400, 401, 403, 404, 422, 503))
async def update_venue(
    venue_id: str, body: VenueUpdate, request: Request, actor: Actor = Depends(manager_of_path_venue)
):
    """Change a venue's details (its managers, scope `venue:<id>`); publishes `venue.updated`."""
    return await call(
        request,
        "venues",
        "update_venue",
        actor=actor,
        venue_id=venue_id,
        changes=body.model_dump(mode="json", exclude_unset=True),
    )


@router.get("/{venue_id}/hours", response_model=OpeningHoursView, responses=problem_responses(404, 503))
async def get_opening_hours(venue_id: str, request: Request):
    """The weekly opening hours, the holiday rule and the dated exceptions; public."""
    return await call(request, "venues", "get_opening_hours", venue_id=venue_id)


@router.put(
    "/{venue_id}/hours", response_model=OpeningHoursView, responses=problem_responses(400, 401, 403, 404, 422, 503)
)
async def set_opening_hours(
    venue_id: str, body: OpeningHours, request: Request, actor: Actor = Depends(manager_of_path_venue)
):
    """Set the weekly template (several periods a day) and what happens on statutory holidays."""
    return await call(
        request, "venues", "set_opening_hours", actor=actor, venue_id=venue_id, hours=body.model_dump(mode="json")
    )


@router.put(
    "/{venue_id}/hours/exceptions/{date}",
    response_model=DateExceptionView,
    responses=problem_responses(400, 401, 403, 404, 422, 503),
)
async def set_opening_exception(
    venue_id: str, date: IsoDate, body: DateExceptionIn, request: Request, actor: Actor = Depends(manager_of_path_venue)
):
    """Different hours on one date: a special opening (e.g. a holiday by arrangement) or, with no periods, closed."""
    return await call(
        request,
        "venues",
        "set_opening_exception",
        actor=actor,
        venue_id=venue_id,
        date=date.isoformat(),
        exception=body.model_dump(mode="json"),
    )


@router.delete("/{venue_id}/hours/exceptions/{date}", responses=problem_responses(401, 403, 404, 422, 503))
async def delete_opening_exception(
    venue_id: str, date: IsoDate, request: Request, actor: Actor = Depends(manager_of_path_venue)
) -> dict:
    """Back to the regular hours on that date."""
    return await call(
        request, "venues", "delete_opening_exception", actor=actor, venue_id=venue_id, date=date.isoformat()
    )


@router.get("/{venue_id}/calendar", response_model=VenueCalendar, responses=problem_responses(404, 422, 503))
async def calendar(
    venue_id: str,
    request: Request,
    start: IsoDate = Query(alias="from"),
    end: IsoDate = Query(alias="to"),
    room_id: str | None = None,
):
    """Each date's opening after statutory holidays, adjusted working days (调休), exceptions and
    closures are applied; public."""
    return await call(
        request,
        "venues",
        "get_calendar",
        venue_id=venue_id,
        start=start.isoformat(),
        end=end.isoformat(),
        room_id=room_id,
    )


@router.get("/{venue_id}/compliance", response_model=ComplianceReport, responses=problem_responses(404, 422, 503))
async def compliance(venue_id: str, request: Request, week: str = WEEK):
    """Weekly open hours against the standard of the venue's level (town ≥42 h, ≥4 h each open day,
    open at weekends and on holidays; villages: a configurable weekly figure, 35 h by default); public."""
    return await call(request, "venues", "compliance", venue_id=venue_id, week=week)


@router.post(
    "/{venue_id}/hours/compliance-preview",
    response_model=ComplianceReport,
    responses=problem_responses(400, 401, 403, 404, 422, 503),
)
async def preview_compliance(
    venue_id: str, body: OpeningHours, request: Request, week: str = WEEK, actor: Actor = Depends(manager_of_path_venue)
):
    """The compliance report the venue would have for `week` with these weekly hours (its dated exceptions
    and closures kept), before saving them; changes nothing."""
    return await call(
        request,
        "venues",
        "preview_compliance",
        actor=actor,
        venue_id=venue_id,
        hours=body.model_dump(mode="json"),
        week=week,
    )


@router.get("/{venue_id}/notice", response_model=PublicNotice, responses=problem_responses(404, 422, 503))
async def notice(
    venue_id: str, request: Request, week: str | None = Query(None, pattern=ecma_pattern(r"^\d{4}-W\d{2}$"))
):
    """The public notice (公示): rooms, this week's hours, services and closures. As a page: /venues/{id}/notice."""
    return await call(request, "venues", "public_notice", venue_id=venue_id, week=week)
