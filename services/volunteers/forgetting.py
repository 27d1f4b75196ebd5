"""PIPL: a closed account's volunteer record keeps its hours and history (the district reports on them)
but no longer the person's name, phone or e-mail; the volunteer is retired so no one dispatches them."""

from __future__ import annotations

from sqlalchemy import select, update

from kit.clock import utcnow
from kit.forgetting import ForgetsClosedAccounts
from kit.unit_of_work import Transaction
from services.volunteers.tables import volunteers


class ForgetsPeople(ForgetsClosedAccounts):
    def forget_people(self, tx: Transaction, person_ids: list[str]) -> set[str]:
        rows = tx.session.execute(
            select(volunteers.c.id, volunteers.c.phone).where(volunteers.c.id.in_(person_ids))
        ).all()
        if rows:
            tx.session.execute(
                update(volunteers)
                .where(volunteers.c.id.in_([r.id for r in rows]))
                .values(
                    name="（已注销）",
                    phone="",
                    email=None,
                    status="retired",
                    status_reason="account closed",
                    lat=None,
                    lon=None,
                    updated_at=utcnow(),
                )
            )
        return {r.phone for r in rows if r.phone}
