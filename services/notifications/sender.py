"""Sends due e-mail and SMS deliveries, one at a time: claim (commit) → hand over → mark (commit).

Exactly one message per person, fact and channel:
- the handler wrote one `pending` row per dedupe key (unique), so a fact delivered twice adds nothing;
- a row is claimed (`sending`) in its own transaction before it is handed over, so two replicas never
  take the same row (SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL; writers serialise on SQLite);
- if the service dies between handing a message over and recording it, the row stays `sending`; once
  its lease has passed:
  * SMS is handed over again with the same dedupe key, and the provider drops the repeat
    (DevSmsProvider refuses a second line for a key; a real adapter passes the key as its reference);
  * e-mail cannot be asked "did you already get this?": an SMTP server that answered 250 has the
    message. So the row becomes `unconfirmed` and is NOT sent again (at most once), visible to
    operators, who may resend it (same Message-ID, so mail systems that dedupe by Message-ID drop a
    copy). NOTIFICATIONS_EMAIL_AFTER_CRASH=resend chooses at least once instead. The residual window
    is the time between the SMTP server's final reply and our commit — milliseconds — but a crash in
    exactly that window costs one e-mail (unconfirmed) rather than sending it twice.
"""

from __future__ import annotations

import logging
import os
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from prometheus_client import Counter
from sqlalchemy import select

from contracts.common import Actor
from contracts.errors import Conflict, Forbidden, NotFound
from contracts.notifications import MessageDelivery
from kit.clock import utcnow
from services.notifications.channels.email_smtp import build_email, send_email
from services.notifications.channels.sms import DevSmsProvider, InvalidPhoneNumber, SmsProvider
from services.notifications.channels.sms_aliyun import AliyunSmsProvider
from services.notifications.settings import NotificationSettings
from services.notifications.tables import deliveries

log = logging.getLogger(__name__)
CRASH_FAULT = "notifications_crash_after_send"  # tests: WENYUN_FAULT=notifications_crash_after_send[:sms|:email]
INTERRUPTED = "interrupted: the service stopped between handing this message over and recording it"
MESSAGES = Counter("wenyun_notifications_messages_total", "E-mail and SMS send outcomes", ["channel", "outcome"])


class Outlets:
    """The adapters of one process, built from the settings."""

    def __init__(self, settings: NotificationSettings, var_dir: Path):
        self.settings = settings
        self.sms: SmsProvider | None = None
        if settings.sms_provider == "dev":
            self.sms = DevSmsProvider(settings.sms_store(var_dir), settings.sms_signature)
        elif settings.sms_provider == "aliyun":
            if not (
                settings.aliyun_access_key_id
                and settings.aliyun_access_key_secret
                and settings.aliyun_sms_default_template
            ):
                raise ValueError(
                    "NOTIFICATIONS_SMS_PROVIDER=aliyun needs NOTIFICATIONS_ALIYUN_ACCESS_KEY_ID, "
                    "_ACCESS_KEY_SECRET and _SMS_DEFAULT_TEMPLATE"
                )
            self.sms = AliyunSmsProvider(
                settings.aliyun_access_key_id,
                settings.aliyun_access_key_secret,
                settings.aliyun_sms_sign_name,
                settings.aliyun_sms_default_template,
                dict(settings.aliyun_sms_templates),
                endpoint=settings.aliyun_sms_endpoint,
            )


@dataclass(frozen=True)
class Outcome:
    status: str  # sent | failed | skipped | retry
    provider_id: str | None = None
    error: str | None = None


def send_due_messages(db, settings: NotificationSettings, outlets: Outlets, fault: str | None = None) -> int:
    recover_interrupted(db, settings, utcnow())
    handled = 0
    while handled < settings.send_batch:
        job = _claim_next(db, utcnow())
        if job is None:
            break
        outcome = _hand_over(settings, outlets, job)
        if fault in (CRASH_FAULT, f"{CRASH_FAULT}:{job['channel']}") and outcome.status == "sent":
            log.error("fault injection: crashing after handing over %s, before recording it", job["dedupe_key"])
            os._exit(17)
        _record(db, settings, job, outcome, utcnow())
        handled += 1
    return handled


def recover_interrupted(db, settings: NotificationSettings, now: datetime) -> int:
    """Rows left `sending` by a process that died (their lease has passed)."""
    expired = (deliveries.c.status == "sending") & (
        deliveries.c.claimed_at < now - timedelta(seconds=settings.send_lease)
    )
    email_status = "pending" if settings.email_after_crash == "resend" else "unconfirmed"
    with db.transaction() as tx:
        sms = tx.session.execute(
            deliveries.update()
            .where(expired & (deliveries.c.channel == "sms"))
            .values(status="pending", not_before=now, last_error=INTERRUPTED)
        ).rowcount
        email = tx.session.execute(
            deliveries.update()
            .where(expired & (deliveries.c.channel == "email"))
            .values(status=email_status, not_before=now, last_error=INTERRUPTED)
        ).rowcount
    if sms or email:
        log.warning(
            "recovered interrupted sends: %s SMS to send again (deduplicated by the provider), %s e-mail marked %s",
            sms,
            email,
            email_status,
        )
    return sms + email


def _claim_next(db, now: datetime) -> dict | None:
    with db.transaction() as tx:
        row = tx.session.execute(
            select(deliveries)
            .where(deliveries.c.status == "pending", deliveries.c.not_before <= now)
            .order_by(deliveries.c.not_before, deliveries.c.created_at, deliveries.c.channel, deliveries.c.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if row is None:
            return None
        tx.session.execute(
            deliveries.update()
            .where(deliveries.c.id == row.id)
            .values(status="sending", claimed_at=now, attempts=row.attempts + 1)
        )
    return {**row._mapping, "attempts": row.attempts + 1}


def _hand_over(settings: NotificationSettings, outlets: Outlets, job: dict) -> Outcome:
    if job["channel"] == "email":
        return _send_email(settings, job)
    return _send_sms(outlets, job)


def _send_email(settings: NotificationSettings, job: dict) -> Outcome:
    if not settings.smtp_host:
        # The recipient by id, never by address: logs are kept and read more widely than the directory.
        log.info(
            "no SMTP server configured (SMTP_HOST): e-mail %s to %s skipped",
            job["dedupe_key"],
            job.get("recipient", "?"),
        )
        return Outcome("skipped", error="no SMTP server configured (set SMTP_HOST)")
    try:
        message = build_email(settings.smtp_sender, job["address"], job["subject"], job["body"], job["dedupe_key"])
        message_id = send_email(
            settings.smtp_host,
            settings.smtp_port,
            message,
            timeout=settings.smtp_timeout,
            starttls=settings.smtp_starttls,
            username=settings.smtp_username,
            password=settings.smtp_password,
        )
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
        return Outcome("failed", error=f"refused: {exc}"[:1000])
    except smtplib.SMTPResponseException as exc:
        return Outcome(
            "failed" if exc.smtp_code >= 500 else "retry", error=f"SMTP {exc.smtp_code}: {exc.smtp_error!r}"[:1000]
        )
    except (OSError, smtplib.SMTPException, ValueError) as exc:
        return Outcome("retry", error=f"{type(exc).__name__}: {exc}"[:1000])
    return Outcome("sent", provider_id=message_id)


def _send_sms(outlets: Outlets, job: dict) -> Outcome:
    if outlets.sms is None:
        return Outcome("skipped", error="no SMS provider configured (NOTIFICATIONS_SMS_PROVIDER)")
    try:
        # kind picks the provider's template; maybe_sent: an earlier hand-over may have gone out (crash, timeout)
        provider_id = outlets.sms.send(
            job["address"],
            job["body"],
            job["dedupe_key"],
            kind=job["event_type"],
            maybe_sent=job["attempts"] > 1 or job["last_error"] == INTERRUPTED,
        )
    except (InvalidPhoneNumber, ValueError) as exc:
        return Outcome("failed", error=str(exc)[:1000])
    except Exception as exc:  # noqa: BLE001 - a provider outage: try again later
        return Outcome("retry", error=f"{type(exc).__name__}: {exc}"[:1000])
    return Outcome("sent", provider_id=provider_id)


def _record(db, settings: NotificationSettings, job: dict, outcome: Outcome, now: datetime) -> None:
    values: dict = {"last_error": outcome.error}
    if outcome.status == "sent":
        values.update(status="sent", sent_at=now, provider_id=outcome.provider_id)
    elif outcome.status == "retry":
        delays = settings.send_retry_delays
        if job["attempts"] <= len(delays):
            values.update(status="pending", not_before=now + timedelta(seconds=delays[job["attempts"] - 1]))
        else:
            values.update(status="failed")
    else:
        values.update(status=outcome.status)
    with db.transaction() as tx:
        tx.session.execute(
            deliveries.update().where(deliveries.c.id == job["id"], deliveries.c.status != "sent").values(**values)
        )
    MESSAGES.labels(job["channel"], values["status"]).inc()
    level = logging.INFO if outcome.status in ("sent", "skipped") else logging.WARNING
    log.log(
        level,
        "%s %s to %s: %s%s",
        job["channel"],
        job["dedupe_key"],
        job["address"],
        values["status"],
        f" ({outcome.error})" if outcome.error else "",
    )


# ---- the operators' view ---------------------------------------------------------------------------


def check_admin(actor: Actor) -> None:
    if actor.role != "admin":
        raise Forbidden("Only administrators see and resend message deliveries.", {"role": actor.role})


def delivery_view(row) -> dict:
    return MessageDelivery(**{k: v for k, v in row._mapping.items() if k in MessageDelivery.model_fields}).model_dump(
        mode="json"
    )


def list_message_deliveries(session, *, status=None, recipient=None, event_id=None, channel=None, limit=100) -> list:
    query = select(deliveries).order_by(deliveries.c.created_at.desc(), deliveries.c.id).limit(max(1, min(limit, 500)))
    for column, value in (("status", status), ("recipient", recipient), ("event_id", event_id), ("channel", channel)):
        if value:
            query = query.where(deliveries.c[column] == value)
    return [delivery_view(r) for r in session.execute(query).all()]


def resend(session, delivery_id: str, now: datetime) -> dict:
    row = session.execute(select(deliveries).where(deliveries.c.id == delivery_id).with_for_update()).first()
    if row is None:
        raise NotFound("No such message delivery.", {"delivery_id": delivery_id})
    if row.status not in ("failed", "unconfirmed", "skipped"):
        raise Conflict(
            f"The delivery is {row.status}; only failed, unconfirmed or skipped ones are resent.",
            {"delivery_id": delivery_id, "status": row.status},
        )
    session.execute(
        deliveries.update().where(deliveries.c.id == delivery_id).values(status="pending", not_before=now, attempts=0)
    )
    return delivery_view(session.execute(select(deliveries).where(deliveries.c.id == delivery_id)).first())
