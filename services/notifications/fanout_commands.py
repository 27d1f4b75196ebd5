"""From one fact to the rows that tell people and systems about it, inside the handler's transaction:
inbox messages, one pending delivery per person and channel (e-mail, SMS), one webhook delivery per
matching subscription. Nothing is sent here: the senders pick the rows up after commit."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.envelope import Envelope
from services.notifications import directory_commands, webhook_commands
from services.notifications.domain.audience import (
    EVENT_CHANGES,
    is_reminder,
    recipients,
    reminder_prefix,
    template_values,
)
from services.notifications.domain.delivery_policy import Channel, dedupe_key, is_urgent, plan_delivery
from services.notifications.domain.webhook_privacy import for_subscribers
from services.notifications.settings import NotificationSettings
from services.notifications.tables import deliveries, inbox_messages
from services.notifications.texts import render

log = logging.getLogger(__name__)


def cloudevent_json(envelope: Envelope) -> str:
    """The structured CloudEvent as received, less people's phone numbers and e-mail addresses and the
    links that act for a person (the body of every webhook attempt: it leaves the platform)."""
    document = {
        "specversion": envelope.specversion,
        "id": envelope.id,
        "source": envelope.source,
        "type": envelope.type,
        "time": envelope.time.isoformat().replace("+00:00", "Z") if envelope.time else None,
        "subject": envelope.subject,
        "dataschema": envelope.dataschema,
        "datacontenttype": envelope.datacontenttype or "application/json",
        "data": for_subscribers(envelope.data),
    }
    return json.dumps({k: v for k, v in document.items() if v is not None}, ensure_ascii=False)


def fan_out(session: Session, envelope: Envelope, settings: NotificationSettings, now: datetime) -> dict:
    """Write everything this fact causes; returns counts (for logs and tests)."""
    event_type, data = envelope.type, dict(envelope.data or {})
    given = directory_commands.absorb_fact(session, event_type, data, now)
    registrants = directory_commands.registrants_of(session, data["event_id"]) if event_type in EVENT_CHANGES else ()
    counts = {"inbox": 0, "email": 0, "sms": 0, "webhooks": 0}
    urgent = is_urgent(event_type, data, now)
    for recipient in recipients(event_type, data, contact=given, registrants=registrants):
        person = directory_commands.load_person(session, recipient.key) if recipient.is_person else None
        prefs, contact, language = directory_commands.reach(person, recipient.contact)
        message = render(event_type, template_values(event_type, data, language), language, recipient.audience)
        if message is None:
            continue
        subject, body, sms_text = message.subject, message.body, message.sms_text
        if is_reminder(data):
            prefix = reminder_prefix(language)
            subject, body, sms_text = prefix + subject, prefix + body, prefix + sms_text
        counts["inbox"] += _add_inbox_message(session, recipient.key, envelope, subject, body, now)
        if not recipient.is_person:
            continue
        for planned in plan_delivery(prefs, contact, urgent, now):
            if planned.channel is Channel.INBOX:
                continue
            address = contact.email if planned.channel is Channel.EMAIL else contact.phone
            text = body if planned.channel is Channel.EMAIL else sms_text
            counts[planned.channel.value] += _add_delivery(
                session,
                envelope,
                recipient.key,
                planned.channel,
                address,
                subject,
                text,
                urgent,
                planned.not_before,
                now,
            )
    counts["webhooks"] = webhook_commands.enqueue(
        session, envelope, cloudevent_json(envelope), settings.webhook_schedule, now
    )
    return counts


def _add_inbox_message(
    session: Session, recipient: str, envelope: Envelope, subject: str, body: str, now: datetime
) -> int:
    exists = session.execute(
        select(inbox_messages.c.id).where(
            inbox_messages.c.recipient == recipient, inbox_messages.c.event_id == envelope.id
        )
    ).first()
    if exists:
        return 0
    session.execute(
        inbox_messages.insert().values(
            id=str(uuid.uuid4()),
            recipient=recipient,
            event_id=envelope.id,
            event_type=envelope.type,
            subject=subject[:300],
            body=body,
            created_at=now,
        )
    )
    return 1


def _add_delivery(
    session: Session,
    envelope: Envelope,
    recipient: str,
    channel: Channel,
    address: str,
    subject: str,
    text: str,
    urgent: bool,
    not_before: datetime,
    now: datetime,
) -> int:
    key = dedupe_key(envelope.id, recipient, channel)
    if session.execute(select(deliveries.c.id).where(deliveries.c.dedupe_key == key)).first():
        return 0  # this person already has this message on this channel
    session.execute(
        deliveries.insert().values(
            id=str(uuid.uuid4()),
            dedupe_key=key,
            event_id=envelope.id,
            event_type=envelope.type,
            recipient=recipient,
            channel=channel.value,
            address=address.strip(),
            subject=subject[:300],
            body=text,
            status="pending",
            urgent=urgent,
            attempts=0,
            not_before=not_before,
            created_at=now,
        )
    )
    return 1
