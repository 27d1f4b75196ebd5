"""How a route reaches a service: one RPC with the caller passed along."""
from __future__ import annotations

from typing import Any

from fastapi import Request

from contracts.common import Actor


async def call(request: Request, service: str, method: str, *, actor: Actor | None = None, **kwargs: Any) -> Any:
    if actor is not None:
        kwargs["actor"] = actor.model_dump()
    return await request.app.state.rpc.call(service, method, **kwargs)
