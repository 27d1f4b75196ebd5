"""Public feeds of the events: the notice board (公示栏, JSON; the page is the web app's) and iCalendar feeds
(RFC 5545) per venue, town and village that a phone calendar can subscribe to."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from contracts.events import NoticeBoard
from gateway.calls import call
from gateway.problems import problem_responses
from gateway.web_pages import to_web_app

router = APIRouter(tags=["notice board and calendars"])
ICS_MEDIA_TYPE = "text/calendar"
ICS_RESPONSE = {
    200: {"content": {ICS_MEDIA_TYPE: {"schema": {"type": "string"}}}, "description": "An iCalendar (RFC 5545) feed."}
}


@router.get("/api/v1/notice-board", response_model=NoticeBoard, responses=problem_responses(503))
async def notice_board(
    request: Request, venue_id: str | None = None, town: str | None = None, village: str | None = None
):
    """Upcoming published events with item, time, place and organiser (seed 001), filtered by venue, town or
    village, and per centre the standing free activities against the standard of at least four; public."""
    return await call(request, "events", "notice_board", venue_id=venue_id, town=town, village=village)


@router.get("/notice-board", response_class=RedirectResponse, status_code=307, include_in_schema=False)
async def notice_board_page(request: Request):
    """The notice board page is the web app's (filters, event pages, calendar links)."""
    return to_web_app(request, "/notice-board")


async def _ics(request: Request, scope: str, key: str) -> Response:
    content = await call(request, "events", "calendar_feed", scope=scope, key=key)
    return Response(
        content.encode("utf-8"),
        media_type=f"{ICS_MEDIA_TYPE}; charset=utf-8",
        headers={"Cache-Control": "public, max-age=300"},
    )


@router.get(
    "/calendar/venues/{venue_id}.ics", response_class=Response, responses={**ICS_RESPONSE, **problem_responses(503)}
)
async def venue_calendar(venue_id: str, request: Request):
    """Subscribe to a venue's events (published, and cancelled ones as CANCELLED)."""
    return await _ics(request, "venue", venue_id)


@router.get("/calendar/towns/{town}.ics", response_class=Response, responses={**ICS_RESPONSE, **problem_responses(503)})
async def town_calendar(town: str, request: Request):
    """Subscribe to the events in a town (e.g. /calendar/towns/嘉平镇.ics)."""
    return await _ics(request, "town", town)


@router.get(
    "/calendar/villages/{village}.ics", response_class=Response, responses={**ICS_RESPONSE, **problem_responses(503)}
)
async def village_calendar(village: str, request: Request):
    """Subscribe to the events in a village."""
    return await _ics(request, "village", village)
