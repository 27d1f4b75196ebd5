"""A malformed RPC payload to any notifications write entrypoint is a 422 (Unprocessable), never a 500."""

import pytest

from services.notifications.service import NotificationsService
from tests.malformed_rpc import refusals_other_than_422, write_entrypoints


@pytest.mark.parametrize("db_kind", ["sqlite"])  # the refusal comes before any database work
def test_malformed_payloads_to_write_entrypoints_are_422(notifications):
    running = notifications()
    running.container.start()
    assert {"create_webhook", "update_person"} <= set(write_entrypoints(NotificationsService))
    assert refusals_other_than_422(running.container, NotificationsService) == []
