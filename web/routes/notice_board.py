"""The front door: the notice board (公示栏) of what is on, filtered by town, village, date, kind and target
group, with each place's accessibility; the privacy notice."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from web import labels
from web.api import Api
from web.templating import DISTRICT, render

router = APIRouter()


def _day_start(value: str | None) -> datetime | None:
    try:
        return datetime.combine(date.fromisoformat(value), time(0), DISTRICT) if value else None
    except ValueError:
        return None


@router.get("/")
async def home(request: Request):
    return RedirectResponse("/notice-board", status_code=303)


@router.get("/notice-board")
async def notice_board(
    request: Request,
    town: str = "",
    village: str = "",
    kind: str = "",
    group: str = "",
    date_from: str = "",
    date_to: str = "",
    venue_id: str = "",
):
    api = Api(request)
    start = _day_start(date_from) or datetime.now(DISTRICT)
    end = _day_start(date_to)
    events, venues, board = await asyncio.gather(
        api.get(
            "/api/v1/events",
            status="published",
            town=town,
            village=village,
            venue_id=venue_id,
            starts_after=start.isoformat(),
            starts_before=(end + timedelta(days=1)).isoformat() if end else None,
        ),
        api.get("/api/v1/venues"),
        api.get("/api/v1/notice-board", town=town, village=village, venue_id=venue_id),
    )
    # Kind and target group are chosen here from what the API listed (at most a few hundred events).
    if kind:
        events = [e for e in events if e["kind"] == kind]
    if group:
        events = [e for e in events if group in e["target_groups"] or "everyone" in e["target_groups"]]
    venues_by_id = {v["id"]: v for v in venues}
    # Places to choose from: where there are venues, where events are on, and what is chosen now.
    places = [*venues, *events, {"town": town, "village": village}]
    towns = sorted({p["town"] for p in places if p.get("town")})
    villages = sorted({p["village"] for p in places if p.get("village") and (not town or p.get("town") == town)})
    place = village or town or (venues_by_id.get(venue_id, {}).get("name") if venue_id else "")
    filters = {
        "town": town,
        "village": village,
        "kind": kind,
        "group": group,
        "date_from": date_from,
        "date_to": date_to,
        "venue_id": venue_id,
    }
    return render(
        request,
        "notice_board/board.html",
        {
            "title": f"{place} 文化活动公示" if place else "文化活动公示",
            "events": events,
            "venues": venues_by_id,
            "towns": towns,
            "villages": villages,
            "filters": filters,
            "standing": board["standing_free_activities"],
            "kinds": labels.EVENT_KINDS,
            "groups": {k: v for k, v in labels.TARGET_GROUPS.items() if k != "everyone"},
            "calendar_url": (
                f"/calendar/villages/{village}.ics"
                if village
                else f"/calendar/towns/{town}.ics"
                if town
                else f"/calendar/venues/{venue_id}.ics"
                if venue_id
                else None
            ),
        },
    )


@router.get("/privacy")
async def privacy(request: Request):
    return render(request, "notice_board/privacy.html", {"title": "隐私说明"})
