"""A malformed RPC payload to any volunteers write entrypoint is a 422 (Unprocessable), never a 500."""

import pytest

from services.volunteers.service import VolunteersService
from services.volunteers.tests.helpers import start_service
from tests.malformed_rpc import refusals_other_than_422, write_entrypoints


@pytest.mark.parametrize("db_kind", ["sqlite"])  # the refusal comes before any database work
def test_malformed_payloads_to_write_entrypoints_are_422(container_factory, service_config):
    container, _ = start_service(container_factory, service_config)
    assert {"apply", "create_team", "record_training", "rate_service"} <= set(write_entrypoints(VolunteersService))
    assert refusals_other_than_422(container, VolunteersService) == []
