"""PIPL: a closed account's bookings (and its dependants') stay in the room's history, without the
booker's name or contact details."""
from __future__ import annotations

from sqlalchemy import select, update

from kit.database import Transaction
from kit.forgetting import ForgetsClosedAccounts, phone_of
from services.venues.tables import bookings


class ForgetsPeople(ForgetsClosedAccounts):
    def forget_people(self, tx: Transaction, person_ids: list[str]) -> set[str]:
        rows = tx.session.execute(select(bookings.c.id, bookings.c.contact)
                                  .where(bookings.c.booker_id.in_(person_ids))).all()
        phones = {phone_of(r.contact) for r in rows} - {None}
        if rows:
            tx.session.execute(update(bookings).where(bookings.c.id.in_([r.id for r in rows]))
                               .values(booker_name=None, contact=None))
        return phones
