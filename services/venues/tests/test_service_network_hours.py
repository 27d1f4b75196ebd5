"""The venue network, rooms, opening hours, calendar, compliance and the public notice, on the real
container (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from contracts.errors import Conflict, Forbidden, NotFound, Unprocessable
from kit.clock import local_today
from services.venues.tests.conftest import ADMIN, RESIDENT, manager_of


def test_seed_compliance_calendar_and_notice(venues, jiaping):
    again = venues.seed_demo(actor=ADMIN)
    assert again["venue_id"] == jiaping["venue_id"] and again["rooms"] == jiaping["rooms"]
    assert jiaping["created"] is True and again["created"] is False
    assert list(jiaping["rooms"]) == [
        "图书阅览室",
        "电子阅览室",
        "多功能活动室",
        "文化活动室",
        "书画室",
        "健身房及艺术展厅",
        "文化活动广场",
    ]
    listed = {v["name"]: v for v in venues.list_venues()}
    assert set(listed) == {"江津区文化馆", "嘉平镇文化服务中心"}
    assert listed["嘉平镇文化服务中心"]["parent_id"] == listed["江津区文化馆"]["id"]
    rooms = {r["name"]: r for r in venues.list_rooms(venue_id=jiaping["venue_id"])}
    assert rooms["多功能活动室"]["area_m2"] == 60 and rooms["多功能活动室"]["staff_on_duty"] == ["程必群", "任敏"]
    assert rooms["文化活动室"]["booking_policy"] == "organisations_only"
    assert rooms["电子阅览室"]["equipment"] == ["10台电脑"]
    lookup = venues.get_room(room_id=jiaping["rooms"]["多功能活动室"])
    assert set(lookup) == {
        "id",
        "venue_id",
        "venue_name",
        "name",
        "capacity",
        "town",
        "village",
        "coordinates",
        "booking_policy",
    }
    assert lookup["venue_name"] == "嘉平镇文化服务中心" and lookup["town"] == "嘉平镇"
    with pytest.raises(Forbidden):
        venues.seed_demo(actor=RESIDENT)
    venue_id = jiaping["venue_id"]
    report = venues.compliance(venue_id=venue_id, week="2026-W48")
    assert report["weekly_open_hours"] == 45 and report["compliant"] is True and report["findings"] == []
    assert [d["open_hours"] for d in report["days"]] == [7, 7, 7, 7, 7, 5, 5]
    national_day = venues.get_calendar(venue_id=venue_id, start="2026-09-28", end="2026-10-04")
    days = {d["date"]: d for d in national_day["days"]}
    assert days["2026-09-30"]["kind"] == "regular" and days["2026-09-30"]["intervals"] == ["09:00-12:00", "14:00-18:00"]
    assert days["2026-10-01"]["kind"] == "statutory_holiday" and days["2026-10-01"]["holiday_name"] == "National Day"
    assert days["2026-10-01"]["holiday_name_zh"] == "国庆节" and days["2026-10-01"]["by_arrangement"] is True
    holiday_week = venues.compliance(venue_id=venue_id, week="2026-W40")
    assert holiday_week["compliant"] is False
    assert "holiday_opening_not_arranged" in [f["code"] for f in holiday_week["findings"]]
    room = jiaping["rooms"]["多功能活动室"]
    lunch = venues.room_open_at(room_id=room, at="2026-11-24T12:30:00+08:00")
    assert lunch["open"] is False and lunch["day"]["intervals"] == ["09:00-12:00", "14:00-18:00"]
    assert venues.room_open_at(room_id=room, at="2026-11-24T07:30:00Z")["open"] is True  # 15:30 in Jiaping
    with pytest.raises(Unprocessable):
        venues.room_open_at(room_id=room, at="2026-11-24T15:30:00")  # no offset
    with pytest.raises(Unprocessable):
        venues.compliance(venue_id=venue_id, week="2026-48")
    # The public notice (公示): rooms, this week's hours, services, closures.
    notice = venues.public_notice(venue_id=venue_id, week="2026-W48")
    assert notice["name"] == "嘉平镇文化服务中心" and len(notice["rooms"]) == 7
    assert notice["hours_notice_zh"].startswith("周一至周五9:00-12:00、14:00-18:00；周六至周日9:30-11:30、14:30-17:30")
    assert "按活动组织要求开放" in notice["hours_notice_zh"]
    assert sum(day["open_hours"] for day in notice["this_week"]) == 45
    assert any("多功能活动室" in item for item in notice["services"]) and notice["closures"] == []


def test_hours_exceptions_and_manager_scope(venues, jiaping):
    venue_id = jiaping["venue_id"]
    other = venues.register_venue(
        actor=ADMIN, venue={"name": "先锋镇文化站", "kind": "town_cultural_station", "level": "town", "town": "先锋镇"}
    )
    manager = manager_of(venue_id)
    with pytest.raises(Forbidden):
        venues.update_venue(actor=manager, venue_id=other["id"], changes={"address": "先锋镇"})
    with pytest.raises(Forbidden):
        venues.create_room(
            actor=manager, venue_id=other["id"], room={"name": "活动室", "kind": "activity_room", "capacity": 20}
        )
    updated = venues.update_venue(
        actor=manager,
        venue_id=venue_id,
        changes={"contact_phone": "023-47000000", "accessibility": ["step_free_access"]},
    )
    assert updated["contact_phone"] == "023-47000000" and updated["accessibility"] == ["step_free_access"]
    # A village centre with its own hours, an exception opening a holiday, and the configurable village standard.
    village = venues.register_venue(
        actor=ADMIN,
        venue={
            "name": "平安村综合文化服务中心",
            "kind": "village_centre",
            "level": "village",
            "parent_id": venue_id,
            "village": "平安村",
        },
    )
    with pytest.raises(Unprocessable) as overlapping:
        venues.set_opening_hours(
            actor=ADMIN, venue_id=village["id"], hours={"weekly": {"monday": ["09:00-12:00", "11:00-13:00"]}}
        )
    assert "overlaps" in str(overlapping.value)
    hours = venues.set_opening_hours(
        actor=ADMIN,
        venue_id=village["id"],
        hours={
            "weekly": {
                day: ["08:30-11:30", "14:30-17:30"]
                for day in ("tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
            },
            "holiday_rule": "open",
        },
    )
    assert hours["weekly_open_hours"] == 36 and "周二至周日" in hours["notice_zh"]
    assert venues.compliance(venue_id=village["id"], week="2026-W48")["compliant"] is True
    venues.set_opening_exception(
        actor=ADMIN, venue_id=village["id"], date="2026-11-24", exception={"intervals": [], "note": "村民大会占用"}
    )
    week = venues.compliance(venue_id=village["id"], week="2026-W48")
    assert week["weekly_open_hours"] == 30 and week["compliant"] is False
    assert week["findings"][0]["code"] == "weekly_hours_below_standard"
    venues.delete_opening_exception(actor=ADMIN, venue_id=village["id"], date="2026-11-24")
    with pytest.raises(NotFound):
        venues.delete_opening_exception(actor=ADMIN, venue_id=village["id"], date="2026-11-24")
    holiday = venues.get_calendar(venue_id=village["id"], start="2026-10-01", end="2026-10-01")["days"][0]
    assert holiday["intervals"] == ["08:30-11:30", "14:30-17:30"]  # holiday rule "open": weekend hours
    with pytest.raises(Conflict):
        venues.create_room(
            actor=ADMIN, venue_id=venue_id, room={"name": "书画室", "kind": "calligraphy_painting_room", "capacity": 10}
        )


def test_compliance_preview_judges_proposed_hours_without_saving_them(venues, jiaping):
    venue_id = jiaping["venue_id"]
    manager = manager_of(venue_id)
    short = {
        "weekly": {day: ["09:00-11:00"] for day in ("monday", "tuesday", "wednesday", "thursday", "friday")},
        "holiday_rule": "open",
    }
    preview = venues.preview_compliance(actor=manager, venue_id=venue_id, hours=short, week="2026-W48")
    codes = {f["code"] for f in preview["findings"]}
    assert preview["compliant"] is False and preview["weekly_open_hours"] == 10
    assert {"weekly_hours_below_standard", "closed_at_weekend", "day_below_daily_minimum"} <= codes, codes
    assert preview["days_below_daily_minimum"]  # 2 h a day is under the 4 h minimum
    # Nothing was saved: the stored hours still meet the standard.
    assert venues.compliance(venue_id=venue_id, week="2026-W48")["compliant"] is True
    with pytest.raises(Forbidden):
        venues.preview_compliance(actor=RESIDENT, venue_id=venue_id, hours=short, week="2026-W48")
    with pytest.raises(Unprocessable):
        venues.preview_compliance(
            actor=manager, venue_id=venue_id, hours={"weekly": {"monday": ["12:00-09:00"]}}, week="2026-W48"
        )


def test_opening_hours_are_published_as_facts_for_the_reports(facts, venues, jiaping):
    """Seeded hours, a change, and a dated exception set and removed: each is a fact (reports computes each
    week's opening against the standard from them), with the standard of the venue's level."""
    venue_id = jiaping["venue_id"]
    [seeded] = facts.drain(1, types=("venue.hours_set",), venue_id=venue_id)
    assert seeded["data"]["level"] == "town" and seeded["data"]["standard"]["min_weekly_hours"] == 42
    assert seeded["data"]["weekly_open_hours"] == venues.get_opening_hours(venue_id=venue_id)["weekly_open_hours"]
    village = venues.register_venue(
        actor=ADMIN,
        venue={"name": "平安村综合文化服务中心", "kind": "village_centre", "level": "village", "village": "平安村"},
    )
    venues.set_opening_hours(
        actor=ADMIN, venue_id=village["id"], hours={"weekly": {"monday": ["14:00-21:00"]}, "holiday_rule": "closed"}
    )
    venues.set_opening_exception(
        actor=ADMIN, venue_id=village["id"], date="2026-11-24", exception={"intervals": [], "note": "村民大会占用"}
    )
    venues.delete_opening_exception(actor=ADMIN, venue_id=village["id"], date="2026-11-24")
    changed, closed, removed = facts.drain(
        3,
        types=("venue.hours_set", "venue.hours_exception_set", "venue.hours_exception_removed"),
        venue_id=village["id"],
    )
    assert changed["type"] == "venue.hours_set" and changed["data"]["weekly"]["monday"] == ["14:00-21:00"]
    assert not any(changed["data"]["weekly"][day] for day in ("tuesday", "saturday", "sunday"))
    assert changed["data"]["weekly_open_hours"] == 7 and changed["data"]["holiday_rule"] == "closed"
    assert changed["data"]["standard"] == {
        "min_weekly_hours": 35.0,
        "min_daily_hours": 0.0,
        "weekend_required": False,
        "holidays_required": False,
    }
    assert changed["data"]["effective_from"] == local_today().isoformat()
    assert closed["type"] == "venue.hours_exception_set"
    assert closed["data"]["date"] == "2026-11-24" and closed["data"]["intervals"] == []
    assert closed["data"]["note"] == "村民大会占用"
    assert removed["type"] == "venue.hours_exception_removed" and removed["data"]["date"] == "2026-11-24"
