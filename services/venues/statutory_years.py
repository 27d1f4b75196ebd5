"""Statutory years as stored (the administrator's data from the State Council's notice) ↔ the
domain's `EnteredYear`, the year's view, and the operator's warnings (health and a metric)."""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from prometheus_client import Gauge
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from contracts.venues import StatutoryYear, StatutoryYearIn
from kit.clock import local_today, utcnow
from services.venues.domain.statutory_calendar import (
    EnteredYear,
    StatutoryCalendarError,
    calendar_warnings,
    differences,
    library_knows,
)
from services.venues.tables import statutory_years

MAX_HOLIDAY_SPAN_DAYS = 15

CALENDAR_UNKNOWN = Gauge(
    "wenyun_statutory_calendar_unknown",
    "1 while a year to watch (this one, from October also the next) has no "
    "known statutory holidays (neither chinese-calendar nor entered)",
    ["year"],
)
CALENDAR_WARNINGS = Gauge("wenyun_statutory_calendar_warnings", "Statutory calendar warnings for the operator")


def _entered(row) -> EnteredYear:
    return EnteredYear(
        year=row.year,
        holidays={dt.date.fromisoformat(d): n for d, n in row.holidays.items()},
        workdays={dt.date.fromisoformat(d): n for d, n in row.workdays.items()},
    )


def entered_years(session: Session, years: Iterable[int] | None = None) -> dict[int, EnteredYear]:
    """The entered years (all, or of `years` that chinese_calendar does not know: where it knows, it wins)."""
    query = select(statutory_years)
    if years is not None:
        unknown = sorted(year for year in set(years) if not library_knows(year))
        if not unknown:
            return {}  # spares every booking in a known year a query
        query = query.where(statutory_years.c.year.in_(unknown))
    return {row.year: _entered(row) for row in session.execute(query)}


def entered_from_input(year: int, data: StatutoryYearIn) -> EnteredYear:
    """The notice's ranges → the year's dates; StatutoryCalendarError says what cannot be right."""
    holidays: dict[dt.date, str] = {}
    for holiday in data.holidays:
        if holiday.end < holiday.start or (holiday.end - holiday.start).days >= MAX_HOLIDAY_SPAN_DAYS:
            raise StatutoryCalendarError(
                f"{holiday.name_zh}: {holiday.start} to {holiday.end} is not a holiday "
                f"period (1 to {MAX_HOLIDAY_SPAN_DAYS} days)"
            )
        day = holiday.start
        while day <= holiday.end:
            if day in holidays:
                raise StatutoryCalendarError(f"{day} is entered twice")
            holidays[day] = holiday.name_zh.strip()
            day += dt.timedelta(days=1)
    workdays = {}
    for workday in data.workdays:
        if workday.date in workdays:
            raise StatutoryCalendarError(f"{workday.date} is entered twice")
        workdays[workday.date] = workday.name_zh.strip()
    return EnteredYear(year=year, holidays=holidays, workdays=workdays)


def store(tx, year: int, data: StatutoryYearIn, entered: EnteredYear, actor_sub: str) -> None:
    tx.session.execute(delete(statutory_years).where(statutory_years.c.year == year))
    tx.session.execute(
        statutory_years.insert().values(
            year=year,
            notice=data.notice.strip(),
            entered_by=actor_sub,
            entered_at=utcnow(),
            holidays={d.isoformat(): n for d, n in sorted(entered.holidays.items())},
            workdays={d.isoformat(): n for d, n in sorted(entered.workdays.items())},
        )
    )


def year_view(session: Session, year: int) -> dict:
    row = session.execute(select(statutory_years).where(statutory_years.c.year == year)).first()
    knows = library_knows(year)
    source = "library" if knows else ("administrator" if row is not None else "unknown")
    view = StatutoryYear(year=year, source=source, library_knows=knows)
    if row is not None:
        entered = _entered(row)
        view = view.model_copy(
            update=dict(
                notice=row.notice,
                entered_by=row.entered_by,
                entered_at=row.entered_at,
                holidays=[{"date": d, "name_zh": n} for d, n in sorted(entered.holidays.items())],
                workdays=[{"date": d, "name_zh": n} for d, n in sorted(entered.workdays.items())],
                differences=differences(entered),
            )
        )
    return StatutoryYear.model_validate(view.model_dump()).model_dump(mode="json")


def operator_warnings(session: Session) -> list[str]:
    """The warnings of `calendar_warnings`, also set as metrics for the operator's alerting."""
    day = local_today()
    entered = entered_years(session)
    warnings = calendar_warnings(day, entered)
    for year in (day.year, day.year + 1):
        watched = year == day.year or day.month >= 10
        CALENDAR_UNKNOWN.labels(str(year)).set(1 if watched and not library_knows(year) and year not in entered else 0)
    CALENDAR_WARNINGS.set(len(warnings))
    return warnings
