"""notifications' reads: a person's inbox (messages addressed to their id, their role "role:<role>" and
each of their object scopes "scope:venue:<id>"; read state per reader) and webhook subscriptions with
their deliveries (a subscriber sees only its own: every lookup goes through `owned_subscription`, which
answers 404 for someone else's; administrators see all). No writes, no facts."""

from __future__ import annotations

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from contracts.common import Actor
from contracts.errors import NotFound
from contracts.notifications import InboxMessage, WebhookAttempt, WebhookDeliveryView, WebhookSubscription
from services.notifications.tables import (
    inbox_messages,
    inbox_reads,
    webhook_attempts,
    webhook_deliveries,
    webhook_subscriptions,
)


def addresses(actor: Actor) -> list[str]:
    return [actor.sub, f"role:{actor.role}", *(f"scope:{scope}" for scope in actor.scopes)]


def visible_messages(actor: Actor):
    return (
        select(inbox_messages, inbox_reads.c.read_at)
        .outerjoin(
            inbox_reads, and_(inbox_reads.c.message_id == inbox_messages.c.id, inbox_reads.c.reader == actor.sub)
        )
        .where(inbox_messages.c.recipient.in_(addresses(actor)))
    )


def message_view(row) -> dict:
    return InboxMessage(
        id=row.id,
        recipient=row.recipient,
        event_id=row.event_id,
        event_type=row.event_type,
        subject=row.subject,
        body=row.body,
        created_at=row.created_at,
        read=row.read_at is not None,
        read_at=row.read_at,
    ).model_dump(mode="json")


def list_messages(session: Session, actor: Actor, limit: int, unread_only: bool) -> list[dict]:
    query = visible_messages(actor).order_by(inbox_messages.c.created_at.desc(), inbox_messages.c.id)
    if unread_only:
        query = query.where(inbox_reads.c.read_at.is_(None))
    return [message_view(r) for r in session.execute(query.limit(max(1, min(limit, 200)))).all()]


def get_message(session: Session, actor: Actor, message_id: str) -> dict:
    row = session.execute(visible_messages(actor).where(inbox_messages.c.id == message_id)).first()
    if row is None:
        raise NotFound("No such message in your inbox.", {"message_id": message_id})
    return message_view(row)


def subscription_view(row) -> dict:
    return WebhookSubscription(
        id=row.id,
        owner=row.owner,
        url=row.url,
        event_types=list(row.event_types or []),
        description=row.description,
        status=row.status,
        disabled_reason=row.disabled_reason,
        failing_since=row.first_failure_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    ).model_dump(mode="json")


def list_subscriptions(session: Session, actor: Actor) -> list[dict]:
    query = select(webhook_subscriptions).order_by(webhook_subscriptions.c.created_at)
    if actor.role != "admin":
        query = query.where(webhook_subscriptions.c.owner == actor.sub)
    return [subscription_view(r) for r in session.execute(query).all()]


def owned_subscription(session: Session, actor: Actor, subscription_id: str, *, for_update: bool = False):
    query = select(webhook_subscriptions).where(webhook_subscriptions.c.id == subscription_id)
    if for_update:
        query = query.with_for_update()
    row = session.execute(query).first()
    if row is None or (actor.role != "admin" and row.owner != actor.sub):
        raise NotFound("No such webhook subscription.", {"subscription_id": subscription_id})
    return row


def delivery_view(session: Session, row, *, with_log: bool = True) -> dict:
    log = []
    if with_log:
        log = [
            WebhookAttempt(
                attempt=a.attempt, at=a.at, status_code=a.status_code, error=a.error, duration_ms=a.duration_ms
            )
            for a in session.execute(
                select(webhook_attempts)
                .where(webhook_attempts.c.delivery_id == row.id)
                .order_by(webhook_attempts.c.attempt)
            ).all()
        ]
    return WebhookDeliveryView(
        id=row.id,
        subscription_id=row.subscription_id,
        event_id=row.event_id,
        event_type=row.event_type,
        state=row.state,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_status_code=row.last_status_code,
        last_error=row.last_error,
        last_attempt_at=row.last_attempt_at,
        created_at=row.created_at,
        log=log,
    ).model_dump(mode="json")


def list_deliveries(session: Session, actor: Actor, subscription_id: str, state: str | None, limit: int) -> list[dict]:
    owned_subscription(session, actor, subscription_id)
    query = (
        select(webhook_deliveries)
        .where(webhook_deliveries.c.subscription_id == subscription_id)
        .order_by(webhook_deliveries.c.created_at.desc(), webhook_deliveries.c.id)
        .limit(max(1, min(limit, 500)))
    )
    if state:
        query = query.where(webhook_deliveries.c.state == state)
    return [delivery_view(session, r) for r in session.execute(query).all()]
