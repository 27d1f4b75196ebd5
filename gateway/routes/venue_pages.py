"""/venues/{id}/notice — the public notice (公示) page is the web app's; browsers asking here are sent there."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from gateway.web_pages import to_web_app

router = APIRouter(tags=["pages"])


@router.get("/venues/{venue_id}/notice", response_class=RedirectResponse, status_code=307, include_in_schema=False)
async def notice_page(venue_id: str, request: Request):
    return to_web_app(request, f"/venues/{venue_id}/notice")
