"""How a route reaches a service: one RPC with the caller passed along.

Every write carries an idempotency key — the client's `Idempotency-Key` header when it sends one
(so a client may safely retry), otherwise one made for this HTTP request — and the service claims it
in the command's own transaction: a request redelivered after a crash is not applied twice, and a
retry with the same key gets the first call's answer again (kit.rpc). A client's key is scoped to the
route it was sent to here and to the caller (the token's subject) in the kit, so two clients that both
send `1` never meet; an anonymous caller's key is scoped to its address.
"""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import Request

from contracts.common import Actor
from contracts.errors import BadRequest
from kit.inbox import fresh_idempotency_key

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def idempotency_key(request: Request) -> str | None:
    if request.method in SAFE_METHODS:
        return None
    key = getattr(request.state, "idempotency_key", None)
    if key is None:
        given = request.headers.get("idempotency-key")
        if given is not None and not (1 <= len(given) <= 64 and given.isprintable()):
            raise BadRequest(
                "The Idempotency-Key header must be 1–64 printable characters.", {"header": "Idempotency-Key"}
            )
        if given:
            caller = "" if request.headers.get("authorization") else (request.client.host if request.client else "")
            key = hashlib.sha256(f"{request.method} {request.url.path} {caller} {given}".encode()).hexdigest()
        else:
            key = fresh_idempotency_key()  # only a redelivery can repeat it (kit.rpc)
        request.state.idempotency_key = key
    return request.state.idempotency_key


async def call(request: Request, service: str, method: str, *, actor: Actor | None = None, **kwargs: Any) -> Any:
    if actor is not None:
        kwargs["actor"] = actor.model_dump()
    return await request.app.state.rpc.call(service, method, idempotency_key=idempotency_key(request), **kwargs)
