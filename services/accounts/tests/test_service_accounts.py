"""The accounts container on a real broker and database (SQLite and PostgreSQL): staff accounts and
password sign-in, refresh rotation with reuse detection, sign-out and the gateway's refusal list, the
published keys, closing an account (its fact, nothing left of the phone or name)."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from kombu import Connection, Queue
from sqlalchemy import create_engine, select

from contracts.errors import Conflict, Forbidden, TooManyRequests, Unauthorized, Unprocessable
from kit.bus import events_exchange
from kit.tokens import KeySet
from services.accounts.service import AccountsService
from services.accounts.tables import accounts
from tests.callers import signed_hook

ADMIN = {"sub": "district-admin", "role": "admin", "scopes": []}
MANAGER = {"username": "chengbiqun", "password": "jiaping-2026!", "role": "venue_manager", "name": "程必群"}


class Accounts:
    def __init__(self, container, config):
        self.container, self.database_url = container, config["DATABASE_URL"]

    def __getattr__(self, method):
        def call(**kwargs):
            with signed_hook(self.container, method) as hook:
                return hook(**kwargs)

        return call


@pytest.fixture
def service(container_factory, service_config) -> Accounts:
    config = service_config(AccountsService)
    container = container_factory(AccountsService, config)
    container.start()
    return Accounts(container, config)


@pytest.fixture
def facts(amqp_uri):
    conn = Connection(amqp_uri)
    queue = Queue(
        f"outside-accounts-{uuid.uuid4().hex[:8]}",
        exchange=events_exchange("accounts"),
        routing_key="#",
        exclusive=True,
    )
    queue(conn.default_channel).declare()

    def drain(expect: int, timeout: float = 10) -> list[dict]:
        bound, got, deadline = queue(conn.default_channel), [], time.time() + timeout
        while time.time() < deadline and len(got) < expect:
            message = bound.get(no_ack=True)
            if message is None:
                time.sleep(0.05)
                continue
            got.append(json.loads(message.body))
        return got

    yield drain
    conn.release()


def test_staff_sign_in_refresh_reuse_and_sign_out(service, facts):
    created = service.create_account(actor=ADMIN, account=MANAGER)
    with pytest.raises(Conflict):
        service.create_account(actor=ADMIN, account=MANAGER)
    with pytest.raises(Forbidden):
        service.create_account(actor={**ADMIN, "role": "organiser"}, account={**MANAGER, "username": "x1234"})
    with pytest.raises(Unprocessable):
        service.create_account(actor=ADMIN, account={**MANAGER, "password": "short"})
    service.grant_scope(actor=ADMIN, account_id=created["id"], scope="venue:v-1")

    pair = service.password_sign_in(
        sign_in={"username": "chengbiqun", "password": "jiaping-2026!"}, client_ip="10.0.0.8"
    )
    claims = KeySet(service.public_keys()).verify(pair["access_token"])
    assert claims["sub"] == created["id"] and claims["scopes"] == ["venue:v-1"] and claims["role"] == "venue_manager"
    assert claims["exp"] - claims["iat"] == 900

    second = service.refresh(refresh_token=pair["refresh_token"])
    with pytest.raises(Unauthorized) as reused:
        service.refresh(refresh_token=pair["refresh_token"])
    assert reused.value.extra["reason"] == "reused"
    with pytest.raises(Unauthorized):
        service.refresh(refresh_token=second["refresh_token"])  # the whole family is gone
    with pytest.raises(Unauthorized):
        service.refresh(refresh_token=second["refresh_token"].split(".")[0] + ".forged")
    [revoked] = facts(1)
    assert revoked["type"] == "account.session_revoked" and revoked["data"]["reason"] == "refresh_token_reused"
    assert revoked["data"]["session_id"] == claims["sid"]
    assert [r["session_id"] for r in service.revoked_sessions()] == [claims["sid"]]

    other = service.password_sign_in(sign_in={"username": "chengbiqun", "password": "jiaping-2026!"})
    service.sign_out(refresh_token=other["refresh_token"])
    service.sign_out(refresh_token=other["refresh_token"])  # again: nothing more happens
    assert [f["data"]["reason"] for f in facts(1)] == ["signed_out"]
    audit = service.audit_log(actor=ADMIN, account_id=created["id"])
    assert [a["action"] for a in audit].count("sign_in") == 2
    assert {a["client_ip"] for a in audit if a["action"] == "sign_in"} == {"10.0.0.8", None}

    # Five failures in a row lock the account for a while, the right password included.
    for _ in range(5):
        with pytest.raises(Unauthorized):
            service.password_sign_in(sign_in={"username": "chengbiqun", "password": "wrong-wrong"})
    with pytest.raises(TooManyRequests) as locked:
        service.password_sign_in(sign_in={"username": "chengbiqun", "password": "jiaping-2026!"})
    assert 1 <= locked.value.extra["retry_after"] <= 61


def test_closing_an_account(service, facts):
    created = service.create_account(actor=ADMIN, account=MANAGER)
    me = {"sub": created["id"], "role": "venue_manager", "scopes": []}
    mother = service.link_dependant(actor=me, dependant={"name": "王秀英", "relation": "mother"})
    assert service.me(actor=me)["scopes"] == [f"dependant:{mother['id']}"]
    service.close_account(actor=me)
    closed = [f for f in facts(1) if f["type"] == "account.closed"]
    assert closed and closed[0]["data"]["person_ids"] == [created["id"], mother["id"]]
    engine = create_engine(service.database_url)
    with engine.connect() as db:
        row = db.execute(select(accounts).where(accounts.c.id == created["id"])).one()
    engine.dispose()
    assert (row.status, row.name, row.username, row.password_hash) == ("closed", None, None, None)
    with pytest.raises(Unauthorized):
        service.password_sign_in(sign_in={"username": "chengbiqun", "password": "jiaping-2026!"})
