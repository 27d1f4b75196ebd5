"""kit.tokens for kit.callers, without a broker: a service's token is never a person's and the other way
round, and the actor a worker believes is the one its token names (kit.boundary.actor_from)."""

from __future__ import annotations

import time

import pytest

from contracts.errors import Forbidden, Unauthorized, Unprocessable
from kit.boundary import actor_from
from kit.callers import (
    AUTHORIZATION,
    SERVICE_TOKEN,
    Caller,
    _current,
    calling_service,
    require_service,
)
from kit.tokens import InvalidToken, KeySet, signer_from

SIGNER = signer_from(b"the platform key of these tests, 32 bytes or more")
KEYS = KeySet(SIGNER.jwks())
ADMIN = {"sub": "admin-1", "role": "admin", "scopes": []}


def test_service_and_person_tokens_are_told_apart():
    service_token = SIGNER.sign_service("accounts")
    assert KEYS.verify_service(service_token) == "accounts"
    with pytest.raises(InvalidToken):
        KEYS.verify(service_token)  # the gateway and actor_from refuse it as a person's
    with pytest.raises(InvalidToken):
        KEYS.verify_service(SIGNER.sign(sub="service:accounts", role="admin"))


def as_worker(**data):
    _current.set(Caller(KEYS, data))


def test_the_actor_is_the_one_the_token_names():
    as_worker(**{AUTHORIZATION: SIGNER.sign(sub="admin-1", role="admin", name="王")})
    assert actor_from(ADMIN).name == "王"  # from the token
    with pytest.raises(Forbidden):
        actor_from({**ADMIN, "sub": "admin-2"})
    with pytest.raises(Forbidden):
        actor_from({**ADMIN, "scopes": ["venue:*"]})
    with pytest.raises(Unprocessable):
        actor_from({"role": "admin"})  # malformed stays a 422
    as_worker()
    with pytest.raises(Unauthorized):
        actor_from(ADMIN)
    _current.set(None)  # a service that does not declare Callers() trusts no one
    with pytest.raises(Unauthorized):
        actor_from(ADMIN)


def test_only_the_named_service():
    as_worker(**{SERVICE_TOKEN: SIGNER.sign_service("events")})
    assert calling_service() == "events"
    assert require_service("events", what="hold rooms") == "events"
    with pytest.raises(Forbidden):
        require_service("accounts", what="send one-time texts")
    as_worker(**{SERVICE_TOKEN: SIGNER.sign(sub="events", role="admin")})
    with pytest.raises(Unauthorized):
        require_service("events", what="hold rooms")
    _current.set(None)


def test_a_remembered_token_still_expires():
    keys = KeySet(SIGNER.jwks())
    token = SIGNER.sign(sub="r-1", role="resident", now=int(time.time()) - 59, ttl_seconds=60)
    assert keys.verify(token)["sub"] == "r-1"
    claims = keys.verify(token)  # remembered
    assert claims["sub"] == "r-1"
    claims["role"] = "admin"  # a caller changing its copy changes nothing kept
    assert keys.verify(token)["role"] == "resident"
    time.sleep(1.1)
    with pytest.raises(InvalidToken):
        keys.verify(token)
    with pytest.raises(InvalidToken):
        keys.verify("not a token")
