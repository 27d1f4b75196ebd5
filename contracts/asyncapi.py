"""The AsyncAPI 3.0 document and JSON Schemas, generated from the contract models (never by hand)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import contracts  # noqa: F401  (registers every event model)
from contracts.envelope import registered_events

CLOUDEVENT_ATTRIBUTES = {
    "id": {"type": "string", "description": "Unique per fact; stable across redelivery (the dedupe key)."},
    "source": {"type": "string", "description": "/wenyun/<service>"},
    "type": {"type": "string"},
    "specversion": {"const": "1.0"},
    "time": {"type": "string", "format": "date-time"},
    "subject": {"type": "string", "description": "The id of the thing the fact is about."},
    "datacontenttype": {"const": "application/json"},
    "dataschema": {"type": "string", "format": "uri"},
    "traceparent": {
        "type": "string",
        "pattern": "^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$",
        "description": "W3C trace context (CloudEvents distributed tracing): the trace id is the "
        "X-Request-Id of the request that caused the fact, so one id follows it.",
    },
}


# Exchanges that exist on the broker but carry no facts yet: listed too, so subscribers see them all.
QUIET_EXCHANGES = {
    "notifications.events": "The notifications service's exchange. It publishes no domain facts today (what it "
    "sends goes to people and webhooks); it exists on the broker so a binding made now "
    "receives the facts it may publish later.",
}


def exchanges() -> list[str]:
    """Every service's exchange: those of the published facts and the quiet ones."""
    return sorted({model.exchange() for model in registered_events().values()} | set(QUIET_EXCHANGES))


SHARED_SCHEMAS = "#/components/schemas/{model}"


def event_schema(event_type: str, ref_template: str = "#/$defs/{model}") -> dict:
    """JSON Schema of the whole CloudEvent (envelope + data) of one event type. Standalone (docs/schemas/)
    its shared models are under its own `$defs`; inside the AsyncAPI document, refs point to
    `#/components/schemas` (a ref is resolved against the document it is in) and `$defs` is left out."""
    model = registered_events()[event_type]
    data_schema = model.model_json_schema(ref_template=ref_template)
    defs = data_schema.pop("$defs", {})
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": model.dataschema(),
        "title": f"{event_type} v{model.version}",
        "description": model.summary or (model.__doc__ or "").strip(),
        "type": "object",
        "required": ["id", "source", "type", "specversion", "time", "data"],
        "properties": {
            **CLOUDEVENT_ATTRIBUTES,
            "type": {"const": event_type},
            "source": {"const": model.source()},
            "data": data_schema,
        },
    }
    if defs:
        schema["$defs"] = defs
    return schema


def _shared_schemas(event_type: str) -> dict:
    return registered_events()[event_type].model_json_schema(ref_template=SHARED_SCHEMAS).get("$defs", {})


def _amqp_binding(exchange: str) -> dict:
    return {
        "amqp": {
            "is": "routingKey",
            "exchange": {"name": exchange, "type": "topic", "durable": True, "autoDelete": False, "vhost": "/"},
        }
    }


def asyncapi_document() -> dict:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for event_type, model in registered_events().items():
        key = event_type.replace(".", "_")
        channel_id = f"{model.exchange()}/{event_type}"
        for name, schema in _shared_schemas(event_type).items():
            if schemas.setdefault(name, schema) != schema:
                raise ValueError(f"two different contract models are both called {name}; rename one")
        payload = event_schema(event_type, SHARED_SCHEMAS)
        payload.pop("$defs", None)
        messages[key] = {
            "name": event_type,
            "title": event_type,
            "summary": model.summary,
            "contentType": "application/cloudevents+json",
            "payload": payload,
        }
        channels[key] = {
            "address": event_type,
            "title": channel_id,
            "description": f"Routing key `{event_type}` on the topic exchange `{model.exchange()}`.",
            "messages": {key: {"$ref": f"#/components/messages/{key}"}},
            "bindings": _amqp_binding(model.exchange()),
        }
        operations[f"publish_{key}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{key}"},
            "summary": f"{model.source_service} publishes {event_type}",
            "messages": [{"$ref": f"#/channels/{key}/messages/{key}"}],
        }
    for exchange in sorted(QUIET_EXCHANGES):  # exists on the broker, publishes nothing yet
        channels[exchange.replace(".", "_")] = {
            "address": "#",
            "title": exchange,
            "description": QUIET_EXCHANGES[exchange],
            "messages": {},
            "bindings": _amqp_binding(exchange),
        }
    names = ", ".join(f"`{e}`" for e in exchanges())
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Wenyun domain events",
            "version": "1.0.0",
            "description": "Facts published by the Wenyun services as CloudEvents 1.0 (structured JSON) on "
            f"the RabbitMQ topic exchanges {names}; routing key = event type. Bind your "
            "own durable queue to receive them.",
        },
        "servers": {"local": {"host": "localhost:5672", "protocol": "amqp", "protocolVersion": "0-9-1"}},
        "defaultContentType": "application/cloudevents+json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": dict(sorted(schemas.items()))},
    }


def write_docs(directory: Path) -> list[Path]:
    """Write docs/asyncapi.json and docs/schemas/<type>.v<N>.json; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    target = directory / "asyncapi.json"
    target.write_text(json.dumps(asyncapi_document(), ensure_ascii=False, indent=2) + "\n")
    written.append(target)
    schemas = directory / "schemas"
    schemas.mkdir(exist_ok=True)
    for old in schemas.glob("*.json"):
        old.unlink()
    for event_type, model in registered_events().items():
        target = schemas / f"{event_type}.v{model.version}.json"
        target.write_text(json.dumps(event_schema(event_type), ensure_ascii=False, indent=2) + "\n")
        written.append(target)
    return written
