from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from kit.rules import RuleViolation
from services.events.domain.calendar_feed import CalendarEntry, event_uid, render_ics
from services.events.domain.festivals import Festival
from services.events.domain.lifecycle import EventKind, EventStatus, TargetGroup

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 9, 25, 19, 30, tzinfo=TZ)
UPDATED = datetime(2026, 9, 1, 8, 0, tzinfo=timezone.utc)


def entry(**overrides):
    base = dict(
        event_id="ev-42",
        title="中秋晚会：月圆乡村",
        start=START,
        end=START + timedelta(hours=2),
        location="嘉平镇文化广场",
        organiser="江津区文化馆",
        status=EventStatus.PUBLISHED,
        updated_at=UPDATED,
        target_groups=(TargetGroup.ELDERLY, TargetGroup.LEFT_BEHIND_CHILDREN),
        description="川剧、歌舞; 朗诵, 猜灯谜",
        sequence=0,
        latitude=29.0412,
        longitude=106.2586,
        kind=EventKind.FESTIVAL,
        festival=Festival.MID_AUTUMN,
    )
    base.update(overrides)
    return CalendarEntry(**base)


def parse(data: bytes) -> Calendar:
    assert isinstance(data, bytes)
    return Calendar.from_ical(data)


def test_calendar_header():
    calendar = parse(render_ics("嘉平镇文化活动", [entry()]))
    assert calendar.name == "VCALENDAR"
    assert str(calendar["VERSION"]) == "2.0"
    assert "Wenyun" in str(calendar["PRODID"])
    assert str(calendar["X-WR-CALNAME"]) == "嘉平镇文化活动"
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Shanghai"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]


def test_one_vevent_per_event_with_all_fields():
    later = entry(
        event_id="ev-43",
        title="重阳敬老会",
        start=START + timedelta(days=23),
        end=START + timedelta(days=23, hours=2),
        latitude=None,
        longitude=None,
        festival=Festival.DOUBLE_NINTH,
    )
    calendar = parse(render_ics("活动", [entry(), later]))
    events = calendar.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == ["ev-42@wenyun", "ev-43@wenyun"]

    first = events[0]
    assert str(first["SUMMARY"]) == "中秋晚会：月圆乡村"
    assert str(first["LOCATION"]) == "嘉平镇文化广场"
    description = str(first["DESCRIPTION"])
    assert "主办：江津区文化馆" in description and "面向：老年人、留守儿童" in description
    assert "川剧、歌舞; 朗诵, 猜灯谜" in description  # escaping round-trips
    assert str(first["STATUS"]) == "CONFIRMED"
    assert int(first["SEQUENCE"]) == 0
    assert first.decoded("DTSTAMP") == UPDATED
    assert (first["GEO"].latitude, first["GEO"].longitude) == (29.0412, 106.2586)
    assert "GEO" not in events[1]
    assert set(first.categories) == {"我们的节日", "中秋"}


def test_times_are_in_asia_shanghai():
    utc_start = START.astimezone(timezone.utc)
    calendar = parse(render_ics("活动", [entry(start=utc_start, end=utc_start + timedelta(hours=2))]))
    vevent = calendar.walk("VEVENT")[0]
    assert vevent["DTSTART"].params["TZID"] == "Asia/Shanghai"
    start = vevent.decoded("DTSTART")
    assert start == START and start.utcoffset() == timedelta(hours=8)
    assert vevent.decoded("DTEND") == START + timedelta(hours=2)


def test_rescheduled_and_cancelled_events():
    rescheduled = parse(render_ics("活动", [entry(sequence=2)])).walk("VEVENT")[0]
    assert int(rescheduled["SEQUENCE"]) == 2
    cancelled = parse(render_ics("活动", [entry(status=EventStatus.CANCELLED, sequence=3)])).walk("VEVENT")[0]
    assert str(cancelled["STATUS"]) == "CANCELLED" and str(cancelled["UID"]) == "ev-42@wenyun"
    completed = parse(render_ics("活动", [entry(status=EventStatus.COMPLETED)])).walk("VEVENT")[0]
    assert str(completed["STATUS"]) == "CONFIRMED"


def test_output_is_deterministic():
    assert render_ics("活动", [entry()]) == render_ics("活动", [entry()])


def test_an_empty_calendar_is_still_valid():
    calendar = parse(render_ics("空", []))
    assert calendar.walk("VEVENT") == [] and str(calendar["VERSION"]) == "2.0"


def test_drafts_never_reach_a_public_feed():
    with pytest.raises(RuleViolation):
        render_ics("活动", [entry(status=EventStatus.DRAFT)])


@pytest.mark.parametrize(
    "overrides",
    [
        {"start": START.replace(tzinfo=None)},
        {"end": START},
        {"updated_at": UPDATED.replace(tzinfo=None)},
        {"sequence": -1},
        {"latitude": 91.0},
    ],
)
def test_bad_entries_are_refused(overrides):
    with pytest.raises(RuleViolation):
        render_ics("活动", [entry(**overrides)])


def test_uid():
    assert event_uid("abc") == "abc@wenyun"
