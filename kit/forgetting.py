"""PIPL: when a person closes their account (`account.closed`, from accounts) each service forgets or
anonymises what it keeps of them. A service composes `ForgetsClosedAccounts` and writes
`forget_people(tx, person_ids) -> set of phone numbers it removed`; the mixin also masks those numbers in
the facts still kept in the service's outbox, so that no table of the service holds them afterwards."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import select, update

from contracts.envelope import Envelope
from kit.database import Transaction
from kit.events import handle_event

MASK = "***"


def mask_in_outbox(tx: Transaction, values: Iterable[str]) -> int:
    """Replace each value (a phone number) in the kept CloudEvent payloads; returns the rows changed."""
    outbox, changed = tx.outbox, 0
    for value in {v for v in values if v and len(v) >= 5}:
        rows = tx.session.execute(select(outbox.c.id, outbox.c.payload).where(outbox.c.payload.contains(value))).all()
        for row in rows:
            tx.session.execute(update(outbox).where(outbox.c.id == row.id)
                               .values(payload=row.payload.replace(value, MASK)))
            changed += 1
    return changed


def phone_of(contact) -> str | None:
    return contact.get("phone") if isinstance(contact, dict) else None


class ForgetsClosedAccounts:
    def forget_people(self, tx: Transaction, person_ids: list[str]) -> set[str]:
        raise NotImplementedError

    @handle_event("accounts", "account.closed")
    def on_account_closed(self, event: Envelope):
        fact = event.typed()
        with self.db.transaction() as tx:
            phones = self.forget_people(tx, list(fact.person_ids))
            mask_in_outbox(tx, phones)
