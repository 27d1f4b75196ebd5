"""/venues/{id}/notice — the public notice (公示) as a plain page that reads well on a phone."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from contracts.errors import NotFound
from gateway.calls import call
from gateway.pages import page, text

router = APIRouter(tags=["pages"])
POLICY_ZH = {"public": "对公众开放预约", "organisations_only": "仅对单位、团体开放", "approval_required": "预约须经审批"}
WEEKDAY_ZH = {"Monday": "周一", "Tuesday": "周二", "Wednesday": "周三", "Thursday": "周四", "Friday": "周五",
              "Saturday": "周六", "Sunday": "周日"}


def _day_row(day: dict) -> str:
    hours = "、".join(day["intervals"]) or "闭馆"
    note = day.get("note") or (day.get("holiday_name_zh") and f"法定节假日（{day['holiday_name_zh']}）") or ""
    return (f"<tr><td>{text(day['date'][5:])} {text(WEEKDAY_ZH.get(day['weekday'], ''))}</td>"
            f"<td>{text(hours)}</td><td class=\"muted\">{text(note)}</td></tr>")


def _room_card(room: dict) -> str:
    facts = [f"面积{room['area_m2']:g}平方米" if room.get("area_m2") else "", f"可容纳{room['capacity']}人",
             POLICY_ZH.get(room["booking_policy"], ""), "无需预约" if room.get("no_booking_needed") else ""]
    closed = '<strong>（暂停开放）</strong>' if room["status"] == "closed" else ""
    lines = [f"<strong>{text(room['name'])}</strong>{closed}",
             f"<div class=\"muted\">{text('，'.join(f for f in facts if f))}</div>"]
    if room.get("equipment"):
        lines.append(f"<div>设施：{text('、'.join(room['equipment']))}</div>")
    if room.get("purpose"):
        lines.append(f"<div>{text(room['purpose'])}</div>")
    if room.get("staff_on_duty"):
        lines.append(f"<div>值班人员：{text('、'.join(room['staff_on_duty']))}</div>")
    return f"<div class=\"card\">{''.join(lines)}</div>"


@router.get("/venues/{venue_id}/notice", response_class=HTMLResponse, include_in_schema=False)
async def notice_page(venue_id: str, request: Request):
    try:
        notice = await call(request, "venues", "public_notice", venue_id=venue_id)
    except NotFound:
        return page("未找到该场馆", "<p>该场馆不存在或已撤销。</p>", status_code=404)
    closures = "".join(f"<div class=\"notice\">{text(c['notice_zh'])}</div>" for c in notice["closures"])
    body = [
        closures,
        f"<p>{text(notice['address'])}" + (f" · 电话 {text(notice['contact_phone'])}" if notice.get("contact_phone")
                                             else "") + "</p>",
        f"<h2>开放时间</h2><p>{text(notice['hours_notice_zh'])}</p>",
        f"<table><tr><th>本周（{text(notice['week'])}）</th><th>开放</th><th></th></tr>"
        + "".join(_day_row(day) for day in notice["this_week"]) + "</table>",
        "<h2>功能室</h2>" + "".join(_room_card(room) for room in notice["rooms"]),
        "<h2>服务项目</h2><ul>" + "".join(f"<li>{text(item)}</li>" for item in notice["services"]) + "</ul>",
    ]
    return page(f"{notice['name']} · 公示", "".join(body))
