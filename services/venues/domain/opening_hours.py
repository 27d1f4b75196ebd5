"""Opening hours: the weekly template, dated exceptions, Chinese statutory holidays and
adjusted working days (调休), and closures, resolved into the open intervals of each date.

All times are naive local wall-clock times of the venue (China has one time zone and no DST);
the service layer converts at its boundary.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from enum import StrEnum
from types import MappingProxyType
from typing import Iterable, Literal, Mapping, Sequence

from services.venues.domain.statutory_calendar import CalendarSource, EnteredYear, day_facts, holiday_name_zh

DayKind = Literal["regular", "statutory_holiday", "adjusted_workday", "exception", "closure"]

MONDAY = 0
SATURDAY = 5
WEEKDAY_NAMES_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAY_NAMES_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")

# ASCII digits, as the schema says (re's \d takes any script's; int() reads them too).
_ISO_WEEK = re.compile(r"^([0-9]{4})-W([0-9]{2})$")
_INTERVAL_TEXT = re.compile(r"^\s*([0-9]{1,2}):([0-9]{2})\s*[-–~]\s*([0-9]{1,2}):([0-9]{2})\s*$")


class ScheduleError(ValueError):
    """An opening-hours definition that cannot be right (reversed or overlapping intervals, …)."""


def _seconds_of_day(moment: dt.time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


@dataclass(frozen=True, order=True)
class Interval:
    """One open period within a day, half-open: open at `start`, closed again at `end`."""

    start: dt.time
    end: dt.time

    def __post_init__(self) -> None:
        if not isinstance(self.start, dt.time) or not isinstance(self.end, dt.time):
            raise ScheduleError(f"an interval needs two times of day, got {self.start!r} and {self.end!r}")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ScheduleError("interval times must be local wall-clock times without a time zone")
        if self.start >= self.end:
            raise ScheduleError(f"interval {self} must start before it ends")

    @classmethod
    def parse(cls, text: str) -> Interval:
        """'9:00-12:00' → Interval(09:00, 12:00); the notation of published opening hours."""
        match = _INTERVAL_TEXT.match(text)
        if match is None:
            raise ScheduleError(f"cannot read interval {text!r}; write it like '09:00-12:00'")
        start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
        try:
            return cls(dt.time(start_h, start_m), dt.time(end_h, end_m))
        except ValueError as error:
            if isinstance(error, ScheduleError):
                raise
            raise ScheduleError(f"interval {text!r} has an impossible time of day") from error

    @property
    def seconds(self) -> int:
        return _seconds_of_day(self.end) - _seconds_of_day(self.start)

    @property
    def hours(self) -> float:
        return self.seconds / 3600

    def contains(self, start: dt.time, end: dt.time) -> bool:
        return self.start <= start and end <= self.end

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def _validated_intervals(intervals: Iterable[Interval], where: str) -> tuple[Interval, ...]:
    given = tuple(intervals)
    for interval in given:
        if not isinstance(interval, Interval):
            raise ScheduleError(f"{where}: expected Interval objects, got {interval!r}")
    ordered = tuple(sorted(given))
    for earlier, later in zip(ordered, ordered[1:]):
        if later.start < earlier.end:
            raise ScheduleError(f"{where}: {earlier} overlaps {later}")
        if later.start == earlier.end:
            # Touching intervals would split one open period in two and refuse bookings across the seam.
            raise ScheduleError(
                f"{where}: {earlier} and {later} touch; write them as one interval {Interval(earlier.start, later.end)}"
            )
    return ordered


@dataclass(frozen=True)
class WeeklySchedule:
    """The published weekly template: weekday (Monday=0 … Sunday=6) → open intervals.
    A weekday left out is closed all day."""

    days: Mapping[int, tuple[Interval, ...]]

    def __post_init__(self) -> None:
        unknown = sorted(set(self.days) - set(range(7)), key=repr)
        if unknown:
            raise ScheduleError(f"weekdays are numbered 0 (Monday) to 6 (Sunday); got {unknown}")
        normalised = {
            weekday: _validated_intervals(self.days.get(weekday, ()), WEEKDAY_NAMES_EN[weekday]) for weekday in range(7)
        }
        object.__setattr__(self, "days", MappingProxyType(normalised))

    def intervals_on(self, weekday: int) -> tuple[Interval, ...]:
        return self.days[weekday]


@dataclass(frozen=True)
class DateException:
    """Hours that differ on one date: no intervals = closed that day, otherwise a special opening."""

    date: dt.date
    intervals: tuple[Interval, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "intervals", _validated_intervals(self.intervals, f"exception on {self.date}"))


class HolidayRule(StrEnum):
    """What a venue does on a Chinese statutory holiday."""

    OPEN = "open"  # weekend hours (Saturday's intervals)
    CLOSED = "closed"
    # Seed 000: 国家法定节假日按活动组织要求开放 — closed unless a DateException opens it.
    BY_ARRANGEMENT = "by_arrangement"


@dataclass(frozen=True)
class Closure:
    """A venue or room closed from `start` until `expected_reopening` (seed 004: always announced with one)."""

    start: dt.datetime
    expected_reopening: dt.datetime
    reason: str

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.expected_reopening.tzinfo is not None:
            raise ScheduleError("closure times must be local wall-clock times without a time zone")
        if self.expected_reopening <= self.start:
            raise ScheduleError(
                f"closure reopening {self.expected_reopening:%Y-%m-%d %H:%M} must be after its start "
                f"{self.start:%Y-%m-%d %H:%M}"
            )

    def overlaps(self, start: dt.datetime, end: dt.datetime) -> bool:
        return start < self.expected_reopening and self.start < end


@dataclass(frozen=True)
class ResolvedDay:
    """The concrete opening of one date after every rule has been applied.

    `holiday_name` is set exactly when the date is a statutory holiday (English name from
    chinese_calendar, `holiday_name_zh` its Chinese name), whatever `kind` won. `by_arrangement`
    marks a statutory holiday under HolidayRule.BY_ARRANGEMENT: kind 'statutory_holiday' means no
    arrangement has been recorded yet (closed), kind 'exception' means one has.
    """

    date: dt.date
    intervals: tuple[Interval, ...]
    kind: DayKind
    holiday_name: str | None = None
    holiday_name_zh: str | None = None
    by_arrangement: bool = False
    note: str | None = None
    calendar_known: bool = True  # False when neither chinese_calendar nor an administrator knows the year
    calendar_source: CalendarSource | None = "library"  # who said what the day is (None: nobody knows)

    @property
    def open_seconds(self) -> int:
        return sum(interval.seconds for interval in self.intervals)

    @property
    def open_hours(self) -> float:
        return self.open_seconds / 3600

    @property
    def is_open(self) -> bool:
        return bool(self.intervals)

    @property
    def is_statutory_holiday(self) -> bool:
        return self.holiday_name is not None


def _index_exceptions(exceptions: Iterable[DateException]) -> dict[dt.date, DateException]:
    by_date: dict[dt.date, DateException] = {}
    for exception in exceptions:
        if exception.date in by_date:
            raise ScheduleError(f"two exceptions for {exception.date}; keep one per date")
        by_date[exception.date] = exception
    return by_date


def _resolve_before_closures(
    day: dt.date,
    schedule: WeeklySchedule,
    exception: DateException | None,
    holiday_rule: HolidayRule,
    entered_years: Mapping[int, EnteredYear],
) -> ResolvedDay:
    facts = day_facts(day, entered_years)
    holiday = facts.holiday_name
    holiday_zh = facts.holiday_name_zh
    by_arrangement = holiday is not None and holiday_rule is HolidayRule.BY_ARRANGEMENT
    common = dict(
        date=day,
        holiday_name=holiday,
        holiday_name_zh=holiday_zh,
        by_arrangement=by_arrangement,
        calendar_known=facts.known,
        calendar_source=facts.source,
    )
    if exception is not None:
        return ResolvedDay(intervals=exception.intervals, kind="exception", note=exception.note or None, **common)
    if holiday is not None:
        label = holiday_zh or holiday
        if holiday_rule is HolidayRule.OPEN:
            return ResolvedDay(
                intervals=schedule.intervals_on(SATURDAY),
                kind="statutory_holiday",
                note=f"法定节假日（{label}），按周末时间开放",
                **common,
            )
        if holiday_rule is HolidayRule.CLOSED:
            return ResolvedDay(intervals=(), kind="statutory_holiday", note=f"法定节假日（{label}），闭馆", **common)
        return ResolvedDay(
            intervals=(),
            kind="statutory_holiday",
            note=f"法定节假日（{label}），按活动组织要求开放，开放时间另行公告",
            **common,
        )
    if facts.adjusted_workday_for is not None:
        label = holiday_name_zh(facts.adjusted_workday_for) or facts.adjusted_workday_for
        reason = f"（{label}）" if label else ""
        return ResolvedDay(
            intervals=schedule.intervals_on(MONDAY),
            kind="adjusted_workday",
            note=f"调休工作日{reason}，按周一时间开放",
            **common,
        )
    return ResolvedDay(intervals=schedule.intervals_on(day.weekday()), kind="regular", **common)


def _without_closure(day: dt.date, intervals: tuple[Interval, ...], closure: Closure) -> tuple[Interval, ...]:
    remaining: list[Interval] = []
    for interval in intervals:
        opens = dt.datetime.combine(day, interval.start)
        closes = dt.datetime.combine(day, interval.end)
        if not closure.overlaps(opens, closes):
            remaining.append(interval)
            continue
        if opens < closure.start:
            remaining.append(Interval(interval.start, closure.start.time()))
        if closure.expected_reopening < closes:
            remaining.append(Interval(closure.expected_reopening.time(), interval.end))
    return tuple(remaining)


def _apply_closures(resolved: ResolvedDay, closures: Sequence[Closure]) -> ResolvedDay:
    intervals = resolved.intervals
    reasons: list[str] = []
    for closure in closures:
        shortened = _without_closure(resolved.date, intervals, closure)
        if shortened != intervals:
            reasons.append(closure.reason)
            intervals = shortened
    if not reasons:
        return resolved
    return replace(resolved, intervals=intervals, kind="closure", note="；".join(reasons))


def _dates_between(start_date: dt.date, end_date: dt.date) -> list[dt.date]:
    return [start_date + dt.timedelta(days=offset) for offset in range((end_date - start_date).days + 1)]


def resolve_calendar(
    schedule: WeeklySchedule,
    exceptions: Iterable[DateException],
    holiday_rule: HolidayRule,
    closures: Iterable[Closure],
    start_date: dt.date,
    end_date: dt.date,
    entered_years: Mapping[int, EnteredYear] = MappingProxyType({}),
) -> list[ResolvedDay]:
    """Each date from start_date to end_date (inclusive) with its open intervals.

    Holidays come from chinese_calendar, or for a year it does not know from `entered_years` (the
    administrator's data from the State Council's notice); days of a year neither knows are resolved
    as ordinary days with `calendar_known` False.

    Precedence: closure > exception > statutory holiday rule > adjusted workday > weekly schedule.
    A closure removes its time span from whatever the other rules opened (partial days possible).
    """
    if end_date < start_date:
        raise ValueError(f"end date {end_date} is before start date {start_date}")
    holiday_rule = HolidayRule(holiday_rule)
    exceptions_by_date = _index_exceptions(exceptions)
    ordered_closures = sorted(closures, key=lambda closure: closure.start)
    return [
        _apply_closures(
            _resolve_before_closures(day, schedule, exceptions_by_date.get(day), holiday_rule, entered_years),
            ordered_closures,
        )
        for day in _dates_between(start_date, end_date)
    ]


def is_open_at(days: Iterable[ResolvedDay], when: dt.datetime) -> bool:
    """Whether `when` falls inside an open interval of its date (which must be among `days`)."""
    for day in days:
        if day.date == when.date():
            moment = when.time()
            return any(interval.start <= moment < interval.end for interval in day.intervals)
    raise ValueError(f"{when.date()} is not among the resolved days; resolve the calendar for it first")


def open_interval_containing(day: ResolvedDay, start_time: dt.time, end_time: dt.time) -> Interval | None:
    """The one open interval holding [start_time, end_time) whole, or None (a booking may not span a break)."""
    for interval in day.intervals:
        if interval.contains(start_time, end_time):
            return interval
    return None


def weekly_open_hours(schedule: WeeklySchedule) -> float:
    """Hours a week the plain template opens, ignoring holidays, exceptions and closures."""
    return sum(interval.seconds for weekday in range(7) for interval in schedule.intervals_on(weekday)) / 3600


def iso_week_dates(week: str) -> list[dt.date]:
    """'2026-W48' → the seven dates Monday…Sunday of that ISO week."""
    match = _ISO_WEEK.match(week) if isinstance(week, str) else None
    if match is None:
        raise ValueError(f"week {week!r} is not an ISO week; write it like '2026-W48'")
    year, number = int(match.group(1)), int(match.group(2))
    try:
        monday = dt.date.fromisocalendar(year, number, 1)
    except ValueError as error:
        raise ValueError(f"{year} has no ISO week {number} (weeks run from 1 to 52 or 53)") from error
    return [monday + dt.timedelta(days=offset) for offset in range(7)]


def iso_week_label(day: dt.date) -> str:
    """The ISO week a date belongs to, as '2026-W48'."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def format_weekly_schedule_zh(schedule: WeeklySchedule) -> str:
    """The template as a public notice (公示) writes it: '周一至周五9:00-12:00、14:00-18:00；…'."""
    groups: list[tuple[int, int, tuple[Interval, ...]]] = []
    for weekday in range(7):
        intervals = schedule.intervals_on(weekday)
        if groups and groups[-1][2] == intervals:
            groups[-1] = (groups[-1][0], weekday, intervals)
        else:
            groups.append((weekday, weekday, intervals))
    parts = []
    for first, last, intervals in groups:
        days = WEEKDAY_NAMES_ZH[first] if first == last else f"{WEEKDAY_NAMES_ZH[first]}至{WEEKDAY_NAMES_ZH[last]}"
        hours = "、".join(_format_interval_zh(interval) for interval in intervals) or "闭馆"
        parts.append(f"{days}{hours}")
    return "；".join(parts)


def _format_interval_zh(interval: Interval) -> str:
    return f"{interval.start.hour}:{interval.start.minute:02d}-{interval.end.hour}:{interval.end.minute:02d}"
