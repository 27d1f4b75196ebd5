"""What leaves the platform by webhook: facts without people's phone numbers and e-mail addresses.

Some facts carry a `contact` (a phone booking for an elderly resident, an approved volunteer's
channels) because notifications needs it to reach that person. Other district systems subscribe to
what happens, not to residents' contact details: every `contact` object is delivered with only the
person's id and name. The shape stays valid against the published schema (those fields are optional).
"""
from __future__ import annotations

from typing import Any

PERSONAL_FIELDS = ("phone", "email")


def without_contact_details(data: Any) -> Any:
    """A copy of `data` in which every `contact` object has no phone or e-mail."""
    if isinstance(data, list):
        return [without_contact_details(item) for item in data]
    if not isinstance(data, dict):
        return data
    cleaned = {}
    for key, value in data.items():
        if key == "contact" and isinstance(value, dict):
            cleaned[key] = {k: v for k, v in value.items() if k not in PERSONAL_FIELDS}
        else:
            cleaned[key] = without_contact_details(value)
    return cleaned
