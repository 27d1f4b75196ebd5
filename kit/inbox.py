"""The inbox: what a consumer has already applied, so a redelivered message changes nothing.

An event handler's first transaction records the CloudEvent id, an RPC command's the caller's
idempotency key (kit.unit_of_work); a second delivery finds the row and raises `AlreadyProcessed`,
which kit.events acknowledges as success — recognised by its type, everywhere. An RPC command's answer
is kept with its key, so a retry of the same command gets the first answer (kit.rpc).
"""

from __future__ import annotations

import json
import logging
import uuid

from sqlalchemy import Table, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from contracts.envelope import Envelope
from kit.clock import utcnow

log = logging.getLogger(__name__)


# A key the gateway made for one request that came without an Idempotency-Key header: no client can send
# it again, so only a redelivery of the same message can bring it back (kit.rpc skips the answer lookup
# on its first delivery).
FRESH_KEY_PREFIX = "fresh-"


def fresh_idempotency_key() -> str:
    return FRESH_KEY_PREFIX + uuid.uuid4().hex


class AlreadyProcessed(Exception):
    """This consumer already applied this event: nothing to do (not an error)."""


def claim(session: Session, inbox: Table, event_id: str, consumer: str, event_type: str) -> None:
    """Record that `consumer` applies `event_id`; raise AlreadyProcessed if it already did.

    One INSERT … ON CONFLICT DO NOTHING: on PostgreSQL a concurrent delivery of the same event
    waits for the first transaction and then finds the row, so only one of them proceeds."""
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    result = session.execute(
        insert(inbox)
        .values(event_id=event_id, consumer=consumer, event_type=event_type, processed_at=utcnow())
        .on_conflict_do_nothing(index_elements=["event_id", "consumer"])
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]  # (a CursorResult)
        raise AlreadyProcessed(event_id)


def claim_many(session: Session, inbox: Table, envelopes: list[Envelope], consumer: str) -> list[Envelope]:
    """Record that `consumer` applies these CloudEvents, in ONE insert; returns those it had not applied
    yet (in their order; an id twice in the list counts once). Same guarantee as `claim`: a concurrent
    delivery of one of them waits for this transaction and then does not get it back."""
    first_of_each: dict[str, Envelope] = {}
    for envelope in envelopes:
        first_of_each.setdefault(envelope.id, envelope)
    distinct = list(first_of_each.values())
    if not distinct:
        return []
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    now = utcnow()
    claimed = set(
        session.execute(
            insert(inbox)
            .values(
                [{"event_id": e.id, "consumer": consumer, "event_type": e.type, "processed_at": now} for e in distinct]
            )
            .on_conflict_do_nothing(index_elements=["event_id", "consumer"])
            .returning(inbox.c.event_id)
        ).scalars()
    )
    return [envelope for envelope in distinct if envelope.id in claimed]


def stored_answer(engine: Engine, inbox: Table, consumer: str, key: str) -> tuple[bool, object]:
    """(True, answer) when this caller's key was already applied and answered; (False, None) otherwise."""
    with engine.connect() as conn:
        stored = conn.execute(
            select(inbox.c.response).where(inbox.c.event_id == key, inbox.c.consumer == consumer)
        ).scalar_one_or_none()
    return (False, None) if stored is None else (True, json.loads(stored))


def answer_update(inbox: Table, consumer: str, key: str, answer: object):
    """The statement that keeps the answer of an applied command with its key."""
    return (
        update(inbox)
        .where(inbox.c.event_id == key, inbox.c.consumer == consumer)
        .values(response=json.dumps(answer, default=str, ensure_ascii=False))
    )


def store_answer(engine: Engine, inbox: Table, consumer: str, key: str, answer: object) -> None:
    """Keep the answer of an applied command with its key; a failure only costs a retry its answer."""
    try:
        with engine.begin() as conn:
            conn.execute(answer_update(inbox, consumer, key, answer))
    except Exception as exc:  # noqa: BLE001 - the command is applied; a retry then gets 409, not a second run
        log.warning("could not store the answer of %s for its idempotency key: %s", consumer, exc)
