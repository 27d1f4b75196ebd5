"""Registers on the real container (SQLite and PostgreSQL): visits by group, the asset ledger, utilisation."""

from __future__ import annotations

import datetime as dt

import pytest

from contracts.errors import Conflict, Forbidden, Unprocessable
from services.venues.tests.conftest import ORGANISATION, ORGANISER, RESIDENT, at, future_weekday, manager_of


def test_visits_assets_and_utilisation(facts, venues, jiaping):
    venue_id, rooms = jiaping["venue_id"], jiaping["rooms"]
    manager = manager_of(venue_id)
    venues.record_visits(
        actor=manager,
        venue_id=venue_id,
        entry={"date": "2026-11-24", "room_id": rooms["图书阅览室"], "counts": {"elderly": 12, "minors": 8}},
    )
    venues.record_visits(
        actor=manager,
        venue_id=venue_id,
        entry={"date": "2026-11-24", "room_id": rooms["图书阅览室"], "counts": {"elderly": 3, "migrant_workers": 2}},
    )
    entry = venues.record_visits(
        actor=manager, venue_id=venue_id, entry={"date": "2026-11-25", "counts": {"disabled": 1, "general": 20}}
    )
    assert entry["total"] == 21
    # Each line of the register is a fact (the district report counts visits and the special groups served).
    lines = facts.drain(3, types=("visits.recorded",), venue_id=venue_id)
    assert [line["data"]["total"] for line in lines] == [20, 5, 21]
    assert lines[2]["data"]["counts"] == {"elderly": 0, "minors": 0, "disabled": 1, "migrant_workers": 0, "general": 20}
    assert lines[2]["data"]["date"] == "2026-11-25"
    assert lines[0]["data"]["room_id"] == rooms["图书阅览室"] and lines[2]["data"]["entry_id"] == entry["id"]
    with pytest.raises(Unprocessable):
        venues.record_visits(actor=manager, venue_id=venue_id, entry={"date": "2026-11-25", "counts": {"elderly": -1}})
    with pytest.raises(Forbidden):
        venues.record_visits(actor=RESIDENT, venue_id=venue_id, entry={"date": "2026-11-25", "counts": {"general": 1}})
    report = venues.visits_report(actor=manager, venue_id=venue_id, start="2026-11-23", end="2026-11-29")
    assert report["total"] == 46
    first = report["days"][0]
    assert first["date"] == "2026-11-24" and first["total"] == 25
    assert first["by_group"] == {"elderly": 15, "minors": 8, "disabled": 0, "migrant_workers": 2, "general": 0}
    assert first["by_room"] == {rooms["图书阅览室"]: 25}
    # Asset ledger: numbered with the venue's prefix; faulty items listed.
    computers = [
        venues.register_asset(
            actor=manager,
            venue_id=venue_id,
            asset={"name": f"电脑{i}", "category": "电子设备", "room_id": rooms["电子阅览室"]},
        )
        for i in (1, 2)
    ]
    assert [a["number"] for a in computers] == ["JP-0001", "JP-0002"] and computers[0]["room_name"] == "电子阅览室"
    with pytest.raises(Conflict):
        venues.register_asset(
            actor=manager, venue_id=venue_id, asset={"name": "x", "category": "y", "number": "jp-0002"}
        )
    venues.update_asset(actor=manager, asset_id=computers[1]["id"], changes={"condition": "faulty", "note": "无法开机"})
    faulty = venues.list_assets(actor=manager, venue_id=venue_id, condition="faulty")
    assert [(a["number"], a["note"]) for a in faulty] == [("JP-0002", "无法开机")]
    venues.update_asset(actor=manager, asset_id=computers[0]["id"], changes={"condition": "retired"})
    with pytest.raises(Unprocessable):
        venues.update_asset(actor=manager, asset_id=computers[0]["id"], changes={"condition": "good"})
    assert len(venues.list_assets(actor=manager, venue_id=venue_id)) == 2
    # Utilisation: booked hours ÷ open hours, per room, for the ISO week (a coming one: no bookings in the past).
    tuesday = future_weekday(1)
    saturday = tuesday + dt.timedelta(days=4)
    venues.create_booking(
        actor=ORGANISER,
        booking={
            "room_id": rooms["多功能活动室"],
            "start": at(tuesday, "14:00"),
            "end": at(tuesday, "18:00"),
            "attendees": 30,
            **ORGANISATION,
        },
    )
    venues.create_booking(
        actor=ORGANISER,
        booking={
            "room_id": rooms["多功能活动室"],
            "start": at(saturday, "09:30"),
            "end": at(saturday, "11:30"),
            "attendees": 30,
            **ORGANISATION,
        },
    )
    week = "{}-W{:02d}".format(*tuesday.isocalendar()[:2])
    usage = {r["room_name"]: r for r in venues.utilisation(venue_id=venue_id, week=week)["rooms"]}
    assert usage["多功能活动室"]["open_hours"] == 45 and usage["多功能活动室"]["booked_hours"] == 6
    assert usage["多功能活动室"]["utilisation"] == round(6 / 45, 4) and usage["书画室"]["utilisation"] == 0
