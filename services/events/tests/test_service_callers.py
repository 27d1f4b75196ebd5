"""Who is calling (kit.callers): an RPC straight onto the broker that names an administrator but carries
no valid token for one is refused and changes nothing; the same call with the token goes through."""

from __future__ import annotations

import pytest

from services.events.tests.helpers import call, start_services
from tests.callers import FORGED_ADMIN, assert_refused_on_bus

OFFERING = {"title": "川剧变脸专场", "kind": "mobile_performance", "provider": "江津区川剧团", "duration_minutes": 90}


@pytest.mark.parametrize("db_kind", ["sqlite"], indirect=True)  # refused before any database work
def test_a_forged_actor_puts_nothing_on_the_menu(container_factory, service_config, amqp_uri):
    events = start_services(container_factory, service_config, amqp_uri)
    assert_refused_on_bus(events.config, "events", "create_offering", actor=FORGED_ADMIN, offering=OFFERING)
    assert_refused_on_bus(
        events.config, "events", "create_event", actor={**FORGED_ADMIN, "role": "organiser"}, event={}
    )
    assert call(events, "list_offerings") == []

    call(events, "create_offering", actor=FORGED_ADMIN, offering=OFFERING)  # with a token for that administrator
    assert [offering["title"] for offering in call(events, "list_offerings")] == [OFFERING["title"]]
