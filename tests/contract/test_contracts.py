"""The message contracts: every fact has a valid example, survives the CloudEvents envelope, has a
JSON Schema, and the generated documents in docs/ are up to date with the models."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import contracts  # noqa: F401
from contracts.asyncapi import asyncapi_document, event_schema
from contracts.envelope import parse_cloudevent, registered_events, to_cloudevent
from tests.contract.examples import example_event

DOCS = Path(__file__).resolve().parents[2] / "docs"
EVENT_TYPES = sorted(registered_events())


def test_every_documented_fact_is_registered():
    # DESIGN §4's list, in past tense.
    for event_type in (
        "venue.registered",
        "venue.closed",
        "booking.confirmed",
        "event.published",
        "registration.promoted",
        "order.declined",
        "feedback.received",
        "dispatch.offered",
        "dispatch.filled",
        "hours.credited",
    ):
        assert event_type in EVENT_TYPES


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_example_round_trips_and_matches_its_schema(event_type):
    model = registered_events()[event_type]
    event = example_event(model)
    body = to_cloudevent(event, subject="example")
    document = json.loads(body)
    jsonschema.validate(document, event_schema(event_type))
    envelope = parse_cloudevent(body)
    assert envelope.type == event_type and envelope.source == f"/wenyun/{model.source_service}"
    assert envelope.typed() == event


def test_asyncapi_lists_every_fact_with_its_exchange():
    document = asyncapi_document()
    channels = document["channels"]
    for event_type, model in registered_events().items():
        channel = channels[event_type.replace(".", "_")]
        assert channel["address"] == event_type
        assert channel["bindings"]["amqp"]["exchange"]["name"] == f"{model.source_service}.events"


def test_generated_documents_are_up_to_date():
    """`make docs` regenerates them; this fails when a model changed and the docs did not."""
    from gateway.app import create_app

    assert json.loads((DOCS / "asyncapi.json").read_text()) == json.loads(
        json.dumps(asyncapi_document(), ensure_ascii=False)
    ), "run `make docs`"
    assert json.loads((DOCS / "openapi.json").read_text()) == json.loads(
        json.dumps(create_app().openapi(), ensure_ascii=False)
    ), "run `make docs`"
    for event_type, model in registered_events().items():
        stored = DOCS / "schemas" / f"{event_type}.v{model.version}.json"
        assert json.loads(stored.read_text()) == event_schema(event_type), f"run `make docs` ({stored.name})"
