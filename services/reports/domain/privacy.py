"""What reports keeps of a fact: everything its figures need, never a way to reach a person. Facts carry
contact details for notifications (phone, e-mail inside `contact` objects and volunteer records); the
append-only log would otherwise keep them for ever, out of reach of account closure (PIPL)."""

from __future__ import annotations

from typing import Any

CONTACT_FIELDS = frozenset({"phone", "email", "mobile", "sms_number"})


def without_contact_details(value: Any) -> Any:
    """The value with every contact field removed, at any depth."""
    if isinstance(value, dict):
        return {key: without_contact_details(item) for key, item in value.items() if key not in CONTACT_FIELDS}
    if isinstance(value, list):
        return [without_contact_details(item) for item in value]
    return value
