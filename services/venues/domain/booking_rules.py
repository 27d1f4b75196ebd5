"""Rules for room bookings (场地预订): who may book, capacity, opening hours, conflicts with a
cleanup buffer, weekly recurrences and the booking status state machine.

Datetimes are naive local wall-clock times of the venue, like everywhere in this domain.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Iterable, Literal, NamedTuple, Sequence

from kit.rules import InvalidTransition
from services.venues.domain.opening_hours import ResolvedDay, open_interval_containing

MAX_BUFFER_MINUTES = 240
MAX_RECURRING_WEEKS = 52


class BookingPolicy(StrEnum):
    PUBLIC = "public"
    ORGANISATIONS_ONLY = "organisations_only"  # seed 000 文化活动室: 原则上不对个人开放
    APPROVAL_REQUIRED = "approval_required"  # a manager confirms every booking


class BookerKind(StrEnum):
    INDIVIDUAL = "individual"
    ORGANISATION = "organisation"


class Channel(StrEnum):
    """How the booking reached the venue; seed 002 asks to keep phone, desk and on-behalf (代预约) booking."""

    ONLINE = "online"
    PHONE = "phone"
    DESK = "desk"
    ON_BEHALF = "on_behalf"


class BookingStatus(StrEnum):
    REQUESTED = "requested"
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    CHECKED_IN = "checked_in"
    NO_SHOW = "no_show"


class BookingAction(StrEnum):
    HOLD_FOR_APPROVAL = "hold_for_approval"
    CONFIRM = "confirm"
    REJECT = "reject"
    CANCEL = "cancel"
    CHECK_IN = "check_in"
    MARK_NO_SHOW = "mark_no_show"


# Bookings in these states are still ahead of their use: a closure cancels them, a hold can move.
ACTIVE_STATUSES = frozenset({BookingStatus.PENDING, BookingStatus.CONFIRMED})
# Bookings in these states keep the room from others: a checked-in booking holds it until its end.
ROOM_HOLDING_STATUSES = ACTIVE_STATUSES | {BookingStatus.CHECKED_IN}

RefusalCode = Literal[
    "outside_opening_hours",
    "conflict",
    "over_capacity",
    "policy_refused",
    "invalid_time",
    "in_the_past",
    "too_far_ahead",
    "too_long",
    "weekly_quota_reached",
    "cancellation_closed",
]


@dataclass(frozen=True)
class BookingRequest:
    start: dt.datetime
    end: dt.datetime
    attendees: int
    booker_kind: BookerKind
    channel: Channel = Channel.ONLINE
    booked_for: str | None = None  # the person booked for, when staff book on someone's behalf

    def __post_init__(self) -> None:
        if isinstance(self.attendees, bool) or not isinstance(self.attendees, int) or self.attendees < 1:
            raise ValueError(f"a booking needs at least one attendee, got {self.attendees!r}")
        object.__setattr__(self, "booker_kind", BookerKind(self.booker_kind))
        object.__setattr__(self, "channel", Channel(self.channel))
        if self.channel is Channel.ON_BEHALF and not (self.booked_for or "").strip():
            raise ValueError("a booking made on someone's behalf must say who it is for (booked_for)")


@dataclass(frozen=True)
class RoomBookingProfile:
    """What the booking rules need to know about a room."""

    capacity: int
    policy: BookingPolicy
    buffer_minutes: int = 0  # room blocked for cleanup after each booking

    def __post_init__(self) -> None:
        if self.capacity < 1:
            raise ValueError(f"room capacity must be at least 1, got {self.capacity}")
        if not 0 <= self.buffer_minutes <= MAX_BUFFER_MINUTES:
            raise ValueError(f"cleanup buffer must be 0 to {MAX_BUFFER_MINUTES} minutes, got {self.buffer_minutes}")
        object.__setattr__(self, "policy", BookingPolicy(self.policy))


class BookingRecord(NamedTuple):
    """A booking of any status, e.g. to find the ones a closure affects."""

    booking_id: str
    start: dt.datetime
    end: dt.datetime
    status: BookingStatus


@dataclass(frozen=True)
class BookingDecision:
    """The booking is accepted: confirmed at once, or pending a manager's approval."""

    status: Literal["confirmed", "pending"]
    occupied_start: dt.datetime
    occupied_end: dt.datetime  # end of the booking plus the cleanup buffer
    needs_sign_off: bool = False  # pending until a manager records the leader's signed consent
    accepted: Literal[True] = True


@dataclass(frozen=True)
class BookingRefusal:
    code: RefusalCode
    message: str
    message_zh: str
    conflicting_booking_ids: tuple[str, ...] = ()
    accepted: Literal[False] = False


def occupied_span(start: dt.datetime, end: dt.datetime, buffer_minutes: int) -> tuple[dt.datetime, dt.datetime]:
    """The time a booking keeps the room from others: the booking itself plus the cleanup after it."""
    return start, end + dt.timedelta(minutes=buffer_minutes)


def spans_overlap(first: tuple[dt.datetime, dt.datetime], second: tuple[dt.datetime, dt.datetime]) -> bool:
    """Half-open spans: one ending exactly when the other starts do not overlap."""
    return first[0] < second[1] and second[0] < first[1]


def _invalid_time(request: BookingRequest) -> BookingRefusal | None:
    if request.start.tzinfo is not None or request.end.tzinfo is not None:
        return BookingRefusal(
            "invalid_time",
            "booking times must be local venue times without a time zone",
            "预订时间须为场馆当地时间",
        )
    if request.start >= request.end:
        return BookingRefusal(
            "invalid_time",
            f"the booking must start before it ends ({request.start:%Y-%m-%d %H:%M} – {request.end:%Y-%m-%d %H:%M})",
            "预订开始时间须早于结束时间",
        )
    if request.start.date() != request.end.date():
        return BookingRefusal(
            "invalid_time",
            "a booking must start and end on the same day; book each day separately",
            "预订须在同一天内开始和结束，跨天请分别预订",
        )
    return None


def needs_sign_off(request: BookingRequest, room: RoomBookingProfile) -> bool:
    """Seed 000 文化活动室: open to organisations; an individual with a professional need may use it after
    the leader in charge signs (因专业需要…经分管领导签字同意后方可使用) — a request for approval, not a refusal."""
    return room.policy is BookingPolicy.ORGANISATIONS_ONLY and request.booker_kind is BookerKind.INDIVIDUAL


def _capacity_refusal(request: BookingRequest, room: RoomBookingProfile) -> BookingRefusal | None:
    if request.attendees > room.capacity:
        return BookingRefusal(
            "over_capacity",
            f"{request.attendees} attendees exceed the room's capacity of {room.capacity}",
            f"预订人数{request.attendees}人超过本室容纳人数{room.capacity}人",
        )
    return None


def _opening_hours_refusal(request: BookingRequest, day: ResolvedDay) -> BookingRefusal | None:
    if open_interval_containing(day, request.start.time(), request.end.time()) is not None:
        return None
    asked = f"{request.start:%H:%M}-{request.end:%H:%M}"
    if not day.intervals:
        why = f" ({day.note})" if day.note else ""
        why_zh = f"（{day.note}）" if day.note else ""
        return BookingRefusal(
            "outside_opening_hours",
            f"the room is closed all day on {day.date}{why}",
            f"{day.date}全天不开放{why_zh}",
        )
    hours = ", ".join(str(interval) for interval in day.intervals)
    return BookingRefusal(
        "outside_opening_hours",
        f"{asked} on {day.date} is not within one opening period (open {hours})",
        f"{day.date} {asked}不在同一开放时段内（开放时间：{hours.replace(', ', '、')}）",
    )


def _conflict_refusal(
    request: BookingRequest, room: RoomBookingProfile, existing: Iterable[tuple[str, dt.datetime, dt.datetime]]
) -> BookingRefusal | None:
    wanted = occupied_span(request.start, request.end, room.buffer_minutes)
    conflicting = tuple(
        booking_id
        for booking_id, start, end in existing
        if spans_overlap(wanted, occupied_span(start, end, room.buffer_minutes))
    )
    if not conflicting:
        return None
    buffer_en = (
        f" (the room needs {room.buffer_minutes} min for cleanup after each booking)" if room.buffer_minutes else ""
    )
    buffer_zh = f"（每次使用后需留{room.buffer_minutes}分钟清场整理）" if room.buffer_minutes else ""
    ids = ", ".join(conflicting)
    return BookingRefusal(
        "conflict",
        f"the room is already booked at that time: {ids}{buffer_en}",
        f"该时段已被预订：{ids}{buffer_zh}",
        conflicting_booking_ids=conflicting,
    )


def check_booking(
    request: BookingRequest,
    room: RoomBookingProfile,
    resolved_day: ResolvedDay,
    existing: Iterable[tuple[str, dt.datetime, dt.datetime]],
) -> BookingDecision | BookingRefusal:
    """Decide a booking request for one room on one resolved day.

    `existing` are the (booking_id, start, end) of the room's active bookings. Checks run in the
    order invalid time, capacity, opening hours, conflict; the first failure is returned. An
    individual's request for an organisations-only room is accepted as pending the leader's sign-off.
    The cleanup buffer may run past closing time (staff tidy up after hours); the booking may not.
    """
    refusal = _invalid_time(request)
    if refusal is not None:
        return refusal
    if resolved_day.date != request.start.date():
        raise ValueError(f"resolved day {resolved_day.date} does not match the booking date {request.start.date()}")
    refusal = (
        _capacity_refusal(request, room)
        or _opening_hours_refusal(request, resolved_day)
        or _conflict_refusal(request, room, existing)
    )
    if refusal is not None:
        return refusal
    sign_off = needs_sign_off(request, room)
    status: Literal["confirmed", "pending"] = (
        "pending" if room.policy is BookingPolicy.APPROVAL_REQUIRED or sign_off else "confirmed"
    )
    occupied_start, occupied_end = occupied_span(request.start, request.end, room.buffer_minutes)
    return BookingDecision(
        status=status, occupied_start=occupied_start, occupied_end=occupied_end, needs_sign_off=sign_off
    )


def weekly_occurrences(start: dt.datetime, end: dt.datetime, weeks: int) -> list[tuple[dt.datetime, dt.datetime]]:
    """The same slot on `weeks` consecutive weeks, the first being (start, end)."""
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= MAX_RECURRING_WEEKS:
        raise ValueError(f"a weekly booking repeats for 1 to {MAX_RECURRING_WEEKS} weeks, got {weeks!r}")
    if start >= end:
        raise ValueError("the booking must start before it ends")
    return [(start + dt.timedelta(weeks=week), end + dt.timedelta(weeks=week)) for week in range(weeks)]


@dataclass(frozen=True)
class OccurrenceOutcome:
    start: dt.datetime
    end: dt.datetime
    decision: BookingDecision | BookingRefusal

    def to_dict(self) -> dict[str, Any]:
        outcome: dict[str, Any] = {
            "date": self.start.date().isoformat(),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "accepted": self.decision.accepted,
        }
        if isinstance(self.decision, BookingDecision):
            outcome["status"] = self.decision.status
        else:
            outcome.update(
                code=self.decision.code,
                message=self.decision.message,
                message_zh=self.decision.message_zh,
                conflicting_booking_ids=list(self.decision.conflicting_booking_ids),
            )
        return outcome


@dataclass(frozen=True)
class RecurringBookingReport:
    occurrences: tuple[OccurrenceOutcome, ...]

    @property
    def all_accepted(self) -> bool:
        return all(outcome.decision.accepted for outcome in self.occurrences)

    @property
    def refused_dates(self) -> list[dt.date]:
        return [outcome.start.date() for outcome in self.occurrences if not outcome.decision.accepted]

    @property
    def conflicts_by_date(self) -> dict[dt.date, tuple[str, ...]]:
        return {
            outcome.start.date(): outcome.decision.conflicting_booking_ids
            for outcome in self.occurrences
            if isinstance(outcome.decision, BookingRefusal) and outcome.decision.code == "conflict"
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "all_accepted": self.all_accepted,
            "refused_dates": [day.isoformat() for day in self.refused_dates],
            "occurrences": [outcome.to_dict() for outcome in self.occurrences],
        }


def recurring_booking_report(
    occurrences: Sequence[tuple[dt.datetime, dt.datetime]],
    decisions: Sequence[BookingDecision | BookingRefusal],
) -> RecurringBookingReport:
    """Pair each occurrence with its decision, so the booker sees per date what failed and why."""
    if len(occurrences) != len(decisions):
        raise ValueError(f"{len(occurrences)} occurrences but {len(decisions)} decisions")
    return RecurringBookingReport(
        tuple(OccurrenceOutcome(start, end, decision) for (start, end), decision in zip(occurrences, decisions))
    )


_TRANSITIONS = MappingProxyType(
    {
        (BookingStatus.REQUESTED, BookingAction.HOLD_FOR_APPROVAL): BookingStatus.PENDING,
        (BookingStatus.REQUESTED, BookingAction.CONFIRM): BookingStatus.CONFIRMED,
        (BookingStatus.PENDING, BookingAction.CONFIRM): BookingStatus.CONFIRMED,
        (BookingStatus.PENDING, BookingAction.REJECT): BookingStatus.REJECTED,
        (BookingStatus.PENDING, BookingAction.CANCEL): BookingStatus.CANCELLED,
        (BookingStatus.CONFIRMED, BookingAction.CANCEL): BookingStatus.CANCELLED,
        (BookingStatus.CONFIRMED, BookingAction.CHECK_IN): BookingStatus.CHECKED_IN,
        (BookingStatus.CONFIRMED, BookingAction.MARK_NO_SHOW): BookingStatus.NO_SHOW,
    }
)

_STATUS_ZH = MappingProxyType(
    {
        BookingStatus.REQUESTED: "已提交",
        BookingStatus.PENDING: "待审批",
        BookingStatus.CONFIRMED: "已确认",
        BookingStatus.REJECTED: "已驳回",
        BookingStatus.CANCELLED: "已取消",
        BookingStatus.CHECKED_IN: "已签到",
        BookingStatus.NO_SHOW: "未到场",
    }
)

_ACTION_ZH = MappingProxyType(
    {
        BookingAction.HOLD_FOR_APPROVAL: "提交审批",
        BookingAction.CONFIRM: "确认",
        BookingAction.REJECT: "驳回",
        BookingAction.CANCEL: "取消",
        BookingAction.CHECK_IN: "签到",
        BookingAction.MARK_NO_SHOW: "登记未到场",
    }
)


def allowed_actions(status: BookingStatus | str) -> list[BookingAction]:
    status = BookingStatus(status)
    return [action for (source, action) in _TRANSITIONS if source is status]


def transition(status: BookingStatus | str, action: BookingAction | str) -> BookingStatus:
    """The status a booking moves to when `action` is taken; InvalidTransition if not allowed."""
    status, action = BookingStatus(status), BookingAction(action)
    try:
        return _TRANSITIONS[(status, action)]
    except KeyError:
        allowed = allowed_actions(status)
        allowed_text = ", ".join(allowed) if allowed else "none, it is final"
        raise InvalidTransition(
            "booking",
            status,
            action,
            allowed,
            message=f"cannot {action} a booking that is {status} (allowed: {allowed_text})",
            message_zh=f"预订状态为“{_STATUS_ZH[status]}”，不能{_ACTION_ZH[action]}",
        ) from None
