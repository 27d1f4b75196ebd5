"""PIPL: when a person closes their account (`account.closed`, from accounts) each service forgets or
anonymises what it keeps of them. A service composes `ForgetsClosedAccounts` and writes
`forget_people(tx, person_ids) -> set of phone numbers it removed`; the mixin also masks those numbers in
what the kit keeps — facts in the outbox, answers to idempotent commands in the inbox — so that no table
of the service holds them afterwards."""

from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from contracts.envelope import Envelope
from kit.events import handle_event
from kit.unit_of_work import Transaction

MASK = "***"


def mask_kept_messages(session: Session, outbox: Table, inbox: Table, values: Iterable[str]) -> int:
    """Replace each value (a phone number) in kept CloudEvent payloads and stored RPC answers; returns
    the rows changed."""
    changed = 0
    for table, column in ((outbox, outbox.c.payload), (inbox, inbox.c.response)):
        for value in {v for v in values if v and len(v) >= 5}:
            keys = list(table.primary_key.columns)
            rows = session.execute(select(*keys, column).where(column.contains(value))).all()
            for row in rows:
                where = [key == getattr(row, key.name) for key in keys]
                session.execute(
                    update(table).where(*where).values({column.name: getattr(row, column.name).replace(value, MASK)})
                )
                changed += 1
    return changed


def phone_of(contact) -> str | None:
    return contact.get("phone") if isinstance(contact, dict) else None


class ForgetsClosedAccounts:
    db: Any  # the worker's unit of work (kit.unit_of_work, `self.db`)

    def forget_people(self, tx: Transaction, person_ids: list[str]) -> set[str]:
        raise NotImplementedError

    @handle_event("accounts", "account.closed")
    def on_account_closed(self, event: Envelope):
        fact: Any = event.typed()  # an AccountClosed
        with self.db.transaction() as tx:
            phones = self.forget_people(tx, list(fact.person_ids))
            mask_kept_messages(tx.session, tx.outbox, tx.inbox, phones)
