import datetime as dt

import pytest

from kit.rules import InvalidTransition
from services.venues.domain.booking_rules import (
    BookerKind,
    BookingAction,
    BookingDecision,
    BookingPolicy,
    BookingRefusal,
    BookingRequest,
    BookingStatus,
    Channel,
    RoomBookingProfile,
    allowed_actions,
    check_booking,
    occupied_span,
    recurring_booking_report,
    transition,
    weekly_occurrences,
)
from services.venues.domain.jiaping_seed import jiaping_centre
from services.venues.domain.opening_hours import Closure, ResolvedDay, resolve_calendar

TUESDAY = dt.date(2026, 11, 24)


def at(day: dt.date, hhmm: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmm))


def room_profile(name: str) -> RoomBookingProfile:
    room = next(room for room in jiaping_centre().rooms if room.name == name)
    return RoomBookingProfile(capacity=room.capacity, policy=room.booking_policy, buffer_minutes=room.buffer_minutes)


MULTI_FUNCTION = "多功能活动室"
ACTIVITY_ROOM = "文化活动室"


def resolved(day: dt.date, closures=()) -> ResolvedDay:
    centre = jiaping_centre()
    (resolved_day,) = resolve_calendar(centre.schedule, [], centre.holiday_rule, closures, day, day)
    return resolved_day


def request(start: str, end: str, *, day=TUESDAY, attendees=20, booker=BookerKind.ORGANISATION, **extra):
    return BookingRequest(at(day, start), at(day, end), attendees, booker, **extra)


def decide(booking: BookingRequest, room=MULTI_FUNCTION, existing=(), day=TUESDAY, closures=()):
    return check_booking(booking, room_profile(room), resolved(day, closures), existing)


def test_tuesday_afternoon_booking_of_the_multi_function_room_is_confirmed():
    decision = decide(request("15:00", "16:00", booker=BookerKind.INDIVIDUAL))
    assert isinstance(decision, BookingDecision)
    assert decision.accepted and decision.status == "confirmed"
    assert decision.occupied_end == at(TUESDAY, "16:15")  # 15 min cleanup


def test_lunch_time_booking_is_outside_opening_hours():
    decision = decide(request("12:30", "13:30"))
    assert isinstance(decision, BookingRefusal)
    assert decision.code == "outside_opening_hours"
    assert "09:00-12:00" in decision.message and "14:00-18:00" in decision.message
    assert "开放时间" in decision.message_zh


def test_booking_across_the_lunch_break_is_refused():
    assert decide(request("11:00", "15:00")).code == "outside_opening_hours"


def test_booking_on_a_closed_holiday_names_the_reason():
    decision = decide(request("10:00", "11:00", day=dt.date(2026, 10, 1)), day=dt.date(2026, 10, 1))
    assert decision.code == "outside_opening_hours"
    assert "closed all day" in decision.message and "按活动组织要求开放" in decision.message_zh


def test_booking_during_a_closure_is_outside_opening_hours():
    closure = Closure(at(TUESDAY, "14:00"), at(TUESDAY, "18:00"), "消防检查")
    assert decide(request("15:00", "16:00"), closures=[closure]).code == "outside_opening_hours"


def test_overlap_is_a_conflict_naming_the_existing_booking():
    existing = [("bk-1", at(TUESDAY, "14:30"), at(TUESDAY, "15:30"))]
    decision = decide(request("15:00", "16:00"), existing=existing)
    assert decision.code == "conflict"
    assert decision.conflicting_booking_ids == ("bk-1",)
    assert "bk-1" in decision.message and "bk-1" in decision.message_zh


def test_cleanup_buffer_blocks_the_room_after_each_booking():
    existing = [("bk-1", at(TUESDAY, "14:00"), at(TUESDAY, "15:00"))]
    too_soon = decide(request("15:10", "16:00"), existing=existing)
    assert too_soon.code == "conflict" and "15 min" in too_soon.message
    assert decide(request("15:15", "16:00"), existing=existing).accepted
    # ... and the new booking's own cleanup may not run into the next one.
    later = [("bk-2", at(TUESDAY, "16:10"), at(TUESDAY, "17:00"))]
    assert decide(request("15:00", "16:00"), existing=later).code == "conflict"


def test_back_to_back_is_fine_without_a_buffer():
    reading_room = "图书阅览室"
    existing = [("bk-1", at(TUESDAY, "14:00"), at(TUESDAY, "15:00"))]
    assert decide(request("15:00", "16:00", attendees=10), room=reading_room, existing=existing).accepted
    assert occupied_span(at(TUESDAY, "14:00"), at(TUESDAY, "15:00"), 0) == (at(TUESDAY, "14:00"), at(TUESDAY, "15:00"))


def test_all_conflicting_ids_are_reported():
    existing = [
        ("bk-1", at(TUESDAY, "14:00"), at(TUESDAY, "14:45")),
        ("bk-2", at(TUESDAY, "15:30"), at(TUESDAY, "16:30")),
        ("bk-3", at(TUESDAY, "17:00"), at(TUESDAY, "18:00")),
    ]
    assert decide(request("14:30", "16:00"), existing=existing).conflicting_booking_ids == ("bk-1", "bk-2")


def test_an_individual_asks_for_the_organisations_only_activity_room_and_waits_for_the_leaders_sign_off():
    decision = decide(request("15:00", "16:00", booker=BookerKind.INDIVIDUAL, attendees=5), room=ACTIVITY_ROOM)
    assert decision.accepted and decision.status == "pending" and decision.needs_sign_off is True


def test_organisation_may_book_the_activity_room():
    decision = decide(request("15:00", "16:00"), room=ACTIVITY_ROOM)
    assert decision.status == "confirmed" and decision.needs_sign_off is False


def test_approval_required_room_gives_a_pending_booking():
    room = RoomBookingProfile(capacity=30, policy=BookingPolicy.APPROVAL_REQUIRED, buffer_minutes=15)
    decision = check_booking(request("15:00", "16:00"), room, resolved(TUESDAY), [])
    assert decision.accepted and decision.status == "pending"


def test_over_capacity():
    decision = decide(request("15:00", "16:00", attendees=51))
    assert decision.code == "over_capacity"
    assert "51" in decision.message and "50" in decision.message


@pytest.mark.parametrize(
    "start, end",
    [
        (at(TUESDAY, "16:00"), at(TUESDAY, "15:00")),
        (at(TUESDAY, "15:00"), at(TUESDAY, "15:00")),
        (at(TUESDAY, "17:00"), at(TUESDAY + dt.timedelta(days=1), "10:00")),
    ],
)
def test_invalid_times(start, end):
    booking = BookingRequest(start, end, 10, BookerKind.ORGANISATION)
    assert check_booking(booking, room_profile(MULTI_FUNCTION), resolved(TUESDAY), []).code == "invalid_time"


def test_checks_run_in_order_invalid_time_capacity_hours_conflict():
    existing = [("bk-1", at(TUESDAY, "12:00"), at(TUESDAY, "13:00"))]
    everything_wrong = BookingRequest(at(TUESDAY, "12:30"), at(TUESDAY, "12:00"), 999, BookerKind.INDIVIDUAL)
    room = room_profile(ACTIVITY_ROOM)
    day = resolved(TUESDAY)
    assert check_booking(everything_wrong, room, day, existing).code == "invalid_time"
    no_longer_reversed = request("12:00", "12:30", attendees=999, booker=BookerKind.INDIVIDUAL)
    assert check_booking(no_longer_reversed, room, day, existing).code == "over_capacity"
    as_organisation = request("12:00", "12:30", attendees=999)
    assert check_booking(as_organisation, room, day, existing).code == "over_capacity"
    within_capacity = request("12:00", "12:30", attendees=10)
    assert check_booking(within_capacity, room, day, existing).code == "outside_opening_hours"


def test_resolved_day_must_be_the_booking_date():
    with pytest.raises(ValueError, match="does not match"):
        check_booking(
            request("15:00", "16:00"), room_profile(MULTI_FUNCTION), resolved(TUESDAY + dt.timedelta(days=1)), []
        )


def test_request_validation():
    with pytest.raises(ValueError, match="at least one attendee"):
        request("15:00", "16:00", attendees=0)
    with pytest.raises(ValueError, match="booked_for"):
        request("15:00", "16:00", channel=Channel.ON_BEHALF)
    on_behalf = request("15:00", "16:00", channel="on_behalf", booked_for="李奶奶")
    assert on_behalf.channel is Channel.ON_BEHALF
    with pytest.raises(ValueError):
        RoomBookingProfile(capacity=0, policy=BookingPolicy.PUBLIC)
    with pytest.raises(ValueError):
        RoomBookingProfile(capacity=10, policy=BookingPolicy.PUBLIC, buffer_minutes=-5)


# ---- recurring bookings -----------------------------------------------------------------------


def test_weekly_occurrences():
    occurrences = weekly_occurrences(at(TUESDAY, "15:00"), at(TUESDAY, "16:00"), 4)
    assert [start.date() for start, _ in occurrences] == [
        dt.date(2026, 11, 24),
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 8),
        dt.date(2026, 12, 15),
    ]
    assert all(end - start == dt.timedelta(hours=1) for start, end in occurrences)


@pytest.mark.parametrize("weeks", [0, 53, -1, True])
def test_weekly_occurrences_bounds(weeks):
    with pytest.raises(ValueError, match="1 to 52 weeks"):
        weekly_occurrences(at(TUESDAY, "15:00"), at(TUESDAY, "16:00"), weeks)


def test_recurring_four_weeks_report_lists_the_conflicting_date():
    occurrences = weekly_occurrences(at(TUESDAY, "15:00"), at(TUESDAY, "16:00"), 4)
    third_week = dt.date(2026, 12, 8)
    existing = [("bk-9", at(third_week, "15:30"), at(third_week, "17:00"))]
    decisions = [
        decide(request("15:00", "16:00", day=start.date()), existing=existing, day=start.date())
        for start, _ in occurrences
    ]
    report = recurring_booking_report(occurrences, decisions)
    assert not report.all_accepted
    assert report.refused_dates == [third_week]
    assert report.conflicts_by_date == {third_week: ("bk-9",)}
    as_dict = report.to_dict()
    assert [entry["accepted"] for entry in as_dict["occurrences"]] == [True, True, False, True]
    assert as_dict["occurrences"][2]["code"] == "conflict"
    assert as_dict["occurrences"][2]["conflicting_booking_ids"] == ["bk-9"]
    assert as_dict["occurrences"][0]["status"] == "confirmed"
    assert as_dict["refused_dates"] == ["2026-12-08"]


def test_recurring_report_needs_one_decision_per_occurrence():
    occurrences = weekly_occurrences(at(TUESDAY, "15:00"), at(TUESDAY, "16:00"), 2)
    with pytest.raises(ValueError, match="2 occurrences but 1 decisions"):
        recurring_booking_report(occurrences, [decide(request("15:00", "16:00"))])


# ---- status state machine ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "status, action, expected",
    [
        ("requested", "hold_for_approval", "pending"),
        ("requested", "confirm", "confirmed"),
        ("pending", "confirm", "confirmed"),
        ("pending", "reject", "rejected"),
        ("pending", "cancel", "cancelled"),
        ("confirmed", "cancel", "cancelled"),
        ("confirmed", "check_in", "checked_in"),
        ("confirmed", "mark_no_show", "no_show"),
    ],
)
def test_allowed_transitions(status, action, expected):
    assert transition(status, action) is BookingStatus(expected)


def test_cancelling_twice_is_an_invalid_transition():
    cancelled = transition(BookingStatus.CONFIRMED, BookingAction.CANCEL)
    with pytest.raises(InvalidTransition, match="cannot cancel a booking that is cancelled") as raised:
        transition(cancelled, BookingAction.CANCEL)
    assert raised.value.current is BookingStatus.CANCELLED
    assert "已取消" in raised.value.message_zh


@pytest.mark.parametrize(
    "status, action",
    [
        ("pending", "check_in"),
        ("checked_in", "mark_no_show"),
        ("rejected", "confirm"),
        ("requested", "reject"),
        ("no_show", "check_in"),
    ],
)
def test_other_transitions_are_refused(status, action):
    with pytest.raises(InvalidTransition):
        transition(status, action)


def test_allowed_actions():
    assert set(allowed_actions("confirmed")) == {
        BookingAction.CANCEL,
        BookingAction.CHECK_IN,
        BookingAction.MARK_NO_SHOW,
    }
    assert allowed_actions("cancelled") == []


def test_a_checked_in_booking_holds_its_room_but_is_no_longer_cancellable_by_a_closure():
    from services.venues.domain.booking_rules import ACTIVE_STATUSES, ROOM_HOLDING_STATUSES

    assert BookingStatus.CHECKED_IN in ROOM_HOLDING_STATUSES
    assert BookingStatus.CHECKED_IN not in ACTIVE_STATUSES
    assert not ROOM_HOLDING_STATUSES & {BookingStatus.CANCELLED, BookingStatus.REJECTED, BookingStatus.NO_SHOW}
