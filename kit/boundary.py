"""The service boundary, once for every service: what an RPC brings in is read back into typed
values or refused with a 4xx problem — never a 500 — and domain refusals become contract errors.

    actor = actor_from(actor)                              # 422 when the caller dict is malformed
    data = model_or_422(OpeningHours, hours, "opening hours")
    with domain_errors():                                  # RuleViolation → 422, InvalidTransition → 409
        status = transition(row.status, action)
    venue = row_or_404(session.execute(...).first(), f"Venue {venue_id} does not exist.", {"venue_id": venue_id})
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Any, Iterator, TypeVar

from pydantic import AwareDatetime, BaseModel, TypeAdapter, ValidationError

from contracts.common import Actor
from contracts.errors import Conflict, Forbidden, NotFound, Unprocessable
from kit.callers import verified_actor
from kit.rules import InvalidTransition, RuleViolation

Model = TypeVar("Model", bound=BaseModel)
Row = TypeVar("Row")
_DATE = TypeAdapter(dt.date)
_AWARE = TypeAdapter(AwareDatetime)


def validation_errors(error: ValidationError) -> list[dict[str, Any]]:
    """pydantic's errors as problem members (JSON-safe: no input values, no exception objects)."""
    return [{"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")} for e in error.errors()]


def model_or_422(model: type[Model], payload: Any, what: str | None = None) -> Model:
    """The payload read with its contract model; missing or wrong fields are a 422 listing them."""
    try:
        return model.model_validate(payload if payload is not None else {})
    except ValidationError as error:
        raise Unprocessable(
            f"Some fields of the {what or model.__name__} are missing or wrong.", {"errors": validation_errors(error)}
        ) from error


def actor_from(value: Any) -> Actor:
    """The caller, as the access token the call carries names it (kit.callers): an actor argument alone
    proves nothing. Malformed (another service's bug) → 422; no valid token → 401; a token for someone
    else → 403. An `Actor` object is one this worker already verified."""
    if isinstance(value, Actor):
        return value
    try:
        claimed = Actor.model_validate(value)
    except ValidationError as error:
        raise Unprocessable(
            "The caller (actor) is missing or malformed.", {"errors": validation_errors(error)}
        ) from error
    return verified_actor(claimed)


def optional_actor(value: Any) -> Actor | None:
    """For reads anyone may make: no caller is an anonymous visitor."""
    return None if value is None else actor_from(value)


def signed_in(value: Any, *roles: str) -> Actor:
    """A caller is required (403 without one); with `roles`, one of them (the administrator always)."""
    who = optional_actor(value)
    if who is None:
        raise Forbidden("This needs a signed-in caller.")
    if roles and who.role != "admin" and who.role not in roles:
        raise Forbidden(f"The role {who.role} may not do this; needs one of: {', '.join(roles)}.")
    return who


def date_or_422(value: Any, field: str) -> dt.date:
    try:
        return _DATE.validate_python(value)
    except ValidationError as error:
        raise Unprocessable(
            f"{field} must be a date like 2026-11-24.", {"field": field, "value": str(value)}
        ) from error


def aware_or_422(value: Any, field: str) -> dt.datetime:
    try:
        return _AWARE.validate_python(value)
    except ValidationError as error:
        raise Unprocessable(
            f"{field} must be a date and time with an offset, like 2026-11-24T15:00:00+08:00.",
            {"field": field, "value": str(value)},
        ) from error


def row_or_404(
    row: Row | None, detail: str, extra: dict[str, Any] | None = None, *, detail_zh: str | None = None
) -> Row:
    """The row a lookup found, or a 404 saying what was missing (`extra` names it for clients)."""
    if row is None:
        raise NotFound(detail, extra, detail_zh=detail_zh)
    return row


@contextmanager
def domain_errors() -> Iterator[None]:
    """Rule violations → 422, refused transitions → 409, invalid payloads → 422 (never a 500)."""
    try:
        yield
    except RuleViolation as exc:
        raise Unprocessable(str(exc), {"rule": exc.code, "field": exc.field}, detail_zh=exc.message_zh) from exc
    except InvalidTransition as exc:
        raise Conflict(
            str(exc),
            {
                "rule": f"{exc.machine}.invalid_transition",
                "current": str(_value(exc.current)),
                "allowed": [str(_value(a)) for a in exc.allowed],
            },
            detail_zh=exc.message_zh,
        ) from exc
    except ValidationError as exc:
        raise Unprocessable("Some fields are missing or wrong.", {"errors": validation_errors(exc)}) from exc


def _value(item: Any) -> Any:
    return getattr(item, "value", item)


def text_or_422(value: Any, name: str, max_length: int = 150, *, optional: bool = False) -> str | None:
    """An id or filter given to an RPC: a non-empty string, not too long, no NUL (PostgreSQL refuses it)."""
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value or len(value) > max_length or "\x00" in value:
        raise Unprocessable(f"{name} must be a text of 1 to {max_length} characters.", {"field": name})
    return value


def number_or_422(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Unprocessable(f"{name} must be a whole number from {low} to {high}.", {"field": name})
    return value


def choice_or_422(value: Any, name: str, allowed: tuple[str, ...]) -> str | None:
    if value is not None and value not in allowed:
        raise Unprocessable(f"{name} must be one of: {', '.join(allowed)}.", {"field": name, "allowed": list(allowed)})
    return value


def key_or_404(value: Any, what: str, max_length: int = 64) -> str:
    """An id to look up: one that cannot exist (too long, NUL, not text) is simply not found."""
    if not isinstance(value, str) or not value or len(value) > max_length or "\x00" in value:
        raise NotFound(f"No such {what}.", {"id": value if isinstance(value, str) and len(value) < 200 else None})
    return value
