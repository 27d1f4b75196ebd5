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
# status → the problem `type`s it can carry (`urn:wenyun:problem:<code>`): the classes of contracts.errors
# and what the gateway's own handlers and middleware answer (gateway/app.py, gateway/limits.py). A domain
# rule refused says which one in its extra members (`rule`, `reason_code`, `field`), under these types.
PROBLEM_CODES: dict[int, tuple[str, ...]] = {
    400: ("bad_request", "malformed_json", "malformed_body", "nul_character"),
    401: ("unauthorized",),
    403: ("forbidden",),
    404: ("not_found",),
    409: ("conflict",),
    410: ("gone",),
    413: ("request_too_large",),
    422: ("validation_failed", "unprocessable"),
    429: ("too_many_requests",),
    500: ("internal_error",),
    503: ("service_unavailable",),
}
PROBLEM_TYPE_PREFIX = "urn:wenyun:problem:"
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
        types = [PROBLEM_TYPE_PREFIX + code for code in PROBLEM_CODES[status]]
        response: dict[str, Any] = {
            "description": f"{description} Problem type: {', '.join(f'`{t}`' for t in types)}.",
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
    # One Problem model for a generated client, its `type` one of those listed (each response says which).
    problem_schema = schema["components"].get("schemas", {}).get("Problem")
    if problem_schema is not None:
        problem_schema["properties"]["type"]["enum"] = sorted(
            {PROBLEM_TYPE_PREFIX + code for codes in PROBLEM_CODES.values() for code in codes}
        )
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


# OpenAPI links (issue 20): from each operation that creates an object to the operations that use its id,
# so a client (and schemathesis' stateful phase) can walk venue → room → booking → approve/cancel, event →
# publish → register → check-in, volunteer → review → offers, webhook → deliveries.
# creating operation → (path parameter of the targets, target operations, body links {operation: field}).
E = "/api/v1/events/{event_id}"
V = "/api/v1/venues/{venue_id}"
LINKS: dict[tuple[str, str], tuple[str, list[tuple[str, str]], dict[tuple[str, str], str]]] = {
    ("post", "/api/v1/venues"): (
        "venue_id",
        [
            ("get", V),
            ("patch", V),
            ("post", f"{V}/rooms"),
            ("get", f"{V}/rooms"),
            ("put", f"{V}/hours"),
            ("get", f"{V}/hours"),
            ("get", f"{V}/calendar"),
            ("get", f"{V}/compliance"),
            ("get", f"{V}/notice"),
            ("post", f"{V}/closures"),
            ("get", f"{V}/closures"),
            ("post", f"{V}/loans"),
            ("get", f"{V}/loans"),
            ("post", f"{V}/visits"),
            ("get", f"{V}/visits"),
            ("post", f"{V}/assets"),
            ("get", f"{V}/assets"),
            ("get", f"{V}/utilisation"),
            ("post", f"{V}/hours/compliance-preview"),
        ],
        {("post", "/api/v1/inspections"): "venue_id"},
    ),
    ("post", f"{V}/rooms"): (
        "room_id",
        [
            ("get", "/api/v1/rooms/{room_id}"),
            ("patch", "/api/v1/rooms/{room_id}"),
            ("get", "/api/v1/rooms/{room_id}/open"),
            ("get", "/api/v1/rooms/{room_id}/calendar"),
        ],
        {("post", "/api/v1/bookings"): "room_id", ("post", "/api/v1/bookings/recurring"): "room_id"},
    ),
    ("post", "/api/v1/bookings"): (
        "booking_id",
        [("get", "/api/v1/bookings/{booking_id}")]
        + [
            ("post", f"/api/v1/bookings/{{booking_id}}/{a}")
            for a in ("approve", "reject", "cancel", "check-in", "no-show")
        ],
        {},
    ),
    ("post", "/api/v1/events"): (
        "event_id",
        [
            ("get", E),
            ("patch", E),
            ("post", f"{E}/registrations"),
            ("get", f"{E}/registrations"),
            ("post", f"{E}/feedback-code"),
            ("get", f"{E}/satisfaction"),
        ]
        + [("post", f"{E}/{a}") for a in ("publish", "reschedule", "cancel", "complete", "release-kept-back")],
        {},
    ),
    # A draft has no volunteer dispatch: volunteers opens one when the published event asks for volunteers.
    ("post", f"{E}/publish"): ("event_id", [("get", f"{E}/dispatch")], {}),
    ("post", f"{E}/registrations"): (
        "registration_id",
        [("get", "/api/v1/registrations/{registration_id}")]
        + [
            ("post", f"/api/v1/registrations/{{registration_id}}/{a}")
            for a in ("cancel", "check-in", "no-show", "feedback")
        ],
        {},
    ),
    ("post", "/api/v1/volunteers"): (
        "volunteer_id",
        [
            ("get", "/api/v1/volunteers/{volunteer_id}"),
            ("patch", "/api/v1/volunteers/{volunteer_id}"),
            ("get", "/api/v1/volunteers/{volunteer_id}/offers"),
            ("get", "/api/v1/volunteers/{volunteer_id}/hours"),
            ("post", "/api/v1/volunteers/{volunteer_id}/hours"),
            ("get", "/api/v1/volunteers/{volunteer_id}/training"),
            ("post", "/api/v1/volunteers/{volunteer_id}/training"),
            ("post", "/api/v1/volunteers/{volunteer_id}/ratings"),
        ]
        + [("post", f"/api/v1/volunteers/{{volunteer_id}}/{a}") for a in ("review", "suspend", "reinstate", "retire")],
        {},
    ),
    ("post", "/api/v1/webhooks"): (
        "subscription_id",
        [
            ("get", "/api/v1/webhooks/{subscription_id}"),
            ("patch", "/api/v1/webhooks/{subscription_id}"),
            ("delete", "/api/v1/webhooks/{subscription_id}"),
            ("get", "/api/v1/webhooks/{subscription_id}/deliveries"),
            ("post", "/api/v1/webhooks/{subscription_id}/replay"),
        ],
        {},
    ),
    ("post", "/api/v1/teams"): (
        "team_id",
        [
            ("get", "/api/v1/teams/{team_id}"),
            ("patch", "/api/v1/teams/{team_id}"),
            ("post", "/api/v1/teams/{team_id}/members"),
        ],
        {},
    ),
    ("post", "/api/v1/offerings"): (
        "offering_id",
        [
            ("get", "/api/v1/offerings/{offering_id}"),
            ("patch", "/api/v1/offerings/{offering_id}"),
            ("get", "/api/v1/offerings/{offering_id}/satisfaction"),
        ],
        {("post", "/api/v1/orders"): "offering_id"},
    ),
    ("post", "/api/v1/orders"): (
        "order_id",
        [("get", "/api/v1/orders/{order_id}")]
        + [("post", f"/api/v1/orders/{{order_id}}/{a}") for a in ("schedule", "decline", "withdraw")],
        {},
    ),
    ("post", f"{V}/closures"): (
        "closure_id",
        [
            ("get", "/api/v1/closures/{closure_id}"),
            ("patch", "/api/v1/closures/{closure_id}"),
            ("post", "/api/v1/closures/{closure_id}/reopen"),
        ],
        {},
    ),
    ("post", f"{V}/loans"): (
        "loan_id",
        [("post", "/api/v1/loans/{loan_id}/renew"), ("post", "/api/v1/loans/{loan_id}/return")],
        {},
    ),
    ("post", f"{V}/assets"): ("asset_id", [("patch", "/api/v1/assets/{asset_id}")], {}),
    ("post", "/api/v1/inspections"): (
        "inspection_id",
        [
            ("get", "/api/v1/inspections/{inspection_id}"),
            ("post", "/api/v1/inspections/{inspection_id}/rectifications"),
        ],
        {},
    ),
    ("post", "/api/v1/inspections/{inspection_id}/rectifications"): (
        "rectification_id",
        [("post", "/api/v1/rectifications/{rectification_id}/close")],
        {},
    ),
    ("post", "/api/v1/season-plans"): (
        "plan_id",
        [
            ("get", "/api/v1/season-plans/{plan_id}"),
            ("post", "/api/v1/season-plans/{plan_id}/solve"),
            ("post", "/api/v1/season-plans/{plan_id}/publish"),
        ],
        {},
    ),
    ("post", "/api/v1/accounts"): (
        "account_id",
        [("get", "/api/v1/accounts/{account_id}"), ("put", "/api/v1/accounts/{account_id}/role")],
        {},
    ),
    ("post", "/api/v1/surveys"): ("survey_id", [("get", "/api/v1/surveys/{survey_id}")], {}),
}


# Objects that come back only inside a list (a volunteer's offers are made by the dispatch, not by a
# create call): the first item's id feeds the operations that act on one.
LIST_LINKS: dict[tuple[str, str], tuple[str, list[tuple[str, str]]]] = {
    ("get", "/api/v1/volunteers/{volunteer_id}/offers"): (
        "offer_id",
        [("post", "/api/v1/offers/{offer_id}/accept"), ("post", "/api/v1/offers/{offer_id}/decline")],
    ),
}


def _success(operation: dict) -> str | None:
    return next((code for code in operation.get("responses", {}) if code.startswith("2")), None)


def _has_id(schema: dict, response: dict) -> bool:
    body = response.get("content", {}).get("application/json", {}).get("schema", {})
    if "$ref" in body:
        body = schema["components"]["schemas"].get(body["$ref"].rsplit("/", 1)[-1], {})
    return "id" in body.get("properties", {})


def _link_name(method: str, path: str) -> str:
    words = [w for w in path.removeprefix("/api/v1/").replace("-", "/").split("/") if w and not w.startswith("{")]
    return method.capitalize() + "".join(w.capitalize() for w in words)


def document_links(schema: dict) -> None:
    """The OpenAPI links of LINKS, on each creating operation's success response (only those whose
    operations exist and whose answer carries an `id`, so a renamed route cannot leave a dangling link)."""
    paths = schema.get("paths", {})
    for (method, path), (parameter, targets, body_targets) in LINKS.items():
        operation = paths.get(path, {}).get(method)
        status = _success(operation) if operation else None
        if status is None or not _has_id(schema, operation["responses"][status]):
            continue
        links = {}
        for target_method, target_path in targets:
            target = paths.get(target_path, {}).get(target_method)
            if target and "operationId" in target:
                links[_link_name(target_method, target_path)] = {
                    "operationId": target["operationId"],
                    "parameters": {f"path.{parameter}": "$response.body#/id"}
                    | {
                        f"path.{name}": f"$request.path.{name}"
                        for name in re.findall(r"\{([^}]+)\}", target_path)
                        if name != parameter and f"{{{name}}}" in path
                    },
                }
        for (target_method, target_path), field in body_targets.items():
            target = paths.get(target_path, {}).get(target_method)
            if target and "operationId" in target:
                links[_link_name(target_method, target_path)] = {
                    "operationId": target["operationId"],
                    "requestBody": {field: "$response.body#/id"},
                }
        operation["responses"][status]["links"] = links
    for (method, path), (parameter, targets) in LIST_LINKS.items():
        operation = paths.get(path, {}).get(method)
        status = _success(operation) if operation else None
        if status is None:
            continue
        operation["responses"][status]["links"] = {
            _link_name(target_method, target_path): {
                "operationId": target["operationId"],
                "parameters": {f"path.{parameter}": "$response.body#/0/id"},
            }
            for target_method, target_path in targets
            if (target := paths.get(target_path, {}).get(target_method)) and "operationId" in target
        }


def allowed_methods(app, path: str) -> list[str]:
    """Every method the document gives the path, over all its routes: Starlette's 405 names only those
    of the first route that matched, and the `Allow` header must agree with the document."""
    table = getattr(app.state, "allowed_methods", None)
    if table is None:
        table = app.state.allowed_methods = [
            (re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"), template, operations)
            for template, operations in app.openapi()["paths"].items()
        ]
    matching = [(template.count("{"), operations) for pattern, template, operations in table if pattern.match(path)]
    # The most specific templates only: /volunteers/me, not /volunteers/{volunteer_id}, as the document reads.
    fewest = min((params for params, _ in matching), default=0)
    methods = {m.upper() for params, operations in matching if params == fewest for m in operations}
    return sorted(methods & {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"})
