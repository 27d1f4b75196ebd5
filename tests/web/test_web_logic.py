"""Pure logic of the web app (no browser, no platform): where sign-in may lead, the zh-CN messages for API
problems, the check-in QR code, room terms, the session cookie format."""

from __future__ import annotations

import base64
import json

import itsdangerous
import pytest

from web.api import ApiProblem
from web.routes.account import safe_next
from web.routes.my import check_in_code
from web.routes.venues import room_terms
from web.session import encode_cookie


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/events/42", "/events/42"),
        ("/my/registrations?x=1", "/my/registrations?x=1"),
        (None, "/"),
        ("", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("events", "/"),
    ],
)
def test_sign_in_leads_only_to_a_page_of_this_site(target, expected):
    assert safe_next(target) == expected


def test_problems_become_friendly_chinese_messages_and_a_services_own_words_win():
    assert (
        ApiProblem(409, {"type": "urn:wenyun:problem:conflict", "detail_zh": "该时段已被预约"}).message_zh
        == "该时段已被预约"
    )
    assert (
        ApiProblem(503, {"type": "urn:wenyun:problem:service_unavailable"}).message_zh == "服务暂时不可用，请稍后再试。"
    )
    assert ApiProblem(403, {}).message_zh == "您没有权限执行此操作。"
    assert ApiProblem(418, {}).message_zh == "操作未能完成，请稍后再试。"
    assert ApiProblem(422, {"type": "urn:wenyun:problem:validation_failed"}).code == "validation_failed"


def test_the_check_in_code_is_an_inline_svg_carrying_the_registration():
    svg = str(check_in_code("reg-123"))
    assert svg.startswith("<svg") and "viewBox" in svg and "<title>签到二维码</title>" in svg


def test_a_reading_room_says_only_that_it_needs_no_booking():
    reading = {"no_booking_needed": True, "booking_policy": "public"}
    assert room_terms(reading) == "无需预约，开放时间内可直接使用"
    assert "预约须经审批" == room_terms({"no_booking_needed": False, "booking_policy": "approval_required"})


def test_the_session_cookie_is_signed_so_a_changed_cookie_is_refused():
    cookie = encode_cookie("key", {"access_token": "t"})
    payload = itsdangerous.TimestampSigner("key").unsign(cookie)
    assert json.loads(base64.b64decode(payload)) == {"access_token": "t"}
    with pytest.raises(itsdangerous.BadSignature):
        itsdangerous.TimestampSigner("other-key").unsign(cookie)
