from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from kit.rules import RuleViolation
from services.events.domain.notice_board import (
    format_notice_time,
    notice_entry,
    standing_free_activities,
)

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 9, 25, 19, 30, tzinfo=TZ)  # a Friday


def event(**overrides):
    base = {
        "event_id": "ev-1",
        "title": "中秋诗会",
        "starts_at": START,
        "ends_at": START + timedelta(hours=2),
        "place": "嘉平镇文化服务中心 多功能厅",
        "organiser": "嘉平镇文化服务中心",
        "kind": "festival",
        "target_groups": ["elderly", "left_behind_children"],
        "free": True,
    }
    base.update(overrides)
    return base


def test_notice_entry_gives_item_time_place_organiser():
    entry = notice_entry(event())
    assert entry["item"] == "中秋诗会"
    assert entry["time"] == "2026年9月25日（周五）19:30–21:30"
    assert entry["place"] == "嘉平镇文化服务中心 多功能厅"
    assert entry["organiser"] == "嘉平镇文化服务中心"
    assert entry["kind"] == "我们的节日"
    assert entry["target_groups"] == ["老年人", "留守儿童"]
    assert entry["free"] is True
    assert entry["starts_at"] == "2026-09-25T19:30:00+08:00"


def test_times_are_shown_in_beijing_time():
    utc_start = datetime(2026, 9, 25, 11, 30, tzinfo=timezone.utc)
    assert notice_entry(event(starts_at=utc_start, ends_at=None))["time"] == "2026年9月25日（周五）19:30"


def test_multi_day_events_show_both_days():
    text = format_notice_time(START, START + timedelta(days=2))
    assert text == "2026年9月25日（周五）19:30 至 2026年9月27日（周日）19:30"


@pytest.mark.parametrize(
    "overrides,missing",
    [
        ({"title": ""}, "项目"),
        ({"starts_at": None}, "时间"),
        ({"place": "  "}, "地点"),
        ({"organiser": None}, "组织者"),
    ],
)
def test_a_notice_missing_an_element_is_refused(overrides, missing):
    with pytest.raises(RuleViolation, match=missing) as caught:
        notice_entry(event(**overrides))
    assert caught.value.code == "notice.incomplete"


def test_every_missing_element_is_named_at_once():
    with pytest.raises(RuleViolation, match="公示缺少：项目、时间、地点、组织者"):
        notice_entry({})


def test_naive_or_malformed_times_are_refused():
    with pytest.raises(RuleViolation):
        notice_entry(event(starts_at=START.replace(tzinfo=None)))
    with pytest.raises(RuleViolation):
        notice_entry(event(starts_at="今晚"))


def weekly(title, weeks, **overrides):
    return [event(title=title, starts_at=START + timedelta(weeks=w), ends_at=None, **overrides) for w in range(weeks)]


def test_standing_free_activities_counts_distinct_items():
    centre = (
        weekly("广场舞", 10)  # standing by repetition
        + weekly(" 广场舞 ", 2)  # same item, different spacing
        + [event(title="书法班", recurrence="FREQ=WEEKLY;BYDAY=SA", starts_at=START - timedelta(days=6))]  # a label
        + weekly("书法班", 2, recurrence="每周六")  # with these: three dated sessions
        + weekly("农家书屋借阅", 3)
        + weekly("周末电影", 4)
    )
    result = standing_free_activities({"嘉平镇": centre})
    assert result["嘉平镇"] == {
        "count": 4,
        "meets_standard": True,
        "items": sorted(["广场舞", "书法班", "农家书屋借阅", "周末电影"]),
    }


def test_what_does_not_count():
    centre = (
        weekly("收费钢琴课", 5, free=False)
        + weekly("舞蹈培训", 5, free=None, fee=30)
        + weekly("没说收不收费", 5, free=None)
        + [event(title="国庆晚会")]  # one-off
        + weekly("草稿活动", 5, status="draft")
        + weekly("已取消", 5, status="cancelled")
        + weekly("免费讲座", 2)  # only two days
        + weekly("义务放映", 3, free=None, fee=0)  # free by fee 0: counts
        + weekly("同一天", 1) * 3  # three sessions, one day
        + [event(title="每周三晚舞会", recurrence="每周三晚")]  # said to recur, one date
    )
    result = standing_free_activities({"双凤村": centre, "空白村": []})
    assert result["双凤村"] == {"count": 1, "meets_standard": False, "items": ["义务放映"]}
    assert result["空白村"] == {"count": 0, "meets_standard": False, "items": []}


def test_the_standard_is_at_least_four():
    three = weekly("a", 3) + weekly("b", 3) + weekly("c", 3)
    assert standing_free_activities({"x": three})["x"]["meets_standard"] is False
    assert standing_free_activities({"x": three + weekly("d", 3)})["x"]["meets_standard"] is True
