"""Who is calling (kit.callers): an RPC straight onto the broker that names an administrator but carries
no valid token for one is refused and changes nothing; the same call with the token goes through."""

from __future__ import annotations

import pytest

from services.reports.service import ReportsService
from tests.callers import FORGED_ADMIN, assert_refused_on_bus, signed_hook


@pytest.mark.parametrize("db_kind", ["sqlite"], indirect=True)  # refused before any database work
def test_a_forged_actor_sets_no_targets(container_factory, service_config):
    config = service_config(ReportsService)
    container = container_factory(ReportsService, config)
    container.start()
    assert_refused_on_bus(config, "reports", "set_activity_targets", actor=FORGED_ADMIN, targets={"village": 10})
    assert_refused_on_bus(config, "reports", "district_report", actor=FORGED_ADMIN, period="2026")

    with signed_hook(container, "set_activity_targets") as set_targets:
        assert set_targets(actor=FORGED_ADMIN, targets={"village": 10}) == {"village": 10}
