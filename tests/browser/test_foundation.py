"""The foundation every page stands on: layout, sign-in pages, the session cookie, CSRF, error pages."""

from __future__ import annotations

import base64
import json

import httpx
import itsdangerous

from tests.browser.conftest import check_page, sign_in_as
from web.session import encode_cookie


def test_notice_board_and_sign_in_pages_are_accessible(page, web_platform):
    page.goto("/")
    assert page.url.endswith("/notice-board")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("main").count() == 1
    check_page(page, "notice-board")
    page.get_by_role("link", name="登录").click()
    check_page(page, "sign-in")
    page.get_by_role("link", name="用户名和密码登录").click()
    check_page(page, "sign-in-password")


def test_session_cookie_is_http_only_and_forms_need_the_csrf_token(context, page, web_platform):
    sign_in_as(context, web_platform, "resident", sub="resident-foundation", name="林小雨")
    page.goto("/notice-board")
    assert page.locator("header").get_by_text("林小雨").is_visible()
    cookie = next(c for c in context.cookies() if c["name"] == "wenyun_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    # A form posted from elsewhere (no CSRF token) changes nothing.
    forged = httpx.post(
        f"{web_platform.web_url}/sign-out", cookies={"wenyun_session": cookie["value"]}, follow_redirects=False
    )
    assert forged.status_code == 403
    page.goto("/notice-board")
    assert page.locator("header").get_by_text("林小雨").is_visible()
    page.get_by_role("button", name="退出").click()
    assert page.locator("header").get_by_role("link", name="登录").is_visible()


def test_an_unknown_page_is_a_friendly_404(page, web_platform):
    response = page.goto("/no-such-page")
    assert response.status == 404
    assert page.get_by_role("heading", name="页面不存在").is_visible()
    check_page(page, "not-found")


def test_a_resident_who_opens_the_console_is_told_it_is_for_staff(context, page, web_platform):
    sign_in_as(context, web_platform, "resident", sub="resident-foundation-2", name="林小雨")
    response = page.goto("/console")
    assert response.status == 403
    assert page.get_by_role("alert").inner_text() == "工作台仅供活动组织者、场馆管理员和管理员使用。"
    check_page(page, "forbidden")


def test_the_privacy_notice_is_accessible(page, web_platform):
    page.goto("/privacy")  # linked from the sign-in code step (「我已阅读并同意隐私说明」)
    assert page.get_by_role("heading", level=1).is_visible()
    check_page(page, "privacy")


def test_the_gateways_old_pages_lead_to_the_web_app_and_the_api_docs_say_their_language(page, web_platform):
    page.goto(f"{web_platform.base_url}/notice-board?village=石门村")
    assert page.url.startswith(f"{web_platform.web_url}/notice-board?village=")
    assert page.get_by_role("heading", level=1).inner_text() == "石门村 文化活动公示"
    page.goto(f"{web_platform.base_url}/venues/{web_platform.seeded['venue_id']}/notice")
    assert page.url == f"{web_platform.web_url}/venues/{web_platform.seeded['venue_id']}/notice"
    page.goto(f"{web_platform.base_url}/docs")
    assert page.locator("html").get_attribute("lang") == "en"


def test_an_expired_access_token_is_refreshed_from_the_session(context, page, web_platform):
    from tests.browser.test_residents import sign_in_with_code

    sign_in_with_code(page, web_platform, "13900139009")
    cookie = next(c for c in context.cookies() if c["name"] == "wenyun_session")
    signer = itsdangerous.TimestampSigner(web_platform.web_session_key)
    data = json.loads(base64.b64decode(signer.unsign(cookie["value"])))
    assert data["refresh_token"] and data["account"]["role"] == "resident"
    # The access token has run out (as after 15 minutes): the next page refreshes it with the refresh token.
    context.add_cookies([{**cookie, "value": encode_cookie(web_platform.web_session_key, {**data, "expires_at": 0})}])
    page.goto("/my/registrations")
    assert page.get_by_role("heading", name="我的预约").is_visible()
    renewed = json.loads(
        base64.b64decode(signer.unsign(next(c for c in context.cookies() if c["name"] == "wenyun_session")["value"]))
    )
    assert renewed["access_token"] != data["access_token"] and renewed["refresh_token"] != data["refresh_token"]
    assert renewed["expires_at"] > 0
