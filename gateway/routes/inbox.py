"""/api/v1/inbox — a person's in-app messages."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from contracts.common import Actor
from gateway.auth import require
from gateway.calls import call
from gateway.problems import problem_responses

router = APIRouter(prefix="/api/v1/inbox", tags=["notifications"])


@router.get("", responses=problem_responses(401, 503))
async def my_inbox(request: Request, limit: int = Query(50, ge=1, le=200), actor: Actor = Depends(require())):
    """Messages for the caller (and for the caller's role)."""
    return await call(request, "notifications", "inbox", actor=actor, limit=limit)
