"""Weekly opening against the standard of seed 001: "三馆一中心" and town centres open ≥42 h a week,
≥4 h on each open day, and on weekends and holidays (双休日和节假日照常开放)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Sequence

from services.venues.domain.opening_hours import WEEKDAY_NAMES_EN, ResolvedDay, iso_week_label

DEFAULT_VILLAGE_WEEKLY_HOURS = 35.0


@dataclass(frozen=True)
class OpeningStandard:
    min_weekly_hours: float
    min_daily_hours: float  # applies to each day the venue is open at all
    weekend_required: bool  # both Saturday and Sunday open
    holidays_required: bool = False  # every statutory holiday open

    def __post_init__(self) -> None:
        if self.min_weekly_hours < 0 or self.min_daily_hours < 0:
            raise ValueError("minimum opening hours cannot be negative")
        if self.min_daily_hours > 24 or self.min_weekly_hours > 168:
            raise ValueError("minimum opening hours exceed the hours in a day or week")


def standard_for_level(level: str, village_weekly_hours: float = DEFAULT_VILLAGE_WEEKLY_HOURS) -> OpeningStandard:
    """The standard a venue of `level` ('district', 'town' or 'village') is held to."""
    if level in ("district", "town"):
        return OpeningStandard(
            min_weekly_hours=42.0, min_daily_hours=4.0, weekend_required=True, holidays_required=True
        )
    if level == "village":
        # Seed 001 sets no figure for villages; the district sets one (35 h unless told otherwise).
        return OpeningStandard(min_weekly_hours=village_weekly_hours, min_daily_hours=0.0, weekend_required=False)
    raise ValueError(f"unknown venue level {level!r}; expected 'district', 'town' or 'village'")


@dataclass(frozen=True)
class Finding:
    """One way the week falls short of the standard, with the dates concerned (if any)."""

    code: str
    message_zh: str
    message_en: str
    dates: tuple[dt.date, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "dates": [day.isoformat() for day in self.dates],
        }


@dataclass(frozen=True)
class DayHours:
    date: dt.date
    kind: str
    open_hours: float
    holiday_name: str | None
    holiday_name_zh: str | None
    by_arrangement: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "weekday": WEEKDAY_NAMES_EN[self.date.weekday()],
            "kind": self.kind,
            "open_hours": round(self.open_hours, 2),
            "holiday_name": self.holiday_name,
            "holiday_name_zh": self.holiday_name_zh,
            "by_arrangement": self.by_arrangement,
        }


@dataclass(frozen=True)
class HolidayHours:
    date: dt.date
    name: str
    name_zh: str | None
    open_hours: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "name": self.name,
            "name_zh": self.name_zh,
            "open_hours": round(self.open_hours, 2),
        }


@dataclass(frozen=True)
class ComplianceReport:
    week: str
    dates: tuple[dt.date, ...]
    standard: OpeningStandard
    weekly_open_hours: float
    days: tuple[DayHours, ...]
    open_dates: tuple[dt.date, ...]
    days_below_daily_minimum: tuple[dt.date, ...]
    weekend_open: bool  # Saturday and Sunday both open
    statutory_holidays: tuple[HolidayHours, ...]
    calendar_known: bool  # False if a date lies outside the holiday calendar: holidays may be missed
    findings: tuple[Finding, ...]

    @property
    def open_days(self) -> int:
        return len(self.open_dates)

    @property
    def compliant(self) -> bool:
        return not self.findings

    def to_dict(self) -> dict[str, Any]:
        return {
            "week": self.week,
            "dates": [day.isoformat() for day in self.dates],
            "standard": {
                "min_weekly_hours": round(self.standard.min_weekly_hours, 2),
                "min_daily_hours": round(self.standard.min_daily_hours, 2),
                "weekend_required": self.standard.weekend_required,
                "holidays_required": self.standard.holidays_required,
            },
            "weekly_open_hours": round(self.weekly_open_hours, 2),
            "days": [day.to_dict() for day in self.days],
            "open_days": self.open_days,
            "open_dates": [day.isoformat() for day in self.open_dates],
            "days_below_daily_minimum": [day.isoformat() for day in self.days_below_daily_minimum],
            "weekend_open": self.weekend_open,
            "statutory_holidays": [holiday.to_dict() for holiday in self.statutory_holidays],
            "calendar_known": self.calendar_known,
            "compliant": self.compliant,
            "findings": [finding.to_dict() for finding in self.findings],
        }


def _require_one_iso_week(days: Sequence[ResolvedDay]) -> None:
    dates = [day.date for day in days]
    if (
        len(dates) != 7
        or dates[0].weekday() != 0
        or any(later - earlier != dt.timedelta(days=1) for earlier, later in zip(dates, dates[1:]))
    ):
        raise ValueError("weekly compliance needs the seven resolved days of one ISO week, Monday to Sunday, in order")


def _format_hours(hours: float) -> str:
    return f"{hours:.2f}".rstrip("0").rstrip(".")


def _format_dates(dates: Sequence[dt.date]) -> str:
    return ", ".join(day.isoformat() for day in dates)


def _findings(
    days: Sequence[ResolvedDay],
    standard: OpeningStandard,
    weekly_hours: float,
    below_daily_minimum: Sequence[dt.date],
) -> list[Finding]:
    findings: list[Finding] = []
    if weekly_hours < standard.min_weekly_hours:
        findings.append(
            Finding(
                code="weekly_hours_below_standard",
                message_zh=f"本周开放{_format_hours(weekly_hours)}小时，低于每周{_format_hours(standard.min_weekly_hours)}小时的标准",
                message_en=f"open {_format_hours(weekly_hours)} h this week, below the standard of "
                f"{_format_hours(standard.min_weekly_hours)} h a week",
            )
        )
    if below_daily_minimum:
        findings.append(
            Finding(
                code="day_below_daily_minimum",
                message_zh=f"{_format_dates(below_daily_minimum)}开放不足{_format_hours(standard.min_daily_hours)}小时",
                message_en=f"open less than {_format_hours(standard.min_daily_hours)} h on {_format_dates(below_daily_minimum)}",  # noqa: E501
                dates=tuple(below_daily_minimum),
            )
        )
    closed_weekend = [day.date for day in days if day.date.weekday() >= 5 and not day.is_open]
    if standard.weekend_required and closed_weekend:
        findings.append(
            Finding(
                code="closed_at_weekend",
                message_zh=f"双休日应照常开放，但{_format_dates(closed_weekend)}闭馆",
                message_en=f"must open at weekends but is closed on {_format_dates(closed_weekend)}",
                dates=tuple(closed_weekend),
            )
        )
    if standard.holidays_required:
        closed_holidays = [day for day in days if day.is_statutory_holiday and not day.is_open]
        # A by-arrangement holiday with no arrangement yet is a gap in planning, not a decision to close.
        unarranged = [day for day in closed_holidays if day.by_arrangement and day.kind == "statutory_holiday"]
        closed = [day for day in closed_holidays if day not in unarranged]
        if unarranged:
            dates = [day.date for day in unarranged]
            names_zh = "、".join(dict.fromkeys(day.holiday_name_zh or day.holiday_name or "" for day in unarranged))
            names_en = ", ".join(dict.fromkeys(day.holiday_name or "" for day in unarranged))
            findings.append(
                Finding(
                    code="holiday_opening_not_arranged",
                    message_zh=f"法定节假日（{names_zh}）应照常开放，但{_format_dates(dates)}尚未安排开放时间（按活动组织要求开放）",
                    message_en=f"statutory holidays ({names_en}) must be open, but no opening is arranged on "
                    f"{_format_dates(dates)} (hours by arrangement)",
                    dates=tuple(dates),
                )
            )
        if closed:
            dates = [day.date for day in closed]
            findings.append(
                Finding(
                    code="closed_on_statutory_holiday",
                    message_zh=f"法定节假日应照常开放，但{_format_dates(dates)}闭馆",
                    message_en=f"must open on statutory holidays but is closed on {_format_dates(dates)}",
                    dates=tuple(dates),
                )
            )
    return findings


def weekly_compliance(days: Sequence[ResolvedDay], standard: OpeningStandard) -> ComplianceReport:
    """Check one ISO week of resolved days (Monday first) against `standard`."""
    days = list(days)
    _require_one_iso_week(days)
    weekly_hours = sum(day.open_seconds for day in days) / 3600
    below_daily_minimum = tuple(day.date for day in days if day.is_open and day.open_hours < standard.min_daily_hours)
    return ComplianceReport(
        week=iso_week_label(days[0].date),
        dates=tuple(day.date for day in days),
        standard=standard,
        weekly_open_hours=weekly_hours,
        days=tuple(
            DayHours(day.date, day.kind, day.open_hours, day.holiday_name, day.holiday_name_zh, day.by_arrangement)
            for day in days
        ),
        open_dates=tuple(day.date for day in days if day.is_open),
        days_below_daily_minimum=below_daily_minimum,
        weekend_open=all(day.is_open for day in days if day.date.weekday() >= 5),
        statutory_holidays=tuple(
            HolidayHours(day.date, day.holiday_name, day.holiday_name_zh, day.open_hours)
            for day in days
            if day.holiday_name is not None
        ),
        calendar_known=all(day.calendar_known for day in days),
        findings=tuple(_findings(days, standard, weekly_hours, below_daily_minimum)),
    )
