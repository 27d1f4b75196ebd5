"""The limits every booking system has, per room and set by its manager (issue 17.4): no start in
the past, an advance window, a maximum length, a per-person quota per week and a cancellation
cut-off. Each occurrence of a weekly series is checked (and counted) like a single booking.

Naive local wall-clock times, like the rest of the booking rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from services.venues.domain.booking_rules import BookingRefusal

MAX_ADVANCE_DAYS = 3660  # ten years: a manager may open a room far ahead, not without bound


class LimitsError(ValueError):
    pass


@dataclass(frozen=True)
class BookingLimits:
    advance_days: int = 30  # the furthest a start may be ahead, in days from now
    max_minutes: int = 480  # the longest a single booking may be
    weekly_quota: int | None = 5  # bookings one person may hold in this room per ISO week; None: no quota
    cancel_cutoff_hours: int = 0  # the booker may not cancel later than this before the start
    check_in_opens_minutes: int = 15  # check-in window around the start (issue 17.6)
    check_in_closes_minutes: int = 15

    def __post_init__(self) -> None:
        if not 1 <= self.advance_days <= MAX_ADVANCE_DAYS:
            raise LimitsError(f"the advance window must be 1 to {MAX_ADVANCE_DAYS} days, got {self.advance_days}")
        if not 15 <= self.max_minutes <= 24 * 60:
            raise LimitsError(f"the maximum length must be 15 to 1440 minutes, got {self.max_minutes}")
        if self.weekly_quota is not None and not 1 <= self.weekly_quota <= 100:
            raise LimitsError(f"the weekly quota must be 1 to 100 bookings, got {self.weekly_quota}")
        if not 0 <= self.cancel_cutoff_hours <= 24 * 14:
            raise LimitsError(f"the cancellation cut-off must be 0 to 336 hours, got {self.cancel_cutoff_hours}")

    @classmethod
    def from_json(cls, values: dict | None) -> BookingLimits:
        """The room's stored limits; the defaults for what is not set."""
        return cls(**{name: value for name, value in (values or {}).items() if name in cls.__dataclass_fields__})


def iso_week_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Monday 00:00 to the next Monday 00:00 of the ISO week containing `day`."""
    monday = day - dt.timedelta(days=day.weekday())
    start = dt.datetime.combine(monday, dt.time())
    return start, start + dt.timedelta(weeks=1)


def past_start_refusal(start: dt.datetime, now: dt.datetime) -> BookingRefusal | None:
    """Nobody books a time that has begun: not residents, not staff, not room holds."""
    if start > now:
        return None
    return BookingRefusal(
        "in_the_past",
        f"the booking would start in the past ({start:%Y-%m-%d %H:%M}; it is now {now:%Y-%m-%d %H:%M})",
        f"不能预订已过去的时间（{start:%Y-%m-%d %H:%M}）",
    )


def limits_refusal(
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
    limits: BookingLimits,
    person_bookings_that_week: int | None,
) -> BookingRefusal | None:
    """The room's limits for a booker (the venue's own staff are not held to them, only to the past).

    `person_bookings_that_week`: the booker's bookings of this room that hold it in the ISO week of
    `start` (earlier occurrences of the same series included); None when the booker is not a known
    person (a desk booking for a name), who then has no quota.
    """
    refusal = past_start_refusal(start, now)
    if refusal is not None:
        return refusal
    furthest = now + dt.timedelta(days=limits.advance_days)
    if start > furthest:
        return BookingRefusal(
            "too_far_ahead",
            f"this room is booked at most {limits.advance_days} days ahead (until {furthest:%Y-%m-%d}); "
            f"{start:%Y-%m-%d} is later",
            f"本室最多提前{limits.advance_days}天预订（至{furthest:%Y-%m-%d}）",
        )
    minutes = (end - start) / dt.timedelta(minutes=1)
    if minutes > limits.max_minutes:
        return BookingRefusal(
            "too_long",
            f"a booking of this room lasts at most {limits.max_minutes} minutes, this one {minutes:.0f}",
            f"本室单次预订最长{limits.max_minutes}分钟",
        )
    if (
        limits.weekly_quota is not None
        and person_bookings_that_week is not None
        and person_bookings_that_week >= limits.weekly_quota
    ):
        monday = start.date() - dt.timedelta(days=start.weekday())
        return BookingRefusal(
            "weekly_quota_reached",
            f"one person may hold {limits.weekly_quota} bookings of this room per week; you already hold "
            f"{person_bookings_that_week} in the week of {monday:%Y-%m-%d}",
            f"每人每周最多预订本室{limits.weekly_quota}次，本周（{monday:%m月%d日}起）已达上限",
        )
    return None


def cancellation_refusal(start: dt.datetime, now: dt.datetime, limits: BookingLimits) -> BookingRefusal | None:
    """Whether the booker may still cancel (the venue's managers always may)."""
    if not limits.cancel_cutoff_hours:
        return None
    cutoff = start - dt.timedelta(hours=limits.cancel_cutoff_hours)
    if now < cutoff:
        return None
    return BookingRefusal(
        "cancellation_closed",
        f"bookings of this room can be cancelled until {limits.cancel_cutoff_hours} h before the start "
        f"({cutoff:%Y-%m-%d %H:%M}); ask the venue to cancel it",
        f"本室预订须在开始前{limits.cancel_cutoff_hours}小时之前取消（截止{cutoff:%Y-%m-%d %H:%M}），请联系场馆",
    )
