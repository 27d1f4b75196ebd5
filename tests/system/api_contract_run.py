"""One schemathesis run through its Python API (issue 20): every check, every phase, bounded in time.

Used by tests/system/test_api_contract.py (in a process of its own: the test process is eventlet-patched);
runnable alone against any running platform:
    python -m tests.system.api_contract_run http://127.0.0.1:8000 <bearer token> [seed] [phases] [--json]
(phases: comma-separated, of examples,coverage,fuzzing,stateful; all by default)

Every built-in check is on. `positive_data_acceptance` lets a schema-valid request be refused with 422
by a rule only the domain can decide (the room is taken, the parent does not exist: a problem with its
own `type`); `schema_valid_input_passes_validation` (below) keeps the point of the check: the gateway's
own validation (`validation_failed`) or a 400 never refuses data the document says is valid.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass, field

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema

# Small enough that ten runs (two roles × five) stay near two minutes on a loaded two-core machine.
MAX_EXAMPLES = 2
MAX_TIME = int(os.environ.get("WENYUN_CONTRACT_MAX_TIME", "10"))  # seconds, per run (longer by hand)
STATEFUL_STEPS = 6
# What a schema-valid request may get: done, not allowed, not found, a state conflict, a domain rule (422),
# a credential that does not verify (400: a signed offer link); the check below keeps 400 and 422 honest.
ACCEPTED = ["2xx", "3xx", "400", "401", "403", "404", "409", "410", "422", "429"]
VALIDATION_FAILED = "urn:wenyun:problem:validation_failed"


# The edge's own refusals of a request's form (gateway/app.py, gateway/limits.py).
MALFORMED = {f"urn:wenyun:problem:{code}" for code in ("malformed_json", "malformed_body", "nul_character")}


@schemathesis.check
def schema_valid_input_passes_validation(ctx, response, case) -> bool | None:
    """A request the document says is valid is never refused as malformed, nor has one of its fields refused
    by the gateway's validation: the models are not stricter than the document. (A rule across fields —
    `end` after `start`, `kept_back` within `capacity` — is a 422 a schema cannot foresee.)"""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code not in (400, 422):
        return None
    try:
        body = response.json()
    except ValueError:
        body = {}
    refused = body.get("type") in MALFORMED
    if body.get("type") == VALIDATION_FAILED:
        fields = [e for e in body.get("errors", []) if len(e.get("loc", ())) > 1]
        refused = bool(fields) or not body.get("errors")
    if refused:
        raise AssertionError(
            f"A schema-valid request was refused ({response.status_code}): the models are stricter than the "
            f"document.\n{json.dumps(body, ensure_ascii=False)[:800]}"
        )
    return None


@dataclass
class Finding:
    code: str
    title: str
    operation: str
    message: str
    sample: str

    def __str__(self) -> str:
        return f"{self.code} {self.title} — {self.operation}\n{self.message}\n{self.sample}"


@dataclass
class Outcome:
    seed: int
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    scenarios: int = 0
    stop_reason: str = ""
    phases: dict[str, str] = field(default_factory=dict)  # phase → how it finished


PHASES = ("examples", "coverage", "fuzzing", "stateful")


def config(base_url: str, token: str, seed: int, phases: tuple[str, ...] = PHASES) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": seed,
            # Hypothesis' own health checks about the generator, not findings about the API: a random seed
            # can meet an operation whose patterns filter out most drawn strings (schemathesis' guide
            # suppresses these two for long runs).
            "suppress-health-check": ["filter_too_much", "too_slow"],
            "max-time": MAX_TIME,
            "color": False,
            "warnings": False,
            "base-url": base_url,
            "headers": {"Authorization": f"Bearer {token}"},
            "workers": 2,
            "request-timeout": 10,
            "checks": {
                "enabled": True,
                "positive_data_acceptance": {"expected-statuses": ACCEPTED},
            },
            # Every request with a NUL is refused at the edge (400 `nul_character`, documented on every
            # operation), so schema-valid data is generated without one (schemathesis' allow-x00).
            "generation": {"max-examples": MAX_EXAMPLES, "no-shrink": True, "allow-x00": False},
            "phases": {
                "examples": {"enabled": "examples" in phases},
                "coverage": {"enabled": "coverage" in phases},
                "fuzzing": {"enabled": "fuzzing" in phases},
                "stateful": {"enabled": "stateful" in phases, "max-steps": STATEFUL_STEPS},
            },
        }
    )


def run(base_url: str, token: str, seed: int, phases: tuple[str, ...] = PHASES) -> Outcome:
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json", config=config(base_url, token, seed, phases))
    outcome = Outcome(seed=seed)
    seen: set[tuple[str, str, str]] = set()
    for event in from_schema(schema).execute():
        if isinstance(event, (events.ScenarioFinished, events.FuzzScenarioFinished)):
            outcome.scenarios += 1
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    info = check.failure_info
                    if info is None:
                        continue
                    failure = info.failure
                    key = (failure.code, failure.operation or "", failure.title)
                    if key not in seen:
                        seen.add(key)
                        outcome.findings.append(
                            Finding(
                                failure.code, failure.title, failure.operation or "", failure.message, info.code_sample
                            )
                        )
        elif isinstance(event, events.PhaseFinished):
            outcome.phases[str(event.phase.name)] = str(event.status)
        elif isinstance(event, events.NonFatalError):
            outcome.errors.append(
                f"{event.label}: {event.info.format() if hasattr(event.info, 'format') else event.value}"
            )
        elif isinstance(event, events.FatalError):
            outcome.errors.append(f"fatal: {event.exception!r}")
        elif isinstance(event, events.EngineFinished):
            outcome.stop_reason = str(event.stop_reason)
            for failure in event.failures:
                outcome.findings.append(
                    Finding(failure.code, failure.title, failure.operation or "", failure.message, "")
                )
    return outcome


def _answer(response) -> str:
    if response is None:
        return "(no response)"
    try:
        text = response.content.decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - only for the message
        text = repr(response)
    return f"→ {response.status_code} {text[:500]}"


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--json"]
    chosen = tuple(args[3].split(",")) if len(args) > 3 else PHASES
    result = run(args[0], args[1], int(args[2]) if len(args) > 2 else 20261124, chosen)
    if "--json" in sys.argv:
        print(json.dumps(asdict(result)))  # ASCII: one line whatever the findings hold
    else:
        print(
            f"seed {result.seed}: {result.scenarios} scenarios, phases {result.phases}, stopped: {result.stop_reason}"
        )
        for finding in result.findings:
            print("-" * 80, finding, sep="\n")
        for error in result.errors:
            print("error:", error)
