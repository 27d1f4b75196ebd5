"""The in-app inbox: marking what a person has read (what they see: queries.py).

A person sees messages addressed to their id (the token's subject), to their role ("role:<role>")
and to each of their object scopes ("scope:venue:<id>"). Read state is kept per reader, because a
role or scope message is shared by several people.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from contracts.common import Actor
from contracts.errors import NotFound
from services.notifications.queries import visible_messages
from services.notifications.tables import inbox_messages, inbox_reads


def mark_read(session: Session, actor: Actor, message_ids: list[str] | None, now: datetime) -> int:
    """Mark the given messages (or, with None, every visible one) read; returns how many were unread."""
    query = visible_messages(actor).where(inbox_reads.c.read_at.is_(None))
    if message_ids is not None:
        query = query.where(inbox_messages.c.id.in_(message_ids))
        visible = {
            r.id for r in session.execute(visible_messages(actor).where(inbox_messages.c.id.in_(message_ids))).all()
        }
        missing = sorted(set(message_ids) - visible)
        if missing:
            raise NotFound("No such message in your inbox.", {"message_ids": missing})
    unread = [r.id for r in session.execute(query).all()]
    for message_id in unread:
        session.execute(inbox_reads.insert().values(message_id=message_id, reader=actor.sub, read_at=now))
    return len(unread)
