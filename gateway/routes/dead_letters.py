"""/api/v1/admin/dead-letters — the administrator's view of what consumers gave up on, and the replay
(the same operations as `wenyun dead-letters`, for the console)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Body, Depends, Query, Request
from kombu.exceptions import OperationalError

from contracts.common import Actor
from contracts.errors import Unavailable
from contracts.operations import DeadLetter, DeadLetterReplay
from gateway.auth import require
from gateway.problems import problem_responses
from kit.dead_letters import list_dead_letters, replay_dead_letters

router = APIRouter(prefix="/api/v1/admin/dead-letters", tags=["operations"])


async def _broker(request: Request, operation, **kwargs) -> list[dict]:
    try:  # kombu is blocking: off the event loop
        return await asyncio.to_thread(operation, request.app.state.settings.amqp_uri, **kwargs)
    except (OSError, OperationalError) as exc:
        raise Unavailable(f"The broker cannot be reached: {exc}.") from exc


@router.get("", response_model=list[DeadLetter], responses=problem_responses(401, 403, 422, 503))
async def dead_letters(
    request: Request, limit: int = Query(200, ge=1, le=1000), actor: Actor = Depends(require("admin"))
):
    """Dead-lettered messages, oldest first, with the queue, the error and the attempts (administrators)."""
    return await _broker(request, list_dead_letters, limit=limit)


@router.post("/replay", response_model=list[DeadLetter], responses=problem_responses(400, 401, 403, 422, 503))
async def replay(
    request: Request,
    body: DeadLetterReplay = Body(default_factory=DeadLetterReplay),
    actor: Actor = Depends(require("admin")),
):
    """Send dead letters (all, or `message_id`) back to the queue they failed on; answers what was replayed."""
    return await _broker(request, replay_dead_letters, message_id=body.message_id)
