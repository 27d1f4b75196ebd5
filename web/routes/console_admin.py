"""The district administrator's console: the venue network tree (district → town → village), accounts with
their roles and scopes (grant a venue manager their venue, an organiser their town) through the accounts
admin API, webhooks and their deliveries (replay), and dead letters (list, replay)."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from web import labels, session
from web.api import Api, ApiProblem, flash_outcome
from web.routes.console_events import require_staff
from web.templating import render

router = APIRouter()
STAFF_ACCOUNT_ROLES = ("venue_manager", "organiser", "admin")


def venue_tree(venues: list[dict]) -> list[dict]:
    """Venues nested under their parent (总分馆): roots first, each with `children`, by level then name."""
    order = {"district": 0, "town": 1, "village": 2}
    by_id = {v["id"]: {**v, "children": []} for v in venues}
    roots = []
    for venue in sorted(by_id.values(), key=lambda v: (order.get(v["level"], 3), v["name"])):
        parent = by_id.get(venue.get("parent_id") or "")
        (parent["children"] if parent else roots).append(venue)
    return roots


@router.get("/console/network")
async def network(request: Request):
    require_staff(request, "admin")
    venues = await Api(request).get("/api/v1/venues")
    return render(request, "console/network.html", {"title": "场馆网络", "tree": venue_tree(venues)})


# ---- accounts, roles and scopes ---------------------------------------------------------------------


@router.get("/console/accounts")
async def accounts(request: Request, role: str = ""):
    require_staff(request, "admin")
    api = Api(request)
    try:
        accounts, venues = await asyncio.gather(
            api.get("/api/v1/accounts", role=role or None), api.get("/api/v1/venues")
        )
    except ApiProblem as exc:
        if exc.status != 404:
            raise
        return render(request, "console/accounts.html", {"title": "账号与权限", "unavailable": True})
    venue_names = {v["id"]: v["name"] for v in venues}
    towns = sorted({v["town"] for v in venues if v.get("town")})
    accounts = [
        {**a, "scope_labels": [(s, scope_label(s, venue_names)) for s in a.get("scopes", [])]} for a in accounts
    ]
    return render(
        request,
        "console/accounts.html",
        {
            "title": "账号与权限",
            "accounts": accounts,
            "venues": venues,
            "venue_names": venue_names,
            "towns": towns,
            "role": role,
            "roles": {r: labels.ROLES[r] for r in STAFF_ACCOUNT_ROLES},
        },
    )


def scope_label(scope: str, venue_names: dict) -> str:
    kind, _, value = scope.partition(":")
    if kind == "venue":
        return "全区所有场馆" if value == "*" else f"场馆：{venue_names.get(value, value)}"
    return {"town": f"镇（街道）：{value}", "org": f"单位成员：{value}", "dependant": f"代办家人：{value}"}.get(
        kind, scope
    )


@router.post("/console/accounts")
async def create_account(request: Request):
    require_staff(request, "admin")
    form = await request.form()
    body = {
        "username": form.get("username", "").strip(),
        "password": form.get("password", ""),
        "role": form.get("role", ""),
        "name": form.get("name", "").strip(),
    }
    try:
        account = await Api(request).post("/api/v1/accounts", body)
    except ApiProblem as exc:
        session.flash(request, exc.message_zh, "error")
    else:
        session.flash(request, f"已创建账号 {account.get('username')}（{labels.ROLES.get(account['role'], '')}）。")
    return RedirectResponse("/console/accounts", status_code=303)


@router.post("/console/accounts/{account_id}/scopes")
async def grant_scope(request: Request, account_id: str):
    require_staff(request, "admin")
    form = await request.form()
    scope = form.get("scope", "")
    if not scope.startswith(("venue:", "town:")):
        session.flash(request, "请选择要授权的场馆或镇（街道）。", "error")
        return RedirectResponse(f"/console/accounts#account-{account_id}", status_code=303)
    try:
        account = await Api(request).put(f"/api/v1/accounts/{account_id}/scopes/{quote(scope, safe=':*')}")
    except ApiProblem as exc:
        session.flash(request, exc.message_zh, "error")
    else:
        session.flash(
            request,
            f"已授权 {account.get('name') or account.get('username')}：{form.get('scope_label') or scope}"
            "（下次登录或令牌刷新后生效）。",
        )
    return RedirectResponse(f"/console/accounts#account-{account_id}", status_code=303)


@router.post("/console/accounts/{account_id}/scopes/withdraw")
async def withdraw_scope(request: Request, account_id: str):
    require_staff(request, "admin")
    form = await request.form()
    await flash_outcome(
        request,
        Api(request).delete(f"/api/v1/accounts/{account_id}/scopes/{quote(form.get('scope', ''), safe=':*')}"),
        "已收回授权。",
    )
    return RedirectResponse(f"/console/accounts#account-{account_id}", status_code=303)


# ---- webhooks and deliveries --------------------------------------------------------------------------


@router.get("/console/webhooks")
async def webhooks(request: Request):
    require_staff(request, "admin")
    subscriptions = await Api(request).get("/api/v1/webhooks")
    return render(request, "console/webhooks.html", {"title": "Webhook 订阅", "subscriptions": subscriptions})


@router.get("/console/webhooks/{subscription_id}")
async def webhook_deliveries(request: Request, subscription_id: str):
    require_staff(request, "admin")
    api = Api(request)
    subscription, deliveries = await asyncio.gather(
        api.get(f"/api/v1/webhooks/{subscription_id}"), api.get(f"/api/v1/webhooks/{subscription_id}/deliveries")
    )
    return render(
        request,
        "console/webhook.html",
        {"title": "Webhook 投递记录", "subscription": subscription, "deliveries": deliveries},
    )


@router.post("/console/webhooks/{subscription_id}/deliveries/{delivery_id}/replay")
async def replay_delivery(request: Request, subscription_id: str, delivery_id: str):
    require_staff(request, "admin")
    await flash_outcome(
        request,
        Api(request).post(f"/api/v1/webhooks/{subscription_id}/deliveries/{delivery_id}/replay"),
        "已重新投递。",
    )
    return RedirectResponse(f"/console/webhooks/{subscription_id}", status_code=303)


@router.post("/console/webhooks/{subscription_id}/enable")
async def enable_webhook(request: Request, subscription_id: str):
    require_staff(request, "admin")
    await flash_outcome(
        request, Api(request).patch(f"/api/v1/webhooks/{subscription_id}", {"enabled": True}), "已重新启用。"
    )
    return RedirectResponse(f"/console/webhooks/{subscription_id}", status_code=303)


# ---- dead letters -----------------------------------------------------------------------------------


@router.get("/console/dead-letters")
async def dead_letters(request: Request):
    require_staff(request, "admin")
    letters = await Api(request).get("/api/v1/admin/dead-letters")
    return render(request, "console/dead_letters.html", {"title": "死信队列", "letters": letters})


@router.post("/console/dead-letters/replay")
async def replay_dead_letters(request: Request):
    require_staff(request, "admin")
    form = await request.form()
    body = {"message_id": form.get("message_id")} if form.get("message_id") else {}
    try:
        replayed = await Api(request).post("/api/v1/admin/dead-letters/replay", body)
    except ApiProblem as exc:
        session.flash(request, exc.message_zh, "error")
    else:
        session.flash(request, f"已重新投递 {len(replayed)} 条消息。")
    return RedirectResponse("/console/dead-letters", status_code=303)
