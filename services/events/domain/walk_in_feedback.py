"""Feedback without registration (issue 17.8): attendees of an event that needed no booking rate it
with the short code shown there. When the code is accepted, and whose phone counts once."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from kit.rules import RuleViolation

FEEDBACK_DAYS_AFTER = 7  # the code works from the start until a week after the end
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read off a poster
CODE_LENGTH = 6


def check_feedback_window(status: str, start: datetime, end: datetime, now: datetime) -> None:
    if status not in ("published", "completed"):
        raise RuleViolation(
            "this event is not on (it is not published, or was cancelled)", code="feedback.event_not_on"
        )
    if now < start:
        raise RuleViolation(f"feedback opens when the event starts ({start.isoformat()})", code="feedback.not_started")
    if now > end + timedelta(days=FEEDBACK_DAYS_AFTER):
        raise RuleViolation(f"feedback closed {FEEDBACK_DAYS_AFTER} days after the event", code="feedback.closed")


def phone_key(event_id: str, phone: str) -> str:
    """The phone number, hashed with the event id: enough to say "this phone already rated this event",
    useless to contact anyone or to follow a number across events."""
    return hashlib.sha256(f"{event_id}:{phone.strip()}".encode()).hexdigest()
