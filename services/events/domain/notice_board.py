"""The public notice board (公示栏) and the standing-free-activities standard (seed 001).

Seed 001: "服务项目定期提前公示，公示的内容包括：项目、时间、地点、组织者等要素，常设免费活动项目4项以上"
— every notice gives item, time, place and organiser; a centre runs at least four standing free
activities.

Events arrive here as plain mappings (a row, a dict from the API), because the question this module
answers is precisely "is anything missing?". Keys read:

    title (the item), starts_at, ends_at (optional), place, organiser,
    event_id, kind, target_groups, status, free, fee, recurrence  (all optional)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, TypedDict

from kit.clock import DISTRICT_TZ
from kit.rules import RuleViolation

from .lifecycle import EventKind, EventStatus, TargetGroup

STANDING_FREE_ACTIVITIES_REQUIRED = 4  # 常设免费活动项目4项以上
# An item is "standing" when it actually recurs: sessions with dates on at least this many different
# days in the period looked at. A "每周" label on one event is a promise, not a standing activity
# (issue 17.9); each session is announced like any event (item, time, place, organiser).
MIN_DAYS_FOR_STANDING = 3

_WEEKDAYS_ZH = "一二三四五六日"

# Field → what the notice calls it, for messages a centre manager can act on.
_REQUIRED_FIELDS = {"title": "项目", "starts_at": "时间", "place": "地点", "organiser": "组织者"}


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise RuleViolation("times on the notice must carry a time zone", code="notice.naive_time")
    return moment.astimezone(DISTRICT_TZ)


def format_notice_time(starts_at: datetime, ends_at: datetime | None = None) -> str:
    """Local (Beijing) time as people read it on a board: 2026年9月25日（周五）19:30–21:30."""
    start = _local(starts_at)
    text = f"{start.year}年{start.month}月{start.day}日（周{_WEEKDAYS_ZH[start.weekday()]}）{start:%H:%M}"
    if ends_at is None:
        return text
    end = _local(ends_at)
    if end.date() == start.date():
        return f"{text}–{end:%H:%M}"
    return f"{text} 至 {end.year}年{end.month}月{end.day}日（周{_WEEKDAYS_ZH[end.weekday()]}）{end:%H:%M}"


def notice_entry(event: Mapping[str, Any]) -> dict[str, Any]:
    """One line of the notice board. Refuses (listing every gap at once) an event that lacks any
    of item, time, place or organiser — an incomplete notice is what the seed forbids."""
    missing = [label for key, label in _REQUIRED_FIELDS.items() if _is_blank(event.get(key))]
    if missing:
        raise RuleViolation("公示缺少：" + "、".join(missing), code="notice.incomplete")
    starts_at = event["starts_at"]
    ends_at = event.get("ends_at")
    if not isinstance(starts_at, datetime) or (ends_at is not None and not isinstance(ends_at, datetime)):
        raise RuleViolation("notice times must be dates with times", code="notice.bad_time")
    groups = [TargetGroup(group) for group in event.get("target_groups") or ()]
    kind = event.get("kind")
    return {
        "event_id": event.get("event_id"),
        "item": str(event["title"]).strip(),
        "time": format_notice_time(starts_at, ends_at),
        "place": str(event["place"]).strip(),
        "organiser": str(event["organiser"]).strip(),
        "starts_at": _local(starts_at).isoformat(),
        "ends_at": _local(ends_at).isoformat() if ends_at is not None else None,
        "kind": EventKind(kind).label_zh if kind else None,
        "target_groups": [group.label_zh for group in groups],
        "free": _is_free(event),
    }


def _is_free(event: Mapping[str, Any]) -> bool:
    # Explicit only: an event that does not say it is free is not counted as free.
    if "free" in event and event["free"] is not None:
        return bool(event["free"])
    fee = event.get("fee")
    return fee is not None and fee == 0


def _item_key(title: str) -> str:
    # "广场舞 " and "广场舞" are one item; case-fold for Latin names ("K歌" / "k歌").
    return " ".join(title.split()).casefold()


def _day_of(event: Mapping[str, Any]) -> date | None:
    starts_at = event.get("starts_at")
    if isinstance(starts_at, datetime):
        return _local(starts_at).date() if starts_at.tzinfo else starts_at.date()
    return starts_at if isinstance(starts_at, date) else None


class StandingFreeActivities(TypedDict):
    count: int
    meets_standard: bool
    items: list[str]


def standing_free_activities(
    events_by_centre: Mapping[str, Iterable[Mapping[str, Any]]],
) -> dict[str, StandingFreeActivities]:
    """Per centre, how many distinct standing free activity *items* it runs, and whether that meets
    the seed-001 standard of at least 4.

    The rule (the seed names the standard, not the test):
    - **free**: ``free`` is true, or ``fee`` is 0;
    - **live**: not a draft and not cancelled (``status`` missing counts as live);
    - **standing**: the same item is held on at least ``MIN_DAYS_FOR_STANDING`` different days in
      the events given — a series with dates; a ``recurrence`` label alone ("每周三晚") does not count;
    - counted by **item** (title, whitespace-normalised), not by session: 52 weekly dance evenings
      are one standing activity, as on the notice board.

    The caller chooses the period by the events it passes (e.g. the last three months).
    """
    result: dict[str, StandingFreeActivities] = {}
    for centre, events in events_by_centre.items():
        titles: dict[str, str] = {}
        days: dict[str, set[date]] = {}
        for event in events:
            title = event.get("title")
            if _is_blank(title) or not _is_free(event):
                continue
            status = event.get("status")
            if status is not None and EventStatus(status) in (EventStatus.DRAFT, EventStatus.CANCELLED):
                continue
            key = _item_key(str(title))
            titles.setdefault(key, " ".join(str(title).split()))
            day = _day_of(event)
            if day is not None:
                days.setdefault(key, set()).add(day)
        standing = sorted(titles[key] for key in titles if len(days.get(key, ())) >= MIN_DAYS_FOR_STANDING)
        result[centre] = StandingFreeActivities(
            count=len(standing),
            meets_standard=len(standing) >= STANDING_FREE_ACTIVITIES_REQUIRED,
            items=standing,
        )
    return result
