"""Small value types shared by several contracts."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictBool,
    StrictFloat,
    WithJsonSchema,
    field_validator,
)

# Strict types at the boundary (issue 20): what the schema says is what is accepted. A JSON `true` is not
# an integer, `0` is not `false`, and a date or time is its ISO text — never a number that pydantic's lax
# mode would read as a Unix timestamp ("0.5" is not a date-time). Request models use these.
__all__ = ["StrictBool", "StrictFloat", "StrictInt"]


def _json_integer(value: Any) -> Any:
    # JSON Schema's integer: 3 and 3.0 are integers; true and "3" are not.
    if isinstance(value, (bool, str, bytes)):
        raise ValueError("must be an integer")
    return value


JSON_INTEGER = BeforeValidator(_json_integer)
# Not pydantic's StrictInt, which refuses 3.0. Constraints of an optional one go before the validator, or
# pydantic keeps them out of the JSON schema: `Annotated[int, Field(ge=1), JSON_INTEGER] | None`.
StrictInt = Annotated[int, JSON_INTEGER]

# A JSON Schema pattern is an ECMA-262 regular expression; pydantic checks `pattern` with Rust's regex, whose
# \s and \d are Unicode classes (\s takes U+0085 and not U+FEFF, \d takes every script's digits). A pattern
# written with `ecma_pattern` spells the classes out as ECMA-262 means them, so the document and the check
# agree on every character (schemathesis generated "a@\u0085m.x", valid by the document, refused by the model).
ECMA_SPACE = r"\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
# What Python's str.isspace(), str.split() and re's \s call a space: for a pattern that documents a rule a
# service checks in Python (`ecma_pattern(..., space=PYTHON_SPACE)`).
PYTHON_SPACE = r"\t\n\v\f\r\x1c-\x1f \x85\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"


def ecma_pattern(pattern: str, space: str = ECMA_SPACE) -> str:
    """`pattern` with \\s, \\S and \\d written out as explicit character sets (\\d: ASCII digits; \\s: `space`,
    by default what ECMA-262 calls a space), which every regular-expression engine reads alike."""
    out, in_class, i = [], False, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            escape = pattern[i + 1]
            if escape == "s":
                out.append(space if in_class else f"[{space}]")
            elif escape == "d":
                out.append("0-9" if in_class else "[0-9]")
            elif escape == "S" and not in_class:
                out.append(f"[^{space}]")
            elif escape in "SDwWb":
                raise ValueError(f"write \\{escape} out in {pattern!r}: Rust's regex and ECMA-262 read it differently")
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        out.append(char)
        i += 1
    return "".join(out)


_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HH_MM = ecma_pattern(r"^([01]\d|2[0-3]):[0-5]\d$")


def _text_like(pattern: re.Pattern, kind: type, what: str):
    def check(value: Any) -> Any:
        if isinstance(value, kind) or (isinstance(value, str) and pattern.match(value)):
            return value
        raise ValueError(f"must be {what}")

    return BeforeValidator(check)


IsoDatetime = Annotated[datetime, _text_like(_RFC3339, datetime, "an ISO 8601 date-time")]
IsoAwareDatetime = Annotated[
    AwareDatetime, _text_like(_RFC3339, datetime, "an ISO 8601 date-time with an offset, e.g. 2026-11-24T15:00+08:00")
]
IsoDate = Annotated[date, _text_like(_ISO_DATE, date, "an ISO 8601 date (YYYY-MM-DD)")]


def _hh_mm(value: Any) -> Any:
    if isinstance(value, time) or (isinstance(value, str) and re.match(_HH_MM, value)):
        return value
    raise ValueError("must be a time of day HH:MM")


# A time of day on the wire and in the schema alike: "HH:MM" (not `format: time`, RFC 3339's full-time
# needs seconds and an offset, which a weekly availability has not).
TimeOfDay = Annotated[
    time,
    BeforeValidator(_hh_mm),
    PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": _HH_MM, "examples": ["08:00"]}),
]

Role = Literal["admin", "venue_manager", "organiser", "volunteer", "subscriber", "resident"]


class Coordinates(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    lat: StrictFloat = Field(ge=-90, le=90)
    lon: StrictFloat = Field(ge=-180, le=180)


class Actor(BaseModel):
    """Who asks: passed by the gateway to every command so services can check object scopes."""

    model_config = ConfigDict(extra="forbid")
    sub: str
    role: Role
    scopes: list[str] = []
    name: str | None = None

    def has_scope(self, kind: str, object_id: str) -> bool:
        return self.role == "admin" or f"{kind}:{object_id}" in self.scopes or f"{kind}:*" in self.scopes


class ContactPoint(BaseModel):
    """Contact details a person gave for notices about this one thing (e.g. a phone booking)."""

    model_config = ConfigDict(extra="forbid")
    person_id: str | None = None
    name: str | None = Field(None, max_length=100)
    phone: str | None = Field(None, pattern=r"^\+?[0-9][0-9\- ]{5,19}$")
    email: str | None = Field(None, pattern=ecma_pattern(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"), max_length=200)
    language: Literal["zh-CN", "en"] = "zh-CN"


def _drop_null(schema: dict[str, Any], model: type) -> None:
    for name, prop in schema.get("properties", {}).items():
        branches = prop.get("anyOf")
        if name in model.nullable or not branches or {"type": "null"} not in branches:  # type: ignore[attr-defined]
            continue
        rest = [b for b in branches if b != {"type": "null"}]
        del prop["anyOf"]
        prop.update(rest[0] if len(rest) == 1 else {"anyOf": rest})
        if prop.get("default", "") is None:
            del prop["default"]


class Changes(BaseModel):
    """A partial update: a field left out stays as it is. `null` is refused (422 naming the field) unless the
    field is in `nullable` (it clears the value) — before any write, so a NOT NULL column never answers."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_drop_null)
    nullable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: Any, info: Any) -> Any:
        if value is None and info.field_name not in cls.nullable:
            raise ValueError("may not be null; leave the field out to keep its value")
        return value
