"""The public events calendar as an RFC 5545 iCalendar feed (subscribe from a phone calendar).

Calendar apps match events by UID and take the copy with the higher SEQUENCE, so the UID is
stable (``<event_id>@wenyun``) and SEQUENCE comes from the event's reschedule counter; a
cancelled event stays in the feed with STATUS:CANCELLED so subscribers see it disappear.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from icalendar import Calendar, Event

from kit.clock import DISTRICT_TZ
from kit.rules import RuleViolation

from .festivals import Festival
from .lifecycle import EventKind, EventStatus, TargetGroup, validate_event_times

TIMEZONE_NAME = DISTRICT_TZ.key
PRODID = "-//Wenyun//Wenyun Events Calendar//ZH"
UID_DOMAIN = "wenyun"

_ICS_STATUS = {
    EventStatus.PUBLISHED: "CONFIRMED",
    EventStatus.COMPLETED: "CONFIRMED",  # it happened as announced
    EventStatus.CANCELLED: "CANCELLED",
}


@dataclass(frozen=True)
class CalendarEntry:
    event_id: str
    title: str
    start: datetime  # timezone-aware
    end: datetime  # timezone-aware
    location: str
    organiser: str
    status: EventStatus
    updated_at: datetime  # becomes DTSTAMP / LAST-MODIFIED; keeps the output deterministic
    target_groups: tuple[TargetGroup, ...] = ()
    description: str = ""
    sequence: int = 0  # times rescheduled
    latitude: float | None = None
    longitude: float | None = None
    kind: EventKind | None = None
    festival: Festival | None = None
    url: str | None = None


def event_uid(event_id: str) -> str:
    return f"{event_id}@{UID_DOMAIN}"


def _description(entry: CalendarEntry) -> str:
    lines = [f"主办：{entry.organiser}"]
    if entry.target_groups:
        lines.append("面向：" + "、".join(TargetGroup(group).label_zh for group in entry.target_groups))
    if entry.description.strip():
        lines.append(entry.description.strip())
    return "\n".join(lines)


def _vevent(entry: CalendarEntry) -> Event:
    status = EventStatus(entry.status)
    if status not in _ICS_STATUS:
        # Drafts are private; failing loudly beats leaking one to every subscriber.
        raise RuleViolation(f"event {entry.event_id} is a draft and cannot go in a public feed", code="calendar.draft")
    validate_event_times(entry.start, entry.end)
    if entry.updated_at.tzinfo is None:
        raise RuleViolation("updated_at must carry a time zone", code="calendar.naive_time", field="updated_at")
    if isinstance(entry.sequence, bool) or not isinstance(entry.sequence, int) or entry.sequence < 0:
        raise RuleViolation("sequence must be a whole number ≥ 0", code="calendar.bad_sequence", field="sequence")

    vevent = Event()
    vevent.add("uid", event_uid(entry.event_id))
    vevent.add("dtstamp", entry.updated_at.astimezone(timezone.utc))
    vevent.add("last-modified", entry.updated_at.astimezone(timezone.utc))
    vevent.add("dtstart", entry.start.astimezone(DISTRICT_TZ))
    vevent.add("dtend", entry.end.astimezone(DISTRICT_TZ))
    vevent.add("summary", entry.title)
    vevent.add("location", entry.location)
    vevent.add("description", _description(entry))
    vevent.add("status", _ICS_STATUS[status])
    vevent.add("sequence", entry.sequence)
    categories = [
        label
        for label in (
            EventKind(entry.kind).label_zh if entry.kind else None,
            Festival(entry.festival).value if entry.festival else None,
        )
        if label
    ]
    if categories:
        vevent.add("categories", categories)
    if entry.latitude is not None and entry.longitude is not None:
        if not (-90 <= entry.latitude <= 90 and -180 <= entry.longitude <= 180):
            raise RuleViolation("coordinates are out of range", code="calendar.bad_geo", field="latitude")
        vevent.add("geo", (entry.latitude, entry.longitude))
    if entry.url:
        vevent.add("url", entry.url)
    return vevent


def render_ics(calendar_name: str, events: Iterable[CalendarEntry]) -> bytes:
    """A VCALENDAR (VERSION 2.0, with a VTIMEZONE for Asia/Shanghai) holding one VEVENT per entry."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # Widely read de-facto names (Apple, Google, Outlook) for the feed title and zone.
    calendar.add("x-wr-calname", calendar_name)
    calendar.add("x-wr-timezone", TIMEZONE_NAME)
    for entry in events:
        calendar.add_component(_vevent(entry))
    # RFC 5545 §3.2.19: every TZID used must have a VTIMEZONE; icalendar builds it from zoneinfo.
    calendar.add_missing_timezones()
    return calendar.to_ical()
