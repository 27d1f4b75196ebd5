"""Public feeds of the events: the notice board (公示栏, JSON and an HTML page) and iCalendar feeds
(RFC 5545) per venue, town and village that a phone calendar can subscribe to."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from contracts.events import NoticeBoard
from gateway.calls import call
from gateway.pages import page, text
from gateway.problems import problem_responses

router = APIRouter(tags=["notice board and calendars"])
ICS_MEDIA_TYPE = "text/calendar"
ICS_RESPONSE = {200: {"content": {ICS_MEDIA_TYPE: {"schema": {"type": "string"}}},
                      "description": "An iCalendar (RFC 5545) feed."}}


@router.get("/api/v1/notice-board", response_model=NoticeBoard, responses=problem_responses(503))
async def notice_board(request: Request, venue_id: str | None = None, town: str | None = None,
                       village: str | None = None):
    """Upcoming published events with item, time, place and organiser (seed 001), filtered by venue, town or
    village, and per centre the standing free activities against the standard of at least four; public."""
    return await call(request, "events", "notice_board", venue_id=venue_id, town=town, village=village)


@router.get("/notice-board", response_class=HTMLResponse, responses=problem_responses(503))
async def notice_board_page(request: Request, venue_id: str | None = None, town: str | None = None,
                            village: str | None = None):
    """The notice board as a plain page for residents (readable on a phone)."""
    board = await call(request, "events", "notice_board", venue_id=venue_id, town=town, village=village)
    where = village or town or (board["standing_free_activities"][0]["centre_name"]
                                if venue_id and board["standing_free_activities"] else None)
    title = f"{where} 文化活动公示" if where else "文化活动公示"
    rows = "".join(
        f"<tr><td>{text(e['item'])}<br><span class='muted'>{text(e['kind'] or '')}"
        f"{(' · ' + text('、'.join(e['target_groups']))) if e['target_groups'] else ''}"
        f"{' · 免费' if e['free'] else ''}</span></td>"
        f"<td>{text(e['time'])}</td><td>{text(e['place'])}</td><td>{text(e['organiser'])}</td></tr>"
        for e in board["entries"])
    body = ("<table><thead><tr><th>项目</th><th>时间</th><th>地点</th><th>组织者</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>") if rows else "<p>近期暂无活动。</p>"
    standing = "".join(
        f"<div class='card'><strong>{text(s['centre_name'])}</strong>：常设免费活动 {s['count']} 项"
        f"（标准 ≥{s['required']} 项，{'达标' if s['meets_standard'] else '未达标'}）"
        f"{('<br><span class=muted>' + text('、'.join(s['items'])) + '</span>') if s['items'] else ''}</div>"
        for s in board["standing_free_activities"])
    if standing:
        body += f"<h2>常设免费活动</h2>{standing}"
    return page(title, body)


async def _ics(request: Request, scope: str, key: str) -> Response:
    content = await call(request, "events", "calendar_feed", scope=scope, key=key)
    return Response(content.encode("utf-8"), media_type=f"{ICS_MEDIA_TYPE}; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=300"})


@router.get("/calendar/venues/{venue_id}.ics", response_class=Response,
            responses={**ICS_RESPONSE, **problem_responses(503)})
async def venue_calendar(venue_id: str, request: Request):
    """Subscribe to a venue's events (published, and cancelled ones as CANCELLED)."""
    return await _ics(request, "venue", venue_id)


@router.get("/calendar/towns/{town}.ics", response_class=Response, responses={**ICS_RESPONSE, **problem_responses(503)})
async def town_calendar(town: str, request: Request):
    """Subscribe to the events in a town (e.g. /calendar/towns/嘉平镇.ics)."""
    return await _ics(request, "town", town)


@router.get("/calendar/villages/{village}.ics", response_class=Response,
            responses={**ICS_RESPONSE, **problem_responses(503)})
async def village_calendar(village: str, request: Request):
    """Subscribe to the events in a village."""
    return await _ics(request, "village", village)
