"""Residents in a real browser: sign in with a phone code, find an event on the notice board, register a party
of two, see the waitlist position, get promoted when someone cancels, cancel; the same without JavaScript;
and every resident page passes axe at both sizes."""

from __future__ import annotations

import json
import re
import time
import uuid
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_page, sign_in_as
from tests.system.test_events_support import SHIMEN_SITE, in_days, ok, organiser, published_event


@pytest.fixture(scope="module")
def events(web_platform):
    """Three events at 石门村: a small one that fills up, one with room, one with no registration needed."""
    common = dict(site=SHIMEN_SITE, kind="mobile_performance", organiser_name="江津区文化馆")
    small = published_event(
        web_platform,
        title="送文化下乡·川剧《白蛇传》",
        target_groups=["elderly"],
        start=in_days(10).isoformat(),
        end=in_days(10, 21).isoformat(),
        capacity=3,
        **common,
    )
    roomy = published_event(
        web_platform,
        title="石门村坝坝电影《我和我的家乡》",
        target_groups=["everyone"],
        start=in_days(11).isoformat(),
        end=in_days(11, 21).isoformat(),
        capacity=50,
        **{**common, "kind": "film_screening"},
    )
    open_to_all = published_event(
        web_platform,
        title="石门村广场舞交流",
        target_groups=["everyone"],
        start=in_days(12).isoformat(),
        end=in_days(12, 21).isoformat(),
        **{**common, "kind": "other"},
    )
    return {"small": small, "roomy": roomy, "open": open_to_all}


def resident_api(platform, sub: str) -> httpx.Client:
    return platform.client("resident", sub=sub, name="邻居")


def sms_code(platform, phone: str, timeout: float = 15) -> str:
    """The last code texted to `phone`, from the development SMS store."""
    store = platform.workdir / "var" / "sms-dev.jsonl"
    deadline = time.time() + timeout
    while time.time() < deadline:
        if store.exists():
            for line in reversed(store.read_text().splitlines()):
                message = json.loads(line)
                if phone in json.dumps(message, ensure_ascii=False):
                    found = re.search(r"(?<!\d)(\d{6})(?!\d)", message.get("text") or "")
                    if found:
                        return found.group(1)
        time.sleep(0.3)
    raise AssertionError(f"no code texted to {phone}")


def sign_in_with_code(page, platform, phone: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("手机号码").fill(phone)
    page.get_by_role("button", name="获取验证码").click()
    check_page(page, "sign-in-code")
    page.get_by_label("短信验证码").fill(sms_code(platform, phone))
    page.get_by_label("我已阅读并同意").check()
    page.get_by_role("button", name="登录", exact=True).click()
    assert page.get_by_text("登录成功").is_visible()


def test_a_resident_registers_a_party_of_two_waits_is_promoted_and_cancels(context, page, web_platform, events):
    small = events["small"]
    # Two of the three places are taken by a neighbour, so a party of two has to wait.
    with resident_api(web_platform, "neighbour-1") as neighbour:
        theirs = ok(neighbour.post(f"/api/v1/events/{small['id']}/registrations", json={"party_size": 2}), 201)

    sign_in_with_code(page, web_platform, "13900139001")

    page.goto("/notice-board")
    page.get_by_label("村（社区）").select_option("石门村")
    page.get_by_label("适合人群").select_option("elderly")
    page.get_by_role("button", name="筛选").click()
    assert page.get_by_role("link", name="石门村坝坝电影《我和我的家乡》").is_visible()  # for everyone, elderly too
    page.get_by_role("link", name="送文化下乡·川剧《白蛇传》").click()
    assert page.locator("#places").inner_text().startswith("剩余 1 个名额")
    assert page.get_by_role("link", name=re.compile("在地图上查看")).count() == 1
    check_page(page, "event")

    page.get_by_label("人数（含同行家人）").fill("2")
    page.get_by_role("button", name="预约", exact=True).click()
    assert page.get_by_text("候补第 1 位").first.is_visible()
    check_page(page, "event-waitlisted")

    # The neighbour cancels: the party of two is promoted at once.
    with resident_api(web_platform, "neighbour-1") as neighbour:
        ok(neighbour.post(f"/api/v1/registrations/{theirs['id']}/cancel"))
    page.get_by_role("link", name="我的预约").click()
    card = page.locator("li.card", has_text="送文化下乡·川剧《白蛇传》")
    assert card.get_by_text("已预约").is_visible()
    assert card.get_by_role("img", name=re.compile("签到二维码")).is_visible()
    check_page(page, "my-registrations")

    card.get_by_role("button", name="取消预约").click()
    assert page.get_by_text("已取消预约").is_visible()
    assert page.locator("li.card", has_text="送文化下乡·川剧《白蛇传》").get_by_text("已取消").is_visible()
    page.goto(f"/events/{small['id']}")
    assert page.locator("#places").inner_text().startswith("剩余 3 个名额")


def test_without_javascript_a_resident_finds_registers_and_cancels(make_context, web_platform, events):
    context = make_context(java_script_enabled=False)
    sign_in_as(context, web_platform, "resident", sub=f"resident-nojs-{uuid.uuid4().hex[:6]}", name="李大爷")
    page = context.new_page()
    page.goto("/notice-board")
    page.get_by_label("类型").select_option("film_screening")
    page.get_by_role("button", name="筛选").click()
    assert "kind=film_screening" in page.url
    page.get_by_role("link", name="石门村坝坝电影《我和我的家乡》").click()
    page.get_by_role("button", name="预约", exact=True).click()
    assert page.get_by_text("预约成功：1 人").is_visible()
    page.get_by_role("button", name=re.compile("取消.*预约")).click()
    assert page.get_by_text("已取消预约").is_visible()


def test_an_event_without_registration_says_so_and_offers_the_calendar(page, web_platform, events):
    page.goto(f"/events/{events['open']['id']}")
    assert page.locator("#places").inner_text() == "无需预约，欢迎直接参加"
    assert page.get_by_role("button", name="预约").count() == 0
    feed = page.get_by_role("link", name=re.compile("加入手机日历"))
    response = page.request.get(feed.get_attribute("href"))
    assert response.status == 200 and "BEGIN:VCALENDAR" in response.text() and "石门村广场舞交流" in response.text()
    check_page(page, "event-no-registration")


def test_inbox_and_dependants_pages(context, page, web_platform):
    sign_in_as(context, web_platform, "resident", sub="resident-pages", name="赵阿姨")
    page.goto("/my/inbox")
    assert page.get_by_role("heading", name="消息").is_visible()
    check_page(page, "inbox")
    page.goto("/my/dependants")
    check_page(page, "dependants")


def test_a_resident_reads_her_messages_one_and_then_all(context, page, web_platform):
    sub, title = f"resident-inbox-{uuid.uuid4().hex[:6]}", "嘉平镇书画展开幕式"
    exhibition = published_event(
        web_platform,
        title=title,
        kind="exhibition",
        site=SHIMEN_SITE,
        capacity=40,
        organiser_name="江津区文化馆",
        start=in_days(14, 10).isoformat(),
        end=in_days(14, 12).isoformat(),
    )
    with resident_api(web_platform, sub) as me:  # registered, then cancelled: two messages from notifications
        mine = ok(me.post(f"/api/v1/events/{exhibition['id']}/registrations", json={"party_size": 1}), 201)
        ok(me.post(f"/api/v1/registrations/{mine['id']}/cancel"))
        deadline = time.time() + 20
        while len(ok(me.get("/api/v1/inbox", params={"unread": True}))) < 2 and time.time() < deadline:
            time.sleep(0.3)

    sign_in_as(context, web_platform, "resident", sub=sub, name="邻居")
    page.goto("/my/inbox")
    confirmed = page.locator("li.card", has=page.get_by_role("heading", name=f"预约成功：「{title}」"))
    cancelled = page.locator("li.card", has=page.get_by_role("heading", name=f"预约已取消：「{title}」"))
    expect(confirmed.get_by_text("未读")).to_be_visible()
    expect(cancelled.get_by_text("未读")).to_be_visible()
    check_page(page, "inbox-unread")

    confirmed.get_by_role("button", name="标为已读").click()
    expect(confirmed.get_by_text("未读")).to_have_count(0)
    expect(confirmed.get_by_role("button", name="标为已读")).to_have_count(0)
    expect(cancelled.get_by_text("未读")).to_be_visible()  # only the one she read

    page.get_by_role("button", name="全部标为已读").click()
    expect(page.get_by_text("已将 1 条消息标为已读。")).to_be_visible()
    expect(page.locator("li.card").get_by_text("未读", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="全部标为已读")).to_have_count(0)  # nothing left to mark
    check_page(page, "inbox-read")
    with resident_api(web_platform, sub) as me:
        assert ok(me.get("/api/v1/inbox", params={"unread": True})) == []


def test_a_resident_adds_her_mother_and_registers_her_for_an_event(page, web_platform, events):
    sign_in_with_code(page, web_platform, "13900139002")
    page.goto("/my/dependants")
    page.get_by_label("姓名").fill("刘桂英")
    page.get_by_label("关系").fill("母亲")
    page.get_by_role("button", name="添加").click()
    assert page.get_by_text("已添加家人：刘桂英").is_visible()
    assert page.get_by_text("刘桂英（母亲）").is_visible()
    check_page(page, "dependants-added")

    page.goto(f"/events/{events['roomy']['id']}")
    page.get_by_label("为谁预约").select_option(label="刘桂英（母亲）")
    page.get_by_role("button", name="预约", exact=True).click()
    assert page.get_by_text("预约成功：1 人").is_visible()
    assert page.get_by_text("已预约：刘桂英，1 人").is_visible()
    page.get_by_role("link", name="我的预约").click()
    assert (
        page.locator("li.card", has_text="石门村坝坝电影《我和我的家乡》")
        .get_by_text("已预约：刘桂英，1 人")
        .is_visible()
    )


def test_after_attending_a_resident_rates_the_event(page, web_platform):
    sign_in_with_code(page, web_platform, "13900139003")
    start = datetime.now(timezone(timedelta(hours=8))) + timedelta(seconds=25)
    end = start + timedelta(seconds=3)
    talk = published_event(
        web_platform,
        title="书法讲座·颜体入门",
        kind="lecture",
        site=SHIMEN_SITE,
        capacity=10,
        organiser_name="江津区文化馆",
        start=start.isoformat(),
        end=end.isoformat(),
    )
    page.goto(f"/events/{talk['id']}")
    page.get_by_role("button", name="预约", exact=True).click()
    assert page.get_by_text("预约成功：1 人").is_visible()
    with organiser(web_platform) as desk:  # at the door: checked in; afterwards the event is completed
        [mine] = ok(desk.get(f"/api/v1/events/{talk['id']}/registrations"))
        ok(desk.post(f"/api/v1/registrations/{mine['id']}/check-in"))
        time.sleep(max(0.0, (end - datetime.now(timezone.utc)).total_seconds()) + 1)
        ok(desk.post(f"/api/v1/events/{talk['id']}/complete"))
    page.goto("/my/registrations")
    card = page.locator("li.card", has_text="书法讲座·颜体入门")
    assert card.get_by_text("已参加").is_visible()
    card.get_by_label("5 分").check()
    card.get_by_label("意见建议（可不填）").fill("讲得很好，希望多办")
    check_page(page, "my-registrations-attended")
    card.get_by_role("button", name="提交评价").click()
    assert page.get_by_text("感谢您的评价").is_visible()
    with web_platform.client() as public:
        assert ok(public.get(f"/api/v1/events/{talk['id']}/satisfaction"))["average"] == 5
