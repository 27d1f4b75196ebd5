"""A malformed RPC payload to any accounts write entrypoint is a 422 (Unprocessable), never a 500."""

import pytest

from services.accounts.service import AccountsService
from tests.malformed_rpc import refusals_other_than_422, write_entrypoints


@pytest.mark.parametrize("db_kind", ["sqlite"])  # the refusal comes before any database work
def test_malformed_payloads_to_write_entrypoints_are_422(container_factory, service_config):
    container = container_factory(AccountsService, service_config(AccountsService))
    container.start()
    assert {"create_account", "create_organisation", "link_dependant"} <= set(write_entrypoints(AccountsService))
    assert refusals_other_than_422(container, AccountsService) == []
