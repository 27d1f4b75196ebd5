"""Closing a venue or room. Seed 004: 无特殊情况不得关闭；如关闭，要对外公告，发布预开放时间 — a closure
is only valid with a reason and an expected reopening, and it is announced publicly."""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Literal

from services.venues.domain.booking_rules import ACTIVE_STATUSES, ROOM_HOLDING_STATUSES, BookingRecord
from services.venues.domain.opening_hours import Closure, Interval

ClosureErrorCode = Literal["reopening_required", "reopening_not_after_start", "reopening_in_past", "reason_required"]


class ClosureError(ValueError):
    def __init__(self, code: ClosureErrorCode, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.code = code
        self.message_zh = message_zh


def validate_closure(
    start: dt.datetime,
    expected_reopening: dt.datetime | None,
    reason: str | None,
    now: dt.datetime,
) -> Closure:
    """A Closure ready to announce, or ClosureError saying what is missing.

    The start may lie in the past (an emergency closure recorded afterwards); the expected
    reopening may not, because a notice announcing a reopening that has passed tells nobody anything.
    """
    if expected_reopening is None:
        raise ClosureError(
            "reopening_required",
            "a closure must be announced with its expected reopening time",
            "如关闭，须对外公告并发布预开放时间",
        )
    if expected_reopening <= start:
        raise ClosureError(
            "reopening_not_after_start",
            f"the expected reopening {expected_reopening:%Y-%m-%d %H:%M} must be after the closure starts "
            f"({start:%Y-%m-%d %H:%M})",
            "预开放时间须晚于关闭时间",
        )
    if expected_reopening <= now:
        raise ClosureError(
            "reopening_in_past",
            f"the expected reopening {expected_reopening:%Y-%m-%d %H:%M} has already passed",
            "预开放时间已过，请填写新的预开放时间",
        )
    reason = (reason or "").strip()
    if not reason:
        raise ClosureError("reason_required", "a closure needs a reason for the public notice", "请填写关闭原因")
    return Closure(start=start, expected_reopening=expected_reopening, reason=reason)


def bookings_affected(closure: Closure, bookings: Iterable[BookingRecord]) -> list[str]:
    """Ids of the active bookings whose time overlaps the closure, earliest first."""
    affected = sorted(
        (
            booking
            for booking in bookings
            if booking.status in ACTIVE_STATUSES and closure.overlaps(booking.start, booking.end)
        ),
        key=lambda booking: booking.start,
    )
    return [booking.booking_id for booking in affected]


def closure_notice_zh(place_name: str, closure: Closure) -> str:
    """The public notice (公告) text of a closure, giving the expected reopening as seed 004 requires."""
    return (
        f"{place_name}因{closure.reason}，自{closure.start:%Y年%m月%d日 %H:%M}起暂停开放，"
        f"预计于{closure.expected_reopening:%Y年%m月%d日 %H:%M}恢复开放。不便之处，敬请谅解。"
    )


def bookings_left_outside(intervals: Iterable[Interval], bookings: Iterable[BookingRecord]) -> list[str]:
    """Ids of the bookings (holding the room) that would no longer fit in the day's new open
    `intervals`: a dated exception that strands them is a closure in disguise (seed 004) and must go
    through the closure path, which announces it and cancels them."""
    intervals = tuple(intervals)
    stranded = [
        booking
        for booking in bookings
        if booking.status in ROOM_HOLDING_STATUSES
        and not any(interval.contains(booking.start.time(), booking.end.time()) for interval in intervals)
    ]
    return [booking.booking_id for booking in sorted(stranded, key=lambda booking: booking.start)]


def _open_minutes(intervals: Iterable[Interval]) -> set[int]:
    return {
        minute
        for interval in intervals
        for minute in range(
            interval.start.hour * 60 + interval.start.minute, interval.end.hour * 60 + interval.end.minute
        )
    }


def removes_hours(before: Iterable[Interval], after: Iterable[Interval]) -> bool:
    """Whether some time open before is not open after."""
    return bool(_open_minutes(before) - _open_minutes(after))
