"""A venue's pages: opening hours today and this week, rooms, the 公示, events there, and booking a room
(with the reason shown when a slot is refused)."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from web import session
from web.api import Api, ApiProblem
from web.templating import DISTRICT, render

router = APIRouter()
POLICY_ZH = {
    "public": "对公众开放预约",
    "organisations_only": "仅对单位、团体开放预约",
    "approval_required": "预约须经审批",
}


def room_terms(room: dict) -> str:
    """How a room is used: a reading room needs no booking; otherwise its booking policy (never both)."""
    if room.get("no_booking_needed"):
        return "无需预约，开放时间内可直接使用"
    return POLICY_ZH.get(room["booking_policy"], "")


async def _venue_context(api: Api, venue_id: str) -> dict:
    notice, events = await asyncio.gather(
        api.get(f"/api/v1/venues/{venue_id}/notice"),
        api.get(
            "/api/v1/events",
            status="published",
            venue_id=venue_id,
            starts_after=datetime.now(DISTRICT).isoformat(),
            limit=20,
        ),
    )
    today = datetime.now(DISTRICT).date().isoformat()
    return {
        "notice": notice,
        "events": events,
        "today": next((d for d in notice["this_week"] if d["date"] == today), None),
        "rooms": [{**r, "terms": room_terms(r)} for r in notice["rooms"]],
        "venues": {venue_id: {"accessibility": notice.get("accessibility", [])}},
    }


@router.get("/venues/{venue_id}")
async def venue_page(request: Request, venue_id: str):
    api = Api(request)
    context = await _venue_context(api, venue_id)
    return render(
        request,
        "venues/venue.html",
        {"title": context["notice"]["name"], "signed_in": api.signed_in, "form": {}, **context},
    )


@router.get("/venues/{venue_id}/notice")
async def notice_page(request: Request, venue_id: str):
    """The 公示 on its own, as printed for the notice board at the door."""
    context = await _venue_context(Api(request), venue_id)
    return render(request, "venues/notice.html", {"title": f"{context['notice']['name']} · 公示", **context})


@router.post("/venues/{venue_id}/bookings")
async def book_room(
    request: Request,
    venue_id: str,
    room_id: str = Form(...),
    day: str = Form(...),
    start: str = Form(...),
    end: str = Form(...),
    attendees: int = Form(1),
    purpose: str = Form(""),
):
    api = Api(request)
    form = {"room_id": room_id, "day": day, "start": start, "end": end, "attendees": attendees, "purpose": purpose}
    try:
        on = date.fromisoformat(day)
        body = {
            "room_id": room_id,
            "attendees": attendees,
            "purpose": purpose.strip(),
            "start": datetime.combine(on, time.fromisoformat(start), DISTRICT).isoformat(),
            "end": datetime.combine(on, time.fromisoformat(end), DISTRICT).isoformat(),
        }
        booking = await api.post("/api/v1/bookings", body)
    except ValueError:
        error = "请填写正确的日期和时间。"
    except ApiProblem as exc:
        error = exc.message_zh
    else:
        done = "预约成功" if booking["status"] == "confirmed" else "已提交，等待场馆审批"
        session.flash(request, f"{booking['room_name']}：{done}。")
        return RedirectResponse(f"/venues/{venue_id}", status_code=303)
    context = await _venue_context(api, venue_id)
    return render(
        request,
        "venues/venue.html",
        {
            "title": context["notice"]["name"],
            "signed_in": api.signed_in,
            "form": form,
            "booking_error": error,
            **context,
        },
        status_code=422,
    )
