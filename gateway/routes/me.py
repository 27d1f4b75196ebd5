"""/api/v1/me — the signed-in person's own account."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from contracts.accounts import Account
from contracts.common import Actor
from gateway.auth import require
from gateway.calls import call
from gateway.problems import problem_responses

router = APIRouter(prefix="/api/v1/me", tags=["me"])


@router.get("", response_model=Account, responses=problem_responses(401, 404, 503))
async def me(request: Request, actor: Actor = Depends(require())):
    """Who I am: role, name, masked phone, scopes and linked dependants."""
    return await call(request, "accounts", "me", actor=actor)
