"""Traditional and statutory festivals (我们的节日) and the window in which a festival event belongs.

Every date is computed, never typed in per year:
- lunar festivals through ``lunardate`` (the Chinese lunisolar calendar);
- 清明 from the solar term as computed by ``chinese_calendar`` (寿星公式 with its correction table);
- statutory solar festivals (元旦, 劳动节, 国庆) are fixed Gregorian dates.

Supported Gregorian years: 1901–2099 (the range both libraries cover for every festival).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

import chinese_calendar
from lunardate import LunarDate

from kit.rules import RuleViolation

FIRST_SUPPORTED_YEAR = 1901
LAST_SUPPORTED_YEAR = 2099

# How many days before the festival a festival-tagged event may start and still count as "for" it:
# programmes (rehearsed village galas, lantern-riddle evenings) commonly run in the week before.
DEFAULT_DAYS_BEFORE = 7


class Festival(StrEnum):
    NEW_YEAR = "元旦"
    LABA = "腊八"
    NEW_YEARS_EVE = "除夕"
    SPRING_FESTIVAL = "春节"
    LANTERN = "元宵"
    QINGMING = "清明"
    LABOUR_DAY = "劳动节"
    DRAGON_BOAT = "端午"
    QIXI = "七夕"
    MID_AUTUMN = "中秋"
    DOUBLE_NINTH = "重阳"
    NATIONAL_DAY = "国庆"


# (lunar month, lunar day) of the festivals that follow the lunar calendar. Never a leap month.
_LUNAR_MONTH_DAY: dict[Festival, tuple[int, int]] = {
    Festival.SPRING_FESTIVAL: (1, 1),
    Festival.LANTERN: (1, 15),
    Festival.DRAGON_BOAT: (5, 5),
    Festival.QIXI: (7, 7),
    Festival.MID_AUTUMN: (8, 15),
    Festival.DOUBLE_NINTH: (9, 9),
}

# 腊八 (12th month, 8th day) belongs to the lunar year that *ends* in the given Gregorian year: it is
# part of the run-up to that year's 春节, so it is looked up in the previous lunar year.
_LABA_MONTH_DAY = (12, 8)

_SOLAR_MONTH_DAY: dict[Festival, tuple[int, int]] = {
    Festival.NEW_YEAR: (1, 1),
    Festival.LABOUR_DAY: (5, 1),
    Festival.NATIONAL_DAY: (10, 1),
}

# Days *after* the festival day that still belong to its season: the statutory holiday weeks
# (春节 初一–初七, 劳动节 1–5 May, 国庆 golden week 1–7 Oct), when most festival programmes run.
_DAYS_AFTER: dict[Festival, int] = {
    Festival.SPRING_FESTIVAL: 6,
    Festival.LABOUR_DAY: 4,
    Festival.NATIONAL_DAY: 6,
}


def _check_year(year: int) -> None:
    if not FIRST_SUPPORTED_YEAR <= year <= LAST_SUPPORTED_YEAR:
        raise RuleViolation(
            f"festival dates are available for {FIRST_SUPPORTED_YEAR}–{LAST_SUPPORTED_YEAR}, not {year}",
            code="festival.year_out_of_range",
            field="year",
        )


def _lunar_to_solar(lunar_year: int, month: int, day: int) -> date:
    return LunarDate(lunar_year, month, day).to_solar_date()


def _qingming(year: int) -> date:
    # 清明 always falls on 4–6 April; ask chinese_calendar for April's solar terms and pick it.
    for term_date, term_name in chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 30)):
        if term_name == Festival.QINGMING.value:
            return term_date
    raise AssertionError(f"chinese_calendar returned no 清明 for {year}")  # library contract broken


def festival_date(festival: Festival, year: int) -> date:
    """The Gregorian date of ``festival`` for Gregorian ``year``.

    腊八 and 除夕 are the ones leading up to ``year``'s 春节 (除夕 is always in ``year``; 腊八 can fall
    on 30/31 December of ``year - 1`` in a few years such as 2023).
    """
    festival = Festival(festival)
    _check_year(year)
    if festival in _SOLAR_MONTH_DAY:
        month, day = _SOLAR_MONTH_DAY[festival]
        return date(year, month, day)
    if festival is Festival.QINGMING:
        return _qingming(year)
    if festival is Festival.NEW_YEARS_EVE:
        # The last day of the 12th lunar month is the 29th or 30th; "the day before 春节" covers both.
        return _lunar_to_solar(year, 1, 1) - timedelta(days=1)
    if festival is Festival.LABA:
        return _lunar_to_solar(year - 1, *_LABA_MONTH_DAY)
    return _lunar_to_solar(year, *_LUNAR_MONTH_DAY[festival])


@dataclass(frozen=True)
class FestivalOccurrence:
    festival: Festival
    day: date


def festivals_between(start: date, end: date) -> list[FestivalOccurrence]:
    """All festival days with ``start <= day <= end`` (both inclusive), in date order."""
    if isinstance(start, datetime) or isinstance(end, datetime):
        start, end = _as_date(start), _as_date(end)
    if end < start:
        raise RuleViolation("the range ends before it starts", code="festival.bad_range", field="end")
    _check_year(start.year)
    _check_year(end.year)
    # Look one year either side so 腊八 (which may sit in the previous December) is not missed.
    years = range(max(start.year - 1, FIRST_SUPPORTED_YEAR), min(end.year + 1, LAST_SUPPORTED_YEAR) + 1)
    found = [
        FestivalOccurrence(festival, day)
        for year in years
        for festival in Festival
        if start <= (day := festival_date(festival, year)) <= end
    ]
    return sorted(found, key=lambda occurrence: (occurrence.day, list(Festival).index(occurrence.festival)))


@dataclass(frozen=True)
class FestivalSeason:
    """The days (inclusive) in which an event tagged with ``festival`` is on time."""

    festival: Festival
    festival_day: date
    first_day: date
    last_day: date

    def __contains__(self, day: date) -> bool:
        return self.first_day <= _as_date(day) <= self.last_day


def festival_season(festival: Festival, year: int, *, days_before: int = DEFAULT_DAYS_BEFORE) -> FestivalSeason:
    """From ``days_before`` days before the festival to the festival day, extended through the
    statutory holiday week for 春节, 劳动节 and 国庆."""
    if days_before < 0:
        raise RuleViolation("days_before cannot be negative", code="festival.bad_window", field="days_before")
    festival = Festival(festival)
    day = festival_date(festival, year)
    return FestivalSeason(
        festival=festival,
        festival_day=day,
        first_day=day - timedelta(days=days_before),
        last_day=day + timedelta(days=_DAYS_AFTER.get(festival, 0)),
    )


def _as_date(value: date | datetime) -> date:
    # An event's start is usually a datetime; the season is about calendar days in local time,
    # so the caller passes local (Asia/Shanghai) datetimes and we keep their date part.
    return value.date() if isinstance(value, datetime) else value


def _seasons_near(festival: Festival, day: date, days_before: int) -> Iterator[FestivalSeason]:
    # A late-December event can be for next year's 元旦/腊八; an early-January one for last year's 国庆
    # is far-fetched but harmless to consider.
    for year in (day.year - 1, day.year, day.year + 1):
        if FIRST_SUPPORTED_YEAR <= year <= LAST_SUPPORTED_YEAR:
            yield festival_season(festival, year, days_before=days_before)


def check_festival_timing(
    festival: Festival, event_start: date | datetime, *, days_before: int = DEFAULT_DAYS_BEFORE
) -> str | None:
    """``None`` when the event starts inside its festival's season, else a warning for the organiser.

    A warning, not an error: a 中秋 gala a fortnight early is odd but may be deliberate (the troupe
    is booked elsewhere on the day), so the organiser is told and decides.
    """
    festival = Festival(festival)
    day = _as_date(event_start)
    seasons = list(_seasons_near(festival, day, days_before))
    if not seasons:
        _check_year(day.year)
    if any(day in season for season in seasons):
        return None
    nearest = min(seasons, key=lambda season: abs((season.festival_day - day).days))
    return (
        f"活动日期 {day.isoformat()} 不在{festival.value}（{nearest.festival_day.isoformat()}）的节日时段内"
        f"（{nearest.first_day.isoformat()} 至 {nearest.last_day.isoformat()}），请确认节日标签或活动时间。"
    )
