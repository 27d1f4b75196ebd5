"""Opening hours per ISO week against the standard (seeds 001, 004), from the hours venues published:
each date's hours are its dated exception, else the weekly hours in force that day (statutory holidays
and adjusted working days as venues resolves them), less the time the whole venue was closed.

A week counts for a period when its Monday lies in the period and hours were published for all its
days; open hours count the days of the period. Pure: no database, no broker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import chinese_calendar

from services.reports.domain.periods import LOCAL, Period

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SATURDAY = 5

Span = tuple[datetime, datetime]  # naive local wall-clock times


@dataclass(frozen=True)
class HoursVersion:
    venue_id: str
    effective_from: date
    weekly: dict  # weekday name → ["09:00-12:00", ...]
    holiday_rule: str  # open | closed | by_arrangement
    standard: dict  # min_weekly_hours, min_daily_hours, weekend_required, holidays_required


@dataclass(frozen=True)
class ExceptionRecord:
    venue_id: str
    date: date
    intervals: tuple[str, ...]


@dataclass(frozen=True)
class WeekFigures:
    weeks: int = 0
    weeks_compliant: int = 0
    open_hours: float = 0.0


def _interval(text: str) -> tuple[time, time]:
    start, end = text.split("-")
    return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())


def _spans(day: date, texts) -> list[Span]:
    spans = []
    for text in texts:
        start, end = _interval(text)
        closes = datetime.combine(day + timedelta(days=1), time()) if end == time() else datetime.combine(day, end)
        spans.append((datetime.combine(day, start), closes))
    return spans


def _holiday(day: date) -> tuple[bool, bool]:
    """(a statutory holiday, an adjusted working day) as chinese_calendar says; a year it does not know
    is ordinary days (administrator-entered years are venues' own data, not published)."""
    try:
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return False, False
    if is_holiday:
        return name is not None, False  # plain weekends are "holidays" without a name
    return False, day.weekday() >= SATURDAY


def _template_spans(day: date, version: HoursVersion) -> tuple[list[Span], bool]:
    holiday, workday = _holiday(day)
    if holiday:
        weekday = SATURDAY if version.holiday_rule == "open" else None  # closed / not arranged yet
    elif workday:
        weekday = 0  # 调休: Monday's hours
    else:
        weekday = day.weekday()
    texts = version.weekly.get(WEEKDAYS[weekday], []) if weekday is not None else []
    return _spans(day, texts), holiday


def _less(spans: list[Span], closures: list[Span]) -> list[Span]:
    for closed_from, closed_until in closures:
        remaining = []
        for start, end in spans:
            if end <= closed_from or closed_until <= start:
                remaining.append((start, end))
                continue
            if start < closed_from:
                remaining.append((start, closed_from))
            if closed_until < end:
                remaining.append((closed_until, end))
        spans = remaining
    return spans


def _hours(spans: list[Span]) -> float:
    return sum((end - start).total_seconds() for start, end in spans) / 3600


def _version_on(versions: list[HoursVersion], day: date) -> HoursVersion | None:
    current = None
    for version in versions:  # ordered by effective_from
        if version.effective_from <= day:
            current = version
    return current


def day_hours(
    day: date, versions: list[HoursVersion], exceptions: dict[date, tuple[str, ...]], closures: list[Span]
) -> tuple[float, bool, HoursVersion | None]:
    """(open hours, a statutory holiday, the version in force) of one date; None: no hours published yet."""
    version = _version_on(versions, day)
    if version is None:
        return 0.0, False, None
    spans, holiday = _template_spans(day, version)
    if day in exceptions:
        spans = _spans(day, exceptions[day])
    return _hours(_less(spans, closures)), holiday, version


def week_compliant(days: list[tuple[date, float, bool]], standard: dict) -> bool:
    """The rule venues applies (its compliance report): hours a week, hours each open day, weekends and
    statutory holidays open."""
    if sum(hours for _, hours, _ in days) < standard["min_weekly_hours"] - 1e-9:
        return False
    if any(0 < hours < standard["min_daily_hours"] for _, hours, _ in days):
        return False
    if standard["weekend_required"] and any(day.weekday() >= SATURDAY and hours == 0 for day, hours, _ in days):
        return False
    if standard["holidays_required"] and any(holiday and hours == 0 for _, hours, holiday in days):
        return False
    return True


def venue_weeks(
    period: Period, versions: list[HoursVersion], exceptions: list[ExceptionRecord], closures: list[Span]
) -> WeekFigures:
    versions = sorted(versions, key=lambda v: v.effective_from)
    if not versions:
        return WeekFigures()
    by_date = {e.date: e.intervals for e in exceptions}
    first = period.start.astimezone(LOCAL).date()
    last = (period.end.astimezone(LOCAL) - timedelta(microseconds=1)).date()
    open_hours = 0.0
    day = first
    while day <= last:
        open_hours += day_hours(day, versions, by_date, closures)[0]
        day += timedelta(days=1)
    weeks = compliant = 0
    monday = first + timedelta(days=(7 - first.weekday()) % 7)
    while monday <= last:
        days = []
        known = True
        for offset in range(7):
            moment = monday + timedelta(days=offset)
            hours, holiday, version = day_hours(moment, versions, by_date, closures)
            known = known and version is not None
            days.append((moment, hours, holiday))
        if known:
            weeks += 1
            # The standard of the week's last version (a level or setting changed mid-week applies from then).
            standard = _version_on(versions, monday + timedelta(days=6)).standard  # type: ignore[union-attr]
            compliant += week_compliant(days, standard)
        monday += timedelta(days=7)
    return WeekFigures(weeks, compliant, round(open_hours, 2))
