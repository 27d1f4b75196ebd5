"""Closures (seed 004) and event room holds on the real container (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from contracts.errors import Conflict, Forbidden, NotFound, Unprocessable
from services.venues.tests.conftest import ADMIN, ORGANISER, RESIDENT, at, future_weekday, manager_of


def test_closure_cancels_the_bookings_inside_in_one_step(facts, venues, jiaping):
    venue_id, room = jiaping["venue_id"], jiaping["rooms"]["多功能活动室"]
    manager = manager_of(venue_id)
    day = future_weekday(1)  # a Tuesday at least two weeks ahead, no holiday
    inside = venues.create_booking(
        actor=RESIDENT, booking={"room_id": room, "start": at(day, "15:00"), "end": at(day, "16:00"), "attendees": 10}
    )
    hold = venues.hold_room(
        actor=ORGANISER,
        room_id=room,
        start=at(day, "09:00"),
        end=at(day, "11:00"),
        event_id="event-42",
        title="重阳节文艺演出",
    )
    outside = venues.create_booking(
        actor=RESIDENT,
        booking={
            "room_id": jiaping["rooms"]["书画室"],
            "start": at(day, "15:00"),
            "end": at(day, "16:00"),
            "attendees": 10,
        },
    )
    with pytest.raises(Unprocessable) as no_reopening:
        venues.create_closure(actor=manager, venue_id=venue_id, closure={"room_id": room, "reason": "漏水维修"})
    assert "expected reopening" in no_reopening.value.detail
    assert no_reopening.value.extra["detail_zh"] == "如关闭，须对外公告并发布预开放时间"
    with pytest.raises(Unprocessable) as no_reason:
        venues.create_closure(
            actor=manager, venue_id=venue_id, closure={"room_id": room, "expected_reopening": at(day, "18:00")}
        )
    assert no_reason.value.extra["reason_code"] == "reason_required"
    with pytest.raises(Unprocessable) as other_room:  # a room of no venue, or of another: the field is named
        venues.create_closure(
            actor=manager,
            venue_id=venue_id,
            closure={"room_id": "no-such-room", "reason": "漏水维修", "expected_reopening": at(day, "18:00")},
        )
    assert other_room.value.extra["field"] == "room_id" and other_room.value.extra["detail_zh"] == "该房间不属于此场馆"
    with pytest.raises(Forbidden):
        venues.create_closure(
            actor=manager_of("elsewhere"),
            venue_id=venue_id,
            closure={"room_id": room, "reason": "漏水维修", "expected_reopening": at(day, "18:00")},
        )
    closure = venues.create_closure(
        actor=manager,
        venue_id=venue_id,
        closure={
            "room_id": room,
            "start": at(day - dt.timedelta(days=1), "18:00"),
            "expected_reopening": at(day + dt.timedelta(days=1), "09:00"),
            "reason": "屋顶漏水维修",
        },
    )
    assert closure["status"] == "scheduled" and closure["room_name"] == "多功能活动室"
    assert sorted(closure["cancelled_booking_ids"]) == sorted([inside["id"], hold["booking_id"]])
    assert "屋顶漏水维修" in closure["notice_zh"] and "恢复开放" in closure["notice_zh"]
    cancelled = venues.get_booking(actor=RESIDENT, booking_id=inside["id"])
    assert cancelled["status"] == "cancelled" and "屋顶漏水维修" in cancelled["reason"]
    assert cancelled["closure_id"] == closure["id"]
    assert venues.get_booking(actor=RESIDENT, booking_id=outside["id"])["status"] == "confirmed"
    assert venues.room_open_at(room_id=room, at=at(day, "10:00"))["day"]["kind"] == "closure"
    with pytest.raises(Unprocessable) as refused:
        venues.create_booking(
            actor=RESIDENT,
            booking={"room_id": room, "start": at(day, "15:00"), "end": at(day, "16:00"), "attendees": 10},
        )
    assert "屋顶漏水维修" in refused.value.detail
    closed, *cancellations = facts.drain(3, types=("venue.closed", "booking.cancelled"), venue_id=jiaping["venue_id"])
    assert closed["type"] == "venue.closed" and closed["data"]["room_id"] == room
    assert sorted(closed["data"]["cancelled_booking_ids"]) == sorted([inside["id"], hold["booking_id"]])
    by_booking = {e["data"]["booking_id"]: e["data"] for e in cancellations}
    assert by_booking[hold["booking_id"]]["event_id"] == "event-42"
    assert (
        by_booking[inside["id"]]["booker_id"] == "resident-1" and "屋顶漏水维修" in by_booking[inside["id"]]["reason"]
    )
    # Later than expected: bookings in the extra time are cancelled too; then it reopens.
    late = venues.create_booking(
        actor=RESIDENT,
        booking={
            "room_id": room,
            "start": at(day + dt.timedelta(days=1), "09:30"),
            "end": at(day + dt.timedelta(days=1), "10:30"),
            "attendees": 5,
        },
    )
    extended = venues.extend_closure(
        actor=manager, closure_id=closure["id"], change={"expected_reopening": at(day + dt.timedelta(days=1), "14:00")}
    )
    assert late["id"] in extended["cancelled_booking_ids"]
    listed = venues.list_closures(venue_id=venue_id)
    assert [c["id"] for c in listed] == [closure["id"]]
    reopened = venues.reopen_closure(actor=manager, closure_id=closure["id"], reopen={})
    assert reopened["status"] == "ended" and reopened["reopened_at"]
    with pytest.raises(Conflict):
        venues.reopen_closure(actor=manager, closure_id=closure["id"], reopen={})
    assert venues.list_closures(venue_id=venue_id) == []
    moved = facts.drain(2, types=("venue.reopened",), venue_id=jiaping["venue_id"])
    assert [e["data"]["reopened_at"] is None for e in moved] == [True, False]


def test_event_room_holds_and_a_whole_venue_closure(facts, venues, jiaping):
    room = jiaping["rooms"]["文化活动广场"]
    day = future_weekday(5)  # a Saturday: 9:30-11:30, 14:30-17:30
    hold = venues.hold_room(
        actor=ORGANISER,
        room_id=room,
        start=at(day, "14:30"),
        end=at(day, "16:30"),
        event_id="event-7",
        title="送文化下乡",
    )
    assert hold["status"] == "confirmed"
    again = venues.hold_room(
        actor=ORGANISER,
        room_id=room,
        start=at(day, "14:30"),
        end=at(day, "16:30"),
        event_id="event-7",
        title="送文化下乡",
    )
    assert again["booking_id"] == hold["booking_id"]
    with pytest.raises(Conflict):
        venues.hold_room(
            actor=ORGANISER,
            room_id=room,
            start=at(day, "15:00"),
            end=at(day, "16:00"),
            event_id="event-7",
            title="送文化下乡",
        )
    with pytest.raises(Conflict) as clash:
        venues.hold_room(
            actor=ORGANISER,
            room_id=room,
            start=at(day, "15:00"),
            end=at(day, "16:00"),
            event_id="event-8",
            title="广场舞比赛",
        )
    assert clash.value.extra["conflicting_booking_ids"] == [hold["booking_id"]]
    with pytest.raises(Unprocessable):
        venues.hold_room(
            actor=ORGANISER,
            room_id=room,
            start=at(day, "12:00"),
            end=at(day, "13:00"),
            event_id="event-9",
            title="午间",
        )
    with pytest.raises(Forbidden):
        venues.hold_room(
            actor=RESIDENT, room_id=room, start=at(day, "09:30"), end=at(day, "10:30"), event_id="event-10", title="x"
        )
    booking = venues.get_booking(actor=ORGANISER, booking_id=hold["booking_id"])
    assert (booking["event_id"], booking["booker_kind"], booking["channel"]) == ("event-7", "organisation", "online")
    moved = venues.move_hold(actor=ORGANISER, event_id="event-7", start=at(day, "09:30"), end=at(day, "11:30"))
    assert moved["booking_id"] == hold["booking_id"] and moved["start"] == at(day, "09:30")
    with pytest.raises(Unprocessable):
        venues.move_hold(actor=ORGANISER, event_id="event-7", start=at(day, "11:00"), end=at(day, "12:30"))
    with pytest.raises(NotFound):
        venues.move_hold(actor=ORGANISER, event_id="no-such-event", start=at(day, "09:30"), end=at(day, "10:30"))
    assert venues.release_hold(actor=ORGANISER, event_id="event-7", reason="活动取消")["released"] is True
    assert venues.release_hold(actor=ORGANISER, event_id="event-7", reason="活动取消")["released"] is False
    types = [
        (e["type"], e["data"]["event_id"])
        for e in facts.drain(
            3, types=("booking.confirmed", "booking.rescheduled", "booking.cancelled"), venue_id=jiaping["venue_id"]
        )
    ]
    assert types == [
        ("booking.confirmed", "event-7"),
        ("booking.rescheduled", "event-7"),
        ("booking.cancelled", "event-7"),
    ]
    # A whole-venue closure starting now: the venue and every room show closed on the notice.
    venue_id = jiaping["venue_id"]
    now = dt.datetime.now(dt.timezone.utc)
    closure = venues.create_closure(
        actor=ADMIN,
        venue_id=venue_id,
        closure={"expected_reopening": (now + dt.timedelta(days=3)).isoformat(), "reason": "消防设施检修"},
    )
    assert closure["status"] == "active" and closure["room_id"] is None
    assert venues.get_venue(venue_id=venue_id)["status"] == "closed"
    notice = venues.public_notice(venue_id=venue_id)
    assert notice["status"] == "closed" and [c["reason"] for c in notice["closures"]] == ["消防设施检修"]
    assert {room["status"] for room in notice["rooms"]} == {"closed"}
    venues.reopen_closure(actor=ADMIN, closure_id=closure["id"])
    assert venues.get_venue(venue_id=venue_id)["status"] == "open"


def test_an_event_hold_is_not_bound_by_the_residents_advance_window(venues, jiaping):
    """Residents book 多功能活动室 at most 30 days ahead; an organiser holds it for a festival programme
    months ahead (issue 17.4 limits share a room among people, events are planned by the season)."""
    room = jiaping["rooms"]["多功能活动室"]
    day = future_weekday(1, weeks_ahead=12)  # a Tuesday about three months ahead
    with pytest.raises(Unprocessable) as too_far:
        venues.create_booking(
            actor=RESIDENT,
            booking={"room_id": room, "start": at(day, "15:00"), "end": at(day, "16:00"), "attendees": 10},
        )
    assert too_far.value.extra["reason_code"] == "too_far_ahead"
    hold = venues.hold_room(
        actor=ORGANISER,
        room_id=room,
        start=at(day, "15:00"),
        end=at(day, "16:00"),
        event_id="event-mid-autumn",
        title="中秋诗会",
    )
    assert hold["status"] == "confirmed"
    with pytest.raises(Unprocessable) as past:  # but nobody holds a time that has begun
        venues.hold_room(
            actor=ORGANISER,
            room_id=room,
            start=at(dt.date.today() - dt.timedelta(days=7), "15:00"),
            end=at(dt.date.today() - dt.timedelta(days=7), "16:00"),
            event_id="event-late",
            title="x",
        )
    assert past.value.extra["reason_code"] == "in_the_past"
