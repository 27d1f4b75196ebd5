"""The venue manager's console: weekly hours that break the standard are judged (and why) before saving;
closing a room shows the bookings it will cancel before confirming, and afterwards what it cancelled."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.browser.conftest import check_page, sign_in_as

DISTRICT = ZoneInfo("Asia/Shanghai")
JIAPING = "嘉平镇文化服务中心"


def test_manager_sees_the_hours_verdict_before_saving_and_what_a_closure_cancels(context, page, web_platform):
    api = web_platform.client()
    venue_id = next(v["id"] for v in api.get("/api/v1/venues").json() if v["name"] == JIAPING)
    sign_in_as(
        context, web_platform, "venue_manager", sub="manager-console-1", name="程必群", scopes=[f"venue:{venue_id}"]
    )
    page.goto("/console")
    page.get_by_role("link", name="我管理的场馆").click()
    check_page(page, "console-venues")
    page.get_by_role("link", name=JIAPING).click()
    expect(page.get_by_role("heading", level=1, name=JIAPING)).to_be_visible()

    # A room of its own for this test (the seeded rooms stay as the other tests expect them).
    page.get_by_label("名称", exact=True).fill("临时排练室")
    page.get_by_label("容量（人）").fill("20")
    page.get_by_role("button", name="添加", exact=True).click()
    expect(page.get_by_text("已添加活动室「临时排练室」")).to_be_visible()
    check_page(page, "console-venue")

    # Hours that break the standard: the verdict and the reasons come before anything is saved.
    page.get_by_role("link", name="开放时间与特殊安排").click()
    for day in ("周一", "周二", "周三", "周四", "周五"):
        page.get_by_label(day, exact=True).fill("09:00-11:00")
    for day in ("周六", "周日"):
        page.get_by_label(day, exact=True).fill("")
    # As they edit, the verdict follows (a few lines of JS); without JS the button asks the same.
    expect(page.locator("#preview-area").get_by_text("低于每周42小时的标准")).to_be_visible()
    page.get_by_role("button", name="检查是否达标").click()
    expect(page.get_by_role("heading", name="不符合开放标准（尚未保存）")).to_be_visible()
    expect(page.get_by_text("低于每周42小时的标准")).to_be_visible()
    expect(page.get_by_text("双休日应照常开放")).to_be_visible()
    expect(page.get_by_text("开放不足4小时")).to_be_visible()
    expect(page.get_by_role("button", name="确认保存")).to_be_visible()
    check_page(page, "console-hours-preview")
    assert api.get(f"/api/v1/venues/{venue_id}/hours").json()["weekly_open_hours"] == 45  # nothing saved

    # A resident's booking of the room, then the room closes for repairs.
    room_id = next(r["id"] for r in api.get(f"/api/v1/venues/{venue_id}/rooms").json() if r["name"] == "临时排练室")
    day = (datetime.now(DISTRICT) + timedelta(days=2)).date()
    with web_platform.client("resident", sub="resident-console-2", name="赵丽") as resident:
        booking = resident.post(
            "/api/v1/bookings",
            json={
                "room_id": room_id,
                "attendees": 8,
                "purpose": "合唱排练",
                "booker_name": "赵丽",
                "start": datetime(day.year, day.month, day.day, 10, 0, tzinfo=DISTRICT).isoformat(),
                "end": datetime(day.year, day.month, day.day, 11, 0, tzinfo=DISTRICT).isoformat(),
            },
        )
        assert booking.status_code == 201, booking.text
    page.goto(f"/console/venues/{venue_id}")
    page.get_by_role("link", name="闭馆：临时排练室").click()
    assert page.get_by_label("闭馆范围").input_value() == room_id
    page.get_by_label("预计恢复开放日期").fill((day + timedelta(days=3)).isoformat())
    page.get_by_label("原因（公示给群众）").fill("屋顶漏水维修")
    page.get_by_role("button", name="查看将取消的预约").click()
    expect(page.get_by_role("heading", name="确认前请查看：将取消 1 个预约")).to_be_visible()
    expect(page.get_by_role("cell", name="赵丽 · 合唱排练")).to_be_visible()
    check_page(page, "console-closure-preview")
    assert api.get(f"/api/v1/venues/{venue_id}/closures").json() == []  # not closed yet
    page.get_by_role("button", name="确认闭馆").click()
    expect(page.get_by_text("已闭馆，取消了 1 个预约。")).to_be_visible()
    expect(page.get_by_role("heading", name="已取消的预约（1）")).to_be_visible()
    expect(page.get_by_text("赵丽（合唱排练）")).to_be_visible()
    check_page(page, "console-closure")
    with web_platform.client("resident", sub="resident-console-2") as resident:
        assert resident.get(f"/api/v1/bookings/{booking.json()['id']}").json()["status"] == "cancelled"

    for path, name in (
        (f"/console/venues/{venue_id}/bookings", "console-bookings"),
        (f"/console/venues/{venue_id}/registers", "console-registers"),
    ):
        page.goto(path)
        check_page(page, name)
    page.get_by_label("一般群众").fill("12")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_text("已登记到馆 12 人次。")).to_be_visible()
