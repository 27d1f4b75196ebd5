"""What the OpenAPI document promises (issue 20), checked on the document itself and on the models; the
running platform is schemathesis' job (tests/system/test_api_contract.py)."""

from __future__ import annotations

import json
import re

import pytest
from pydantic import ValidationError

from contracts.common import ContactPoint, ecma_pattern
from contracts.events import EventCreate
from contracts.season_plans import SeasonPlanRequest
from contracts.venues import BookingCreate, RoomCreate, VenueUpdate, VisitEntryCreate
from contracts.volunteers import AvailabilityWindow
from gateway.api_contract import PROBLEMS, allowed_methods
from gateway.app import create_app
from kit.settings import PlatformSettings

PROBLEM_JSON = "application/problem+json"


@pytest.fixture(scope="module")
def app():
    return create_app(PlatformSettings(secret_key="contract-test-secret-of-at-least-32-bytes"))


@pytest.fixture(scope="module")
def spec(app):
    return app.openapi()


def _operations(spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            yield method, path, operation


def test_every_error_is_a_shared_problem_response(spec):
    components = spec["components"]["responses"]
    assert {name for name, _ in PROBLEMS.values()} <= set(components)
    for response in components.values():
        assert list(response["content"]) == [PROBLEM_JSON]
    for method, path, operation in _operations(spec):
        responses = operation["responses"]
        errors = {code: r for code, r in responses.items() if int(code) >= 400}
        assert all(set(r) == {"$ref"} for r in errors.values()), (method, path, errors)
        assert "400" in errors, (method, path)  # a NUL character is refused everywhere
        if "requestBody" in operation:
            assert {"413", "422"} <= set(errors), (method, path)
        if method in {"post", "put", "patch", "delete"}:
            assert "429" in errors, (method, path)
        if operation.get("security"):
            assert "401" in errors, (method, path)
    assert "HTTPValidationError" not in spec["components"]["schemas"]


def test_constraints_are_in_the_schema_not_lost_on_the_way(spec):
    text = json.dumps(spec)
    # pydantic writes `ge`/`le` raw when a constraint follows a validator: a schema that says nothing.
    assert '"ge":' not in text and '"le":' not in text
    email = spec["components"]["schemas"]["PersonContactUpdate"]["properties"]["email"]["anyOf"][0]
    assert "pattern" in email
    assert "description" not in spec["components"]["schemas"]["VenueUpdate"].get("required", [])
    assert {"type": "null"} not in spec["components"]["schemas"]["VenueUpdate"]["properties"]["description"].get(
        "anyOf", []
    )


def test_links_walk_from_each_created_object_to_its_uses(spec):
    def links(path, method="post"):
        responses = spec["paths"][path][method]["responses"]
        return {
            name: link
            for response in responses.values()
            if "links" in response
            for name, link in response["links"].items()
        }

    ids = {operation["operationId"]: (m, p) for m, p, operation in _operations(spec)}

    def targets(path):
        return {ids[link["operationId"]] for link in links(path).values()}

    assert ("post", "/api/v1/venues/{venue_id}/rooms") in targets("/api/v1/venues")
    assert ("post", "/api/v1/bookings") in targets("/api/v1/venues/{venue_id}/rooms")
    assert {("post", "/api/v1/bookings/{booking_id}/approve"), ("post", "/api/v1/bookings/{booking_id}/cancel")} <= (
        targets("/api/v1/bookings")
    )
    assert {("post", "/api/v1/events/{event_id}/publish"), ("post", "/api/v1/events/{event_id}/registrations")} <= (
        targets("/api/v1/events")
    )
    # The dispatch comes with publication, not with the draft (a 404 after POST /events read as "not found").
    assert ("get", "/api/v1/events/{event_id}/dispatch") not in targets("/api/v1/events")
    assert ("get", "/api/v1/events/{event_id}/dispatch") in targets("/api/v1/events/{event_id}/publish")
    assert ("post", "/api/v1/registrations/{registration_id}/check-in") in targets(
        "/api/v1/events/{event_id}/registrations"
    )
    assert ("post", "/api/v1/volunteers/{volunteer_id}/review") in targets("/api/v1/volunteers")
    assert ("get", "/api/v1/webhooks/{subscription_id}/deliveries") in targets("/api/v1/webhooks")
    booking = links("/api/v1/venues/{venue_id}/rooms")["PostBookings"]
    assert booking["requestBody"] == {"room_id": "$response.body#/id"}


def test_allow_lists_every_documented_method_of_the_path(app):
    assert allowed_methods(app, "/api/v1/events") == ["GET", "POST"]
    assert allowed_methods(app, "/api/v1/volunteers/me") == ["GET"]
    assert allowed_methods(app, "/api/v1/volunteers/v-1") == ["GET", "PATCH"]


@pytest.mark.parametrize(
    "model, data",
    [
        (RoomCreate, {"name": "活动室", "kind": "reading_room", "capacity": True}),  # true is not an integer
        (BookingCreate, {"room_id": "r", "start": "0.5", "end": "2026-11-24T16:00+08:00", "attendees": 2}),
        (VisitEntryCreate, {"date": "0", "counts": {"general": 3}}),  # a number is not a date
        (AvailabilityWindow, {"day": "monday", "start": "08:00:00", "end": "20:00"}),  # HH:MM, as the schema says
        (VenueUpdate, {"description": None}),  # NOT NULL in the table: refused before any write
        (
            EventCreate,
            {
                "title": "t",
                "kind": "lecture",
                "start": "2026-11-24T15:00+08:00",
                "end": "2026-11-24T16:00+08:00",
                "room_id": "r",
                "volunteer_needs": [{"role": "音响", "count": True}],
            },
        ),
    ],
)
def test_the_boundary_is_strict(model, data):
    with pytest.raises(ValidationError):
        model.model_validate(data)


def test_what_json_schema_calls_an_integer_is_one():
    booking = {"room_id": "r", "start": "2026-11-24T15:00+08:00", "end": "2026-11-24T16:00+08:00"}
    assert BookingCreate.model_validate({**booking, "attendees": 3.0}).attendees == 3
    assert VenueUpdate.model_validate({"parent_id": None}).model_dump(exclude_unset=True) == {"parent_id": None}
    window = AvailabilityWindow.model_validate({"day": "monday", "start": "08:00", "end": "20:30"})
    assert window.model_dump(mode="json") == {"day": "monday", "start": "08:00", "end": "20:30"}


def test_a_rule_across_fields_is_the_requests_own_not_a_fields():
    # schemathesis' random seed 8675309: a reversed range deep in a season plan was refused as if a field broke
    # the schema (loc troupes/1/unavailable/0); an order between two dates is the request's rule, as the season's.
    troupe = {"troupe_id": "t", "name": "花鼓队", "base": {"lat": 28.2, "lon": 112.9}, "offering_ids": ["o"]}
    reversed_days = {"first_day": "2026-03-02", "last_day": "2026-03-01"}
    plan = {"first_day": "2026-03-01", "last_day": "2026-05-31", "troupes": [troupe]}
    for request, where in [
        ({**plan, "troupes": [troupe, {**troupe, "unavailable": [reversed_days]}]}, "troupes[1].unavailable[0]"),
        ({**plan, "site_rules": [{"venue_id": "v", "closures": [reversed_days]}]}, "site_rules[0].closures[0]"),
    ]:
        with pytest.raises(ValidationError) as refused:
            SeasonPlanRequest.model_validate(request)
        [error] = refused.value.errors()
        assert error["loc"] == () and where in error["msg"], error
    assert SeasonPlanRequest.model_validate(
        {**plan, "troupes": [{**troupe, "unavailable": [{**reversed_days, "first_day": "2026-03-01"}]}]}
    )


@pytest.mark.parametrize("email, valid", [("a@\x85m.x", True), ("a@\ufeffm.x", False), ("a@b\u3000.x", False)])
def test_a_pattern_means_what_ecma_262_says(spec, email, valid):
    # schemathesis' random seed 31415: "…@\x85m!.…" matches the documented (ECMA-262) pattern, whose \s has no
    # U+0085, but pydantic's Rust regex reads \s as Unicode's White_Space and refused it.
    documented = spec["components"]["schemas"]["ContactPoint"]["properties"]["email"]["anyOf"][0]["pattern"]
    assert bool(re.search(documented, email)) is valid
    if valid:
        assert ContactPoint(email=email).email == email
    else:
        with pytest.raises(ValidationError):
            ContactPoint(email=email)
    assert re.search(ecma_pattern(r"^\d{6}$"), "١٢٣٤٥٦") is None  # ECMA's \d is ASCII
    with pytest.raises(ValueError):
        ecma_pattern(r"\w+")


TRICKY = ["\x85", "\x1c", "\ufeff", "\u3000", "\u00a0", "١", "\u2028"]


@pytest.mark.parametrize("odd", TRICKY)
def test_the_volunteer_schema_and_the_domain_agree_on_spaces_and_digits(odd):
    # The domain checks a volunteer's name, phone and e-mail in Python; the patterns the document gives them
    # must accept exactly what it accepts, whatever character a generator puts in.
    from contracts.volunteers import MOBILE_PATTERN, OPTIONAL_EMAIL_PATTERN, VISIBLE
    from services.volunteers.domain.profiles import normalize_email, normalize_mobile

    for phone in (f"138{odd}0013 8000", f"{odd}13800138000", f"1380013800{odd}"):
        assert bool(re.search(MOBILE_PATTERN, phone)) is (normalize_mobile(phone) is not None), repr(phone)
    for email in (f"a{odd}@b.cn", f"{odd}a@b.cn", f"a@b.cn{odd}"):
        assert bool(re.search(OPTIONAL_EMAIL_PATTERN, email)) is (normalize_email(email) is not None), repr(email)
    for name in (odd, f"{odd}李{odd}"):
        assert bool(re.search(VISIBLE["pattern"], name)) is bool(" ".join(name.split())), repr(name)


def _patterns(node):
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            yield node["pattern"]
        for value in node.values():
            yield from _patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from _patterns(value)


def test_every_pattern_reads_alike_in_every_engine(spec):
    # ECMA-262 (the document), Rust's regex (pydantic) and Python's re (the domains) disagree on \s, \S, \d and
    # \w; the document's patterns spell their classes out (contracts.common.ecma_pattern).
    patterns = list(_patterns(spec))
    assert len(patterns) > 10
    class_escape = re.compile(r"(?<!\\)(?:\\\\)*\\[sSdDwW]")  # an unescaped \s, \d, …
    assert [p for p in patterns if class_escape.search(p)] == []


def test_each_problem_response_lists_the_types_it_can_carry(spec):
    """A client branches on a problem's `type`: the Problem schema lists them all, each response names those of
    its status, and every error class a service raises (contracts.errors) is among those of its status."""
    from contracts.errors import ERRORS_BY_NAME
    from gateway.api_contract import PROBLEM_CODES

    listed = set(spec["components"]["schemas"]["Problem"]["properties"]["type"]["enum"])
    for status, (name, _) in PROBLEMS.items():
        description = spec["components"]["responses"][name]["description"]
        for code in PROBLEM_CODES[status]:
            assert f"urn:wenyun:problem:{code}" in listed and f"`urn:wenyun:problem:{code}`" in description
    for cls in ERRORS_BY_NAME.values():
        assert cls.code in PROBLEM_CODES[cls.status], cls
    assert {"validation_failed", "unprocessable"} <= set(PROBLEM_CODES[422])
    assert {"nul_character", "malformed_json", "malformed_body"} <= set(PROBLEM_CODES[400])
