"""The resident's own pages: my registrations (with the check-in QR code and feedback after attending),
the inbox, and the dependants I may register for (an elderly parent); calendar feeds served through."""

from __future__ import annotations

import asyncio

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from web import session
from web.api import Api, ApiProblem, SignInRequired
from web.templating import render

router = APIRouter()
CALENDAR_SCOPES = {"venues", "towns", "villages"}


def check_in_code(registration_id: str) -> Markup:
    """The QR code staff scan at the door: it carries the registration id (`WENYUN-REG:<id>`)."""
    svg = segno.make(f"WENYUN-REG:{registration_id}", error="m").svg_inline(
        scale=4, omitsize=True, svgclass="qr-code", title="签到二维码", dark="#000", light="#fff"
    )
    return Markup(svg)


def _require_sign_in(api: Api) -> None:
    if not api.signed_in:
        raise SignInRequired()


@router.get("/my/registrations")
async def my_registrations(request: Request):
    api = Api(request)
    _require_sign_in(api)
    registrations = await api.get("/api/v1/registrations")
    event_ids = sorted({r["event_id"] for r in registrations})

    async def event(event_id: str) -> dict | None:
        try:
            return await api.get(f"/api/v1/events/{event_id}")
        except ApiProblem:
            return None

    events = dict(zip(event_ids, await asyncio.gather(*(event(e) for e in event_ids))))
    rows = [
        {**r, "event": events.get(r["event_id"]), "qr": check_in_code(r["id"]) if r["status"] == "confirmed" else None}
        for r in registrations
    ]
    rows.sort(key=lambda r: (r["status"] == "cancelled", (r["event"] or {}).get("start", "")))
    return render(request, "my/registrations.html", {"title": "我的预约", "rows": rows})


@router.get("/my/inbox")
async def inbox(request: Request):
    api = Api(request)
    _require_sign_in(api)
    messages = await api.get("/api/v1/inbox", limit=100)
    return render(request, "my/inbox.html", {"title": "消息", "messages": messages})


@router.post("/my/inbox/read-all")
async def mark_all_read(request: Request):
    try:
        answer = await Api(request).post("/api/v1/inbox/read-all")
        session.flash(request, f"已将 {answer['marked']} 条消息标为已读。")
    except ApiProblem as exc:
        session.flash(request, exc.message_zh, "error")
    return RedirectResponse("/my/inbox", status_code=303)


@router.post("/my/inbox/{message_id}/read")
async def mark_read(request: Request, message_id: str):
    try:
        await Api(request).post(f"/api/v1/inbox/{message_id}/read")
    except ApiProblem as exc:
        session.flash(request, exc.message_zh, "error")
    return RedirectResponse("/my/inbox", status_code=303)


@router.get("/my/dependants")
async def dependants(request: Request):
    api = Api(request)
    _require_sign_in(api)
    try:
        me = await api.get("/api/v1/me")
    except ApiProblem as exc:
        return render(request, "my/dependants.html", {"title": "家人", "me": None, "error": exc.message_zh})
    return render(request, "my/dependants.html", {"title": "家人", "me": me})


@router.post("/my/dependants")
async def add_dependant(request: Request, name: str = Form(""), relation: str = Form("")):
    api = Api(request)
    try:
        await api.post("/api/v1/me/dependants", {"name": name.strip(), "relation": relation.strip()})
        await api.refresh()  # the next token carries dependant:<id>: take it now
        session.flash(request, f"已添加家人：{name.strip()}。现在可以在活动页为TA预约。")
    except ApiProblem as exc:
        session.flash(request, exc.message_zh, "error")
    return RedirectResponse("/my/dependants", status_code=303)


@router.get("/calendar/{scope}/{key}.ics")
async def calendar(request: Request, scope: str, key: str):
    """The gateway's iCalendar feeds, served here too so a page's subscription link stays on this site."""
    if scope not in CALENDAR_SCOPES:
        return Response(status_code=404)
    response = await Api(request).send(
        "GET", f"/calendar/{scope}/{key}.ics", anonymous=True, headers={"Accept": "text/calendar"}
    )
    return Response(
        response.content,
        status_code=response.status_code,
        media_type=response.headers.get("content-type", "text/calendar; charset=utf-8"),
        headers={"Cache-Control": "public, max-age=300"},
    )
