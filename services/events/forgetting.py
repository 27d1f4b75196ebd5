"""PIPL: a closed account's registrations (and its dependants') keep their places and history, but no
longer the person's name or contact details."""

from __future__ import annotations

from sqlalchemy import select, update

from kit.forgetting import ForgetsClosedAccounts, phone_of
from kit.unit_of_work import Transaction
from services.events.tables import registrations


class ForgetsPeople(ForgetsClosedAccounts):
    def forget_people(self, tx: Transaction, person_ids: list[str]) -> set[str]:
        rows = tx.session.execute(
            select(registrations.c.id, registrations.c.contact).where(registrations.c.person_id.in_(person_ids))
        ).all()
        phones = {phone_of(r.contact) for r in rows} - {None}
        if rows:
            tx.session.execute(
                update(registrations)
                .where(registrations.c.id.in_([r.id for r in rows]))
                .values(person_name=None, contact=None)
            )
        return phones
