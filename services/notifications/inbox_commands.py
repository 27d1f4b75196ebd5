"""The in-app inbox: what a person sees and what they have read.

A person sees messages addressed to their id (the token's subject), to their role ("role:<role>")
and to each of their object scopes ("scope:venue:<id>"). Read state is kept per reader, because a
role or scope message is shared by several people.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from contracts.common import Actor
from contracts.errors import NotFound
from contracts.notifications import InboxMessage
from services.notifications.tables import inbox_messages, inbox_reads


def addresses(actor: Actor) -> list[str]:
    return [actor.sub, f"role:{actor.role}", *(f"scope:{scope}" for scope in actor.scopes)]


def _visible(actor: Actor):
    return (
        select(inbox_messages, inbox_reads.c.read_at)
        .outerjoin(
            inbox_reads, and_(inbox_reads.c.message_id == inbox_messages.c.id, inbox_reads.c.reader == actor.sub)
        )
        .where(inbox_messages.c.recipient.in_(addresses(actor)))
    )


def _view(row) -> dict:
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
    query = _visible(actor).order_by(inbox_messages.c.created_at.desc(), inbox_messages.c.id)
    if unread_only:
        query = query.where(inbox_reads.c.read_at.is_(None))
    return [_view(r) for r in session.execute(query.limit(max(1, min(limit, 200)))).all()]


def mark_read(session: Session, actor: Actor, message_ids: list[str] | None, now: datetime) -> int:
    """Mark the given messages (or, with None, every visible one) read; returns how many were unread."""
    query = _visible(actor).where(inbox_reads.c.read_at.is_(None))
    if message_ids is not None:
        query = query.where(inbox_messages.c.id.in_(message_ids))
        visible = {r.id for r in session.execute(_visible(actor).where(inbox_messages.c.id.in_(message_ids))).all()}
        missing = sorted(set(message_ids) - visible)
        if missing:
            raise NotFound("No such message in your inbox.", {"message_ids": missing})
    unread = [r.id for r in session.execute(query).all()]
    for message_id in unread:
        session.execute(inbox_reads.insert().values(message_id=message_id, reader=actor.sub, read_at=now))
    return len(unread)


def get_message(session: Session, actor: Actor, message_id: str) -> dict:
    row = session.execute(_visible(actor).where(inbox_messages.c.id == message_id)).first()
    if row is None:
        raise NotFound("No such message in your inbox.", {"message_id": message_id})
    return _view(row)
