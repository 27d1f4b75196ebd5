"""Pure rules: report periods and 送文化下乡 village coverage."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from services.reports.domain.efficiency import District, EventRecord, VenueRecord, activity_target, village_coverage
from services.reports.domain.periods import LOCAL, BadPeriod, months_before, parse_period


def test_periods_are_local_months_quarters_and_years():
    q4 = parse_period("2026-Q4")
    assert (q4.start, q4.end, q4.months) == (datetime(2026, 10, 1, tzinfo=LOCAL), datetime(2027, 1, 1, tzinfo=LOCAL), 3)
    december = parse_period("2026-12")
    assert december.end == datetime(2027, 1, 1, tzinfo=LOCAL) and december.kind == "month"
    assert parse_period("2026").months == 12
    for bad in ("2026-13", "2026-Q5", "26", "", "2026-1"):
        with pytest.raises(BadPeriod):
            parse_period(bad)
    assert months_before(datetime(2026, 6, 30, 10, tzinfo=LOCAL), 4) == datetime(2026, 2, 28, 10, tzinfo=LOCAL)


def test_activity_targets_are_pro_rated_and_rounded_up():
    assert activity_target("town", parse_period("2026"), {"town": 52}) == 52
    assert activity_target("town", parse_period("2026-Q1"), {"town": 52}) == 13
    assert activity_target("village", parse_period("2026-05"), {"village": 12}) == 1
    assert activity_target("district", parse_period("2026"), {"town": 52}) is None


def _performance(village: str, end: datetime, status: str = "completed") -> EventRecord:
    return EventRecord(
        event_id=village + end.isoformat(),
        title="送戏",
        kind="mobile_performance",
        festival=None,
        target_groups=(),
        organiser_id="o",
        organiser_name=None,
        venue_id=None,
        town="嘉平镇",
        village=village,
        start=end - timedelta(hours=2),
        end=end,
        status=status,
        attended=10,
    )


def test_a_village_unserved_for_four_months_is_listed_until_a_performance_is_completed_there():
    as_of = datetime(2026, 11, 30, 12, tzinfo=LOCAL)
    villages = [
        VenueRecord(f"v{n}", f"{name}中心", "village_centre", "village", "嘉平镇", name)
        for n, name in enumerate(("石门村", "高峰村", "白沙村"))
    ]
    events = [
        _performance("石门村", as_of - timedelta(days=100)),
        _performance("高峰村", as_of - timedelta(days=140)),
        _performance("白沙村", as_of - timedelta(days=5), status="cancelled"),
    ]
    district = District(venues=villages, events=events)
    rows = village_coverage(district, parse_period("2026"), as_of=as_of, months=4)
    assert [r["village"] for r in rows if r["unserved"]] == ["白沙村", "高峰村"]
    district.events.append(_performance("高峰村", as_of - timedelta(hours=1)))
    rows = village_coverage(district, parse_period("2026"), as_of=as_of, months=4)
    assert [r["village"] for r in rows if r["unserved"]] == ["白沙村"]
