"""Feedback with the event's short code (issue 17.8): the organiser gets the code (one per event) to
show at the event; an attendee rates it once per phone number; the rating counts in satisfaction."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from contracts.errors import Conflict, NotFound
from contracts.events import FeedbackCode, FeedbackReceived, WalkInFeedbackCreate, WalkInFeedbackView
from kit.boundary import domain_errors, model_or_422, signed_in
from kit.clock import utcnow
from services.events.domain.walk_in_feedback import (
    CODE_ALPHABET,
    CODE_LENGTH,
    check_feedback_window,
    phone_key,
)
from services.events.event_commands import check_owner
from services.events.queries import load_event
from services.events.tables import feedback_codes, walk_in_feedback


def _view(event_id: str, code: str, base_url: str) -> dict:
    return FeedbackCode(event_id=event_id, code=code, url=f"{base_url.rstrip('/')}/api/v1/feedback/{code}").model_dump(
        mode="json"
    )


def feedback_code(db, actor: dict, event_id: str, base_url: str) -> dict:
    """The event's code, made on first request (the same code afterwards)."""
    actor = signed_in(actor, "organiser")
    with db.transaction() as tx:
        event = load_event(tx.session, event_id)
        check_owner(actor, event)
        existing = tx.session.execute(
            select(feedback_codes.c.code).where(feedback_codes.c.event_id == event_id)
        ).scalar()
        if existing:
            return _view(event_id, existing, base_url)
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        tx.session.execute(
            feedback_codes.insert().values(code=code, event_id=event_id, created_by=actor.sub, created_at=utcnow())
        )
    return _view(event_id, code, base_url)


def give(db, code: str, body: dict) -> dict:
    data = model_or_422(WalkInFeedbackCreate, body)
    code = (code or "").strip().upper()
    with db.transaction() as tx:
        event_id = tx.session.execute(select(feedback_codes.c.event_id).where(feedback_codes.c.code == code)).scalar()
        if event_id is None:
            raise NotFound(f"No event has the feedback code {code}.", {"code": code})
        event = load_event(tx.session, event_id)
        now = utcnow()
        with domain_errors():
            check_feedback_window(event.status, event.start, event.end, now)
        comment = (data.comment or "").strip() or None
        try:
            with tx.session.begin_nested():
                tx.session.execute(
                    walk_in_feedback.insert().values(
                        event_id=event_id,
                        phone_hash=phone_key(event_id, data.phone),
                        offering_id=event.offering_id,
                        organiser_id=event.organiser_id,
                        rating=data.rating,
                        comment=comment,
                        created_at=now,
                    )
                )
        except IntegrityError as error:
            raise Conflict(
                "This phone number has already rated this event.",
                {"event_id": event_id, "reason_code": "already_rated", "detail_zh": "该手机号已评价过本场活动"},
            ) from error
        tx.emit(
            FeedbackReceived(
                event_id=event_id,
                registration_id=None,
                rating=data.rating,
                has_comment=comment is not None,
                organiser_id=event.organiser_id,
                channel="code",
            ),
            subject=event_id,
        )
    return WalkInFeedbackView(event_id=event_id, rating=data.rating, comment=comment, created_at=now).model_dump(
        mode="json"
    )
