"""API fuzzing: schemathesis over the running gateway's /openapi.json (bounded), and every write
refused without a token.

schemathesis runs as a SUBPROCESS (this pytest process is eventlet-patched; schemathesis must not
run inside it) against the shared platform, with an admin bearer token so generated requests reach
the services' rules instead of stopping at 401/403. Checks: no 5xx (`not_a_server_error`) and every
response matches the documented schema (`response_schema_conformance`). Missing auth is checked by
our own loop over every non-GET operation: schemathesis' `ignored_auth` would also flag the public
reads, whose OpenAPI declares the (optional) bearer scheme.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

SCHEMATHESIS = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or shutil.which("schemathesis")
# Failures already reported to the owners of routes still under construction: while ONLY these remain,
# the run is marked xfail (non-strict); anything else fails. Remove an entry when its route is fixed.
KNOWN_FAILURES: dict[tuple[str, str], str] = {}  # (check code, "METHOD /path") -> why it is tolerated for now
# Operations that are public writes by design (no bearer token: the credential is in the URL).
# Writes whose credential is in the body (a signed link, a phone code, a password, a refresh token).
PUBLIC_WRITES = {
    ("post", "/offers/{token}"),
    ("post", "/api/v1/auth/sms-codes"),
    ("post", "/api/v1/auth/sms-sign-in"),
    ("post", "/api/v1/auth/password-sign-in"),
    ("post", "/api/v1/auth/refresh"),
    ("post", "/api/v1/auth/sign-out"),
    # walk-in feedback (#17 item 8): the credential is the event's code shown at the event (in the URL)
    ("post", "/api/v1/feedback/{code}"),
}
WRITE_METHODS = ("post", "put", "patch", "delete")


@pytest.mark.skipif(SCHEMATHESIS is None, reason="schemathesis is not installed (pip install schemathesis==4.32.5)")
def test_schemathesis_finds_no_server_error_and_no_schema_mismatch(shared_platform, tmp_path):
    token = shared_platform.token("admin", sub="fuzz-admin")
    report = tmp_path / "schemathesis.json"
    command = [
        SCHEMATHESIS,
        "run",
        f"{shared_platform.base_url}/openapi.json",
        "--checks",
        "not_a_server_error,response_schema_conformance",
        "-H",
        f"Authorization: Bearer {token}",
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        "10",
        "--max-time",
        "40",
        "--workers",
        "2",
        "--request-timeout",
        "10",
        "--seed",
        "20261124",
        "--no-shrink",
        "--warnings",
        "off",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    env = {**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": ""}
    done = subprocess.run(command, capture_output=True, text=True, timeout=80, env=env, cwd=tmp_path)
    output = done.stdout + done.stderr
    summary = json.loads(report.read_text()) if report.exists() else {}
    failures = summary.get("failures", [])
    errors = summary.get("errors", [])
    details = output[output.find("FAILURES") : output.find("SUMMARY")] if "FAILURES" in output else output[-3000:]
    assert summary.get("operations", {}).get("tested", 0) > 0, output[-3000:]
    found = {(f["code"], op) for f in failures for op in f["operations"]}
    if found and not errors and found <= set(KNOWN_FAILURES):
        pytest.xfail(
            "only known failures of routes under construction: "
            + "; ".join(f"{code} {op}: {KNOWN_FAILURES[(code, op)]}" for code, op in sorted(found))
        )
    assert done.returncode == 0 and not failures and not errors, (
        "schemathesis found problems:\n"
        + "\n".join(f"  {f['code']} {f['title']}: {', '.join(f['operations'])}" for f in failures)
        + "".join(f"\n  error: {e}" for e in errors)
        + "\n\n"
        + _redact(details, token)[:12000]
    )


def _redact(text: str, token: str) -> str:
    return text.replace(token, "<admin token>")


def _operations(spec: dict):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method in WRITE_METHODS:
                yield method, path, operation


def test_every_write_without_a_token_is_refused(shared_platform):
    with httpx.Client(base_url=shared_platform.base_url, timeout=15) as http:
        spec = http.get("/openapi.json").json()
        refused, wrong = 0, []
        for method, path, _operation in _operations(spec):
            url = re.sub(r"\{[^}]+\}", "fuzz-no-such-id", path)
            response = http.request(method.upper(), url, json={})
            if (method, path) in PUBLIC_WRITES:
                # A public write (the credential is a signed link): junk is a 4xx problem, never done, never a 500.
                ok = 400 <= response.status_code < 500
            else:
                ok = response.status_code in (401, 403, 405)
                if response.status_code == 401:
                    ok = response.headers.get("content-type", "").startswith("application/problem+json")
            if ok:
                refused += 1
            else:
                wrong.append(f"{method.upper()} {path} → {response.status_code} {response.text[:200]}")
    assert refused > 0
    assert wrong == [], "writes without a token that were not refused (or public writes not declared):\n" + "\n".join(
        wrong
    )
