"""Service hours credited when an event completes.

- Only volunteers who checked in get hours; the event's scheduled span is what they are credited.
- Hours are rounded to the nearest half hour, a quarter past rounding up (1 h 15 min -> 1.5 h), in
  integer arithmetic so the result does not depend on float quirks.
- Crediting is idempotent: one credit per (event, volunteer), keyed by ``credit_key`` (a unique column)
  and ``credit_uuid`` (a stable CloudEvents id for ``hours.credited``), so a redelivered
  ``event.completed`` credits nobody twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

HALF_HOUR_SECONDS = 1800
# Fixed namespace so every service instance derives the same uuid for the same credit.
CREDIT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:wenyun:volunteers:hours-credit")


def hours_to_credit(event_start: datetime, event_end: datetime, checked_in: bool) -> float:
    """Hours for one volunteer: the event's length rounded to 0.5 h, or 0 without a check-in."""
    if event_end <= event_start:
        raise ValueError("event_end must be after event_start")
    if not checked_in:
        return 0.0
    seconds = int((event_end - event_start).total_seconds())
    half_hours = (seconds + HALF_HOUR_SECONDS // 2) // HALF_HOUR_SECONDS
    return half_hours / 2


def credit_key(event_id: str, volunteer_id: str) -> str:
    """Unique key of one credit; ids are percent-encoded so no two pairs can give the same key."""
    if not event_id or not volunteer_id:
        raise ValueError("event_id and volunteer_id are required")
    return f"hours/{quote(event_id, safe='')}/{quote(volunteer_id, safe='')}"


def credit_uuid(event_id: str, volunteer_id: str) -> uuid.UUID:
    return uuid.uuid5(CREDIT_NAMESPACE, credit_key(event_id, volunteer_id))


@dataclass(frozen=True)
class HoursCredit:
    key: str
    event_id: str
    volunteer_id: str
    hours: float


def credits_for_event(
    event_id: str,
    event_start: datetime,
    event_end: datetime,
    checked_in: Mapping[str, bool],
    already_credited: Collection[str] = (),
) -> list[HoursCredit]:
    """Credits still to write for a completed event: checked-in volunteers whose key is not yet used.

    ``checked_in`` maps each volunteer who was dispatched to whether they checked in;
    ``already_credited`` holds keys found in the hours log. Sorted by volunteer id.
    """
    credits = []
    for volunteer_id in sorted(checked_in):
        key = credit_key(event_id, volunteer_id)
        hours = hours_to_credit(event_start, event_end, checked_in[volunteer_id])
        if hours > 0 and key not in already_credited:
            credits.append(HoursCredit(key, event_id, volunteer_id, hours))
    return credits
