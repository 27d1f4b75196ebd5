"""Mainland mobile numbers: one spelling stored (11 digits), and the masked form shown back."""

from __future__ import annotations

import re

_MAINLAND_MOBILE = re.compile(r"(?:\+?86)?(1[3-9][0-9]{9})")  # ASCII digits, as the schema says


class NotAMobileNumber(ValueError):
    pass


def normalise(phone: str) -> str:
    """'13800138000' for '13800138000', '+86 138 0013 8000', '8613800138000'…"""
    match = _MAINLAND_MOBILE.fullmatch(re.sub(r"[\s\-()]", "", phone or ""))
    if not match:
        raise NotAMobileNumber("not a mainland mobile number (11 digits starting with 1)")
    return match.group(1)


def masked(phone: str | None) -> str | None:
    """'138****8000': enough for a person to recognise their number, not enough to call it."""
    return f"{phone[:3]}****{phone[-4:]}" if phone else None
