"""RPC inputs are JSON: read them back into typed values, or answer 400/422 (never a 500)."""
from __future__ import annotations

import datetime as dt
from typing import TypeVar

from pydantic import AwareDatetime, BaseModel, TypeAdapter, ValidationError

from contracts.common import Actor
from contracts.errors import BadRequest, Unprocessable

Model = TypeVar("Model", bound=BaseModel)
_AWARE = TypeAdapter(AwareDatetime)


def model(cls: type[Model], value, what: str) -> Model:
    try:
        return cls.model_validate(value if value is not None else {})
    except ValidationError as error:
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg")} for e in error.errors()]
        raise Unprocessable(f"Some fields of the {what} are missing or wrong.", {"errors": errors}) from error


def actor(value) -> Actor:
    try:
        return Actor.model_validate(value)
    except ValidationError as error:
        raise BadRequest("The caller (actor) is missing or malformed.") from error


def aware(value, field: str) -> dt.datetime:
    try:
        return _AWARE.validate_python(value)
    except ValidationError as error:
        raise Unprocessable(f"{field} must be a date and time with an offset, like 2026-11-24T15:00:00+08:00.",
                            {"field": field, "value": str(value)}) from error


def months(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 36:
        raise Unprocessable("unserved_months must be a whole number of months from 1 to 36.",
                            {"field": "unserved_months", "value": str(value)})
    return value
