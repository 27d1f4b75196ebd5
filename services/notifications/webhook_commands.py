"""Webhook subscriptions and their deliveries: the commands (rows ↔ the domain's values); the reads are in
queries.py. A subscriber changes only its own subscriptions: every lookup goes through
`queries.owned_subscription`, which answers 404 for someone else's. Administrators change all.
"""

from __future__ import annotations

import socket
import uuid
from datetime import datetime

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.common import Actor
from contracts.envelope import registered_events
from contracts.errors import Conflict, Forbidden, NotFound, Unprocessable
from contracts.notifications import (
    WebhookSubscriptionCreate,
    WebhookSubscriptionUpdate,
)
from services.notifications.domain.webhook_policy import (
    AttemptResult,
    DeliveryState,
    RetrySchedule,
    WebhookDelivery,
    is_valid_filter,
    matches,
)
from services.notifications.domain.webhook_signing import new_secret
from services.notifications.domain.webhook_targets import TargetPolicy
from services.notifications.queries import owned_subscription, subscription_view
from services.notifications.tables import webhook_attempts, webhook_deliveries, webhook_subscriptions
from services.notifications.webhook_secrets import SecretBox

SUBSCRIBER_ROLES = ("subscriber", "admin")
DEFAULT_PORTS = {"http": 80, "https": 443}


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to now ([] when it does not resolve)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        return []
    return list(dict.fromkeys(info[4][0] for info in infos))


def resolved_target(url: str, policy: TargetPolicy) -> tuple[httpx.URL, list[str], str | None]:
    """The URL, the addresses its host resolves to now, and why it may not be called (None: it may)."""
    target = httpx.URL(url)
    addresses = resolve(target.host, target.port or DEFAULT_PORTS.get(target.scheme, 80))
    return target, addresses, policy.refusal(target.host, addresses)


def check_target(url: str, policy: TargetPolicy) -> None:
    """422 with the reason when the URL points into the platform's own network (loopback, link-local,
    intranet, the platform's hosts) and no administrator allowed that range."""
    _, addresses, reason = resolved_target(url, policy)
    if reason:
        raise Unprocessable(
            f"This webhook URL is refused: {reason}.", {"url": url, "reason": reason, "resolved": addresses}
        )


def check_subscriber(actor: Actor) -> None:
    if actor.role not in SUBSCRIBER_ROLES:
        raise Forbidden(
            "Only subscribers (other district systems) and administrators manage webhooks.", {"role": actor.role}
        )


def check_filters(event_types: list[str]) -> list[str]:
    """Refuse filters that are malformed or can never match a known fact (a typo would be silent)."""
    known = list(registered_events())
    cleaned = sorted({t.strip() for t in event_types if t.strip()})
    bad = [t for t in cleaned if not is_valid_filter(t) or not any(matches([t], k) for k in known)]
    if bad:
        raise Unprocessable(
            "These event type filters match no published fact: "
            + ", ".join(bad)
            + ". Use exact types (venue.closed) or '*' for one segment (booking.*).",
            {"invalid_event_types": bad, "known_event_types": known},
        )
    return cleaned


# ---- subscriptions -----------------------------------------------------------------------------


def create_subscription(
    session: Session, actor: Actor, body: WebhookSubscriptionCreate, now: datetime, box: SecretBox
) -> dict:
    secret = new_secret()
    subscription_id = str(uuid.uuid4())
    session.execute(
        webhook_subscriptions.insert().values(
            id=subscription_id,
            owner=actor.sub,
            url=str(body.url),
            description=body.description,
            event_types=check_filters(body.event_types),
            secret=box.seal(secret),
            status="active",
            created_at=now,
            updated_at=now,
        )
    )
    view = subscription_view(owned_subscription(session, actor, subscription_id))
    return {**view, "secret": secret}


def update_subscription(
    session: Session, actor: Actor, subscription_id: str, body: WebhookSubscriptionUpdate, now: datetime
) -> dict:
    owned_subscription(session, actor, subscription_id, for_update=True)
    values: dict = {"updated_at": now}
    if body.url is not None:
        values["url"] = str(body.url)
    if body.event_types is not None:
        values["event_types"] = check_filters(body.event_types)
    if body.description is not None:
        values["description"] = body.description
    if body.enabled is True:
        values.update(status="active", disabled_reason=None, first_failure_at=None)
    elif body.enabled is False:
        values.update(status="disabled", disabled_reason="disabled by its owner")
    session.execute(
        webhook_subscriptions.update().where(webhook_subscriptions.c.id == subscription_id).values(**values)
    )
    return subscription_view(owned_subscription(session, actor, subscription_id))


def delete_subscription(session: Session, actor: Actor, subscription_id: str) -> None:
    owned_subscription(session, actor, subscription_id, for_update=True)
    ids = select(webhook_deliveries.c.id).where(webhook_deliveries.c.subscription_id == subscription_id)
    session.execute(webhook_attempts.delete().where(webhook_attempts.c.delivery_id.in_(ids)))
    session.execute(webhook_deliveries.delete().where(webhook_deliveries.c.subscription_id == subscription_id))
    session.execute(webhook_subscriptions.delete().where(webhook_subscriptions.c.id == subscription_id))


# ---- deliveries --------------------------------------------------------------------------------


def enqueue(session: Session, envelope, payload: str, schedule: RetrySchedule, now: datetime) -> int:
    """One pending delivery per active subscription whose filters match this fact."""
    rows = session.execute(
        select(webhook_subscriptions.c.id, webhook_subscriptions.c.event_types).where(
            webhook_subscriptions.c.status == "active"
        )
    ).all()
    created = 0
    for row in rows:
        if not matches(row.event_types, envelope.type):
            continue
        exists = session.execute(
            select(webhook_deliveries.c.id).where(
                webhook_deliveries.c.subscription_id == row.id, webhook_deliveries.c.event_id == envelope.id
            )
        ).first()
        if exists:
            continue
        start = WebhookDelivery.start(now, schedule)
        session.execute(
            webhook_deliveries.insert().values(
                id=str(uuid.uuid4()),
                subscription_id=row.id,
                event_id=envelope.id,
                event_type=envelope.type,
                payload=payload,
                state=start.state.value,
                attempts=0,
                round_attempts=0,
                replays=0,
                next_attempt_at=start.next_attempt_at,
                created_at=now,
            )
        )
        created += 1
    return created


def to_domain(row) -> WebhookDelivery:
    last = AttemptResult(status_code=row.last_status_code, error=row.last_error) if row.attempts else None
    return WebhookDelivery(
        state=DeliveryState(row.state),
        next_attempt_at=row.next_attempt_at,
        attempts=row.attempts,
        round_attempts=row.round_attempts,
        replays=row.replays,
        last_result=last,
    )


def from_domain(value: WebhookDelivery) -> dict:
    values = {
        "state": value.state.value,
        "next_attempt_at": value.next_attempt_at,
        "attempts": value.attempts,
        "round_attempts": value.round_attempts,
        "replays": value.replays,
    }
    if value.last_result is not None:
        values.update(last_status_code=value.last_result.status_code, last_error=value.last_result.error)
    return values


def replay(
    session: Session,
    actor: Actor,
    subscription_id: str,
    now: datetime,
    *,
    delivery_id: str | None = None,
    since: datetime | None = None,
) -> list[str]:
    """Replay one delivery (succeeded or failed), or every failed one created since a time."""
    subscription = owned_subscription(session, actor, subscription_id, for_update=True)
    if subscription.status != "active":
        raise Conflict(
            "The endpoint is disabled; re-enable it (PATCH enabled=true) before replaying.",
            {"subscription_id": subscription_id, "status": subscription.status},
        )
    query = select(webhook_deliveries).where(webhook_deliveries.c.subscription_id == subscription_id).with_for_update()
    if delivery_id is not None:
        rows = session.execute(query.where(webhook_deliveries.c.id == delivery_id)).all()
        if not rows:
            raise NotFound("No such delivery for this subscription.", {"delivery_id": delivery_id})
        if rows[0].state == DeliveryState.PENDING.value:
            raise Conflict("The delivery is still pending: it will be attempted anyway.", {"delivery_id": delivery_id})
    else:
        rows = session.execute(
            query.where(
                webhook_deliveries.c.state == DeliveryState.FAILED.value, webhook_deliveries.c.created_at >= since
            ).order_by(webhook_deliveries.c.created_at)
        ).all()
    for row in rows:
        session.execute(
            webhook_deliveries.update()
            .where(webhook_deliveries.c.id == row.id)
            .values(**from_domain(to_domain(row).replay(now)))
        )
    return [r.id for r in rows]
