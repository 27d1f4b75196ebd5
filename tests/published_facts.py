"""Every fact a test platform's services published, checked against its documented schema (issue 20: the
bus says exactly what it does). The outbox keeps each fact as the bytes the relay sent, so at the end of a
platform's life its outboxes hold every fact the tests caused; each must be valid under the JSON Schema of
its type in asyncapi.json (contracts.asyncapi.event_schema)."""

from __future__ import annotations

import json
from functools import cache

import jsonschema
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from contracts.asyncapi import event_schema
from kit.forgetting import MASK


@cache
def _validator(event_type: str) -> jsonschema.protocols.Validator:
    schema = event_schema(event_type)
    return jsonschema.validators.validator_for(schema)(schema, format_checker=jsonschema.FormatChecker())


def invalid_facts(database_urls: dict[str, str], limit: int = 10) -> tuple[int, list[str]]:
    """(facts checked, what is wrong with the first `limit` invalid ones) over every service's outbox."""
    checked, problems = 0, []
    for service, url in database_urls.items():
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                rows = conn.execute(text("SELECT event_type, payload FROM outbox")).all()
        except SQLAlchemyError:
            rows = []  # this service never started in this platform (no database or no outbox yet)
        finally:
            engine.dispose()
        for event_type, payload in rows:
            if MASK in payload:
                continue  # a closed account's phone number masked after publishing (kit.forgetting)
            checked += 1
            errors = sorted(_validator(event_type).iter_errors(json.loads(payload)), key=str)
            if errors and len(problems) < limit:
                where = "/".join(str(p) for p in errors[0].absolute_path)
                problems.append(f"{service}: {event_type} at /{where}: {errors[0].message[:200]}")
    return checked, problems
