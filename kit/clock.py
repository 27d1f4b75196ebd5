"""The district's clock: one time zone (Asia/Shanghai, no DST) and one "now" for every service.

API times carry an offset, the database stores UTC, the domain rules work on local dates and times.
Plain Python (no I/O), so `domain/` modules may import it.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

DISTRICT_TZ = ZoneInfo("Asia/Shanghai")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def local(moment: dt.datetime) -> dt.datetime:
    """An aware instant as residents read it: with the +08:00 offset."""
    return moment.astimezone(DISTRICT_TZ)


def shown(moment: dt.datetime | None) -> dt.datetime | None:
    """A stored (UTC) time as residents read it, None staying None."""
    return None if moment is None else local(moment)


def to_local(moment: dt.datetime) -> dt.datetime:
    """An aware datetime → the naive local wall-clock time the domain rules use."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: API times must carry an offset, e.g. 2026-11-24T15:00:00+08:00")
    return moment.astimezone(DISTRICT_TZ).replace(tzinfo=None)


def from_local(naive: dt.datetime) -> dt.datetime:
    """A naive local wall-clock time → an aware datetime in the district's zone."""
    return naive.replace(tzinfo=DISTRICT_TZ)


def local_now() -> dt.datetime:
    """The district's wall-clock time now, naive (what the domain rules compare with)."""
    return to_local(utcnow())


def local_today(now: dt.datetime | None = None) -> dt.date:
    """The district's date at `now` (default: this instant)."""
    return local(now or utcnow()).date()


def day_start(day: dt.date) -> dt.datetime:
    """Local midnight starting `day`, as an aware datetime."""
    return dt.datetime.combine(day, dt.time(), tzinfo=DISTRICT_TZ)


def day_end(day: dt.date) -> dt.datetime:
    """The last second of `day` in district time, as an aware datetime."""
    return day_start(day) + dt.timedelta(days=1) - dt.timedelta(seconds=1)


def span_of_dates(start_date: dt.date, end_date: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start of start_date, start of the day after end_date) as aware datetimes."""
    return day_start(start_date), day_start(end_date + dt.timedelta(days=1))
