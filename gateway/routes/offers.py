"""Answering dispatch offers: the signed links of a notice (no login) and the API for logged-in volunteers.

`GET /offers/{token}` only shows the offer — link scanners and prefetchers that fetch it change nothing;
browsers are sent to the web app's page (the offer and a confirm button, a form post); `POST
/offers/{token}` answers. Refusals are RFC 9457 problems: 400 for a tampered or cut link, 410 for an expired
link or an offer expired/withdrawn, 409 for an offer already answered.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from contracts.common import Actor
from contracts.errors import Conflict, WenyunError
from contracts.volunteers import Offer, OfferLink
from gateway.auth import require
from gateway.calls import call
from gateway.problems import problem_responses
from gateway.web_pages import to_web_app, wants_html

router = APIRouter(tags=["dispatch"])
# Conflicts the volunteers service marks as "gone" (the offer or the link is over): 410, not 409.
GONE_REASONS = ("link_expired", "offer_expired", "offer_withdrawn")
STATUS_ZH = {
    "offered": "待答复",
    "accepted": "已接受",
    "declined": "已婉拒",
    "expired": "已过期",
    "withdrawn": "已撤回",
}


class Gone(WenyunError):
    status, title, code = 410, "Gone", "gone"


async def _answering(request: Request, method: str, **kwargs) -> Any:
    try:
        return await call(request, "volunteers", method, **kwargs)
    except Conflict as exc:
        if exc.extra.get("reason") in GONE_REASONS:
            raise Gone(exc.detail, exc.extra) from exc
        raise


@router.get(
    "/offers/{token}",
    response_model=OfferLink,
    responses={
        307: {"description": "Browsers: the offer page of the web app"},
        **problem_responses(400, 404, 409, 410, 503),
    },
)
async def offer_link(token: str, request: Request):
    """What the link of a notice grants (the offer and the one action). Browsers are sent to the web app's page,
    which shows the offer and one confirm button (a form post): opening a link changes nothing."""
    if wants_html(request, True):
        return to_web_app(request, f"/offers/{token}")
    link = await _answering(request, "offer_link", token=token)
    offer = link["offer"]
    if offer["status"] != "offered":
        closed = Gone if offer["status"] in ("expired", "withdrawn") else Conflict
        raise closed(
            f"The offer is {offer['status']}; it can no longer be answered.",
            {
                "reason": f"offer_{offer['status']}",
                "offer_id": offer["offer_id"],
                "detail_zh": f"这份邀请{STATUS_ZH.get(offer['status'], '')}，无需再次答复。",
            },
        )
    return link


@router.post("/offers/{token}", response_model=Offer, responses=problem_responses(400, 404, 409, 410, 503))
async def answer_by_link(token: str, request: Request):
    """Accept or decline through the signed link (no login). A link works once; a refused link changes nothing."""
    return await _answering(request, "answer_offer_link", token=token)


async def _answer(request: Request, actor: Actor, offer_id: str, action: str):
    return await _answering(request, "answer_offer", actor=actor, offer_id=offer_id, action=action)


@router.post(
    "/api/v1/offers/{offer_id}/accept", response_model=Offer, responses=problem_responses(401, 403, 404, 409, 410, 503)
)
async def accept(offer_id: str, request: Request, actor: Actor = Depends(require("volunteer"))):
    """Accept one of one's own offers."""
    return await _answer(request, actor, offer_id, "accept")


@router.post(
    "/api/v1/offers/{offer_id}/decline", response_model=Offer, responses=problem_responses(401, 403, 404, 409, 410, 503)
)
async def decline(offer_id: str, request: Request, actor: Actor = Depends(require("volunteer"))):
    """Decline one of one's own offers (the next candidate is asked)."""
    return await _answer(request, actor, offer_id, "decline")
