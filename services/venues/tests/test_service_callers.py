"""Who is calling (kit.callers): an RPC straight onto the broker that names an administrator but carries
no valid token for one is refused and changes nothing; the same call with the token goes through."""

from __future__ import annotations

import pytest

from contracts.errors import Forbidden, Unauthorized
from services.venues.service import VenuesService
from services.venues.tests.conftest import ADMIN, ORGANISER, at, future_weekday
from tests.callers import FORGED_ADMIN, assert_refused_on_bus, signed_hook

VENUE = {"name": "嘉平镇文化服务中心", "kind": "town_cultural_station", "level": "town"}


@pytest.mark.parametrize("db_kind", ["sqlite"], indirect=True)  # refused before any database work
def test_a_forged_actor_registers_no_venue(container_factory, service_config):
    config = service_config(VenuesService)
    container = container_factory(VenuesService, config)
    container.start()
    assert_refused_on_bus(config, "venues", "register_venue", actor=FORGED_ADMIN, venue=VENUE)
    assert_refused_on_bus(config, "venues", "seed_demo", actor=FORGED_ADMIN)

    with signed_hook(container, "register_venue") as register:
        register(actor=FORGED_ADMIN, venue=VENUE)  # with a token for that administrator
    with signed_hook(container, "list_venues") as list_venues:
        assert [venue["name"] for venue in list_venues()] == [VENUE["name"]]


@pytest.mark.parametrize("db_kind", ["sqlite"], indirect=True)
def test_rooms_are_held_for_the_events_service_only(venues, jiaping):
    """An organiser's own valid token is not enough: holds come from events (its service token)."""
    room_id = next(iter(jiaping["rooms"].values()))
    hold = {
        "actor": ORGANISER,
        "room_id": room_id,
        "start": at(future_weekday(2), "09:00"),
        "end": at(future_weekday(2), "10:00"),
        "event_id": "event-1",
        "title": "讲座",
    }
    for service, refused in ((None, Unauthorized), ("volunteers", Forbidden)):
        with signed_hook(venues.container, "hold_room", service=service) as hold_room, pytest.raises(refused):
            hold_room(**hold)
    assert venues.list_bookings(actor=ADMIN, venue_id=jiaping["venue_id"]) == []
    assert venues.hold_room(**hold)["event_id"] == "event-1"  # from events
