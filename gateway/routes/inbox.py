"""/api/v1/inbox — a person's in-app messages (to them, to their role and to their object scopes)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from contracts.common import Actor
from contracts.notifications import InboxMessage, MarkedRead
from gateway.auth import require
from gateway.calls import call
from gateway.problems import problem_responses

router = APIRouter(prefix="/api/v1/inbox", tags=["notifications"])


@router.get("", response_model=list[InboxMessage], responses=problem_responses(401, 422, 503))
async def my_inbox(
    request: Request, limit: int = Query(50, ge=1, le=200), unread: bool = False, actor: Actor = Depends(require())
):
    """Messages for the caller: addressed to them, to their role (`role:<role>`) and to each of their
    scopes (`scope:venue:<id>`), newest first; `unread=true` for the unread ones only."""
    return await call(request, "notifications", "inbox", actor=actor, limit=limit, unread_only=unread)


@router.post("/read-all", response_model=MarkedRead, responses=problem_responses(400, 401, 409, 503))
async def mark_all_read(request: Request, actor: Actor = Depends(require())):
    """Mark every message the caller sees as read."""
    return await call(request, "notifications", "mark_read", actor=actor, message_ids=None)


@router.post("/{message_id}/read", response_model=InboxMessage, responses=problem_responses(400, 401, 404, 409, 503))
async def mark_read(message_id: str, request: Request, actor: Actor = Depends(require())):
    """Mark one message read (for the caller only: a role or scope message stays unread for the others)."""
    return await call(request, "notifications", "read_message", actor=actor, message_id=message_id)
