"""What the OpenAPI document says about errors, written once for every operation (issue 20).

Routes declare the statuses only their own rules produce (`problem_responses(403, 404, 409)`); the
statuses the edge produces for any request of a kind are added here, from what the middleware and the
framework really do:

- 400 — every operation: a NUL character anywhere in the request (`nul_character`), a body that is
  not JSON (`malformed_json`) or not UTF-8, a malformed `Idempotency-Key` header;
- 401 — every operation that reads a bearer token (a bad or expired token is refused even where
  none is required);
- 413 — every operation with a body (`BodySizeLimit`);
- 422 — every operation with parameters or a body (validation against the models);
- 429 — every write, and the public offer links (`gateway.limits.default_rules`);
- 503 — every operation that calls a service.

Every problem is one shared `components.responses` entry with `application/problem+json` (RFC 9457),
so a generated client parses it as a problem and never as the success model.
"""

from __future__ import annotations

import re
from typing import Any

from gateway.problems import PROBLEM_MEDIA_TYPE

PROBLEM_REF = "#/components/schemas/Problem"
# status → (component name, description)
PROBLEMS: dict[int, tuple[str, str]] = {
    400: ("BadRequest", "Malformed request: a NUL character, a body that is not JSON or not UTF-8, a bad header."),
    401: ("Unauthorized", "Missing, invalid or expired bearer token."),
    403: ("Forbidden", "The caller's role or scopes do not allow this."),
    404: ("NotFound", "No such object."),
    409: ("Conflict", "The object's state does not allow this now, or it clashes with another one."),
    410: ("Gone", "The link has expired or was used."),
    413: ("ContentTooLarge", "The request body is too large."),
    422: ("UnprocessableContent", "A field is missing or wrong (`errors` names it), or a rule refuses the input."),
    429: ("TooManyRequests", "Too many requests; try again after `Retry-After` seconds."),
    500: ("InternalError", "A bug; the `error_id` is in the logs."),
    503: ("ServiceUnavailable", "A service did not answer; try again after `Retry-After` seconds."),
}
RETRY_AFTER = {"description": "Seconds to wait before trying again.", "schema": {"type": "integer", "minimum": 0}}
HEADERS = {
    401: {"WWW-Authenticate": {"description": "`Bearer`.", "schema": {"type": "string"}}},
    429: {"Retry-After": RETRY_AFTER},
    503: {"Retry-After": RETRY_AFTER},
}
WRITES = {"post", "put", "patch", "delete"}
# Operations that answer without calling a service.
NO_SERVICE = {("get", "/asyncapi.json")}


def problem_components() -> dict[str, Any]:
    responses = {}
    for status, (name, description) in PROBLEMS.items():
        response: dict[str, Any] = {
            "description": description,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": PROBLEM_REF}}},
        }
        if status in HEADERS:
            response["headers"] = HEADERS[status]
        responses[name] = response
    return responses


def edge_statuses(method: str, path: str, operation: dict) -> set[int]:
    """The problem statuses the gateway's edge can answer for this operation, whatever the route does."""
    statuses = {400}
    if operation.get("security"):
        statuses.add(401)
    if "requestBody" in operation:
        statuses.update({413, 422})
    if operation.get("parameters"):
        statuses.add(422)
    if method in WRITES or path.startswith("/offers/"):
        statuses.add(429)
    if (method, path) not in NO_SERVICE:
        statuses.add(503)
    return statuses


def document_problems(schema: dict) -> None:
    """Every error response of every operation → the shared problem response of its status."""
    schema.setdefault("components", {})["responses"] = problem_components()
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            declared = {int(code) for code in responses if code.isdigit() and int(code) >= 400}
            for status in sorted(declared | edge_statuses(method, path, operation)):
                responses[str(status)] = {"$ref": f"#/components/responses/{PROBLEMS[status][0]}"}
            operation["responses"] = dict(sorted(responses.items()))
    # FastAPI's own validation-error schemas are no longer used by any operation.
    for name in ("HTTPValidationError", "ValidationError"):
        schema["components"].get("schemas", {}).pop(name, None)


def allowed_methods(app, path: str) -> list[str]:
    """Every method the document gives the path, over all its routes: Starlette's 405 names only those
    of the first route that matched, and the `Allow` header must agree with the document."""
    table = getattr(app.state, "allowed_methods", None)
    if table is None:
        table = app.state.allowed_methods = [
            (re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"), operations)
            for template, operations in app.openapi()["paths"].items()
        ]
    methods = {m.upper() for pattern, operations in table if pattern.match(path) for m in operations}
    return sorted(methods & {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"})
