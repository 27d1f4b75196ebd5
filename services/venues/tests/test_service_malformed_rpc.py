"""A malformed RPC payload to any venues write entrypoint is a 422 (Unprocessable), never a 500."""

import pytest

from services.venues.service import VenuesService
from tests.malformed_rpc import refusals_other_than_422, write_entrypoints


@pytest.mark.parametrize("db_kind", ["sqlite"])  # the refusal comes before any database work
def test_malformed_payloads_to_write_entrypoints_are_422(venues):
    assert {"create_booking", "register_venue", "create_closure", "set_opening_hours"} <= set(
        write_entrypoints(VenuesService)
    )
    assert refusals_other_than_422(venues.container, VenuesService) == []
