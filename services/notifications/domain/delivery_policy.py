"""Which channels a person is reached on, and when.

Rules:
- the in-app inbox always gets the message: it needs no consent and disturbs nobody;
- e-mail and SMS only with the person's consent and a known address/number;
- SMS is the only channel that wakes people up, so a non-urgent SMS that would arrive in the
  person's quiet hours waits until they end; e-mail and inbox are never held back;
- urgent news (the plan changes within a day, an answer is due within a day) goes at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any, Iterable, Mapping
from urllib.parse import quote
from zoneinfo import ZoneInfo

from .district_time import DISTRICT_TZ, parse_instant, require_aware

URGENCY_WINDOW = timedelta(hours=24)


class Channel(StrEnum):
    SMS = "sms"
    EMAIL = "email"
    INBOX = "inbox"


@dataclass(frozen=True)
class Preferences:
    """What a person agreed to. `channels` lists consent for sms/email ('inbox' is implied)."""

    channels: frozenset[Channel] = field(default_factory=frozenset)
    language: str = "zh-CN"
    quiet_start: time = time(22, 0)
    quiet_end: time = time(8, 0)
    timezone: str = DISTRICT_TZ.key

    def __post_init__(self) -> None:
        # Accept plain strings from storage or the API, but fail on a channel nobody supports.
        object.__setattr__(self, "channels", frozenset(Channel(c) for c in _as_iterable(self.channels)))
        object.__setattr__(self, "quiet_start", self.quiet_start.replace(tzinfo=None))
        object.__setattr__(self, "quiet_end", self.quiet_end.replace(tzinfo=None))
        ZoneInfo(self.timezone)  # raises for an unknown zone now rather than at 22:00

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class Contact:
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class PlannedSend:
    channel: Channel
    not_before: datetime  # aware; the sender must not hand the message over earlier


def _as_iterable(channels: Iterable[Channel | str] | str) -> Iterable[Channel | str]:
    return (channels,) if isinstance(channels, str) else channels


# --- urgency ------------------------------------------------------------------------------

# Facts that take away or move something a person planned around. They are urgent only
# when the change bites soon; a cancellation three weeks ahead can wait for the morning.
PLAN_CHANGING_TYPES = frozenset(
    {
        "venue.closed",
        "booking.cancelled",
        "booking.rejected",  # a "no" for tomorrow's room leaves a day to find another
        "event.cancelled",
        "event.rescheduled",
        "event.displaced",  # the organiser must find another place or time
        "booking.rescheduled",
        "registration.cancelled",
        "registration.rescheduled",
        "dispatch.withdrawn",
    }
)


def is_urgent(event_type: str, data: Mapping[str, Any] | None, now: datetime) -> bool:
    """True when the message is worth an SMS in the night.

    - a cancellation/closure/reschedule that takes effect within 24 h (or already has, while
      the thing is not over yet);
    - a dispatch offer whose answer is due within 24 h;
    - reminders (`*.reminder` types, or `data["reminder"]` true): they are sent for a time.
    """
    require_aware(now)
    data = data or {}
    horizon = now + URGENCY_WINDOW

    if event_type.endswith(".reminder") or data.get("reminder") is True:
        return True

    if event_type == "dispatch.offered":
        due = parse_instant(data.get("deadline")) or parse_instant(data.get("start"))
        return due is not None and due <= horizon

    if event_type not in PLAN_CHANGING_TYPES:
        return False

    end = parse_instant(data.get("end"))
    if end is not None and end < now:
        return False  # it is over: nobody needs waking up for it
    effective_at = _takes_effect_at(event_type, data, now)
    return effective_at is not None and effective_at <= horizon


def _takes_effect_at(event_type: str, data: Mapping[str, Any], now: datetime) -> datetime | None:
    start = parse_instant(data.get("start"))
    if event_type == "venue.closed":
        return start or now  # a closure without a start date is in force already
    if event_type.endswith(".rescheduled"):
        # Whichever comes first matters: people planned for the old time.
        times = [t for t in (parse_instant(data.get("previous_start")), start) if t is not None]
        return min(times) if times else None
    return start  # unknown start: we cannot tell, so it does not justify a night-time SMS


# --- planning ----------------------------------------------------------------------------


def in_quiet_hours(prefs: Preferences, moment: datetime) -> bool:
    local = require_aware(moment, "moment").astimezone(prefs.zone).time().replace(tzinfo=None)
    start, end = prefs.quiet_start, prefs.quiet_end
    if start == end:
        return False  # no quiet hours
    if start < end:  # e.g. 12:00-14:00
        return start <= local < end
    return local >= start or local < end  # across midnight, e.g. 22:00-08:00


def end_of_quiet_hours(prefs: Preferences, moment: datetime) -> datetime:
    """The next moment quiet hours end, after `moment`, in `moment`'s timezone."""
    zone = prefs.zone
    local = require_aware(moment, "moment").astimezone(zone)
    candidate = datetime.combine(local.date(), prefs.quiet_end, tzinfo=zone)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), prefs.quiet_end, tzinfo=zone)
    return candidate.astimezone(moment.tzinfo)


def plan_delivery(prefs: Preferences, contact: Contact, urgent: bool, now: datetime) -> list[PlannedSend]:
    """One PlannedSend per channel the person is reached on, inbox first."""
    require_aware(now)
    plan = [PlannedSend(Channel.INBOX, now)]
    if Channel.EMAIL in prefs.channels and _known(contact.email):
        plan.append(PlannedSend(Channel.EMAIL, now))
    if Channel.SMS in prefs.channels and _known(contact.phone):
        wait = not urgent and in_quiet_hours(prefs, now)
        plan.append(PlannedSend(Channel.SMS, end_of_quiet_hours(prefs, now) if wait else now))
    return plan


def _known(address: str | None) -> bool:
    return bool(address and address.strip())


def dedupe_key(event_id: object, person_id: object, channel: Channel | str) -> str:
    """The identity of one message: one fact, one person, one channel.

    Stable across redelivery of the same CloudEvent (its id is stable), so a unique index on
    it makes a second delivery a no-op. Parts are percent-encoded, so ids that contain the
    separator cannot collide: ('a:b', 'c') and ('a', 'b:c') give different keys.
    """
    parts = (str(event_id), str(person_id), Channel(channel).value)
    if not all(parts[:2]):
        raise ValueError("event_id and person_id must not be empty")
    return ":".join(quote(part, safe="-_.~@") for part in parts)
