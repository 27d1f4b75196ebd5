"""The end-of-platform check of published facts (tests/published_facts.py) finds a fact that breaks its
schema and passes one that keeps it (a real SQLite outbox)."""

from __future__ import annotations

import json

from sqlalchemy import create_engine, text

from contracts.envelope import registered_events, to_cloudevent
from tests.contract.examples import example_event
from tests.published_facts import invalid_facts


def _outbox(path, payloads: list[tuple[str, str]]) -> str:
    url = f"sqlite:///{path}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE outbox (event_type TEXT, payload TEXT)"))
        for event_type, payload in payloads:
            conn.execute(text("INSERT INTO outbox VALUES (:t, :p)"), {"t": event_type, "p": payload})
    engine.dispose()
    return url


def test_a_fact_that_breaks_its_schema_is_named_and_a_good_one_passes(tmp_path):
    event_type, model = next(iter(registered_events().items()))
    good = to_cloudevent(example_event(model), subject="example").decode()
    bad = json.loads(good)
    bad["data"] = {"unexpected": True}
    urls = {
        "good": _outbox(tmp_path / "good.db", [(event_type, good)]),
        "bad": _outbox(tmp_path / "bad.db", [(event_type, json.dumps(bad))]),
        "absent": f"sqlite:///{tmp_path / 'absent.db'}",
    }
    checked, problems = invalid_facts(urls)
    assert checked == 2
    assert len(problems) == 1 and problems[0].startswith(f"bad: {event_type}")
