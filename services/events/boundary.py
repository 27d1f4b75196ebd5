"""What crosses the service boundary: domain errors become contract errors, local times, actors."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterator
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from contracts.common import Actor
from contracts.errors import Conflict, Forbidden, Unprocessable
from services.events.domain.errors import InvalidTransition, RuleViolation

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
STAFF_ROLES = ("admin", "organiser", "venue_manager")


@contextmanager
def domain_errors() -> Iterator[None]:
    """Rule violations → 422, refused transitions → 409, invalid payloads → 422 (never a 500)."""
    try:
        yield
    except RuleViolation as exc:
        raise Unprocessable(str(exc), {"rule": exc.code, "field": exc.field}) from exc
    except InvalidTransition as exc:
        raise Conflict(str(exc), {"rule": f"{exc.machine}.invalid_transition",
                                  "current": str(getattr(exc.current, "value", exc.current)),
                                  "allowed": [str(getattr(a, "value", a)) for a in exc.allowed]}) from exc
    except ValidationError as exc:
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")} for e in exc.errors()]
        raise Unprocessable("Some fields are missing or wrong.", {"errors": errors}) from exc


def parse(model: type[BaseModel], data) -> BaseModel:
    with domain_errors():
        return model.model_validate(data if data is not None else {})


def actor_of(actor: dict | None) -> Actor | None:
    return None if actor is None else parse(Actor, actor)


def require_actor(actor: dict | None, *roles: str) -> Actor:
    who = actor_of(actor)
    if who is None:
        raise Forbidden("This needs a signed-in caller.")
    if roles and who.role != "admin" and who.role not in roles:
        raise Forbidden(f"The role {who.role} may not do this; needs one of: {', '.join(roles)}.")
    return who


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def local(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL_TZ)


def local_day_start(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=LOCAL_TZ)


def local_day_end(day: date) -> datetime:
    return local_day_start(day) + timedelta(days=1) - timedelta(seconds=1)


def today() -> date:
    return local(utcnow()).date()


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
