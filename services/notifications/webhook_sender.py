"""Sends due webhook deliveries: signed per Standard Webhooks, retried per the RetrySchedule.

Each run claims a batch of due deliveries (pushing their next attempt one lease ahead, so another
replica or run does not take them), POSTs them concurrently (green threads), and records every
attempt in its own transaction: the delivery's new state, the attempt log, the endpoint's run of
failures — and disables an endpoint that has failed for N days, telling its owner in the inbox.

Delivery is at least once: a crash after the receiver answered but before the result is recorded
sends the delivery again after the lease, with the same `webhook-id` (the CloudEvent id) so the
receiver can drop the copy, as the standard expects.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import datetime, timedelta

import httpx
from eventlet.greenpool import GreenPool
from prometheus_client import Counter
from sqlalchemy import select

from contracts.envelope import CONTENT_TYPE
from kit.clock import utcnow
from kit.rules import InvalidTransition
from services.notifications.domain.webhook_policy import (
    AttemptResult,
    EndpointFailures,
    should_disable,
)
from services.notifications.domain.webhook_signing import signed_headers
from services.notifications.domain.webhook_targets import TargetPolicy
from services.notifications.settings import NotificationSettings
from services.notifications.tables import inbox_messages, webhook_attempts, webhook_deliveries, webhook_subscriptions
from services.notifications.webhook_commands import from_domain, resolved_target, to_domain

log = logging.getLogger(__name__)
USER_AGENT = "Wenyun-Webhooks/1.0"
MAX_ERROR = 300  # a short excerpt of what went wrong, never a target's answer
ATTEMPTS = Counter("wenyun_webhook_attempts_total", "Webhook delivery attempts", ["outcome"])
DISABLED = Counter("wenyun_webhook_endpoints_disabled_total", "Webhook endpoints disabled after failing for days")


def send_due_webhooks(db, settings: NotificationSettings) -> int:
    claimed = _claim(db, settings, utcnow())
    if not claimed:
        return 0
    pool = GreenPool(max(1, settings.webhook_concurrency))
    with httpx.Client(
        timeout=settings.webhook_timeout, follow_redirects=False, headers={"user-agent": USER_AGENT}
    ) as client:
        policy = settings.webhook_target_policy
        box = settings.webhook_secret_box
        claimed = [{**job, "secret": box.open(job["secret"])} for job in claimed]  # in memory only
        for job, result, at, duration_ms in pool.imap(lambda job: _attempt(client, job, policy), claimed):
            try:
                _record(db, settings, job, result, at, duration_ms)
            except Exception:  # noqa: BLE001 - the lease brings it back; do not lose the others
                log.exception("could not record webhook attempt for delivery %s", job["id"])
    return len(claimed)


def _claim(db, settings: NotificationSettings, now: datetime) -> list[dict]:
    d, s = webhook_deliveries, webhook_subscriptions
    with db.transaction() as tx:
        rows = tx.session.execute(
            select(d.c.id, d.c.event_id, d.c.payload, d.c.attempts, s.c.url, s.c.secret)
            .join(s, s.c.id == d.c.subscription_id)
            .where(d.c.state == "pending", d.c.next_attempt_at <= now, s.c.status == "active")
            .order_by(d.c.next_attempt_at)
            .limit(settings.webhook_batch)
            .with_for_update(of=d, skip_locked=True)
        ).all()
        if rows:
            lease_end = now + timedelta(seconds=settings.webhook_lease)
            tx.session.execute(d.update().where(d.c.id.in_([r.id for r in rows])).values(next_attempt_at=lease_end))
    return [dict(r._mapping) for r in rows]


def _attempt(client: httpx.Client, job: dict, policy: TargetPolicy) -> tuple[dict, AttemptResult, datetime, int]:
    at = utcnow()
    started = time.monotonic()
    body = job["payload"]
    headers = {"content-type": CONTENT_TYPE, **signed_headers(job["secret"], job["event_id"], at, body)}
    try:
        # Checked again now, on the addresses the request then connects to: a name that resolved outward
        # at registration and inward today is caught, and cannot change between the check and the call.
        target, addresses, refusal = resolved_target(job["url"], policy)
        if refusal:
            result = AttemptResult.connection_error(f"refused by the webhook target policy: {refusal}"[:MAX_ERROR])
        else:
            pinned = target.copy_with(host=addresses[0])
            extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
            response = client.post(
                pinned,
                content=body.encode("utf-8"),
                extensions=extensions,
                headers={**headers, "host": target.netloc.decode("ascii")},
            )
            # Only the status is kept: what a target answers is never stored or shown.
            result = AttemptResult.response(response.status_code)
    except Exception as exc:  # noqa: BLE001 - refused, timeout, TLS, bad URL: a failed attempt
        result = AttemptResult.connection_error(f"{type(exc).__name__}: {exc}"[:MAX_ERROR])
    return job, result, at, int((time.monotonic() - started) * 1000)


def _record(db, settings: NotificationSettings, job: dict, result: AttemptResult, at: datetime, duration_ms: int):
    d, s = webhook_deliveries, webhook_subscriptions
    with db.transaction() as tx:
        session = tx.session
        row = session.execute(select(d).where(d.c.id == job["id"]).with_for_update()).first()
        if row is None:  # the subscription was deleted meanwhile
            return
        number = row.attempts + 1
        session.execute(
            webhook_attempts.insert().values(
                delivery_id=row.id,
                attempt=number,
                at=at,
                status_code=result.status_code,
                error=result.error,
                duration_ms=duration_ms,
            )
        )
        try:
            updated = to_domain(row).record_attempt(result, at, settings.webhook_schedule)
            values = from_domain(updated)
        except InvalidTransition:  # replayed or finished meanwhile: log the attempt, keep the state
            values = {"attempts": number, "last_status_code": result.status_code, "last_error": result.error}
        session.execute(d.update().where(d.c.id == row.id).values(last_attempt_at=at, **values))
        ATTEMPTS.labels(
            "succeeded" if result.succeeded else "dead" if values.get("state") == "failed" else "retrying"
        ).inc()
        sub = session.execute(select(s).where(s.c.id == row.subscription_id).with_for_update()).first()
        failures = EndpointFailures(first_failure_at=sub.first_failure_at).after(result, at)
        changes = {}
        if failures.first_failure_at != sub.first_failure_at:
            changes["first_failure_at"] = failures.first_failure_at
        if sub.status == "active" and should_disable(failures, at, settings.webhook_disable_after_days):
            reason = f"failing since {failures.first_failure_at.isoformat()} without a success"
            changes.update(status="disabled", disabled_reason=reason, updated_at=at)
            _tell_owner(session, sub, reason, settings.webhook_disable_after_days, at)
            log.warning("webhook endpoint %s (%s) disabled: %s", sub.id, sub.url, reason)
            DISABLED.inc()
        if changes:
            session.execute(s.update().where(s.c.id == sub.id).values(**changes))


def _tell_owner(session, sub, reason: str, days: float, at: datetime) -> None:
    session.execute(
        inbox_messages.insert().values(
            id=str(uuid.uuid4()),
            recipient=sub.owner,
            event_id=f"webhook-disabled:{uuid.uuid4()}",
            event_type="webhook.disabled",
            subject=f"Webhook 已停用 / disabled: {sub.url}"[:300],
            body=(
                f"您的 Webhook 订阅（{sub.url}）连续失败超过 {days:g} 天，已停用，不再推送新消息。"
                f"修复接收端后，请重新启用（PATCH /api/v1/webhooks/{sub.id}，enabled=true），"
                f"并可重放失败的推送。\n"
                f"Your webhook endpoint {sub.url} has failed for more than {days:g} days ({reason}) and is disabled. "
                f"Fix the receiver, re-enable it (PATCH /api/v1/webhooks/{sub.id} with enabled=true) and replay "
                f"the failed deliveries (POST /api/v1/webhooks/{sub.id}/replay)."
            ),
            created_at=at,
        )
    )
