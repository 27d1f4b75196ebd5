import pytest

from services.notifications.domain.messages import (
    SILENT_EVENT_TYPES,
    Audience,
    Message,
    audiences_for,
    wants_english,
)
from services.notifications.texts import render

EVENT_TYPES = [
    "venue.registered", "venue.closed", "venue.reopened",
    "booking.requested", "booking.confirmed", "booking.rejected", "booking.cancelled",
    "event.published", "event.rescheduled", "event.cancelled", "event.completed",
    "registration.confirmed", "registration.waitlisted", "registration.promoted", "registration.cancelled",
    "order.placed", "order.scheduled", "order.declined",
    "feedback.received",
    "volunteer.applied", "volunteer.approved",
    "dispatch.requested", "dispatch.offered", "dispatch.accepted", "dispatch.declined",
    "dispatch.expired", "dispatch.filled", "dispatch.unfilled", "dispatch.withdrawn",
    "hours.credited",
    "registration.rescheduled", "booking.rescheduled", "event.displaced",
    "volunteer.rejected", "volunteer.suspended", "volunteer.retired",
    "booking.no_show",
]  # fmt: skip

FULL_DATA = {
    "venue_name": "嘉平镇文化站",
    "room_name": "多功能厅",
    "reason": "设备检修",
    "expected_reopening": "2025-11-30T09:00:00+08:00",
    "start": "2025-11-24T07:00:00Z",  # 15:00 in Shanghai
    "end": "2025-11-24T09:00:00Z",
    "previous_start": "2025-11-23T15:00:00+08:00",
    "event_title": "重阳节文艺汇演",
    "place": "嘉平镇文化站多功能厅",
    "organiser": "江津区文化馆",
    "position": 3,
    "accept_url": "https://wy.example.cn/o/Xk3p9Q/accept",
    "decline_url": "https://wy.example.cn/o/Xk3p9Q/decline",
    "deadline": "2025-11-22T18:00:00+08:00",
    "role": "舞台协助",
    "hours": 3.5,
    "shortfall": 2,
}


def all_template_keys():
    return [(t, a) for t in EVENT_TYPES for a in audiences_for(t)]


def test_every_listed_type_has_a_message_unless_deliberately_silent():
    for event_type in EVENT_TYPES:
        message = render(event_type, FULL_DATA)
        if event_type in SILENT_EVENT_TYPES:
            assert message is None, event_type
        else:
            assert isinstance(message, Message), event_type


def test_unknown_types_and_audiences_get_no_message():
    assert render("venue.painted", FULL_DATA) is None
    assert audiences_for("venue.painted") == ()
    assert render("booking.confirmed", FULL_DATA, audience=Audience.VOLUNTEER) is None
    assert render("booking.confirmed", FULL_DATA, audience="nobody") is None


@pytest.mark.parametrize("language", ["zh-CN", "en"])
@pytest.mark.parametrize("data", [FULL_DATA, {}, {"start": "not a date", "hours": None}], ids=["full", "empty", "junk"])
def test_every_template_fills_cleanly(language, data):
    for event_type, audience in all_template_keys():
        message = render(event_type, data, language, audience)
        assert message is not None, (event_type, audience, language)
        for text in (message.subject, message.body, message.sms_text):
            assert text and text == text.strip()
            for leftover in ("{", "}", "[", "]", "None", "  "):
                assert leftover not in text, (event_type, audience, text)


def test_zh_sms_fits_one_segment_except_offers_with_links():
    for event_type, audience in all_template_keys():
        sms = render(event_type, FULL_DATA, "zh-CN", audience).sms_text
        if event_type != "dispatch.offered":
            assert len(sms) <= 70, (event_type, audience, len(sms), sms)


def test_closure_tells_what_when_why_and_until_when():
    message = render("venue.closed", FULL_DATA)
    assert message.sms_text == (
        "嘉平镇文化站多功能厅自11月24日 15:00起暂停开放，原因：设备检修，预计11月30日 09:00恢复开放。"
    )
    assert "嘉平镇文化站多功能厅" in message.subject
    assert "预计11月30日 09:00恢复开放" in message.body


def test_closure_without_expected_reopening_says_it_will_be_announced():
    message = render("venue.closed", {"venue_name": "嘉平镇文化站", "reason": "暴雨"})
    assert message.sms_text == "嘉平镇文化站暂停开放，原因：暴雨，恢复开放时间另行通知。"


def test_times_are_shown_in_shanghai_and_naive_times_are_local():
    utc = render("registration.confirmed", {"event_title": "讲座", "start": "2025-11-24T07:00:00+00:00"})
    naive = render("registration.confirmed", {"event_title": "讲座", "start": "2025-11-24T15:00:00"})
    assert "11月24日 15:00" in utc.sms_text
    assert utc.sms_text == naive.sms_text


def test_time_ranges_same_day_and_across_days():
    same_day = render("booking.confirmed", {"start": "2025-11-24T15:00:00+08:00", "end": "2025-11-24T17:30:00+08:00"})
    assert "11月24日 15:00-17:30" in same_day.sms_text
    two_days = render("booking.confirmed", {"start": "2025-11-24T15:00:00+08:00", "end": "2025-11-25T12:00:00+08:00"})
    assert "11月24日 15:00至11月25日 12:00" in two_days.sms_text


def test_dispatch_offer_has_both_links_the_deadline_and_the_facts():
    message = render("dispatch.offered", FULL_DATA)
    for text in (message.body, message.sms_text):
        assert FULL_DATA["accept_url"] in text
        assert FULL_DATA["decline_url"] in text
        assert "11月22日 18:00前回复" in text
        assert "「重阳节文艺汇演」" in text and "舞台协助" in text and "11月24日 15:00-17:00" in text
    # a link is never followed directly by text that a phone might take as part of it
    assert f"{FULL_DATA['accept_url']} " in message.sms_text


def test_waitlist_position_and_unfilled_shortfall_are_reported():
    assert "当前第3位" in render("registration.waitlisted", FULL_DATA).sms_text
    assert "尚缺2人" in render("dispatch.unfilled", FULL_DATA).sms_text
    assert "3.5小时" in render("hours.credited", FULL_DATA).sms_text
    assert "3小时" in render("hours.credited", {"hours": 3.0}).sms_text


def test_reschedule_gives_new_time_and_place():
    sms = render("event.rescheduled", FULL_DATA).sms_text
    assert "改期至11月24日 15:00-17:00" in sms and "嘉平镇文化站多功能厅" in sms


def test_reason_punctuation_is_not_doubled():
    sms = render("event.cancelled", {"event_title": "电影放映", "reason": "天气原因。"}).sms_text
    assert sms == "很抱歉，您预约的「电影放映」已取消，原因：天气原因。"


def test_audiences_per_type():
    assert audiences_for("booking.requested") == (Audience.APPLICANT, Audience.VENUE_MANAGER)
    applicant = render("booking.requested", FULL_DATA)
    manager = render("booking.requested", FULL_DATA, audience="venue_manager")
    assert applicant != manager
    assert "请及时审核" in manager.sms_text


def test_english_when_asked_otherwise_chinese():
    assert wants_english("en") and wants_english("en-GB") and wants_english("EN_us")
    assert not wants_english("zh-CN") and not wants_english(None) and not wants_english("fr")
    english = render("event.cancelled", FULL_DATA, "en")
    assert english.subject == "Cancelled: “重阳节文艺汇演”"
    assert "24 Nov 15:00-17:00" in english.sms_text and "设备检修" in english.sms_text
    assert render("event.cancelled", FULL_DATA, "fr") == render("event.cancelled", FULL_DATA)


def test_every_chinese_template_has_an_english_one():
    for event_type, audience in all_template_keys():
        zh = render(event_type, FULL_DATA, "zh-CN", audience)
        en = render(event_type, FULL_DATA, "en", audience)
        assert en is not None and en != zh, (event_type, audience)
