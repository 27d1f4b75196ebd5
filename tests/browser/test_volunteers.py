"""Volunteers in a real browser: apply through the page; accept an offer from the page the SMS links to;
see the duty, hours, training and 星级 on their page."""

from __future__ import annotations

import json
import re
import time

from tests.browser.conftest import check_page, sign_in_as
from tests.system.test_events_support import in_days, ok, published_event

SITE = {
    "name": "石门村晒坝",
    "village": "石门村",
    "town": "嘉平镇",
    "address": "嘉平镇石门村村委会旁",
    "coordinates": {"lat": 29.07, "lon": 106.21},
}
EVERY_DAY = [
    {"day": d, "start": "08:00", "end": "22:00"}
    for d in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
]


def texted_link(platform, phone: str, timeout: float = 30) -> str:
    """The accept link of the last offer texted to `phone` (development SMS store)."""
    store = platform.workdir / "var" / "sms-dev.jsonl"
    deadline = time.time() + timeout
    while time.time() < deadline:
        if store.exists():
            for line in reversed(store.read_text().splitlines()):
                sms = json.loads(line)
                found = re.search(r"接受：(\S+)", sms["text"]) if sms["phone"].endswith(phone) else None
                if found:
                    return found.group(1)
        time.sleep(0.5)
    raise AssertionError(f"no offer texted to {phone}")


def test_a_person_applies_to_volunteer_through_the_page(context, page, web_platform):
    sign_in_as(context, web_platform, "resident", sub="applicant-1", name="周志远")
    page.goto("/volunteer")
    assert page.get_by_role("heading", name="申请成为文化志愿者").is_visible()
    check_page(page, "volunteer-apply")
    page.get_by_label("姓名").fill("周志远")
    page.get_by_label("手机号码").fill("13700137001")
    page.get_by_label("周六", exact=True).check()
    page.get_by_label("短信").check()
    page.get_by_role("button", name="提交申请").click()
    assert page.get_by_text("申请已提交").is_visible()
    assert "审核中" in page.locator("main").inner_text()
    page.get_by_role("link", name=re.compile("修改资料")).click()
    check_page(page, "volunteer-profile")


def test_a_volunteer_accepts_an_offer_from_the_page_their_sms_links_to(context, page, web_platform):
    phone = "13700137002"
    with web_platform.client("volunteer", sub="vol-sound-1", name="钱师傅") as me:
        ok(
            me.post(
                "/api/v1/volunteers",
                json={
                    "name": "钱师傅",
                    "phone": phone,
                    "channels": ["sms", "inbox"],
                    "skills": ["sound"],
                    "availability": EVERY_DAY,
                    "village": "石门村",
                    "coordinates": {"lat": 29.08, "lon": 106.21},
                },
            ),
            201,
        )
    with web_platform.client("admin") as admin:
        ok(admin.post("/api/v1/volunteers/vol-sound-1/review", json={"decision": "approve"}))
    event = published_event(
        web_platform,
        title="送文化下乡·石门村专场",
        kind="mobile_performance",
        site=SITE,
        organiser_name="江津区文化馆",
        start=in_days(6, 14).isoformat(),
        end=in_days(6, 17).isoformat(),
        volunteer_needs=[{"role": "音响", "count": 1, "skills": ["sound"]}],
    )

    link = texted_link(web_platform, phone)
    assert link.startswith(web_platform.base_url + "/offers/")  # the gateway's link sends browsers on
    page.goto(link)
    assert page.url.startswith(web_platform.web_url + "/offers/")
    assert page.get_by_text("送文化下乡·石门村专场").is_visible()
    check_page(page, "offer")
    page.get_by_role("button", name="确认接受").click()
    assert page.get_by_text("已接受，谢谢您").is_visible()
    check_page(page, "offer-answered")

    # A second offer arrives; signed in, the volunteer declines it on their own page.
    published_event(
        web_platform,
        title="重阳敬老演出·石门村",
        kind="festival",
        site=SITE,
        organiser_name="江津区文化馆",
        start=in_days(8, 14).isoformat(),
        end=in_days(8, 17).isoformat(),
        volunteer_needs=[{"role": "音响", "count": 1, "skills": ["sound"]}],
    )
    sign_in_as(context, web_platform, "volunteer", sub="vol-sound-1", name="钱师傅")
    deadline = time.time() + 30
    while time.time() < deadline:
        page.goto("/volunteer")
        if page.locator("li.card", has_text="重阳敬老演出·石门村").count():
            break
        time.sleep(1)
    duties = page.locator("li.card", has_text="送文化下乡·石门村专场")
    assert duties.count() == 1 and event["title"] in duties.inner_text()
    assert page.get_by_text("累计服务").is_visible()
    check_page(page, "volunteer-home")
    page.locator("li.card", has_text="重阳敬老演出·石门村").get_by_role("button", name="婉拒「音响」").click()
    assert page.get_by_text("已婉拒，感谢您及时告知").is_visible()
    assert page.locator("li.card", has_text="重阳敬老演出·石门村").count() == 0
