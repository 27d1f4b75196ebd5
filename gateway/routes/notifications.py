"""/api/v1/notifications — operators' view of e-mail and SMS deliveries (administrators)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request

from contracts.common import Actor
from contracts.notifications import DeliveryStatus, MessageDelivery
from gateway.auth import require
from gateway.calls import call
from gateway.problems import problem_responses

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"])


@router.get("/deliveries", response_model=list[MessageDelivery], responses=problem_responses(401, 403, 422, 503))
async def message_deliveries(
    request: Request,
    status: DeliveryStatus | None = None,
    recipient: str | None = None,
    event_id: str | None = None,
    channel: Literal["email", "sms"] | None = None,
    limit: int = Query(100, ge=1, le=500),
    actor: Actor = Depends(require("admin")),
):
    """E-mail and SMS deliveries, newest first: pending (an SMS may wait for the end of quiet hours),
    sent, skipped (no server/provider configured), failed, or unconfirmed (interrupted by a crash after
    being handed over; not sent twice)."""
    return await call(
        request,
        "notifications",
        "message_deliveries",
        actor=actor,
        status=status,
        recipient=recipient,
        event_id=event_id,
        channel=channel,
        limit=limit,
    )


@router.post(
    "/deliveries/{delivery_id}/resend",
    response_model=MessageDelivery,
    responses=problem_responses(400, 401, 403, 404, 409, 503),
)
async def resend_message(delivery_id: str, request: Request, actor: Actor = Depends(require("admin"))):
    """Send a failed, skipped or unconfirmed delivery again (same Message-ID / SMS dedupe key)."""
    return await call(request, "notifications", "resend_message", actor=actor, delivery_id=delivery_id)
