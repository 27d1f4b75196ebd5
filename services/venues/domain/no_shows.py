"""Check-in and no-shows (issue 17.6): a check-in window around the start, the automatic no-show that
releases the rest of the slot, and the no-show ledger — after N no-shows within M days a person's
online booking is paused for a while, unless they are exempt (e.g. elderly) or a manager lifts it.

Only no-shows of bookings a person made online for themselves count: bookings recorded by staff on
someone's behalf (phone, desk, 代预约 — the seed-002 groups) never do. Naive local times.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from services.venues.domain.booking_rules import BookingRefusal

COUNTED_CHANNELS = frozenset({"online"})


@dataclass(frozen=True)
class CheckInWindow:
    opens_minutes_before: int = 15
    closes_minutes_after: int = 15

    def opens(self, start: dt.datetime) -> dt.datetime:
        return start - dt.timedelta(minutes=self.opens_minutes_before)

    def closes(self, start: dt.datetime) -> dt.datetime:
        return start + dt.timedelta(minutes=self.closes_minutes_after)


def check_in_refusal(start: dt.datetime, now: dt.datetime, window: CheckInWindow) -> BookingRefusal | None:
    if now < window.opens(start):
        return BookingRefusal(
            "check_in_not_open",
            f"check-in opens at {window.opens(start):%Y-%m-%d %H:%M}, {window.opens_minutes_before} min before the start",  # noqa: E501
            f"签到时间为开始前{window.opens_minutes_before}分钟起（{window.opens(start):%H:%M}）",
        )
    if now > window.closes(start):
        return BookingRefusal(
            "check_in_closed",
            f"check-in closed at {window.closes(start):%Y-%m-%d %H:%M}, {window.closes_minutes_after} min after the "
            f"start; the booking is a no-show",
            f"签到已于{window.closes(start):%H:%M}截止，视为未到场",
        )
    return None


def no_show_refusal(start: dt.datetime, now: dt.datetime, window: CheckInWindow) -> BookingRefusal | None:
    """A booking becomes a no-show only once its check-in window has closed."""
    if now >= window.closes(start):
        return None
    return BookingRefusal(
        "check_in_still_open",
        f"the booker may still check in until {window.closes(start):%Y-%m-%d %H:%M}",
        f"签到尚未截止（{window.closes(start):%H:%M}）",
    )


@dataclass(frozen=True)
class NoShowPolicy:
    limit: int = 3  # this many no-shows …
    within_days: int = 30  # … within this many days …
    pause_days: int = 14  # … pause online booking for this long after the last one


@dataclass(frozen=True)
class CountedNoShow:
    booking_id: str
    at: dt.datetime  # when it became a no-show
    channel: str


def counted(
    no_shows: Iterable[CountedNoShow], now: dt.datetime, policy: NoShowPolicy, lifted_at: dt.datetime | None
) -> list[CountedNoShow]:
    """The no-shows that count: online, within the policy's days, after the last lift."""
    since = now - dt.timedelta(days=policy.within_days)
    if lifted_at is not None:
        since = max(since, lifted_at)
    return sorted((n for n in no_shows if n.channel in COUNTED_CHANNELS and n.at > since), key=lambda n: n.at)


def paused_until(
    no_shows: Iterable[CountedNoShow],
    now: dt.datetime,
    policy: NoShowPolicy,
    *,
    exempt: bool,
    lifted_at: dt.datetime | None,
) -> dt.datetime | None:
    """Until when the person's online booking is paused (None: not paused)."""
    if exempt:
        return None
    counting = counted(no_shows, now, policy, lifted_at)
    if len(counting) < policy.limit:
        return None
    until = counting[-1].at + dt.timedelta(days=policy.pause_days)
    return until if until > now else None
