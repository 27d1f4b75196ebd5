"""RPC inputs are JSON: read them back into typed values, or answer 400/422 (never a 500)."""
from __future__ import annotations

import datetime as dt
from typing import TypeVar

from pydantic import AwareDatetime, BaseModel, TypeAdapter, ValidationError

from contracts.common import Actor
from contracts.errors import BadRequest, Unprocessable

Model = TypeVar("Model", bound=BaseModel)
_DATE = TypeAdapter(dt.date)
_AWARE = TypeAdapter(AwareDatetime)


def _problem(error: ValidationError, what: str) -> Unprocessable:
    errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")} for e in error.errors()]
    return Unprocessable(f"Some fields of the {what} are missing or wrong.", {"errors": errors})


def model(cls: type[Model], value, what: str | None = None) -> Model:
    try:
        return cls.model_validate(value if value is not None else {})
    except ValidationError as error:
        raise _problem(error, what or cls.__name__) from error


def actor(value) -> Actor:
    try:
        return Actor.model_validate(value)
    except ValidationError as error:
        raise BadRequest("The caller (actor) is missing or malformed.", {"errors": [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg")} for e in error.errors()]}) from error


def date(value, field: str) -> dt.date:
    try:
        return _DATE.validate_python(value)
    except ValidationError as error:
        raise Unprocessable(f"{field} must be a date like 2026-11-24.", {"field": field, "value": str(value)}) from error


def aware(value, field: str) -> dt.datetime:
    try:
        return _AWARE.validate_python(value)
    except ValidationError as error:
        raise Unprocessable(f"{field} must be a date and time with an offset, like 2026-11-24T15:00:00+08:00.",
                            {"field": field, "value": str(value)}) from error
