"""A malformed RPC payload to any events write entrypoint is a 422 (Unprocessable), never a 500."""

import pytest

from services.events.service import EventsService
from services.events.tests.helpers import start_services
from tests.malformed_rpc import refusals_other_than_422, write_entrypoints


@pytest.mark.parametrize("db_kind", ["sqlite"])  # the refusal comes before any database work
def test_malformed_payloads_to_write_entrypoints_are_422(container_factory, service_config, amqp_uri):
    events = start_services(container_factory, service_config, amqp_uri)
    assert {"create_event", "register", "place_order", "give_feedback"} <= set(write_entrypoints(EventsService))
    assert refusals_other_than_422(events, EventsService) == []
