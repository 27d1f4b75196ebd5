"""The organiser's console: a 送文化下乡 event at a village site with two volunteer roles, created and published
in the browser; an elderly resident registered at the desk on a kept-back place; people checked in by
ticking and by the code under their QR."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.browser.conftest import check_page, sign_in_as

ORGANISER = "organiser-console-1"
DISTRICT = ZoneInfo("Asia/Shanghai")


def test_organiser_creates_publishes_registers_at_the_desk_and_checks_in(context, page, web_platform):
    sign_in_as(context, web_platform, "organiser", sub=ORGANISER, name="嘉平镇文化站 刘老师", scopes=["town:嘉平镇"])
    page.goto("/console")
    check_page(page, "console-home")
    page.get_by_role("link", name="新建活动").first.click()
    check_page(page, "console-event-new")

    day = (date.today() + timedelta(days=9)).isoformat()
    page.get_by_label("活动名称").fill("送文化下乡·石门村川剧专场")
    page.get_by_label("活动类型").select_option(label="送文化下乡")
    page.get_by_label("老年人").check()
    page.get_by_label("日期").fill(day)
    page.get_by_label("开始", exact=True).fill("14:30")
    page.get_by_label("结束", exact=True).fill("16:30")
    page.get_by_label("村（社区）户外场地（送文化下乡等）").check()
    page.get_by_label("场地名称").fill("石门村文化广场")
    page.get_by_label("所在村（社区）").fill("石门村")
    page.get_by_label("所在镇（街道）").fill("嘉平镇")
    page.get_by_label("纬度").fill("29.0461")
    page.get_by_label("经度").fill("106.2532")
    page.get_by_label("名额（不填：无需预约）").fill("30")
    page.get_by_label("其中预留名额（电话、现场登记、代为预约）").fill("5")
    page.get_by_label("岗位 1", exact=True).fill("引导员")
    page.get_by_label("岗位 1 人数").fill("2")
    page.get_by_label("岗位 2", exact=True).fill("摄影")
    page.get_by_label("岗位 2 人数").fill("1")
    page.get_by_role("button", name="保存草稿").click()

    expect(page.get_by_role("heading", level=1, name="送文化下乡·石门村川剧专场")).to_be_visible()
    expect(page.get_by_text("草稿", exact=True)).to_be_visible()
    event_id = re.search(r"/console/events/([^/#?]+)", page.url).group(1)
    page.get_by_role("button", name="发布活动").click()
    expect(page.get_by_text("活动已发布")).to_be_visible()
    event = web_platform.client().get(f"/api/v1/events/{event_id}").json()
    assert event["status"] == "published" and event["place_kind"] == "outdoor" and event["village"] == "石门村"
    assert [(n["role"], n["count"]) for n in event["volunteer_needs"]] == [("引导员", 2), ("摄影", 1)]
    assert event["kind"] == "mobile_performance" and "elderly" in event["target_groups"]

    # Edited after publishing: the details change; time and place stay for 改期 (registrants are told).
    page.get_by_role("link", name="修改活动信息").click()
    expect(page.get_by_label("日期")).to_have_count(0)
    check_page(page, "console-event-edit")
    page.get_by_label("活动介绍").fill("江津区川剧团折子戏，适合老年朋友。")
    page.get_by_role("button", name="保存修改").click()
    expect(page.get_by_text("活动信息已保存。")).to_be_visible()
    assert web_platform.client().get(f"/api/v1/events/{event_id}").json()["description"].startswith("江津区川剧团")

    # An elderly resident at the desk gets a kept-back place.
    page.get_by_label("姓名").fill("王秀英")
    page.get_by_label("联系电话（可选，用于通知）").fill("13800001234")
    page.get_by_label("人数（含陪同）").fill("2")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_text("已为王秀英登记 2 个名额（使用预留名额）")).to_be_visible()
    # A resident who booked online shows their QR code's number at the door.
    with web_platform.client("resident", sub="resident-console-1", name="陈明") as resident:
        online = resident.post(f"/api/v1/events/{event_id}/registrations", json={"party_size": 1})
        assert online.status_code == 201, online.text
    page.reload()
    expect(page.get_by_role("heading", name="志愿者派单")).to_be_visible()
    check_page(page, "console-event")

    # The troupe can come today instead: rescheduled to start soon, so check-in (an hour before) is open.
    soon = datetime.now(DISTRICT).replace(second=0, microsecond=0) + timedelta(minutes=20)
    if soon.hour == 23 and soon.minute > 30:
        soon = (soon + timedelta(days=1)).replace(hour=0, minute=10)
    page.get_by_label("新日期").fill(soon.date().isoformat())
    page.get_by_label("开始", exact=True).fill(soon.strftime("%H:%M"))
    page.get_by_label("结束", exact=True).fill((soon + timedelta(minutes=25)).strftime("%H:%M"))
    page.get_by_label("改期原因").fill("剧团档期调整")
    page.get_by_role("button", name="改期").click()
    expect(page.get_by_text("活动已改期")).to_be_visible()

    page.get_by_role("button", name="王秀英签到").click()
    expect(page.get_by_text("王秀英已签到。")).to_be_visible()
    page.get_by_label("签到码（扫描群众的二维码或手工输入）").fill(
        f"WENYUN-REG:{online.json()['id']}"
    )  # as a scanner types it
    page.get_by_role("button", name="签到", exact=True).first.click()
    expect(page.locator(".flash")).to_have_text(re.compile("(陈明|该预约)已签到。"))
    registrations = (
        web_platform.client("organiser", sub=ORGANISER).get(f"/api/v1/events/{event_id}/registrations").json()
    )
    desk = next(r for r in registrations if r["person_name"] == "王秀英")
    assert desk["status"] == "checked_in" and desk["kept_back_places"] == 2 and desk["channel"] == "desk"
    assert next(r for r in registrations if r["person_id"] == "resident-console-1")["status"] == "checked_in"
    page.goto("/console/events")
    expect(page.get_by_role("link", name="送文化下乡·石门村川剧专场")).to_be_visible()
    check_page(page, "console-events")


def test_organiser_keeps_the_menu_and_answers_village_orders(context, page, web_platform):
    sign_in_as(context, web_platform, "organiser", sub=ORGANISER, name="嘉平镇文化站 刘老师")
    page.goto("/console/offerings")
    page.get_by_label("名称").fill("川剧折子戏专场")
    page.get_by_label("类型").select_option(label="送文化下乡")
    page.get_by_label("提供方（剧团、讲师等）").fill("江津区川剧团")
    page.get_by_label("时长（分钟）").fill("90")
    page.get_by_label("老年人").check()
    page.get_by_role("button", name="加入菜单").click()
    expect(page.get_by_text("「川剧折子戏专场」已加入菜单。")).to_be_visible()
    check_page(page, "console-offerings")

    api = web_platform.client()
    offering_id = next(o["id"] for o in api.get("/api/v1/offerings").json() if o["title"] == "川剧折子戏专场")
    venue_id = next(v["id"] for v in api.get("/api/v1/venues").json() if v["name"] == "嘉平镇文化服务中心")
    earliest, latest = date.today() + timedelta(days=10), date.today() + timedelta(days=20)
    with web_platform.client("venue_manager", sub="manager-console-2", scopes=[f"venue:{venue_id}"]) as manager:
        for note in ("重阳节前后", "农闲时节"):
            placed = manager.post(
                "/api/v1/orders",
                json={
                    "offering_id": offering_id,
                    "venue_id": venue_id,
                    "earliest": earliest.isoformat(),
                    "latest": latest.isoformat(),
                    "note": note,
                },
            )
            assert placed.status_code == 201, placed.text
    page.goto("/console/orders")
    first, second = (page.locator("section").filter(has_text=note) for note in ("重阳节前后", "农闲时节"))
    check_page(page, "console-orders")
    second.get_by_label("婉拒原因").fill("剧团本月档期已满")
    second.get_by_role("button", name="婉拒").click()
    expect(page.get_by_text("已婉拒该点单")).to_be_visible()
    first = page.locator("section").filter(has_text="重阳节前后")
    first.get_by_label("日期").fill((earliest + timedelta(days=2)).isoformat())
    first.get_by_label("开始时间").fill("15:00")
    first.get_by_label("名额（可不填）").fill("80")
    first.get_by_label("预留名额").fill("10")
    first.get_by_role("button", name="排期并发布").click()
    expect(page.get_by_text("排期「川剧折子戏专场」并发布活动")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name="川剧折子戏专场")).to_be_visible()
    expect(page.get_by_text("已发布", exact=True)).to_be_visible()
    orders = {o["note"]: o for o in web_platform.client("organiser", sub=ORGANISER).get("/api/v1/orders").json()}
    assert orders["农闲时节"]["status"] == "declined" and orders["农闲时节"]["decline_reason"] == "剧团本月档期已满"
    assert orders["重阳节前后"]["status"] == "scheduled" and orders["重阳节前后"]["event_id"]
