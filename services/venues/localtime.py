"""The district's wall clock (Asia/Shanghai, no DST) at the service boundary: API times carry an
offset, the database stores UTC, the domain rules work on naive local times."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

DISTRICT_TZ = ZoneInfo("Asia/Shanghai")


def to_local(moment: dt.datetime) -> dt.datetime:
    """An aware datetime → the naive local wall-clock time the domain rules use."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: API times must carry an offset, e.g. 2026-11-24T15:00:00+08:00")
    return moment.astimezone(DISTRICT_TZ).replace(tzinfo=None)


def from_local(naive: dt.datetime) -> dt.datetime:
    """A naive local wall-clock time → an aware datetime in the district's zone."""
    return naive.replace(tzinfo=DISTRICT_TZ)


def shown(moment: dt.datetime | None) -> dt.datetime | None:
    """A stored (UTC) time as residents read it: with the +08:00 offset."""
    return None if moment is None else moment.astimezone(DISTRICT_TZ)


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def now_local() -> dt.datetime:
    return to_local(now())


def today() -> dt.date:
    return now_local().date()


def day_start(day: dt.date) -> dt.datetime:
    """Local midnight starting `day`, as an aware datetime."""
    return dt.datetime.combine(day, dt.time(), tzinfo=DISTRICT_TZ)


def span_of_dates(start_date: dt.date, end_date: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start of start_date, start of the day after end_date) as aware datetimes."""
    return day_start(start_date), day_start(end_date + dt.timedelta(days=1))
