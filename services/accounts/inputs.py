"""What only accounts reads from RPC inputs: mainland mobile numbers and the caller's address (for the
audit log). Actors, models and texts are read with the kit's boundary (`kit.boundary`)."""

from __future__ import annotations

from contracts.errors import Unprocessable
from services.accounts.domain.phones import NotAMobileNumber, normalise


def phone(value) -> str:
    try:
        return normalise(value if isinstance(value, str) else "")
    except NotAMobileNumber as error:
        raise Unprocessable(
            "The phone must be a mainland mobile number (11 digits starting with 1).", {"field": "phone"}
        ) from error


def client_ip(value) -> str | None:
    return value[:64] if isinstance(value, str) and value else None
