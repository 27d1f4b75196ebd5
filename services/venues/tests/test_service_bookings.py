"""Room bookings on the real container (SQLite and PostgreSQL): the rules, who booked for whom, the
state machine, weekly recurrences, and the booking.* facts on the bus."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import IntegrityError

from contracts.errors import Conflict, Forbidden, Unprocessable
from services.venues.tables import bookings
from services.venues.tests.conftest import ORGANISATION, ORGANISER, RESIDENT, future_weekday, manager_of

TUESDAY_DATE = future_weekday(1)  # bookings in the past are refused: always a coming Tuesday
TUESDAY, WEDNESDAY = TUESDAY_DATE.isoformat(), (TUESDAY_DATE + dt.timedelta(days=1)).isoformat()


def book(venues, actor, room_id, start, end, **extra):
    return venues.create_booking(
        actor=actor,
        booking={"room_id": room_id, "start": start, "end": end, "attendees": extra.pop("attendees", 20), **extra},
    )


def test_booking_rules(facts, venues, jiaping):
    room = jiaping["rooms"]["多功能活动室"]
    first = book(venues, RESIDENT, room, f"{TUESDAY}T15:00:00+08:00", f"{TUESDAY}T16:00:00+08:00", purpose="书法讲座")
    assert first["status"] == "confirmed" and first["start"] == f"{TUESDAY}T15:00:00+08:00"
    assert first["booked_by"] == "resident-1" and first["booker_id"] == "resident-1"
    assert first["booker_name"] == "王秀英" and first["channel"] == "online"
    with pytest.raises(Unprocessable) as lunch:
        book(venues, RESIDENT, room, f"{TUESDAY}T12:30:00+08:00", f"{TUESDAY}T13:30:00+08:00")
    assert "closed 12:00-14:00" in lunch.value.detail
    assert lunch.value.extra["reason_code"] == "outside_opening_hours"
    with pytest.raises(Conflict) as overlap:
        book(venues, RESIDENT, room, f"{TUESDAY}T15:30:00+08:00", f"{TUESDAY}T16:30:00+08:00")
    assert overlap.value.extra["conflicting_booking_ids"] == [first["id"]] and first["id"] in overlap.value.detail
    with pytest.raises(Conflict) as buffer:  # 15 minutes to tidy the room after each booking
        book(venues, RESIDENT, room, f"{TUESDAY}T16:00:00+08:00", f"{TUESDAY}T17:00:00+08:00")
    assert "15 min" in buffer.value.detail
    assert (
        book(venues, RESIDENT, room, f"{TUESDAY}T16:15:00+08:00", f"{TUESDAY}T17:00:00+08:00")["status"] == "confirmed"
    )
    # 文化活动室 is for organisations; an individual's professional need waits for the leader's signature
    with pytest.raises(Unprocessable) as no_need:
        book(venues, RESIDENT, jiaping["rooms"]["文化活动室"], f"{TUESDAY}T10:30:00+08:00", f"{TUESDAY}T11:30:00+08:00")
    assert no_need.value.extra["reason_code"] == "purpose_required"
    asked = book(
        venues,
        RESIDENT,
        jiaping["rooms"]["文化活动室"],
        f"{TUESDAY}T10:30:00+08:00",
        f"{TUESDAY}T11:30:00+08:00",
        purpose="摄影作品布展（专业需要）",
    )
    assert asked["status"] == "pending" and asked["needs_sign_off"] is True
    with pytest.raises(Forbidden):  # not a member of org-2
        book(
            venues,
            ORGANISER,
            jiaping["rooms"]["文化活动室"],
            f"{TUESDAY}T09:00:00+08:00",
            f"{TUESDAY}T10:00:00+08:00",
            booker_kind="organisation",
            organisation_id="org-2",
        )
    organisation = book(
        venues,
        ORGANISER,
        jiaping["rooms"]["文化活动室"],
        f"{TUESDAY}T09:00:00+08:00",
        f"{TUESDAY}T10:00:00+08:00",
        **ORGANISATION,
        booker_name="平安村村委会",
    )
    assert organisation["status"] == "confirmed" and organisation["booker_name"] == "平安村村委会"
    with pytest.raises(Unprocessable) as crowd:
        book(venues, RESIDENT, room, f"{TUESDAY}T09:00:00+08:00", f"{TUESDAY}T10:00:00+08:00", attendees=51)
    assert crowd.value.extra["reason_code"] == "over_capacity"
    with pytest.raises(Unprocessable):  # not the same day
        book(venues, RESIDENT, room, f"{TUESDAY}T17:00:00+08:00", f"{WEDNESDAY}T09:30:00+08:00")
    with pytest.raises(Unprocessable):  # no offset
        book(venues, RESIDENT, room, f"{TUESDAY}T09:00:00", f"{TUESDAY}T10:00:00")
    # 代预约: staff book on someone's behalf and must say for whom; residents cannot use staff channels.
    manager = manager_of(jiaping["venue_id"])
    with pytest.raises(Unprocessable) as nameless:
        book(venues, manager, room, f"{TUESDAY}T09:00:00+08:00", f"{TUESDAY}T10:00:00+08:00", channel="phone")
    assert nameless.value.extra["field"] == "booker_name"
    by_phone = book(
        venues,
        manager,
        room,
        f"{TUESDAY}T09:00:00+08:00",
        f"{TUESDAY}T10:00:00+08:00",
        channel="phone",
        booker_name="李大爷",
        contact={"name": "李大爷", "phone": "13800000000"},
    )
    assert (by_phone["booked_by"], by_phone["booker_name"], by_phone["booker_id"]) == ("manager-1", "李大爷", None)
    with pytest.raises(Forbidden):
        book(
            venues,
            RESIDENT,
            room,
            f"{TUESDAY}T10:30:00+08:00",
            f"{TUESDAY}T11:00:00+08:00",
            channel="desk",
            booker_name="x",
        )
    with pytest.raises(Forbidden):
        book(venues, manager_of("another-venue"), room, f"{TUESDAY}T10:30:00+08:00", f"{TUESDAY}T11:00:00+08:00")
    with pytest.raises(Forbidden):
        book(venues, {"sub": "v", "role": "volunteer"}, room, f"{TUESDAY}T10:30:00+08:00", f"{TUESDAY}T11:00:00+08:00")
    # Visibility: the booker and the venue's managers.
    mine = venues.list_bookings(actor=RESIDENT)
    assert len(mine) == 3 and first["id"] in [b["id"] for b in mine]
    assert len(venues.list_bookings(actor=manager)) == 5
    with pytest.raises(Forbidden):
        venues.get_booking(actor={"sub": "resident-2", "role": "resident"}, booking_id=first["id"])
    events = facts.drain(4, types=("booking.confirmed",), venue_id=jiaping["venue_id"])
    assert [e["data"]["booking_id"] for e in events] == [
        first["id"],
        events[1]["data"]["booking_id"],
        organisation["id"],
        by_phone["id"],
    ]
    assert events[3]["data"]["channel"] == "phone" and events[3]["data"]["booked_by"] == "manager-1"
    assert events[3]["data"]["contact"]["phone"] == "13800000000"


@pytest.mark.parametrize("db_kind", ["postgresql"])  # SQLite serialises writers instead (BEGIN IMMEDIATE)
def test_the_database_itself_refuses_overlaps_on_postgresql(db_kind, venues, jiaping):
    """Not the application check alone: the exclusion constraint refuses an overlapping active row."""
    room = jiaping["rooms"]["多功能活动室"]
    first = book(venues, RESIDENT, room, f"{TUESDAY}T15:00:00+08:00", f"{TUESDAY}T16:00:00+08:00")
    engine = create_engine(venues.database_url)
    row = {
        "venue_id": jiaping["venue_id"],
        "room_id": room,
        "attendees": 1,
        "purpose": "",
        "booker_kind": "individual",
        "booked_by": "sneaky",
        "channel": "online",
        "created_at": dt.datetime.now(dt.timezone.utc),
        "updated_at": dt.datetime.now(dt.timezone.utc),
    }
    span = {
        name: dt.datetime.fromisoformat(f"{TUESDAY}T{hhmm}:00+08:00")
        for name, hhmm in (
            ("starts_at", "16:05"),
            ("ends_at", "16:30"),
            ("occupied_start", "16:05"),
            ("occupied_end", "16:45"),
        )
    }
    try:
        with pytest.raises(IntegrityError, match="bookings_no_overlap"), engine.begin() as db:
            db.execute(bookings.insert().values(id="sneaky-1", status="confirmed", **row, **span))
        with engine.begin() as db:  # a cancelled booking holds nothing: allowed
            db.execute(bookings.insert().values(id="sneaky-2", status="cancelled", **row, **span))
    finally:
        engine.dispose()
    assert venues.get_booking(actor=RESIDENT, booking_id=first["id"])["status"] == "confirmed"


def test_approval_cancellation_check_in_and_recurrence(facts, venues, jiaping):
    venue_id = jiaping["venue_id"]
    manager = manager_of(venue_id)
    room = venues.create_room(
        actor=manager,
        venue_id=venue_id,
        room={
            "name": "排练厅",
            "kind": "rehearsal_room",
            "area_m2": 80,
            "capacity": 30,
            "booking_policy": "approval_required",
            "buffer_minutes": 30,
            "equipment": ["音响1套"],
            "staff_on_duty": ["任敏"],
        },
    )
    pending = book(venues, RESIDENT, room["id"], f"{TUESDAY}T09:00:00+08:00", f"{TUESDAY}T11:00:00+08:00")
    assert pending["status"] == "pending"
    with pytest.raises(Conflict):  # a pending booking holds the room too
        book(venues, ORGANISER, room["id"], f"{TUESDAY}T11:00:00+08:00", f"{TUESDAY}T11:30:00+08:00")
    with pytest.raises(Forbidden):
        venues.approve_booking(actor=RESIDENT, booking_id=pending["id"])
    with pytest.raises(Unprocessable):
        venues.reject_booking(actor=manager, booking_id=pending["id"], body={})
    approved = venues.approve_booking(actor=manager, booking_id=pending["id"])
    assert approved["status"] == "confirmed" and approved["decided_by"] == "manager-1"
    with pytest.raises(Conflict) as twice:
        venues.approve_booking(actor=manager, booking_id=pending["id"])
    assert twice.value.extra["booking_status"] == "confirmed"
    other = book(venues, RESIDENT, room["id"], f"{TUESDAY}T14:00:00+08:00", f"{TUESDAY}T15:00:00+08:00")
    rejected = venues.reject_booking(actor=manager, booking_id=other["id"], body={"reason": "场地维修"})
    assert rejected["status"] == "rejected" and rejected["reason"] == "场地维修"
    with pytest.raises(Unprocessable) as not_yet:  # check-in opens 15 min before the start
        venues.check_in_booking(actor=manager, booking_id=pending["id"])
    assert not_yet.value.extra["reason_code"] == "check_in_not_open"
    third = book(venues, RESIDENT, room["id"], f"{TUESDAY}T16:00:00+08:00", f"{TUESDAY}T17:00:00+08:00")
    venues.approve_booking(actor=manager, booking_id=third["id"])
    cancelled = venues.cancel_booking(actor=RESIDENT, booking_id=third["id"], body={})
    assert cancelled["status"] == "cancelled" and cancelled["reason"] == "cancelled by the booker"
    with pytest.raises(Forbidden):
        venues.cancel_booking(actor={"sub": "resident-2", "role": "resident"}, booking_id=pending["id"])
    types = [
        e["type"]
        for e in facts.drain(
            7,
            types=("booking.requested", "booking.confirmed", "booking.rejected", "booking.cancelled"),
            venue_id=jiaping["venue_id"],
        )
    ]
    assert types == [
        "booking.requested",
        "booking.confirmed",
        "booking.requested",
        "booking.rejected",
        "booking.requested",
        "booking.confirmed",
        "booking.cancelled",
    ]
    # Weekly for 4 weeks: the week already taken is reported with the booking in its way; the rest are booked.
    hall = jiaping["rooms"]["书画室"]
    venues.update_room(actor=manager, room_id=hall, changes={"booking_limits": {"advance_days": 90}})
    week1, week2 = (
        (TUESDAY_DATE + dt.timedelta(weeks=1)).isoformat(),
        (TUESDAY_DATE + dt.timedelta(weeks=2)).isoformat(),
    )
    taken = book(
        venues,
        ORGANISER,
        hall,
        f"{week2}T14:30:00+08:00",
        f"{week2}T15:30:00+08:00",
        **ORGANISATION,
        booker_name="书法协会",
    )
    series = venues.create_recurring_booking(
        actor=ORGANISER,
        booking={
            "room_id": hall,
            "start": f"{week1}T14:00:00+08:00",
            "end": f"{week1}T16:00:00+08:00",
            "attendees": 15,
            **ORGANISATION,
            "booker_name": "老年书画班",
            "weeks": 4,
            "purpose": "书画培训",
        },
    )
    assert series["all_accepted"] is False and series["refused_dates"] == [week2]
    assert [o["accepted"] for o in series["occurrences"]] == [True, False, True, True]
    assert series["occurrences"][1]["conflicting_booking_ids"] == [taken["id"]]
    assert series["occurrences"][1]["reason_code"] == "conflict"
    assert len(series["bookings"]) == 3 and {b["series_id"] for b in series["bookings"]} == {series["series_id"]}
    assert series["occurrences"][2]["booking_id"] == series["bookings"][1]["id"]
    with pytest.raises(Conflict) as none_fit:
        venues.create_recurring_booking(
            actor=ORGANISER,
            booking={
                "room_id": hall,
                "start": f"{week1}T14:00:00+08:00",
                "end": f"{week1}T15:00:00+08:00",
                "attendees": 5,
                **ORGANISATION,
                "weeks": 2,
            },
        )
    assert none_fit.value.extra["report"]["refused_dates"] == [week1, week2]


def test_a_relative_books_for_a_linked_dependant(venues, jiaping):
    """The scope dependant:<id> (from accounts) lets a resident book for that person; booked_by keeps who did."""
    room = jiaping["rooms"]["多功能活动室"]
    daughter = {**RESIDENT, "sub": "daughter-1", "scopes": ["dependant:mother-1"]}
    for_mother = book(
        venues,
        daughter,
        room,
        f"{TUESDAY}T09:00:00+08:00",
        f"{TUESDAY}T10:00:00+08:00",
        booker_id="mother-1",
        booker_name="王秀英",
        attendees=2,
    )
    assert (for_mother["booker_id"], for_mother["booker_name"], for_mother["booked_by"]) == (
        "mother-1",
        "王秀英",
        "daughter-1",
    )
    with pytest.raises(Forbidden):
        book(
            venues,
            daughter,
            room,
            f"{TUESDAY}T10:00:00+08:00",
            f"{TUESDAY}T11:00:00+08:00",
            booker_id="a-stranger",
            attendees=2,
        )
