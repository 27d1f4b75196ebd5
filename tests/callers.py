"""Calling services in tests as the gateway does: the actor goes with an access token for it, signed with
the test key (kit.callers — the services believe the token, not the actor argument).

    with signed_hook(container, "register_venue") as register:     # instead of nameko's entrypoint_hook
        register(actor=ADMIN, venue={...})                          # a token for ADMIN goes with the call
    with signed_hook(container, "send_one_time_sms", service="accounts") as send: ...  # + a service token
    ClusterRpcProxy(config, context_data=signed_context(settings, ADMIN))              # over the broker
    assert_refused_on_bus(config, "venues", "register_venue", actor=FORGED_ADMIN, venue={...})

An actor that cannot be a token (malformed: the 422 tests) goes without one.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Any, Iterator

import pytest
import sqlalchemy
from nameko.testing.services import entrypoint_hook

from contracts.errors import Forbidden, Unauthorized
from kit.callers import AUTHORIZATION, SERVICE_TOKEN, platform_signer
from kit.settings import PlatformSettings
from kit.tokens import signer_from


def token_for(settings: PlatformSettings | None, actor: Any, ttl_seconds: int = 900) -> str | None:
    """An access token naming `actor` (a dict as the gateway passes it), or None when it cannot be one."""
    if not isinstance(actor, dict) or not isinstance(actor.get("sub"), str) or not isinstance(actor.get("role"), str):
        return None
    try:
        return platform_signer(settings).sign(
            sub=actor["sub"],
            role=actor["role"],
            scopes=list(actor.get("scopes") or []),
            name=actor.get("name"),
            ttl_seconds=ttl_seconds,
        )
    except (ValueError, TypeError):
        return None


def signed_context(settings: PlatformSettings | None, actor: Any = None, *, service: str | None = None) -> dict:
    """Context data carrying a token for `actor` and, with `service`, that service's own token."""
    context: dict[str, str] = {}
    token = token_for(settings, actor)
    if token:
        context[AUTHORIZATION] = token
    if service:
        context[SERVICE_TOKEN] = platform_signer(settings).sign_service(service)
    return context


@contextmanager
def signed_hook(container, method: str, *, service: str | None = None, timeout: float = 30) -> Iterator:
    """nameko's entrypoint_hook, with a token for each call's `actor` (and `service`'s token)."""
    settings = container.config.get("WENYUN_SETTINGS")

    def call(*args: Any, **kwargs: Any) -> Any:
        context = signed_context(settings, kwargs.get("actor"), service=service)
        with entrypoint_hook(container, method, context_data=context, timeout=timeout) as hook:
            return hook(*args, **kwargs)

    yield call


# ---- refused on the bus: an actor argument without a valid token for it changes nothing -------------

FORGED_ADMIN = {"sub": "intruder-1", "role": "admin", "scopes": []}


def forged_contexts(settings: PlatformSettings | None, actor: dict = FORGED_ADMIN) -> list[tuple[str, dict, type]]:
    """(what, context data, the error expected) for a call whose `actor` argument is `actor`."""
    signer = platform_signer(settings)
    claims = {"sub": actor["sub"], "role": actor["role"], "scopes": list(actor.get("scopes") or [])}
    stranger = signer_from(b"a key that is not the platform's, 32 bytes or more")
    return [
        ("no token", {}, Unauthorized),
        ("a token signed with another key", {AUTHORIZATION: stranger.sign(**claims)}, Unauthorized),
        (
            "an expired token",
            {AUTHORIZATION: signer.sign(**claims, now=int(time.time()) - 3600, ttl_seconds=60)},
            Unauthorized,
        ),
        ("not a token", {AUTHORIZATION: "Bearer admin"}, Unauthorized),
        ("a service's token as the person's", {AUTHORIZATION: signer.sign_service(actor["sub"])}, Unauthorized),
        (
            "a resident's own token with an administrator's actor",
            {AUTHORIZATION: signer.sign(sub=actor["sub"], role="resident")},
            Forbidden,
        ),
        ("someone else's token", {AUTHORIZATION: signer.sign(sub="someone-else", role="admin")}, Forbidden),
    ]


def row_counts(database_url: str) -> dict[str, int]:
    """How many rows each table of a service's database holds (the outbox too: no fact left either)."""
    engine = sqlalchemy.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return {
                table: connection.execute(sqlalchemy.text(f'SELECT count(*) FROM "{table}"')).scalar_one()
                for table in sqlalchemy.inspect(connection).get_table_names()
            }
    finally:
        engine.dispose()


def assert_refused_on_bus(config: dict, service: str, method: str, **kwargs: Any) -> None:
    """`method` published straight onto the broker (as any AMQP client can) with each forged context is
    refused (401/403) and leaves the service's database as it was."""
    from nameko.standalone.rpc import ClusterRpcProxy

    before = row_counts(config["DATABASE_URL"])
    for what, context, expected in forged_contexts(config.get("WENYUN_SETTINGS"), kwargs["actor"]):
        with ClusterRpcProxy({"AMQP_URI": config["AMQP_URI"]}, context_data=context, timeout=30) as cluster:
            with pytest.raises(expected) as refused:
                getattr(getattr(cluster, service), method)(**kwargs)
            assert refused.value.extra.get("reason"), what
    assert row_counts(config["DATABASE_URL"]) == before
