"""PIPL: a closed account's bookings (and its dependants') stay in the room's history, and its loans in
the lending record, without the booker's or borrower's name or contact details."""

from __future__ import annotations

from sqlalchemy import select, update

from kit.forgetting import ForgetsClosedAccounts, phone_of
from kit.unit_of_work import Transaction
from services.venues.tables import bookings, loans


class ForgetsPeople(ForgetsClosedAccounts):
    def forget_people(self, tx: Transaction, person_ids: list[str]) -> set[str]:
        rows = tx.session.execute(
            select(bookings.c.id, bookings.c.contact).where(bookings.c.booker_id.in_(person_ids))
        ).all()
        phones = {phone_of(r.contact) for r in rows} - {None}
        if rows:
            tx.session.execute(
                update(bookings).where(bookings.c.id.in_([r.id for r in rows])).values(booker_name=None, contact=None)
            )
        # The lending record keeps the loan (the item's history), not the borrower's name or contact.
        lent = tx.session.execute(select(loans.c.id, loans.c.contact).where(loans.c.borrower_id.in_(person_ids))).all()
        phones |= {phone_of(r.contact) for r in lent} - {None}
        if lent:
            tx.session.execute(
                update(loans)
                .where(loans.c.id.in_([r.id for r in lent]))
                .values(borrower_name="（已注销）", contact=None)
            )
        return phones
