"""Who is calling (kit.callers): an RPC straight onto the broker that names an administrator but carries
no valid token for one is refused and changes nothing; one-time texts are sent for the accounts service
only (its service token), never for another service, a person or an anonymous client on the bus."""

from __future__ import annotations

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from contracts.errors import Forbidden, Unauthorized
from kit.callers import SERVICE_TOKEN
from kit.tokens import signer_from
from services.notifications.tests.helpers import sms_lines
from tests.callers import FORGED_ADMIN, assert_refused_on_bus, row_counts, signed_context

HOOK = {"url": "https://archive.example.gov.cn/wenyun", "event_types": ["event.published"]}


@pytest.mark.parametrize("db_kind", ["sqlite"], indirect=True)  # refused before any database work
def test_a_forged_actor_subscribes_no_webhook(notifications):
    running = notifications()
    running.container.start()
    assert_refused_on_bus(running.config, "notifications", "create_webhook", actor=FORGED_ADMIN, subscription=HOOK)
    assert_refused_on_bus(running.config, "notifications", "get_person", actor=FORGED_ADMIN, person_id="p-li")


@pytest.mark.parametrize("db_kind", ["sqlite"], indirect=True)
def test_one_time_texts_only_for_the_accounts_service(notifications):
    running = notifications()
    running.container.start()
    settings, sms = running.config["WENYUN_SETTINGS"], running.settings.sms_dev_path
    text = {"phone": "13800001111", "text": "【文韵】验证码 123456，5 分钟内有效。", "dedupe_key": "code-1"}
    before = row_counts(running.config["DATABASE_URL"])

    def send(context: dict) -> dict:
        with ClusterRpcProxy({"AMQP_URI": running.config["AMQP_URI"]}, context_data=context, timeout=30) as cluster:
            return cluster.notifications.send_one_time_sms(**text)

    for context, refused in (
        ({}, Unauthorized),  # anyone on the bus
        (signed_context(settings, FORGED_ADMIN), Unauthorized),  # even an administrator's own token
        (signed_context(settings, service="events"), Forbidden),  # another service
        (
            {SERVICE_TOKEN: signer_from(b"not the platform's key, 32 bytes or more").sign_service("accounts")},
            Unauthorized,
        ),
    ):
        with pytest.raises(refused):
            send(context)
    assert sms_lines(sms) == []
    assert row_counts(running.config["DATABASE_URL"]) == before

    assert send(signed_context(settings, service="accounts")) == {"sent": True}
    assert len(sms_lines(sms)) == 1
