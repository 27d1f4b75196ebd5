"""The organiser's console (工作台): the landing page, creating, editing, publishing, rescheduling and
cancelling events (in a room or at a village site), the registration list with desk/phone registration,
check-in (tick, or the code from the resident's QR), no-shows, releasing kept-back places, the dispatch of
volunteers per role and the satisfaction of an event."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from web import labels, session
from web.api import Api, ApiProblem, SignInRequired, flash_outcome
from web.templating import DISTRICT, local, render

router = APIRouter()
STAFF_ROLES = ("organiser", "venue_manager", "admin")
QR_PREFIX = "WENYUN-REG:"
NEED_ROWS = 3  # volunteer roles on the form; more can be added by editing the event again


def require_staff(request: Request, *roles: str) -> dict:
    """The signed-in staff account, or a sign-in (no session) / 403 page (another role)."""
    me = session.account(request)
    if not me:
        raise SignInRequired()
    if me.get("role") not in (roles or STAFF_ROLES) and me.get("role") != "admin":
        raise ApiProblem(403, {"detail_zh": "工作台仅供活动组织者、场馆管理员和管理员使用。"})
    return me


@router.get("/console")
async def console_home(request: Request):
    me = require_staff(request)
    return render(request, "console/home.html", {"title": "工作台", "me": me})


# ---- the event form ------------------------------------------------------------------------------


def _moment(day: str, clock: str) -> datetime | None:
    try:
        return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), DISTRICT)
    except ValueError:
        return None


def _number(value, default=None):
    try:
        return int(str(value).strip()) if str(value or "").strip() else default
    except ValueError:
        return default


def _float(value):
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def event_body(form) -> tuple[dict, list[str]]:
    """The API's EventCreate from the form, and what is missing or wrong (zh-CN)."""
    errors = []
    start, end = (
        _moment(form.get("date", ""), form.get("start_time", "")),
        _moment(form.get("date", ""), form.get("end_time", "")),
    )
    if not start or not end:
        errors.append("请填写日期、开始和结束时间。")
    elif end <= start:
        errors.append("结束时间须晚于开始时间。")
    body = {
        "title": form.get("title", "").strip(),
        "kind": form.get("kind", "other"),
        "description": form.get("description", "").strip(),
        "target_groups": form.getlist("target_groups") or ["everyone"],
        "start": start.isoformat() if start else None,
        "end": end.isoformat() if end else None,
        "organiser_name": form.get("organiser_name", "").strip() or None,
    }
    if not body["title"]:
        errors.append("请填写活动名称。")
    if form.get("festival"):
        body["festival"] = form["festival"]
    capacity = _number(form.get("capacity"))
    if capacity is not None:
        body["capacity"] = capacity
        body["kept_back"] = _number(form.get("kept_back"), 0)
    needs = []
    for row in range(1, NEED_ROWS + 1):
        role, count = form.get(f"need_role_{row}", "").strip(), _number(form.get(f"need_count_{row}"), 0)
        if role and count > 0:
            needs.append({"role": role, "count": count})
    body["volunteer_needs"] = needs
    if form.get("place_kind") == "site":
        lat, lon = _float(form.get("site_lat", "")), _float(form.get("site_lon", ""))
        if not form.get("site_name", "").strip() or lat is None or lon is None:
            errors.append("户外场地请填写场地名称和经纬度。")
        body["site"] = {
            "name": form.get("site_name", "").strip(),
            "village": form.get("site_village", "").strip() or None,
            "town": form.get("site_town", "").strip() or None,
            "address": form.get("site_address", "").strip(),
            "coordinates": {"lat": lat or 0, "lon": lon or 0},
            "venue_id": form.get("site_venue_id") or None,
        }
    else:
        if not form.get("room_id"):
            errors.append("请选择活动室，或改选户外场地。")
        body["room_id"] = form.get("room_id") or None
    return body, errors


def form_values(event: dict) -> dict:
    """An event as the form's fields (for editing)."""
    start, end = local(event["start"]), local(event["end"])
    values = {
        "title": event["title"],
        "kind": event["kind"],
        "festival": event.get("festival") or "",
        "description": event.get("description", ""),
        "target_groups": event.get("target_groups", []),
        "date": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_time": end.strftime("%H:%M"),
        "capacity": event.get("capacity") or "",
        "kept_back": event.get("kept_back") or 0,
        "organiser_name": event.get("organiser_name") or "",
        "place_kind": "room" if event["place_kind"] == "room" else "site",
        "room_id": event.get("room_id"),
    }
    if event["place_kind"] == "outdoor":
        coordinates = event.get("coordinates") or {}
        values.update(
            site_name=event["place_name"],
            site_village=event.get("village") or "",
            site_town=event.get("town") or "",
            site_address=event.get("address", ""),
            site_lat=coordinates.get("lat", ""),
            site_lon=coordinates.get("lon", ""),
            site_venue_id=event.get("venue_id") or "",
        )
    for row, need in enumerate(event.get("volunteer_needs", [])[:NEED_ROWS], start=1):
        values[f"need_role_{row}"], values[f"need_count_{row}"] = need["role"], need["count"]
    return values


async def _places(api: Api) -> tuple[list[dict], list[dict]]:
    """Rooms that can be held (with their venue's name) and the venues a village site can belong to."""
    venues = await api.get("/api/v1/venues")
    room_lists = await asyncio.gather(*(api.get(f"/api/v1/venues/{v['id']}/rooms") for v in venues))
    rooms = [room for rooms in room_lists for room in rooms if room.get("status", "open") == "open"]
    return rooms, venues


async def _render_form(
    request: Request,
    api: Api,
    values: dict,
    *,
    event: dict | None = None,
    error: str | None = None,
    status_code: int = 200,
):
    rooms, venues = await _places(api)
    return render(
        request,
        "console/event_form.html",
        {
            "title": f"修改活动：{event['title']}" if event else "新建活动",
            "values": values,
            "event": event,
            "rooms": rooms,
            "venues": venues,
            "error": error,
            "need_rows": range(1, NEED_ROWS + 1),
            "kinds": labels.EVENT_KINDS,
            "groups": labels.TARGET_GROUPS,
            "festivals": labels.FESTIVALS,
        },
        status_code=status_code,
    )


@router.get("/console/events")
async def my_events(request: Request):
    me = require_staff(request)
    api = Api(request)
    organiser_id = None if me["role"] == "admin" else me["id"]
    events = await api.get("/api/v1/events", organiser_id=organiser_id, limit=200)
    events.sort(key=lambda e: e["start"], reverse=True)
    return render(request, "console/events.html", {"title": "我组织的活动", "events": events})


@router.get("/console/events/new")
async def new_event(request: Request):
    me = require_staff(request)
    return await _render_form(
        request,
        Api(request),
        {"organiser_name": me.get("name") or "", "kind": "other", "place_kind": "room", "target_groups": ["everyone"]},
    )


@router.post("/console/events")
async def create_event(request: Request):
    require_staff(request)
    form = await request.form()
    api = Api(request)
    body, errors = event_body(form)
    if errors:
        return await _render_form(request, api, _echo(form), error=" ".join(errors), status_code=422)
    try:
        event = await api.post("/api/v1/events", body)
    except ApiProblem as exc:
        return await _render_form(request, api, _echo(form), error=exc.message_zh, status_code=exc.status)
    session.flash(request, f"已保存草稿「{event['title']}」，确认无误后请发布。")
    return RedirectResponse(f"/console/events/{event['id']}", status_code=303)


def _echo(form) -> dict:
    values = {key: form.get(key) for key in form.keys()}
    values["target_groups"] = form.getlist("target_groups")
    return values


@router.get("/console/events/{event_id}/edit")
async def edit_event(request: Request, event_id: str):
    require_staff(request)
    api = Api(request)
    event = await api.get(f"/api/v1/events/{event_id}")
    return await _render_form(request, api, form_values(event), event=event)


@router.post("/console/events/{event_id}/edit")
async def save_event(request: Request, event_id: str):
    require_staff(request)
    form = await request.form()
    api = Api(request)
    event = await api.get(f"/api/v1/events/{event_id}")
    body, errors = event_body(form)
    if event["status"] != "draft":
        # Time and place of a published event move by rescheduling (registrants are told).
        for key in ("start", "end", "room_id", "site"):
            body.pop(key, None)
    if errors and event["status"] == "draft":
        return await _render_form(request, api, _echo(form), event=event, error=" ".join(errors), status_code=422)
    try:
        await api.patch(f"/api/v1/events/{event_id}", body)
    except ApiProblem as exc:
        return await _render_form(request, api, _echo(form), event=event, error=exc.message_zh, status_code=exc.status)
    session.flash(request, "活动信息已保存。")
    return RedirectResponse(f"/console/events/{event_id}", status_code=303)


# ---- one event: lifecycle, registrations, dispatch, satisfaction ------------------------------------


async def _optional(call):
    try:
        return await call
    except ApiProblem:
        return None


@router.get("/console/events/{event_id}")
async def event_desk(request: Request, event_id: str, error: str = ""):
    require_staff(request)
    api = Api(request)
    event = await api.get(f"/api/v1/events/{event_id}")
    registrations, dispatch, satisfaction = await asyncio.gather(
        _optional(api.get(f"/api/v1/events/{event_id}/registrations")),
        _optional(api.get(f"/api/v1/events/{event_id}/dispatch")) if event.get("volunteer_needs") else _none(),
        _optional(api.get(f"/api/v1/events/{event_id}/satisfaction")),
    )
    start = local(event["start"])
    return render(
        request,
        "console/event.html",
        {
            "title": event["title"],
            "event": event,
            "registrations": registrations or [],
            "dispatch": dispatch,
            "satisfaction": satisfaction,
            "error": error,
            "reschedule": {
                "date": start.date().isoformat(),
                "start_time": start.strftime("%H:%M"),
                "end_time": local(event["end"]).strftime("%H:%M"),
            },
        },
    )


async def _none():
    return None


async def _act(request: Request, event_id: str, call, done: str, anchor: str = "main"):
    """Run one API action of the event page, then back to the page with what happened (or why not)."""
    await flash_outcome(request, call, done)
    return RedirectResponse(f"/console/events/{event_id}#{anchor}", status_code=303)


@router.post("/console/events/{event_id}/publish")
async def publish(request: Request, event_id: str):
    require_staff(request)
    return await _act(
        request,
        event_id,
        Api(request).post(f"/api/v1/events/{event_id}/publish"),
        "活动已发布，群众可以在活动公示中看到并预约。",
    )


@router.post("/console/events/{event_id}/reschedule")
async def reschedule(request: Request, event_id: str):
    require_staff(request)
    form = await request.form()
    start, end = (
        _moment(form.get("date", ""), form.get("start_time", "")),
        _moment(form.get("date", ""), form.get("end_time", "")),
    )
    if not start or not end or end <= start:
        session.flash(request, "请填写新的日期和起止时间（结束须晚于开始）。", "error")
        return RedirectResponse(f"/console/events/{event_id}#reschedule", status_code=303)
    body = {"start": start.isoformat(), "end": end.isoformat(), "reason": form.get("reason", "").strip()}
    return await _act(
        request,
        event_id,
        Api(request).post(f"/api/v1/events/{event_id}/reschedule", body),
        "活动已改期，已预约的群众会收到通知，名额保留。",
        "reschedule",
    )


@router.post("/console/events/{event_id}/cancel")
async def cancel(request: Request, event_id: str):
    require_staff(request)
    form = await request.form()
    reason = form.get("reason", "").strip()
    if not reason:
        session.flash(request, "取消活动须写明原因（会通知已预约的群众）。", "error")
        return RedirectResponse(f"/console/events/{event_id}#cancel", status_code=303)
    return await _act(
        request,
        event_id,
        Api(request).post(f"/api/v1/events/{event_id}/cancel", {"reason": reason}),
        "活动已取消，已预约的群众会收到通知。",
    )


@router.post("/console/events/{event_id}/release-kept-back")
async def release_kept_back(request: Request, event_id: str):
    require_staff(request)
    return await _act(
        request,
        event_id,
        Api(request).post(f"/api/v1/events/{event_id}/release-kept-back"),
        "预留名额已放开，候补的群众按顺序递补。",
        "places",
    )


@router.post("/console/events/{event_id}/registrations")
async def desk_registration(request: Request, event_id: str):
    require_staff(request)
    form = await request.form()
    name, phone = form.get("person_name", "").strip(), form.get("phone", "").strip().replace(" ", "")
    if not name:
        session.flash(request, "请填写预约人的姓名。", "error")
        return RedirectResponse(f"/console/events/{event_id}#desk", status_code=303)
    body = {
        "channel": form.get("channel") if form.get("channel") in ("desk", "phone") else "desk",
        "party_size": _number(form.get("party_size"), 1),
        "person_name": name,
    }
    if phone:
        body["contact"] = {"name": name, "phone": phone}
    try:
        registration = await Api(request).post(f"/api/v1/events/{event_id}/registrations", body)
    except ApiProblem as exc:
        session.flash(request, exc.message_zh, "error")
        return RedirectResponse(f"/console/events/{event_id}#desk", status_code=303)
    if registration["status"] == "waitlisted":
        session.flash(request, f"名额已满，{name}已进入候补（第 {registration.get('waitlist_position')} 位）。", "warn")
    else:
        pool = "（使用预留名额）" if registration.get("kept_back_places") else ""
        session.flash(request, f"已为{name}登记 {registration['party_size']} 个名额{pool}。")
    return RedirectResponse(f"/console/events/{event_id}#registrations", status_code=303)


@router.post("/console/events/{event_id}/check-in")
async def check_in_by_code(request: Request, event_id: str):
    """What a scanner reads from the resident's QR (`WENYUN-REG:<registration id>`, see `my.check_in_code`)
    or the registration number typed in."""
    require_staff(request)
    form = await request.form()
    code = form.get("code", "").strip().removeprefix(QR_PREFIX)
    registrations = await Api(request).get(f"/api/v1/events/{event_id}/registrations")
    match = next((r for r in registrations if code and r["id"] == code), None)
    if match is None:
        session.flash(request, "没有找到这个签到码对应的本活动预约，请核对。", "error")
        return RedirectResponse(f"/console/events/{event_id}#check-in", status_code=303)
    return await _act(
        request,
        event_id,
        Api(request).post(f"/api/v1/registrations/{match['id']}/check-in"),
        f"{match.get('person_name') or '该预约'}已签到。",
        "registrations",
    )


@router.post("/console/events/{event_id}/registrations/{registration_id}/{action}")
async def registration_action(request: Request, event_id: str, registration_id: str, action: str):
    require_staff(request)
    done = {"check-in": "已签到。", "no-show": "已记为未到场。"}
    if action not in done:
        raise ApiProblem(404)
    form = await request.form()
    who = form.get("who", "").strip()
    return await _act(
        request,
        event_id,
        Api(request).post(f"/api/v1/registrations/{registration_id}/{action}"),
        f"{who}{done[action]}",
        "registrations",
    )
