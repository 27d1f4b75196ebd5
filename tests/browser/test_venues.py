"""A venue's page in the browser: hours today, rooms (a reading room needs no booking, and says only that),
the 公示, and booking a room with the reason shown when a slot is refused."""

from __future__ import annotations

from datetime import date

from tests.browser.conftest import check_page, sign_in_as
from tests.system.test_events_support import ok


def test_a_resident_sees_hours_and_rooms_and_books_a_room(context, page, web_platform):
    venue_id = web_platform.seeded["venue_id"]
    with web_platform.client() as public:
        notice = ok(public.get(f"/api/v1/venues/{venue_id}/notice"))
    sign_in_as(context, web_platform, "resident", sub="resident-venue", name="陈老师")
    page.goto(f"/venues/{venue_id}")
    assert page.locator("#today").inner_text().startswith("今天：")
    assert "对公众开放预约，无需预约" not in page.content()
    check_page(page, "venue")

    bookable = next(
        r
        for r in notice["rooms"]
        if not r["no_booking_needed"] and r["booking_policy"] == "public" and r["status"] == "open"
    )
    later_open = [d for d in notice["this_week"] if d["intervals"] and d["date"] > date.today().isoformat()]
    page.get_by_label("功能室").select_option(bookable["id"])
    page.get_by_label("日期").fill((later_open[0] if later_open else notice["this_week"][-1])["date"])
    page.get_by_label("开始时间").fill("03:00")
    page.get_by_label("结束时间").fill("04:00")
    page.get_by_label("人数").fill("2")
    page.get_by_role("button", name="提交预约").click()
    refusal = page.locator("#booking-error").inner_text()
    assert refusal.startswith("未能预约：") and len(refusal) > len("未能预约：") + 4
    check_page(page, "venue-booking-refused")

    if later_open:  # a slot inside the opening hours is taken (or waits for approval)
        first = later_open[0]["intervals"][0].replace(" ", "")
        opens = first.split("-")[0].zfill(5)
        hour = int(opens[:2]) + 1
        page.get_by_label("开始时间").fill(f"{hour:02d}:00")
        page.get_by_label("结束时间").fill(f"{hour + 1:02d}:00")
        page.get_by_role("button", name="提交预约").click()
        assert page.get_by_text(bookable["name"] + "：").first.is_visible()


def test_the_notice_page(page, web_platform):
    page.goto(f"/venues/{web_platform.seeded['venue_id']}/notice")
    assert page.get_by_role("heading", level=1).inner_text().endswith("· 公示")
    check_page(page, "venue-notice")
