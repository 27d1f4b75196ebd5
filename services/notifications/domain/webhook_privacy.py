"""What leaves the platform by webhook: facts without people's phone numbers and e-mail addresses,
and without the links that act for a person.

Some facts carry a `contact` (a phone booking for an elderly resident, an approved volunteer's
channels) because notifications needs it to reach that person. Other district systems subscribe to
what happens, not to residents' contact details: every `contact` object is delivered with only the
person's id and name. The shape stays valid against the published schema (those fields are optional).

A dispatch offer carries signed accept/decline links. Whoever holds one can answer the offer without
signing in, so they go to the volunteer's own channels (SMS, e-mail, inbox) only and are withheld from
every webhook delivery (the contract marks them optional for this reason).
"""

from __future__ import annotations

from typing import Any

PERSONAL_FIELDS = ("phone", "email")
# Links that act for a person (each embeds a signed token): never handed to another system.
ACTING_LINK_FIELDS = frozenset({"accept_url", "decline_url"})


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


def without_acting_links(data: Any) -> Any:
    """A copy of `data` without any accept/decline link, at any depth."""
    if isinstance(data, list):
        return [without_acting_links(item) for item in data]
    if not isinstance(data, dict):
        return data
    return {key: without_acting_links(value) for key, value in data.items() if key not in ACTING_LINK_FIELDS}


def for_subscribers(data: Any) -> Any:
    """The `data` of a fact as a webhook subscriber may see it."""
    return without_acting_links(without_contact_details(data))
