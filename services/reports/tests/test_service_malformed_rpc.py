"""A malformed RPC payload to any reports write entrypoint is a 422 (Unprocessable), never a 500."""

import pytest

from services.reports.service import ReportsService
from tests.malformed_rpc import refusals_other_than_422, write_entrypoints


@pytest.mark.parametrize("db_kind", ["sqlite"])  # the refusal comes before any database work
def test_malformed_payloads_to_write_entrypoints_are_422(reports):
    assert {"open_inspection", "start_survey", "set_activity_targets"} <= set(write_entrypoints(ReportsService))
    assert refusals_other_than_422(reports.container, ReportsService) == []
