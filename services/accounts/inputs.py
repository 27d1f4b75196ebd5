"""RPC inputs are JSON: read them back into typed values, or answer 400/422 (never a 500)."""
from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError

from contracts.common import Actor
from contracts.errors import BadRequest, Unprocessable
from services.accounts.domain.phones import NotAMobileNumber, normalise

Model = TypeVar("Model", bound=BaseModel)


def model(cls: type[Model], value, what: str) -> Model:
    try:
        return cls.model_validate(value if value is not None else {})
    except ValidationError as error:
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")} for e in error.errors()]
        raise Unprocessable(f"Some fields of the {what} are missing or wrong.", {"errors": errors}) from error


def actor(value) -> Actor:
    try:
        return Actor.model_validate(value)
    except ValidationError as error:
        raise BadRequest("The caller (actor) is missing or malformed.") from error


def phone(value) -> str:
    try:
        return normalise(value if isinstance(value, str) else "")
    except NotAMobileNumber as error:
        raise Unprocessable("The phone must be a mainland mobile number (11 digits starting with 1).",
                            {"field": "phone"}) from error


def text(value, field: str, max_length: int = 200) -> str:
    if not isinstance(value, str) or not value or len(value) > max_length or "\x00" in value:
        raise Unprocessable(f"{field} must be a text of 1 to {max_length} characters.", {"field": field})
    return value


def client_ip(value) -> str | None:
    return value[:64] if isinstance(value, str) and value else None
