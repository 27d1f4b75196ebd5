"""Volunteers: apply; profile, consent to be contacted and weekly availability; offers to accept or decline;
upcoming duties; hours, training and 星级 progress."""

from __future__ import annotations

import asyncio
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from web import session
from web.api import Api, ApiProblem, SignInRequired
from web.templating import DISTRICT, local, render

router = APIRouter()
WEEKDAYS = (
    ("monday", "周一"),
    ("tuesday", "周二"),
    ("wednesday", "周三"),
    ("thursday", "周四"),
    ("friday", "周五"),
    ("saturday", "周六"),
    ("sunday", "周日"),
)
CHANNELS = (("sms", "短信"), ("email", "电子邮件"), ("inbox", "站内消息"))


def _signed_in_api(request: Request) -> Api:
    api = Api(request)
    if not api.signed_in:
        raise SignInRequired()
    return api


async def _profile_from_form(request: Request) -> dict:
    """The application / profile form as the API's fields (empty optional fields left out)."""
    form = await request.form()
    availability = [
        {"day": day, "start": form.get(f"start_{day}") or "08:00", "end": form.get(f"end_{day}") or "18:00"}
        for day, _ in WEEKDAYS
        if form.get(f"day_{day}")
    ]
    profile = {
        "name": str(form.get("name", "")).strip(),
        "phone": str(form.get("phone", "")).strip(),
        "skills": form.getlist("skills"),
        "channels": form.getlist("channels"),
        "availability": availability,
    }
    for field in ("email", "town", "village"):
        value = str(form.get(field, "")).strip()
        if value:
            profile[field] = value
    return profile


async def _form_context(api: Api, record: dict | None) -> dict:
    skills = await api.get("/api/v1/volunteers/skills")
    days = {w["day"]: w for w in (record or {}).get("availability", [])}
    return {"skills": skills, "weekdays": WEEKDAYS, "channels": CHANNELS, "record": record or {}, "days": days}


@router.get("/volunteer")
async def volunteer_home(request: Request):
    api = _signed_in_api(request)
    try:
        me = await api.get("/api/v1/volunteers/me")
    except ApiProblem as exc:
        if exc.status != 404:
            raise
        return render(
            request, "volunteer/apply.html", {"title": "申请成为文化志愿者", **await _form_context(api, None)}
        )
    year = datetime.now(DISTRICT).year
    offers, hours, training = await asyncio.gather(
        api.get(f"/api/v1/volunteers/{me['id']}/offers"),
        api.get(f"/api/v1/volunteers/{me['id']}/hours"),
        api.get(f"/api/v1/volunteers/{me['id']}/training", year=year),
    )
    now = datetime.now(DISTRICT)
    return render(
        request,
        "volunteer/home.html",
        {
            "title": "我的志愿服务",
            "me": me,
            "hours": hours,
            "training": training,
            "open_offers": [o for o in offers if o["status"] == "offered"],
            "duties": sorted(
                (o for o in offers if o["status"] == "accepted" and local(o["end"]) >= now), key=lambda o: o["start"]
            ),
            "skill_names": {s["code"]: s["label_zh"] for s in await api.get("/api/v1/volunteers/skills")},
        },
    )


@router.post("/volunteer/apply")
async def apply(request: Request):
    api = _signed_in_api(request)
    profile = await _profile_from_form(request)
    try:
        await api.post("/api/v1/volunteers", profile)
    except ApiProblem as exc:
        return render(
            request,
            "volunteer/apply.html",
            {"title": "申请成为文化志愿者", "error": exc.message_zh, **await _form_context(api, profile)},
            status_code=exc.status,
        )
    session.flash(request, "申请已提交，审核通过后会通知您。")
    return RedirectResponse("/volunteer", status_code=303)


@router.get("/volunteer/profile")
async def profile_page(request: Request):
    api = _signed_in_api(request)
    me = await api.get("/api/v1/volunteers/me")
    return render(request, "volunteer/profile.html", {"title": "志愿者资料", **await _form_context(api, me)})


@router.post("/volunteer/profile")
async def save_profile(request: Request):
    api = _signed_in_api(request)
    me = await api.get("/api/v1/volunteers/me")
    profile = await _profile_from_form(request)
    try:
        await api.patch(f"/api/v1/volunteers/{me['id']}", profile)
    except ApiProblem as exc:
        return render(
            request,
            "volunteer/profile.html",
            {"title": "志愿者资料", "error": exc.message_zh, **await _form_context(api, {**me, **profile})},
            status_code=exc.status,
        )
    session.flash(request, "资料已保存。")
    return RedirectResponse("/volunteer", status_code=303)


@router.post("/volunteer/offers/{offer_id}/{action}")
async def answer_offer(request: Request, offer_id: str, action: str):
    if action not in ("accept", "decline"):
        return RedirectResponse("/volunteer", status_code=303)
    try:
        await _signed_in_api(request).post(f"/api/v1/offers/{offer_id}/{action}")
        session.flash(request, "已接受，谢谢您！" if action == "accept" else "已婉拒，感谢您及时告知。")
    except ApiProblem as exc:
        session.flash(request, exc.message_zh, "error")
    return RedirectResponse("/volunteer", status_code=303)
