"""Report periods: a month (2026-07), a quarter (2026-Q3) or a year (2026), in local time (Asia/Shanghai)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from kit.clock import DISTRICT_TZ as LOCAL  # the district's time, declared once in the kit

_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?$")


class BadPeriod(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    label: str
    kind: str  # month | quarter | year
    start: datetime  # inclusive, aware
    end: datetime  # exclusive, aware
    months: int

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def month_starts(self) -> list[datetime]:
        return [_first_of(self.start.year, self.start.month + n) for n in range(self.months)]

    def overlap_hours(self, start: datetime, end: datetime) -> float:
        seconds = (min(end, self.end) - max(start, self.start)).total_seconds()
        return max(seconds, 0.0) / 3600


def _first_of(year: int, month: int) -> datetime:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return datetime(year, month, 1, tzinfo=LOCAL)


def parse_period(text: str) -> Period:
    match = _PATTERN.match(text or "")
    if not match:
        raise BadPeriod("a period is a year (2026), a quarter (2026-Q3) or a month (2026-07)")
    year = int(match["year"])
    if not 2000 <= year <= 2100:  # the reporting years (as the gateway's year=); year 0000 has no calendar (was a 500)
        raise BadPeriod("a period's year is between 2000 and 2100")
    if match["quarter"]:
        first, months, kind = (int(match["quarter"]) - 1) * 3 + 1, 3, "quarter"
    elif match["month"]:
        first, months, kind = int(match["month"]), 1, "month"
    else:
        first, months, kind = 1, 12, "year"
    return Period(text, kind, _first_of(year, first), _first_of(year, first + months), months)


def months_before(moment: datetime, months: int) -> datetime:
    """The same local day and time `months` months earlier (clamped to the month's last day)."""
    local = moment.astimezone(LOCAL)
    start_of_target = _first_of(local.year, local.month - months)
    following = _first_of(start_of_target.year, start_of_target.month + 1)
    last_day = (following - start_of_target).days
    return start_of_target.replace(
        day=min(local.day, last_day),
        hour=local.hour,
        minute=local.minute,
        second=local.second,
        microsecond=local.microsecond,
    )
