"""Who is calling (kit.callers): an RPC straight onto the broker that names an administrator but carries
no valid token for one is refused and changes nothing; the same call with the token goes through."""

from __future__ import annotations

import pytest

from services.volunteers.service import VolunteersService
from tests.callers import FORGED_ADMIN, assert_refused_on_bus, signed_hook

TEAM = {"name": "嘉平镇志愿服务队", "kind": "volunteer_team", "town": "嘉平镇"}


@pytest.mark.parametrize("db_kind", ["sqlite"], indirect=True)  # refused before any database work
def test_a_forged_actor_registers_no_team(container_factory, service_config):
    config = service_config(VolunteersService)
    container = container_factory(VolunteersService, config)
    container.start()
    assert_refused_on_bus(config, "volunteers", "create_team", actor=FORGED_ADMIN, team=TEAM)
    assert_refused_on_bus(
        config, "volunteers", "review_volunteer", actor=FORGED_ADMIN, volunteer_id="v-1", review={"decision": "approve"}
    )

    with signed_hook(container, "create_team") as create_team:
        create_team(actor=FORGED_ADMIN, team=TEAM)  # with a token for that administrator
    with signed_hook(container, "list_teams") as list_teams:
        assert [team["name"] for team in list_teams()] == [TEAM["name"]]
