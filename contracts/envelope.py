"""The CloudEvents 1.0 envelope (structured JSON mode) around versioned domain-event models.

A domain event is a pydantic model subclassing `DomainEvent`, declaring the service that owns it
and its type. `to_cloudevent` wraps it (the `cloudevents` SDK builds and serialises the envelope);
`parse_cloudevent` reads a message back and validates `data` against the registered model.

Producers validate strictly (`extra="forbid"`: a misspelt field is a bug), readers leniently: a consumer
reads a fact with `read_fact`, which ignores fields it does not know, at any depth — during a rolling
deploy a producer that added an optional field must not send the older consumers' facts to the
dead-letter queue (tests/contract/test_consumers.py).
"""

from __future__ import annotations

import json
import types
import typing
import uuid
from datetime import datetime, timezone
from typing import Any, ClassVar, TypeVar

from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from pydantic import BaseModel, ConfigDict

CONTENT_TYPE = JSONFormat.CONTENT_TYPE  # application/cloudevents+json
READING = {"reading": True}  # validation context of a reader: rules that only bind producers step aside
M = TypeVar("M", bound=BaseModel)
_FORMAT = JSONFormat()
_REGISTRY: dict[str, type["DomainEvent"]] = {}


class DomainEvent(BaseModel):
    """Base of every event's `data`. Subclasses set `source_service`, `event_type`, `version`."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    source_service: ClassVar[str]
    event_type: ClassVar[str]
    version: ClassVar[int] = 1
    # Shown in the AsyncAPI document.
    summary: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        event_type = cls.__dict__.get("event_type")
        if event_type:
            if event_type in _REGISTRY and _REGISTRY[event_type].__qualname__ != cls.__qualname__:
                raise TypeError(f"event type {event_type} registered twice")
            _REGISTRY[event_type] = cls

    @classmethod
    def source(cls) -> str:
        return f"/wenyun/{cls.source_service}"

    @classmethod
    def dataschema(cls) -> str:
        return f"urn:wenyun:schema:{cls.event_type}:v{cls.version}"

    @classmethod
    def exchange(cls) -> str:
        # nameko's convention: topic exchange "<service>.events", routing key = event type.
        return f"{cls.source_service}.events"


def _models_in(annotation) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, list, tuple, typing.Annotated):
        return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]
    return []


def known_fields_only(model: type[BaseModel], data: Any) -> Any:
    """`data` without the fields `model` (and the models nested in it) does not declare."""
    if not isinstance(data, dict):
        return data
    kept = {}
    for name, field in model.model_fields.items():
        key = field.alias or name
        if key not in data:
            continue
        value, nested = data[key], _models_in(field.annotation)
        if len(nested) == 1 and isinstance(value, dict):
            value = known_fields_only(nested[0], value)
        elif len(nested) == 1 and isinstance(value, list):
            value = [known_fields_only(nested[0], item) for item in value]
        kept[key] = value
    return kept


def read_fact(model: type[M], data: Any) -> M:
    """A consumer's reading of a fact: unknown fields are ignored (the producer may be newer)."""
    return model.model_validate(known_fields_only(model, data), context=READING)


def registered_events() -> dict[str, type[DomainEvent]]:
    return dict(sorted(_REGISTRY.items()))


def model_for(event_type: str) -> type[DomainEvent] | None:
    return _REGISTRY.get(event_type)


class Envelope(BaseModel):
    """A received CloudEvent: attributes plus `data` (validated against its model when known)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    id: str
    source: str
    type: str
    specversion: str = "1.0"
    time: datetime | None = None
    subject: str | None = None
    dataschema: str | None = None
    datacontenttype: str | None = None
    # W3C trace context (CloudEvents distributed-tracing extension): its trace id is the request id of the
    # request that caused the fact (kit.request_ids).
    traceparent: str | None = None
    data: Any = None

    def typed(self) -> DomainEvent:
        model = model_for(self.type)
        if model is None:
            raise ValueError(f"unknown event type {self.type}")
        return read_fact(model, self.data)


def to_cloudevent(
    event: DomainEvent, *, subject: str | None = None, event_id: str | None = None, traceparent: str | None = None
) -> bytes:
    """Serialise a domain event as a structured-mode CloudEvents JSON document."""
    attributes = {
        "id": event_id or str(uuid.uuid4()),
        "source": event.source(),
        "type": event.event_type,
        "specversion": "1.0",
        "time": datetime.now(timezone.utc),
        "datacontenttype": "application/json",
        "dataschema": event.dataschema(),
    }
    if subject:
        attributes["subject"] = subject
    if traceparent:
        attributes["traceparent"] = traceparent
    return _FORMAT.write(CloudEvent(attributes, event.model_dump(mode="json")))


def parse_cloudevent(body: bytes | str | dict) -> Envelope:
    """Read a structured CloudEvent (as bytes, text or an already-decoded dict)."""
    if isinstance(body, dict):
        body = json.dumps(body)
    event = _FORMAT.read(None, body)
    attributes = dict(event.get_attributes())
    return Envelope(**attributes, data=event.get_data())
