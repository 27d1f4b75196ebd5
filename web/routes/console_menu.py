"""The organiser's menu of offerings (点单菜单) with demand and satisfaction per offering, and the inbox of
village orders: schedule one (an event is created, published at once) or decline it with a reason."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from web import labels, session
from web.api import Api, ApiProblem, flash_outcome
from web.routes.console_events import require_staff
from web.templating import DISTRICT, render

router = APIRouter()
ORGANISERS = ("organiser", "admin")


async def _satisfaction(api: Api, offering_id: str) -> dict | None:
    try:
        return await api.get(f"/api/v1/offerings/{offering_id}/satisfaction")
    except ApiProblem:
        return None


@router.get("/console/offerings")
async def offerings(request: Request):
    require_staff(request, *ORGANISERS)
    api = Api(request)
    menu, demand = await asyncio.gather(api.get("/api/v1/offerings"), api.get("/api/v1/offerings/demand"))
    satisfaction = await asyncio.gather(*(_satisfaction(api, o["id"]) for o in menu))
    demand_by_id = {d["offering_id"]: d for d in demand["offerings"]}
    rows = [{**o, "demand": demand_by_id.get(o["id"]), "satisfaction": s} for o, s in zip(menu, satisfaction)]
    return render(
        request,
        "console/offerings.html",
        {
            "title": "服务菜单",
            "offerings": rows,
            "threshold": demand["threshold"],
            "kinds": labels.EVENT_KINDS,
            "groups": labels.TARGET_GROUPS,
        },
    )


@router.post("/console/offerings")
async def create_offering(request: Request):
    require_staff(request, *ORGANISERS)
    form = await request.form()
    try:
        minutes = int(form.get("duration_minutes", ""))
    except ValueError:
        minutes = 0
    body = {
        "title": form.get("title", "").strip(),
        "kind": form.get("kind", "other"),
        "provider": form.get("provider", "").strip(),
        "duration_minutes": minutes,
        "target_groups": form.getlist("target_groups") or ["everyone"],
        "description": form.get("description", "").strip(),
    }
    try:
        offering = await Api(request).post("/api/v1/offerings", body)
    except ApiProblem as exc:
        session.flash(request, exc.message_zh, "error")
    else:
        session.flash(request, f"「{offering['title']}」已加入菜单。")
    return RedirectResponse("/console/offerings", status_code=303)


@router.post("/console/offerings/{offering_id}/availability")
async def set_availability(request: Request, offering_id: str):
    require_staff(request, *ORGANISERS)
    form = await request.form()
    available = form.get("available") == "true"
    await flash_outcome(
        request,
        Api(request).patch(f"/api/v1/offerings/{offering_id}", {"available": available}),
        "已重新上架。" if available else "已下架（已有点单不受影响）。",
    )
    return RedirectResponse("/console/offerings", status_code=303)


@router.get("/console/orders")
async def orders(request: Request, status: str = "placed"):
    require_staff(request, *ORGANISERS)
    listed = await Api(request).get("/api/v1/orders", status=status or None)
    listed.sort(key=lambda o: o["created_at"])
    return render(
        request,
        "console/orders.html",
        {"title": "村（社区）点单", "orders": listed, "status": status, "statuses": labels.ORDER_STATUS},
    )


@router.post("/console/orders/{order_id}/schedule")
async def schedule_order(request: Request, order_id: str):
    require_staff(request, *ORGANISERS)
    form = await request.form()
    try:
        start = datetime.combine(
            date.fromisoformat(form.get("date", "")), time.fromisoformat(form.get("time", "")), DISTRICT
        )
    except ValueError:
        session.flash(request, "请填写演出日期和开始时间。", "error")
        return RedirectResponse(f"/console/orders#order-{order_id}", status_code=303)
    body = {"start": start.isoformat(), "publish": True}
    if form.get("capacity", "").strip().isdigit():
        body["capacity"] = int(form["capacity"])
        body["kept_back"] = int(form.get("kept_back") or 0) if str(form.get("kept_back") or "0").isdigit() else 0
    try:
        order = await Api(request).post(f"/api/v1/orders/{order_id}/schedule", body)
    except ApiProblem as exc:
        session.flash(request, exc.message_zh, "error")
        return RedirectResponse(f"/console/orders#order-{order_id}", status_code=303)
    session.flash(request, f"已为{order.get('venue_name') or '该村'}排期「{order['offering_title']}」并发布活动。")
    return RedirectResponse(
        f"/console/events/{order['event_id']}" if order.get("event_id") else "/console/orders", status_code=303
    )


@router.post("/console/orders/{order_id}/decline")
async def decline_order(request: Request, order_id: str):
    require_staff(request, *ORGANISERS)
    form = await request.form()
    reason = form.get("reason", "").strip()
    if not reason:
        session.flash(request, "婉拒点单须写明原因（会告知点单的村）。", "error")
        return RedirectResponse(f"/console/orders#order-{order_id}", status_code=303)
    await flash_outcome(
        request,
        Api(request).post(f"/api/v1/orders/{order_id}/decline", {"reason": reason}),
        "已婉拒该点单，并告知原因。",
    )
    return RedirectResponse("/console/orders", status_code=303)
