"""Answering dispatch offers: the signed links of a notice (no login) and the API for logged-in volunteers.

`GET /offers/{token}` only shows the offer and a confirm button — link scanners and prefetchers that
fetch it change nothing; `POST /offers/{token}` (the button, a form post) answers. Browsers get HTML
pages; other clients get JSON (RFC 9457 problems for refusals): 400 for a tampered or cut link,
410 for an expired link or an offer expired/withdrawn, 409 for an offer already answered.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from contracts.common import Actor
from contracts.errors import Conflict, WenyunError
from contracts.volunteers import Offer
from gateway.auth import require
from gateway.calls import call
from gateway.pages import page, text
from gateway.problems import problem_responses
from kit.clock import DISTRICT_TZ

router = APIRouter(tags=["dispatch"])
# Conflicts the volunteers service marks as "gone" (the offer or the link is over): 410, not 409.
GONE_REASONS = ("link_expired", "offer_expired", "offer_withdrawn")
STATUS_ZH = {"offered": "待答复", "accepted": "已接受", "declined": "已婉拒", "expired": "已过期", "withdrawn": "已撤回"}


class Gone(WenyunError):
    status, title, code = 410, "Gone", "gone"


async def _answering(request: Request, method: str, **kwargs) -> Any:
    try:
        return await call(request, "volunteers", method, **kwargs)
    except Conflict as exc:
        if exc.extra.get("reason") in GONE_REASONS:
            raise Gone(exc.detail, exc.extra) from exc
        raise


def _wants_html(request: Request, default: bool) -> bool:
    accept = request.headers.get("accept", "")
    if "text/html" in accept:
        return True
    if "json" in accept:
        return False
    return default


def _local(value: str) -> str:
    return datetime.fromisoformat(value).astimezone(DISTRICT_TZ).strftime("%Y-%m-%d %H:%M")


def _offer_card(offer: dict) -> str:
    rows = [("活动", offer["event_title"]), ("岗位", offer["role"]),
            ("时间", f"{_local(offer['start'])} – {_local(offer['end'])[-5:]}"), ("地点", offer["place_name"]),
            ("答复期限", _local(offer["deadline"])), ("状态", STATUS_ZH.get(offer["status"], offer["status"]))]
    return '<div class="card"><table>' + "".join(
        f"<tr><th>{text(k)}</th><td>{text(v)}</td></tr>" for k, v in rows) + "</table></div>"


def _error_page(exc: WenyunError) -> HTMLResponse:
    status = 410 if exc.extra.get("reason") in GONE_REASONS else exc.status
    message = exc.extra.get("detail_zh") or "无法处理这个链接。"
    return page("志愿服务邀请", f'<div class="notice"><p>{text(message)}</p></div>'
                f'<p class="muted">{text(exc.detail)}</p>', status_code=status)


@router.get("/offers/{token}", response_class=HTMLResponse,
            responses={200: {"content": {"text/html": {}}, "description": "The offer and a confirm button"},
                       **problem_responses(400, 404, 409, 410, 503)})
async def offer_page(token: str, request: Request):
    """The page a notice's accept/decline link opens: the offer and one confirm button (a form post).
    Opening it changes nothing."""
    try:
        link = await _answering(request, "offer_link", token=token)
    except WenyunError as exc:
        if _wants_html(request, True):
            return _error_page(exc)
        raise
    offer, accepting = link["offer"], link["action"] == "accept"
    if offer["status"] != "offered":
        closed = Gone if offer["status"] in ("expired", "withdrawn") else Conflict
        exc = closed(f"The offer is {offer['status']}; it can no longer be answered.",
                     {"reason": f"offer_{offer['status']}", "offer_id": offer["offer_id"],
                      "detail_zh": f"这份邀请{STATUS_ZH.get(offer['status'], '')}，无需再次答复。"})
        if _wants_html(request, True):
            return page("志愿服务邀请", f'<div class="notice"><p>{text(exc.extra["detail_zh"])}</p></div>'
                        + _offer_card(offer), status_code=exc.status)
        raise exc
    other = link["decline_url"] if accepting else link["accept_url"]
    verb = "接受" if accepting else "婉拒"
    body = (f"<p>{text(offer['volunteer_name'] or '')} 您好，请确认是否{verb}这项志愿服务：</p>{_offer_card(offer)}"
            f'<form method="post" action="{text(request.url.path)}"><button type="submit">确认{verb}</button></form>'
            f'<p class="muted">想改为{"婉拒" if accepting else "接受"}？<a href="{text(other)}">点这里</a></p>')
    return page(f"志愿服务邀请 · {verb}", body)


@router.post("/offers/{token}", response_model=Offer,
             responses={200: {"content": {"text/html": {}}, "description": "The answered offer"},
                        **problem_responses(400, 404, 409, 410, 503)})
async def answer_by_link(token: str, request: Request):
    """Accept or decline through the signed link (no login). A link works once; a refused link changes nothing."""
    html = _wants_html(request, False)
    try:
        offer = await _answering(request, "answer_offer_link", token=token)
    except WenyunError as exc:
        if html:
            return _error_page(exc)
        raise
    if not html:
        return offer
    if offer["status"] == "accepted":
        message = "已接受，谢谢您！请按时到达活动现场，签到后将自动记录服务时长。"
    else:
        message = "已婉拒，感谢您及时告知。我们会邀请其他志愿者。"
    return page("志愿服务邀请", f'<div class="notice"><p>{text(message)}</p></div>{_offer_card(offer)}')


async def _answer(request: Request, actor: Actor, offer_id: str, action: str):
    return await _answering(request, "answer_offer", actor=actor, offer_id=offer_id, action=action)


@router.post("/api/v1/offers/{offer_id}/accept", response_model=Offer,
             responses=problem_responses(401, 403, 404, 409, 410, 503))
async def accept(offer_id: str, request: Request, actor: Actor = Depends(require("volunteer"))):
    """Accept one of one's own offers."""
    return await _answer(request, actor, offer_id, "accept")


@router.post("/api/v1/offers/{offer_id}/decline", response_model=Offer,
             responses=problem_responses(401, 403, 404, 409, 410, 503))
async def decline(offer_id: str, request: Request, actor: Actor = Depends(require("volunteer"))):
    """Decline one of one's own offers (the next candidate is asked)."""
    return await _answer(request, actor, offer_id, "decline")
