"""Reading and showing instants the way people in the district see them.

Domain events carry ISO-8601 timestamps. People read wall-clock time in Asia/Shanghai,
so every message and every "is this tomorrow?" decision goes through here.
"""

from __future__ import annotations

from datetime import datetime

from kit.clock import DISTRICT_TZ

_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def parse_instant(value: object) -> datetime | None:
    """An aware datetime from an ISO string or datetime; None when absent or unreadable.

    A value without an offset is taken as district wall-clock time: that is what a person
    typed or a form sent, and guessing UTC would shift it by eight hours.
    """
    if isinstance(value, datetime):
        instant = value
    elif isinstance(value, str) and value.strip():
        try:
            instant = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=DISTRICT_TZ)
    return instant


def require_aware(moment: datetime, name: str = "now") -> datetime:
    """Refuse naive datetimes for 'now'-like arguments: their meaning would depend on the host."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment!r}")
    return moment


def format_zh(instant: datetime) -> str:
    """'11月24日 15:00' in district time."""
    local = instant.astimezone(DISTRICT_TZ)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def format_en(instant: datetime) -> str:
    """'24 Nov 15:00' in district time; month names fixed so the host locale cannot change them."""
    local = instant.astimezone(DISTRICT_TZ)
    return f"{local.day} {_EN_MONTHS[local.month - 1]} {local:%H:%M}"


def format_range(start: datetime, end: datetime | None, english: bool) -> str:
    """'11月24日 15:00-17:00' on one day, '11月24日 15:00至11月25日 12:00' across days."""
    fmt = format_en if english else format_zh
    if end is None:
        return fmt(start)
    local_start = start.astimezone(DISTRICT_TZ)
    local_end = end.astimezone(DISTRICT_TZ)
    if local_start.date() == local_end.date():
        return f"{fmt(start)}-{local_end:%H:%M}"
    return f"{fmt(start)} to {fmt(end)}" if english else f"{fmt(start)}至{fmt(end)}"
