"""The venue manager's console: their venues, rooms, weekly hours and dated exceptions with the compliance
verdict shown before saving (the API's compliance preview), closures with what they will cancel shown before
confirming, the bookings approval queue with check-in and no-shows, and the visit and asset registers."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from web import labels, session
from web.api import Api, ApiProblem, flash_outcome
from web.routes.console_events import require_staff
from web.templating import DISTRICT, render

router = APIRouter()
MANAGERS = ("venue_manager", "admin")
CANCELLABLE = ("pending", "confirmed")  # what a closure cancels
VISITOR_GROUPS = {
    "general": "一般群众",
    "elderly": "老年人",
    "minors": "未成年人",
    "disabled": "残疾人",
    "migrant_workers": "农民工",
}
ASSET_CONDITIONS = {"good": "完好", "faulty": "故障", "under_repair": "维修中", "retired": "已报废"}


def managed_first(request: Request, venues: list[dict]) -> list[dict]:
    """The venues this manager's token names (`venue:<id>`) first; an administrator or `venue:*` sees all."""
    scopes = set(session.token_scopes(request))
    me = session.account(request) or {}
    mine = lambda v: me.get("role") == "admin" or "venue:*" in scopes or f"venue:{v['id']}" in scopes  # noqa: E731
    return [{**v, "mine": mine(v)} for v in sorted(venues, key=lambda v: not mine(v))]


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def this_week() -> str:
    return iso_week(datetime.now(DISTRICT).date())


@router.get("/console/venues")
async def my_venues(request: Request):
    require_staff(request, *MANAGERS)
    venues = managed_first(request, await Api(request).get("/api/v1/venues"))
    return render(request, "console/venues.html", {"title": "我管理的场馆", "venues": venues})


@router.get("/console/venues/{venue_id}")
async def venue_desk(request: Request, venue_id: str):
    require_staff(request, *MANAGERS)
    api = Api(request)
    venue, rooms, hours, compliance, closures = await asyncio.gather(
        api.get(f"/api/v1/venues/{venue_id}"),
        api.get(f"/api/v1/venues/{venue_id}/rooms"),
        api.get(f"/api/v1/venues/{venue_id}/hours"),
        api.get(f"/api/v1/venues/{venue_id}/compliance", week=this_week()),
        api.get(f"/api/v1/venues/{venue_id}/closures"),
    )
    return render(
        request,
        "console/venue.html",
        {
            "title": venue["name"],
            "venue": venue,
            "rooms": rooms,
            "hours": hours,
            "compliance": compliance,
            "closures": closures,
        },
    )


# ---- rooms -------------------------------------------------------------------------------------------


@router.post("/console/venues/{venue_id}/rooms")
async def create_room(request: Request, venue_id: str):
    require_staff(request, *MANAGERS)
    form = await request.form()
    try:
        capacity = int(form.get("capacity", ""))
    except ValueError:
        capacity = 0
    body = {
        "name": form.get("name", "").strip(),
        "kind": form.get("kind", "").strip() or "activity_room",
        "capacity": capacity,
        "booking_policy": form.get("booking_policy", "public"),
        "equipment": [e.strip() for e in form.get("equipment", "").replace("，", ",").split(",") if e.strip()],
        "purpose": form.get("purpose", "").strip(),
    }
    try:
        room = await Api(request).post(f"/api/v1/venues/{venue_id}/rooms", body)
    except ApiProblem as exc:
        session.flash(request, exc.message_zh, "error")
    else:
        session.flash(request, f"已添加活动室「{room['name']}」。")
    return RedirectResponse(f"/console/venues/{venue_id}#rooms", status_code=303)


# ---- opening hours: the verdict before saving ------------------------------------------------------------


def hours_body(form) -> dict:
    weekly = {}
    for key in labels.WEEKDAY_KEYS:
        periods = form.get(key, "").replace("，", " ").replace(",", " ").replace("、", " ").split()
        if periods:
            weekly[key] = [p.replace("–", "-").replace("～", "-") for p in periods]
    return {"weekly": weekly, "holiday_rule": form.get("holiday_rule", "open")}


def hours_fields(hours: dict) -> dict:
    return {
        **{key: " ".join(hours.get("weekly", {}).get(key, [])) for key in labels.WEEKDAY_KEYS},
        "holiday_rule": hours.get("holiday_rule", "open"),
    }


async def _hours_page(
    request: Request,
    api: Api,
    venue_id: str,
    fields: dict,
    *,
    preview: dict | None = None,
    error: str | None = None,
    status_code: int = 200,
):
    venue, stored = await asyncio.gather(
        api.get(f"/api/v1/venues/{venue_id}"), api.get(f"/api/v1/venues/{venue_id}/hours")
    )
    return render(
        request,
        "console/hours.html",
        {
            "title": f"{venue['name']} · 开放时间",
            "venue": venue,
            "stored": stored,
            "fields": fields,
            "preview": preview,
            "error": error,
            "weekdays": labels.WEEKDAY_KEYS,
            "holiday_rules": labels.HOLIDAY_RULES,
            "week": this_week(),
            "today": datetime.now(DISTRICT).date().isoformat(),
        },
        status_code=status_code,
    )


@router.get("/console/venues/{venue_id}/hours")
async def hours_page(request: Request, venue_id: str):
    require_staff(request, *MANAGERS)
    api = Api(request)
    stored = await api.get(f"/api/v1/venues/{venue_id}/hours")
    return await _hours_page(request, api, venue_id, hours_fields(stored))


@router.post("/console/venues/{venue_id}/hours")
async def hours_submit(request: Request, venue_id: str):
    """`action=preview`: the API's verdict on the proposed hours (nothing saved); `action=save`: save them."""
    require_staff(request, *MANAGERS)
    form = await request.form()
    api = Api(request)
    body, fields = (
        hours_body(form),
        {**{k: form.get(k, "") for k in labels.WEEKDAY_KEYS}, "holiday_rule": form.get("holiday_rule", "open")},
    )
    try:
        preview = await api.post(f"/api/v1/venues/{venue_id}/hours/compliance-preview?week={this_week()}", body)
    except ApiProblem as exc:
        return await _hours_page(request, api, venue_id, fields, error=exc.message_zh, status_code=exc.status)
    if form.get("action") != "save":
        return await _hours_page(request, api, venue_id, fields, preview=preview)
    try:
        await api.put(f"/api/v1/venues/{venue_id}/hours", body)
    except ApiProblem as exc:
        return await _hours_page(
            request, api, venue_id, fields, preview=preview, error=exc.message_zh, status_code=exc.status
        )
    verdict = (
        "符合开放标准。"
        if preview["compliant"]
        else "注意：不符合开放标准（" + "；".join(f["message_zh"] for f in preview["findings"]) + "）。"
    )
    session.flash(request, "开放时间已保存，" + verdict, "ok" if preview["compliant"] else "warn")
    return RedirectResponse(f"/console/venues/{venue_id}/hours", status_code=303)


@router.post("/console/venues/{venue_id}/hours/exceptions")
async def set_exception(request: Request, venue_id: str):
    require_staff(request, *MANAGERS)
    form = await request.form()
    day = form.get("date", "")
    try:
        date.fromisoformat(day)
    except ValueError:
        session.flash(request, "请选择日期。", "error")
        return RedirectResponse(f"/console/venues/{venue_id}/hours#exceptions", status_code=303)
    periods = form.get("intervals", "").replace("，", " ").replace(",", " ").split()
    body = {"intervals": periods, "note": form.get("note", "").strip()}
    api = Api(request)
    try:
        await api.put(f"/api/v1/venues/{venue_id}/hours/exceptions/{day}", body)
    except ApiProblem as exc:
        session.flash(request, exc.message_zh, "error")
        return RedirectResponse(f"/console/venues/{venue_id}/hours#exceptions", status_code=303)
    report = await api.get(f"/api/v1/venues/{venue_id}/compliance", week=iso_week(date.fromisoformat(day)))
    verdict = (
        "该周符合开放标准。"
        if report["compliant"]
        else "注意：该周不符合开放标准（" + "；".join(f["message_zh"] for f in report["findings"]) + "）。"
    )
    session.flash(request, f"{day} 的特殊安排已保存，{verdict}", "ok" if report["compliant"] else "warn")
    return RedirectResponse(f"/console/venues/{venue_id}/hours#exceptions", status_code=303)


@router.post("/console/venues/{venue_id}/hours/exceptions/{day}/delete")
async def delete_exception(request: Request, venue_id: str, day: str):
    require_staff(request, *MANAGERS)
    await flash_outcome(
        request, Api(request).delete(f"/api/v1/venues/{venue_id}/hours/exceptions/{day}"), f"{day} 恢复常规开放时间。"
    )
    return RedirectResponse(f"/console/venues/{venue_id}/hours#exceptions", status_code=303)


# ---- closures: what it will cancel, before confirming --------------------------------------------------


def _moment(day: str, clock: str) -> datetime | None:
    try:
        return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), DISTRICT)
    except ValueError:
        return None


async def _closure_form(
    request: Request,
    api: Api,
    venue_id: str,
    fields: dict,
    *,
    affected=None,
    error: str | None = None,
    status_code: int = 200,
):
    venue, rooms = await asyncio.gather(
        api.get(f"/api/v1/venues/{venue_id}"), api.get(f"/api/v1/venues/{venue_id}/rooms")
    )
    return render(
        request,
        "console/closure_form.html",
        {
            "title": f"{venue['name']} · 闭馆",
            "venue": venue,
            "rooms": rooms,
            "fields": fields,
            "affected": affected,
            "error": error,
        },
        status_code=status_code,
    )


@router.get("/console/venues/{venue_id}/closures/new")
async def new_closure(request: Request, venue_id: str, room_id: str = ""):
    require_staff(request, *MANAGERS)
    now = datetime.now(DISTRICT)
    fields = {
        "room_id": room_id,
        "start_date": now.date().isoformat(),
        "start_time": now.strftime("%H:%M"),
        "reopen_date": (now.date() + timedelta(days=7)).isoformat(),
        "reopen_time": "09:00",
        "reason": "",
    }
    return await _closure_form(request, Api(request), venue_id, fields)


@router.post("/console/venues/{venue_id}/closures")
async def closure_submit(request: Request, venue_id: str):
    """`action=preview`: the bookings (and events' room holds) inside the closure, which it will cancel;
    `action=confirm`: close, then the closure's page with what it cancelled."""
    require_staff(request, *MANAGERS)
    form = await request.form()
    api = Api(request)
    fields = {
        k: form.get(k, "") for k in ("room_id", "start_date", "start_time", "reopen_date", "reopen_time", "reason")
    }
    start = _moment(fields["start_date"], fields["start_time"])
    reopening = _moment(fields["reopen_date"], fields["reopen_time"])
    if not start or not reopening or reopening <= start or not fields["reason"].strip():
        return await _closure_form(
            request,
            api,
            venue_id,
            fields,
            status_code=422,
            error="请填写闭馆开始时间、预计恢复开放时间（须晚于开始）和原因。",
        )
    if form.get("action") != "confirm":
        bookings = await api.get(
            "/api/v1/bookings",
            venue_id=venue_id,
            room_id=fields["room_id"] or None,
            **{"from": start.isoformat(), "to": reopening.isoformat()},
            limit=1000,
        )
        affected = sorted((b for b in bookings if b["status"] in CANCELLABLE), key=lambda b: b["start"])
        return await _closure_form(request, api, venue_id, fields, affected=affected)
    body = {
        "room_id": fields["room_id"] or None,
        "start": start.isoformat(),
        "expected_reopening": reopening.isoformat(),
        "reason": fields["reason"].strip(),
    }
    try:
        closure = await api.post(f"/api/v1/venues/{venue_id}/closures", body)
    except ApiProblem as exc:
        return await _closure_form(request, api, venue_id, fields, error=exc.message_zh, status_code=exc.status)
    session.flash(request, f"已闭馆，取消了 {len(closure['cancelled_booking_ids'])} 个预约。")
    return RedirectResponse(f"/console/closures/{closure['id']}", status_code=303)


@router.get("/console/closures/{closure_id}")
async def closure_page(request: Request, closure_id: str):
    require_staff(request, *MANAGERS)
    api = Api(request)
    closure = await api.get(f"/api/v1/closures/{closure_id}")
    cancelled = await asyncio.gather(
        *(api.get(f"/api/v1/bookings/{booking_id}") for booking_id in closure["cancelled_booking_ids"])
    )
    return render(
        request,
        "console/closure.html",
        {"title": f"{closure['venue_name']} · 闭馆", "closure": closure, "cancelled": cancelled},
    )


@router.post("/console/closures/{closure_id}/reopen")
async def reopen(request: Request, closure_id: str):
    require_staff(request, *MANAGERS)
    await flash_outcome(request, Api(request).post(f"/api/v1/closures/{closure_id}/reopen", {}), "已恢复开放。")
    return RedirectResponse(f"/console/closures/{closure_id}", status_code=303)


# ---- bookings: the approval queue, check-in, no-shows ----------------------------------------------------


@router.get("/console/venues/{venue_id}/bookings")
async def bookings_page(request: Request, venue_id: str):
    require_staff(request, *MANAGERS)
    api = Api(request)
    today = datetime.now(DISTRICT).replace(hour=0, minute=0, second=0, microsecond=0)
    venue, pending, upcoming = await asyncio.gather(
        api.get(f"/api/v1/venues/{venue_id}"),
        api.get("/api/v1/bookings", venue_id=venue_id, status="pending"),
        api.get(
            "/api/v1/bookings",
            venue_id=venue_id,
            status="confirmed",
            **{"from": today.isoformat(), "to": (today + timedelta(days=2)).isoformat()},
        ),
    )
    return render(
        request,
        "console/bookings.html",
        {
            "title": f"{venue['name']} · 预约审批",
            "venue": venue,
            "pending": sorted(pending, key=lambda b: b["start"]),
            "upcoming": sorted(upcoming, key=lambda b: b["start"]),
        },
    )


@router.post("/console/venues/{venue_id}/bookings/{booking_id}/{action}")
async def booking_action(request: Request, venue_id: str, booking_id: str, action: str):
    require_staff(request, *MANAGERS)
    done = {"approve": "已批准。", "reject": "已拒绝。", "check-in": "已签到。", "no-show": "已记为未到场。"}
    if action not in done:
        raise ApiProblem(404)
    form = await request.form()
    body = {"reason": form.get("reason", "").strip() or None} if action in ("approve", "reject") else None
    if action == "reject" and not (body or {}).get("reason"):
        session.flash(request, "拒绝预约须写明原因。", "error")
        return RedirectResponse(f"/console/venues/{venue_id}/bookings", status_code=303)
    await flash_outcome(request, Api(request).post(f"/api/v1/bookings/{booking_id}/{action}", body), done[action])
    return RedirectResponse(f"/console/venues/{venue_id}/bookings", status_code=303)


# ---- registers: visits and assets ------------------------------------------------------------------------


@router.get("/console/venues/{venue_id}/registers")
async def registers_page(request: Request, venue_id: str):
    require_staff(request, *MANAGERS)
    api = Api(request)
    today = datetime.now(DISTRICT).date()
    venue, rooms, visits, assets = await asyncio.gather(
        api.get(f"/api/v1/venues/{venue_id}"),
        api.get(f"/api/v1/venues/{venue_id}/rooms"),
        api.get(
            f"/api/v1/venues/{venue_id}/visits",
            **{"from": (today - timedelta(days=6)).isoformat(), "to": today.isoformat()},
        ),
        api.get(f"/api/v1/venues/{venue_id}/assets"),
    )
    return render(
        request,
        "console/registers.html",
        {
            "title": f"{venue['name']} · 到馆与资产登记",
            "venue": venue,
            "rooms": rooms,
            "visits": visits,
            "assets": assets,
            "groups": VISITOR_GROUPS,
            "conditions": ASSET_CONDITIONS,
            "today": today.isoformat(),
        },
    )


@router.post("/console/venues/{venue_id}/visits")
async def record_visits(request: Request, venue_id: str):
    require_staff(request, *MANAGERS)
    form = await request.form()
    counts = {}
    for group in VISITOR_GROUPS:
        try:
            count = int(form.get(f"count_{group}", "") or 0)
        except ValueError:
            count = -1
        if count:
            counts[group] = count
    body = {"date": form.get("date", ""), "room_id": form.get("room_id") or None, "counts": counts}
    try:
        entry = await Api(request).post(f"/api/v1/venues/{venue_id}/visits", body)
    except ApiProblem as exc:
        session.flash(request, exc.message_zh, "error")
    else:
        session.flash(request, f"已登记到馆 {entry['total']} 人次。")
    return RedirectResponse(f"/console/venues/{venue_id}/registers#visits", status_code=303)


@router.post("/console/venues/{venue_id}/assets")
async def register_asset(request: Request, venue_id: str):
    require_staff(request, *MANAGERS)
    form = await request.form()
    body = {
        "name": form.get("name", "").strip(),
        "category": form.get("category", "").strip(),
        "room_id": form.get("room_id") or None,
        "condition": form.get("condition", "good"),
        "note": form.get("note", "").strip(),
    }
    try:
        asset = await Api(request).post(f"/api/v1/venues/{venue_id}/assets", body)
    except ApiProblem as exc:
        session.flash(request, exc.message_zh, "error")
    else:
        session.flash(request, f"已登记资产 {asset['number']}「{asset['name']}」。")
    return RedirectResponse(f"/console/venues/{venue_id}/registers#assets", status_code=303)
