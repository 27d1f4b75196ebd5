"""/api/v1/webhooks — signed webhooks for other district systems (Standard Webhooks).

A subscriber sees and manages only its own subscriptions and deliveries (another's answer 404)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request, Response, status

from contracts.common import Actor
from contracts.notifications import (
    WebhookDeliveryView,
    WebhookReplay,
    WebhookReplayed,
    WebhookSubscription,
    WebhookSubscriptionCreate,
    WebhookSubscriptionCreated,
    WebhookSubscriptionUpdate,
)
from gateway.auth import require
from gateway.calls import call
from gateway.problems import problem_responses

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])
subscriber = require("subscriber")  # and admin


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=WebhookSubscriptionCreated,
    responses=problem_responses(400, 401, 403, 409, 422, 503),
)
async def create_webhook(body: WebhookSubscriptionCreate, request: Request, actor: Actor = Depends(subscriber)):
    """Subscribe a URL to facts (exact types or patterns such as `booking.*`). The answer carries the
    signing secret (`whsec_…`) — shown only this once. Every fact is POSTed as its CloudEvent JSON with
    the headers `webhook-id` (the CloudEvent id, the same on every retry), `webhook-timestamp` and
    `webhook-signature`; verify with any Standard Webhooks library."""
    return await call(
        request, "notifications", "create_webhook", actor=actor, subscription=body.model_dump(mode="json")
    )


@router.get("", response_model=list[WebhookSubscription], responses=problem_responses(401, 403, 503))
async def list_webhooks(request: Request, actor: Actor = Depends(subscriber)):
    """The caller's subscriptions."""
    return await call(request, "notifications", "list_webhooks", actor=actor)


@router.get("/{subscription_id}", response_model=WebhookSubscription, responses=problem_responses(401, 403, 404, 503))
async def get_webhook(subscription_id: str, request: Request, actor: Actor = Depends(subscriber)):
    """One of the caller's subscriptions."""
    return await call(request, "notifications", "get_webhook", actor=actor, subscription_id=subscription_id)


@router.patch(
    "/{subscription_id}",
    response_model=WebhookSubscription,
    responses=problem_responses(400, 401, 403, 404, 409, 422, 503),
)
async def update_webhook(
    subscription_id: str, body: WebhookSubscriptionUpdate, request: Request, actor: Actor = Depends(subscriber)
):
    """Change the URL, filters or description; `enabled: true` re-enables an endpoint disabled after
    failing for days."""
    return await call(
        request,
        "notifications",
        "update_webhook",
        actor=actor,
        subscription_id=subscription_id,
        changes=body.model_dump(mode="json", exclude_unset=True),
    )


@router.delete(
    "/{subscription_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problem_responses(400, 401, 403, 404, 409, 503),
)
async def delete_webhook(subscription_id: str, request: Request, actor: Actor = Depends(subscriber)):
    """Unsubscribe (the delivery log goes with it)."""
    await call(request, "notifications", "delete_webhook", actor=actor, subscription_id=subscription_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{subscription_id}/deliveries",
    response_model=list[WebhookDeliveryView],
    responses=problem_responses(401, 403, 404, 422, 503),
)
async def webhook_deliveries(
    subscription_id: str,
    request: Request,
    state: Literal["pending", "succeeded", "failed"] | None = None,
    limit: int = Query(100, ge=1, le=500),
    actor: Actor = Depends(subscriber),
):
    """The delivery log, newest first: state, attempts (each with its HTTP status or error) and the
    next attempt. `state=failed` lists the dead letters."""
    return await call(
        request,
        "notifications",
        "webhook_deliveries",
        actor=actor,
        subscription_id=subscription_id,
        state=state,
        limit=limit,
    )


@router.post(
    "/{subscription_id}/deliveries/{delivery_id}/replay",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=WebhookReplayed,
    responses=problem_responses(400, 401, 403, 404, 409, 503),
)
async def replay_delivery(subscription_id: str, delivery_id: str, request: Request, actor: Actor = Depends(subscriber)):
    """Send one delivery again (one attempt, same `webhook-id`)."""
    return await call(
        request,
        "notifications",
        "replay_webhook_delivery",
        actor=actor,
        subscription_id=subscription_id,
        delivery_id=delivery_id,
    )


@router.post(
    "/{subscription_id}/replay",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=WebhookReplayed,
    responses=problem_responses(400, 401, 403, 404, 409, 422, 503),
)
async def replay_failures(
    subscription_id: str, body: WebhookReplay, request: Request, actor: Actor = Depends(subscriber)
):
    """Send again every failed delivery created since a time."""
    return await call(
        request,
        "notifications",
        "replay_webhook_failures",
        actor=actor,
        subscription_id=subscription_id,
        replay=body.model_dump(mode="json"),
    )
