"""Example data for every domain event, built from the contract models themselves.

A model may give its own example (pydantic `json_schema_extra={"examples": [...]}`); otherwise one is
derived from the field types, so a new event type is covered without anyone writing a fixture.
"""

from __future__ import annotations

import types
import typing
from datetime import date, datetime, timedelta, timezone
from enum import Enum

from pydantic import BaseModel

from contracts.envelope import DomainEvent

START = datetime(2026, 11, 24, 7, 0, tzinfo=timezone.utc)  # 15:00 in 嘉平镇


def _value(name: str, annotation, field=None):
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        return _value(name, options[0])
    if origin is typing.Literal:
        return args[0]
    if origin in (list, tuple, set, frozenset):
        return [_value(name, args[0])] if args else []
    if origin is dict:
        return {}
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return example_data(annotation)
        if issubclass(annotation, Enum):
            return next(iter(annotation)).value
        if annotation is bool:
            return False
        if annotation is int:
            return 1
        if annotation is float:
            return 1.5
        if annotation is datetime:
            if name in ("end", "latest", "expected_reopening", "deadline"):
                return (START + timedelta(hours=2)).isoformat()
            return START.isoformat()
        if annotation is date:
            return START.date().isoformat()
        if annotation is str:
            if name.endswith("_url"):
                return f"http://localhost:8000/offers/example-{name}"
            if name.endswith("_id") or name == "id":
                return f"example-{name.replace('_', '-')}"
            return f"示例 {name}"
    return None


def example_data(model: type[BaseModel]) -> dict:
    extra = model.model_config.get("json_schema_extra") or {}
    if isinstance(extra, dict) and extra.get("examples"):
        return dict(extra["examples"][0])
    data = {}
    for name, field in model.model_fields.items():
        if not field.is_required():
            continue
        data[name] = _value(name, field.annotation, field)
    return data


def example_event(model: type[DomainEvent]) -> DomainEvent:
    return model.model_validate(example_data(model))
