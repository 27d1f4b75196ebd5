"""Who is calling (kit.callers): an RPC straight onto the broker that names an administrator but carries
no valid token for one is refused and changes nothing; the same call with the token goes through."""

from __future__ import annotations

import pytest

from services.accounts.service import AccountsService
from tests.callers import FORGED_ADMIN, assert_refused_on_bus, signed_hook

ORGANISER = {"username": "jiangjin-org", "password": "jiangjin-2026!", "role": "organiser", "name": "江津区文化馆"}


@pytest.mark.parametrize("db_kind", ["sqlite"], indirect=True)  # refused before any database work
def test_a_forged_actor_creates_no_account(container_factory, service_config):
    config = service_config(AccountsService)
    container = container_factory(AccountsService, config)
    container.start()
    assert_refused_on_bus(config, "accounts", "create_account", actor=FORGED_ADMIN, account=ORGANISER)
    assert_refused_on_bus(config, "accounts", "audit_log", actor=FORGED_ADMIN)

    with signed_hook(container, "create_account") as create_account:
        created = create_account(actor=FORGED_ADMIN, account=ORGANISER)  # with a token for that administrator
    with signed_hook(container, "list_accounts") as list_accounts:
        assert created["id"] in [account["id"] for account in list_accounts(actor=FORGED_ADMIN)]
