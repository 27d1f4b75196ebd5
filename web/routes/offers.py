"""The page a volunteer's SMS or e-mail links to (a signed link, no sign-in): the offer and one confirm button.
Opening it changes nothing (link scanners fetch it too); the button posts, and the answer is shown."""

from __future__ import annotations

from fastapi import APIRouter, Request

from web.api import Api, ApiProblem
from web.templating import render

router = APIRouter()


@router.get("/offers/{token}")
async def offer_page(request: Request, token: str):
    try:
        link = await Api(request).get(f"/offers/{token}")
    except ApiProblem as exc:
        return render(
            request, "offers/offer.html", {"title": "志愿服务邀请", "error": exc.message_zh}, status_code=exc.status
        )
    accepting = link["action"] == "accept"
    other = link["decline_url" if accepting else "accept_url"].rsplit("/offers/", 1)[-1]
    return render(
        request,
        "offers/offer.html",
        {
            "title": "志愿服务邀请",
            "offer": link["offer"],
            "verb": "接受" if accepting else "婉拒",
            "other_verb": "婉拒" if accepting else "接受",
            "other_path": f"/offers/{other}",
            "token": token,
        },
    )


@router.post("/offers/{token}")
async def answer(request: Request, token: str):
    try:
        offer = await Api(request).post(f"/offers/{token}", anonymous=True)
    except ApiProblem as exc:
        return render(
            request, "offers/offer.html", {"title": "志愿服务邀请", "error": exc.message_zh}, status_code=exc.status
        )
    return render(request, "offers/answered.html", {"title": "志愿服务邀请", "offer": offer})
