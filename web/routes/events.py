"""An event's page (what, when, where with a map link, organiser, places left or 无需预约, my waitlist
position) and the resident's actions on it: register (alone, as a party, or for a dependant), cancel, rate."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from web import session
from web.api import Api, ApiProblem
from web.templating import render

router = APIRouter()
ACTIVE = ("waitlisted", "confirmed", "checked_in")


def map_url(event: dict) -> str | None:
    """A link to the place on a map (navigation only; the page itself loads nothing from outside)."""
    point = event.get("coordinates")
    if not point:
        return None
    name = quote(event.get("place_name") or "")
    return f"https://uri.amap.com/marker?position={point['lon']},{point['lat']}&name={name}&coordinate=wgs84"


def calendar_url(event: dict) -> str | None:
    if event.get("village"):
        return f"/calendar/villages/{quote(event['village'])}.ics"
    if event.get("town"):
        return f"/calendar/towns/{quote(event['town'])}.ics"
    if event.get("venue_id"):
        return f"/calendar/venues/{event['venue_id']}.ics"
    return None


async def _my_side(api: Api, event_id: str) -> tuple[list[dict], list[dict]]:
    """My registrations for this event (mine and those I made for others) and the people I may register."""
    if not api.signed_in:
        return [], []
    mine, me = await asyncio.gather(api.get("/api/v1/registrations"), _me(api))
    return [r for r in mine if r["event_id"] == event_id], (me or {}).get("dependants", [])


async def _me(api: Api) -> dict | None:
    try:
        return await api.get("/api/v1/me")
    except ApiProblem:  # the account API is not there (or not for this token): no dependants to offer
        return None


@router.get("/events/{event_id}")
async def event_page(request: Request, event_id: str):
    api = Api(request)
    event = await api.get(f"/api/v1/events/{event_id}")
    registrations, dependants = await _my_side(api, event_id)
    venue = None
    if event.get("venue_id"):
        try:
            venue = await api.get(f"/api/v1/venues/{event['venue_id']}")
        except ApiProblem:
            venue = None
    return render(
        request,
        "events/event.html",
        {
            "title": event["title"],
            "event": event,
            "venue": venue,
            "map_url": map_url(event),
            "calendar_url": calendar_url(event),
            "registrations": registrations,
            "active": [r for r in registrations if r["status"] in ACTIVE],
            "dependants": dependants,
            "signed_in": api.signed_in,
        },
    )


@router.post("/events/{event_id}/register")
async def register(request: Request, event_id: str, party_size: int = Form(1), person: str = Form("self")):
    api = Api(request)
    if not api.signed_in:
        session.flash(request, "请先登录再预约。", "info")
        return RedirectResponse(f"/sign-in?next={quote(f'/events/{event_id}', safe='')}", status_code=303)
    body: dict = {"party_size": max(1, min(party_size, 20)), "channel": "online"}
    if person != "self":  # a dependant (the token carries dependant:<id>); the name is kept with the places
        dependants = ((await _me(api)) or {}).get("dependants", [])
        body["person_id"] = person
        body["person_name"] = next((d["name"] for d in dependants if d["id"] == person), None)
    try:
        registration = await api.post(f"/api/v1/events/{event_id}/registrations", body)
    except ApiProblem as exc:
        session.flash(request, exc.message_zh, "error")
        return RedirectResponse(f"/events/{event_id}", status_code=303)
    if registration["status"] == "waitlisted":
        session.flash(
            request,
            f"名额已满，已为您排队候补：第 {registration['waitlist_position']} 位。有人取消时自动递补并通知您。",
            "warn",
        )
    else:
        session.flash(request, f"预约成功：{registration['party_size']} 人。")
    return RedirectResponse(f"/events/{event_id}", status_code=303)


@router.post("/registrations/{registration_id}/cancel")
async def cancel(request: Request, registration_id: str, back: str = Form("/my/registrations")):
    try:
        await Api(request).post(f"/api/v1/registrations/{registration_id}/cancel")
        session.flash(request, "已取消预约。")
    except ApiProblem as exc:
        session.flash(request, exc.message_zh, "error")
    return RedirectResponse(
        back if back.startswith("/") and not back.startswith("//") else "/my/registrations", status_code=303
    )


@router.post("/registrations/{registration_id}/feedback")
async def feedback(request: Request, registration_id: str, rating: int = Form(...), comment: str = Form("")):
    body = {"rating": rating, **({"comment": comment.strip()} if comment.strip() else {})}
    try:
        await Api(request).post(f"/api/v1/registrations/{registration_id}/feedback", body)
        session.flash(request, "感谢您的评价！")
    except ApiProblem as exc:
        session.flash(request, exc.message_zh, "error")
    return RedirectResponse("/my/registrations", status_code=303)
