"""Every write refused without a token (our own loop over every non-GET operation of the document).

schemathesis itself, with every check and every phase, is tests/system/test_api_contract.py.
"""

from __future__ import annotations

import re

import httpx

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
