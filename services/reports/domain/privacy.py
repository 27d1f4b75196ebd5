"""What reports keeps of a fact: everything its figures need, never a way to reach a person. Facts carry
contact details for notifications (phone, e-mail inside `contact` objects and volunteer records) and the
ids and names of people; the append-only log would otherwise keep them for ever, out of reach of account
closure (PIPL). At ingestion, contact details and people's names are dropped and each person id becomes a
keyed hash (HMAC-SHA-256): the same person is the same pseudonym in every fact, so figures that count
distinct people still work, but nobody can go back from the log to the person without the key."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

CONTACT_FIELDS = frozenset({"phone", "email", "mobile", "sms_number"})
# Ids of people (residents, volunteers, borrowers, and the staff who acted). Organisers stay: the report
# groups satisfaction by organiser, and their name is the organisation's (江津区文化馆).
PERSON_ID_FIELDS = frozenset(
    {
        "person_id",
        "volunteer_id",
        "booker_id",
        "borrower_id",
        "registered_by",
        "booked_by",
        "requested_by",
        "recorded_by",
        "set_by",
        "removed_by",
        "changed_by",
        "updated_by",
        "signed_off_by",
        "lent_by",
        "returned_by",
    }
)
NAME_FIELDS = frozenset({"person_name", "booker_name", "borrower_name"})
# A plain "name" is a person's name in a record about a person (a volunteer, a team member); elsewhere
# (a venue, a team, an offering) it stays.
PERSON_RECORD_KEYS = frozenset({"person_id", "volunteer_id", "member_id"})
PSEUDONYM_PREFIX = "p_"


def without_contact_details(value: Any) -> Any:
    """The value with every contact field removed, at any depth."""
    if isinstance(value, dict):
        return {key: without_contact_details(item) for key, item in value.items() if key not in CONTACT_FIELDS}
    if isinstance(value, list):
        return [without_contact_details(item) for item in value]
    return value


def pseudonym(key: bytes, person_id: str) -> str:
    return PSEUDONYM_PREFIX + hmac.new(key, person_id.encode(), hashlib.sha256).hexdigest()[:32]


def pseudonymised(value: Any, key: bytes) -> Any:
    """The value without contact details or people's names, each person id replaced by its pseudonym."""
    if isinstance(value, list):
        return [pseudonymised(item, key) for item in value]
    if not isinstance(value, dict):
        return value
    about_a_person = bool(PERSON_RECORD_KEYS & value.keys())
    kept = {}
    for field, item in value.items():
        if field in CONTACT_FIELDS or field in NAME_FIELDS or (about_a_person and field == "name"):
            continue
        if field in PERSON_ID_FIELDS and isinstance(item, str) and item:
            kept[field] = pseudonym(key, item)
        else:
            kept[field] = pseudonymised(item, key)
    return kept
