"""A client generated from docs/openapi.json (openapi-python-client, issue 20) drives one whole journey —
venue, opening hours, room, booking, event, registration — against the running platform, and every error
it meets on the way is parsed as an RFC 9457 problem (the document's `components.responses`), never as
the success model or as unparsed bytes.

The client is generated in this test run, into a temporary folder, from the committed document (which
tests/contract checks is the one the gateway serves).
"""

from __future__ import annotations

import importlib
import json
import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kit.clock import DISTRICT_TZ
from tests.platform import ROOT

GENERATOR = shutil.which("openapi-python-client", path=str(Path(sys.executable).parent))
DOCUMENT = ROOT / "docs" / "openapi.json"


@pytest.fixture(scope="module")
def client_package(tmp_path_factory):
    if GENERATOR is None:
        pytest.fail("openapi-python-client is missing: make setup installs the test dependencies")
    out = tmp_path_factory.mktemp("generated") / "wenyun_client"
    done = subprocess.run(
        [GENERATOR, "generate", "--path", str(DOCUMENT), "--meta", "none", "--output-path", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and (out / "client.py").exists(), done.stdout + done.stderr
    sys.path.insert(0, str(out.parent))
    try:
        yield importlib.import_module("wenyun_client")
    finally:
        sys.path.remove(str(out.parent))
        for name in [m for m in sys.modules if m == "wenyun_client" or m.startswith("wenyun_client.")]:
            del sys.modules[name]


class Api:
    """The generated operation modules by operationId, and the model classes by schema name."""

    def __init__(self, package, base_url: str, token: str | None):
        self.package = package
        self.client = (
            package.AuthenticatedClient(base_url=base_url, token=token, timeout=30.0)
            if token
            else package.Client(base_url=base_url, timeout=30.0)
        )
        self.problems: list = []
        spec = json.loads(DOCUMENT.read_text())
        self.operation_ids = {
            (method, path): operation["operationId"]
            for path, operations in spec["paths"].items()
            for method, operation in operations.items()
        }
        root = Path(package.__file__).parent / "api"
        self.modules = {p.stem: f"wenyun_client.api.{p.parent.name}.{p.stem}" for p in root.glob("*/*.py")}

    def model(self, name: str, data: dict):
        return getattr(importlib.import_module("wenyun_client.models"), name).from_dict(data)

    def call(self, method: str, path: str, expected: int, **arguments):
        """Call an operation of the document; the answer must be `expected` and parsed by the client."""
        stem = re.sub(r"_+", "_", self.operation_ids[(method, path)]).strip("_")
        module = importlib.import_module(self.modules[stem])
        response = module.sync_detailed(client=self.client, **arguments)
        assert response.status_code == expected, f"{method.upper()} {path}: {response.status_code} {response.content!r}"
        problem_class = importlib.import_module("wenyun_client.models").Problem
        if expected >= 400:
            # Parsed by the generated code as the document's Problem: the content type and the shape agree.
            assert isinstance(response.parsed, problem_class), (path, response.parsed, response.headers)
            assert response.headers["content-type"].startswith("application/problem+json")
            assert response.parsed.status == expected and response.parsed.type_.startswith("urn:wenyun:problem:")
            assert isinstance(response.parsed.detail, str) and response.parsed.detail
            self.problems.append(response.parsed)
        else:
            assert response.parsed is not None and not isinstance(response.parsed, problem_class), response.content
        return response.parsed


def day(days: int, hour: int, minute: int = 0) -> str:
    moment = (datetime.now(DISTRICT_TZ) + timedelta(days=days)).replace(hour=hour, minute=minute, second=0)
    return moment.replace(microsecond=0).isoformat()


def test_a_generated_client_books_a_room_and_registers_for_an_event(shared_platform, client_package):
    base = shared_platform.base_url
    admin = Api(client_package, base, shared_platform.token("admin", sub="generated-admin"))
    organiser = Api(client_package, base, shared_platform.token("organiser", sub="generated-org", name="区文化馆"))
    resident = Api(client_package, base, shared_platform.token("resident", sub="generated-resident", name="王秀英"))
    public = Api(client_package, base, None)

    venue_body = {"name": "生成客户端文化站", "kind": "town_cultural_station", "level": "town", "town": "嘉平镇"}
    venue = admin.call("post", "/api/v1/venues", 201, body=admin.model("VenueCreate", venue_body))
    # A parent that does not exist: a 422 naming the field, before any write (not a foreign-key 409).
    orphan = admin.call(
        "post", "/api/v1/venues", 422, body=admin.model("VenueCreate", {**venue_body, "parent_id": "no-such-venue"})
    )
    assert orphan.additional_properties.get("field") == "parent_id"
    public.call("get", "/api/v1/venues/{venue_id}", 404, venue_id="no-such-venue")
    admin.call("post", "/api/v1/venues", 422, body=admin.model("VenueCreate", {**venue_body, "name": ""}))

    every_day = {
        d: ["08:00-21:00"] for d in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    }
    admin.call(
        "put",
        "/api/v1/venues/{venue_id}/hours",
        200,
        venue_id=venue.id,
        body=admin.model("OpeningHours", {"weekly": every_day, "holiday_rule": "open"}),
    )
    room = admin.call(
        "post",
        "/api/v1/venues/{venue_id}/rooms",
        201,
        venue_id=venue.id,
        body=admin.model("RoomCreate", {"name": "多功能活动室", "kind": "reading_room", "capacity": 40}),
    )
    # Strict at the boundary: a JSON true is not a capacity.
    admin.call(
        "post",
        "/api/v1/venues/{venue_id}/rooms",
        422,
        venue_id=venue.id,
        body=admin.model("RoomCreate", {"name": "小会议室", "kind": "reading_room", "capacity": True}),
    )

    booking_body = {"room_id": room.id, "start": day(6, 15), "end": day(6, 16), "attendees": 12, "purpose": "读书会"}
    booking = resident.call("post", "/api/v1/bookings", 201, body=resident.model("BookingCreate", booking_body))
    assert booking.status.value == "confirmed"
    resident.call("post", "/api/v1/bookings", 409, body=resident.model("BookingCreate", booking_body))
    public.call("post", "/api/v1/bookings", 401, body=public.model("BookingCreate", booking_body))

    event_body = {
        "title": "生成客户端读书分享会",
        "kind": "lecture",
        "room_id": room.id,
        "start": day(8, 19),
        "end": day(8, 20, 30),
        "capacity": 20,
        "target_groups": ["everyone"],
    }
    draft = organiser.call("post", "/api/v1/events", 201, body=organiser.model("EventCreate", event_body))
    event = organiser.call("post", "/api/v1/events/{event_id}/publish", 200, event_id=draft.id)
    assert event.status.value == "published"
    resident.call("post", "/api/v1/events/{event_id}/publish", 403, event_id=draft.id)

    registration = resident.call(
        "post",
        "/api/v1/events/{event_id}/registrations",
        201,
        event_id=event.id,
        body=resident.model("RegistrationCreate", {"party_size": 2}),
    )
    assert registration.status.value == "confirmed" and registration.party_size == 2
    resident.call(
        "post",
        "/api/v1/events/{event_id}/registrations",
        404,
        event_id="no-such-event",
        body=resident.model("RegistrationCreate", {"party_size": 1}),
    )
    mine = resident.call("get", "/api/v1/registrations/{registration_id}", 200, registration_id=registration.id)
    assert mine.event_id == event.id

    met = sorted({p.status for api in (admin, organiser, resident, public) for p in api.problems})
    assert met == [401, 403, 404, 409, 422]
