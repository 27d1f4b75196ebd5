"""The lending register: lend an item of the asset ledger, renew, return, the overdue list. A loan that
becomes overdue is reported once (`loan.overdue`, in the transaction that marks it reported): the
borrower gets one reminder however often the list is looked at or the timer runs."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select, update

from contracts.common import ContactPoint
from contracts.errors import Conflict, NotFound, Unprocessable
from contracts.lending import Loan, LoanCreate, LoanOverdue, LoanRenew
from kit.clock import DISTRICT_TZ, utcnow
from services.venues import queries
from services.venues.booking_commands import sentence
from services.venues.domain.lending import LendingError, check_lend, check_renew, check_return, is_overdue
from services.venues.tables import assets, loans, venues


def today() -> dt.date:
    return utcnow().astimezone(DISTRICT_TZ).date()


def _error(error: LendingError, **extra) -> Unprocessable:
    return Unprocessable(sentence(str(error)), extra)


def loan_row(session, loan_id: str, *, for_update: bool = False):
    query = select(loans).where(loans.c.id == loan_id)
    if for_update:
        query = query.with_for_update()
    row = session.execute(query).first()
    if row is None:
        raise NotFound(f"Loan {loan_id} does not exist.", {"loan_id": loan_id})
    return row


def loan_view(row, asset) -> dict:
    return Loan(
        id=row.id,
        venue_id=row.venue_id,
        asset_id=row.asset_id,
        asset_number=asset.number,
        item_name=asset.name,
        borrower_id=row.borrower_id,
        borrower_name=row.borrower_name,
        lent_on=row.lent_on,
        due_on=row.due_on,
        renewals=row.renewals,
        status=row.status,
        overdue=is_overdue(row.status, row.due_on, today()),
        returned_at=row.returned_at,
        lent_by=row.lent_by,
        created_at=row.created_at,
    ).model_dump(mode="json")


def lend(tx, actor_sub: str, venue, data: LoanCreate) -> dict:
    asset = tx.session.execute(select(assets).where(assets.c.id == data.asset_id).with_for_update()).first()
    if asset is None or asset.venue_id != venue.id:
        # The body names a wrong item, the venue asked for exists: 422 naming the field, before any write.
        raise Unprocessable(
            f"asset_id: {data.asset_id} is not in the ledger of {venue.name}.",
            {"field": "asset_id", "asset_id": data.asset_id, "venue_id": venue.id},
            detail_zh="该物品不在本场馆的资产台账中",
        )
    open_loan = tx.session.execute(
        select(loans.c.id).where(loans.c.asset_id == asset.id, loans.c.status == "lent")
    ).first()
    lent_on = data.lent_on or today()
    try:
        check_lend(
            condition=asset.condition,
            already_lent=open_loan is not None,
            lent_on=lent_on,
            due_on=data.due_on,
            today=today(),
        )
    except LendingError as error:
        if open_loan is not None:
            raise Conflict(sentence(str(error)), {"asset_id": asset.id, "loan_id": open_loan.id}) from error
        raise _error(error, asset_id=asset.id) from error
    moment = utcnow()
    values = dict(
        id=str(uuid.uuid4()),
        venue_id=venue.id,
        asset_id=asset.id,
        borrower_id=data.borrower_id,
        borrower_name=data.borrower_name,
        contact=data.contact.model_dump(mode="json") if data.contact else None,
        lent_on=lent_on,
        due_on=data.due_on,
        renewals=0,
        status="lent",
        lent_by=actor_sub,
        created_at=moment,
        updated_at=moment,
    )
    tx.session.execute(loans.insert().values(**values))
    row = loan_row(tx.session, values["id"])
    report_overdue(tx, [row])  # copied from the paper register already overdue: reported now, once
    return loan_view(row, asset)


def renew(tx, row, data: LoanRenew) -> dict:
    try:
        check_renew(
            status=row.status,
            renewals=row.renewals,
            lent_on=row.lent_on,
            due_on=row.due_on,
            new_due_on=data.due_on,
            today=today(),
        )
    except LendingError as error:
        raise _error(error, loan_id=row.id) from error
    # A renewed loan that falls overdue again is reported again.
    tx.session.execute(
        update(loans)
        .where(loans.c.id == row.id)
        .values(due_on=data.due_on, renewals=row.renewals + 1, overdue_reported_at=None, updated_at=utcnow())
    )
    return loan_view(loan_row(tx.session, row.id), queries.asset_row(tx.session, row.asset_id))


def give_back(tx, row) -> dict:
    try:
        check_return(row.status)
    except LendingError as error:
        raise Conflict(sentence(str(error)), {"loan_id": row.id}) from error
    moment = utcnow()
    tx.session.execute(
        update(loans).where(loans.c.id == row.id).values(status="returned", returned_at=moment, updated_at=moment)
    )
    return loan_view(loan_row(tx.session, row.id), queries.asset_row(tx.session, row.asset_id))


def loan_rows(session, venue_id: str | None, *, overdue_only: bool = False, open_only: bool = False):
    query = select(loans, assets.c.number, assets.c.name).join(assets, assets.c.id == loans.c.asset_id)
    if venue_id:
        query = query.where(loans.c.venue_id == venue_id)
    if overdue_only:
        query = query.where(loans.c.status == "lent", loans.c.due_on < today())
    elif open_only:
        query = query.where(loans.c.status == "lent")
    return session.execute(query.order_by(loans.c.due_on, loans.c.created_at)).all()


def report_overdue(tx, rows=None, venue_id: str | None = None) -> int:
    """Emit `loan.overdue` for every overdue loan not reported yet, marking it in the same transaction."""
    if rows is None:
        rows = tx.session.execute(
            select(loans)
            .where(
                loans.c.status == "lent",
                loans.c.due_on < today(),
                loans.c.overdue_reported_at.is_(None),
                *([loans.c.venue_id == venue_id] if venue_id else []),
            )
            .with_for_update(skip_locked=True)
        ).all()
    reported = 0
    for row in rows:
        if row.overdue_reported_at is not None or not is_overdue(row.status, row.due_on, today()):
            continue
        claimed = tx.session.execute(
            update(loans)
            .where(loans.c.id == row.id, loans.c.overdue_reported_at.is_(None))
            .values(overdue_reported_at=utcnow())
        )
        if claimed.rowcount != 1:
            continue  # reported by someone else meanwhile
        asset = queries.asset_row(tx.session, row.asset_id)
        venue_name = tx.session.execute(select(venues.c.name).where(venues.c.id == row.venue_id)).scalar_one()
        tx.emit(
            LoanOverdue(
                loan_id=row.id,
                venue_id=row.venue_id,
                venue_name=venue_name,
                asset_number=asset.number,
                item_name=asset.name,
                borrower_id=row.borrower_id,
                borrower_name=row.borrower_name,
                due_on=row.due_on,
                contact=ContactPoint(**row.contact) if row.contact else None,
            ),
            subject=row.id,
        )
        reported += 1
    return reported
