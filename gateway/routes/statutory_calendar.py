"""/api/v1/statutory-calendar/{year} — a year's statutory holidays and adjusted working days (调休),
entered from the State Council's notice while chinese-calendar does not know the year."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Request

from contracts.common import Actor
from contracts.venues import StatutoryYear, StatutoryYearIn
from gateway.auth import require
from gateway.calls import call
from gateway.problems import problem_responses

router = APIRouter(prefix="/api/v1/statutory-calendar", tags=["venues"])
YEAR = Path(ge=2004, le=2100, examples=[2027])


@router.put("/{year}", response_model=StatutoryYear, responses=problem_responses(400, 401, 403, 422, 503))
async def set_statutory_year(
    body: StatutoryYearIn, request: Request, year: int = YEAR, actor: Actor = Depends(require("admin"))
):
    """Enter (or replace) the year's holidays and adjusted working days (district administrators). The
    calendar, bookings and compliance use them until chinese-calendar knows the year; then the library
    wins and `differences` lists where the two disagree."""
    return await call(
        request, "venues", "set_statutory_year", actor=actor, year=year, calendar=body.model_dump(mode="json")
    )


@router.get("/{year}", response_model=StatutoryYear, responses=problem_responses(422, 503))
async def get_statutory_year(request: Request, year: int = YEAR):
    """Who decides the year's holidays (library, administrator, or nobody yet) and the entered data."""
    return await call(request, "venues", "get_statutory_year", year=year)
