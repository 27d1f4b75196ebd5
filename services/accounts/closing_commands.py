"""PIPL: a person downloads what accounts keeps about them, and closes their account. Closing removes the
phone, name and credentials here, ends every session, and emits `account.closed` so that the other
services forget or anonymise what they keep of the person and their linked dependants."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from contracts.accounts import AccountClosed, MyData
from kit.unit_of_work import Transaction
from services.accounts import audit, queries, session_commands
from services.accounts.tables import account_scopes, accounts, dependants, organisation_members, sessions


def export(session, account_id: str) -> dict:
    row = queries.account_row(session, account_id)
    own_sessions = session.execute(
        select(sessions).where(sessions.c.account_id == account_id).order_by(sessions.c.created_at)
    ).all()
    return MyData(
        account=queries.account_view(session, row),
        phone=row.phone,
        privacy_notice_accepted_at=row.privacy_notice_accepted_at,
        privacy_notice_version=row.privacy_notice_version,
        phone_purposes=row.phone_purposes or [],
        created_at=row.created_at,
        sessions=[
            {
                "id": s.id,
                "method": s.method,
                "created_at": s.created_at.isoformat(),
                "ended_at": s.revoked_at.isoformat() if s.revoked_at else None,
            }
            for s in own_sessions
        ],
        audit=queries.audit_entries(session, account_id=account_id, limit=1000),
    ).model_dump(mode="json")


def close(tx: Transaction, account_id: str, client_ip: str | None, now: datetime) -> None:
    row = queries.account_row(tx.session, account_id, for_update=True)
    dependant_ids = [d.id for d in queries.dependant_rows(tx.session, account_id)]
    session_commands.revoke_all(tx, account_id, "account_closed", now)
    tx.session.execute(delete(dependants).where(dependants.c.guardian_id == account_id))
    tx.session.execute(delete(account_scopes).where(account_scopes.c.account_id == account_id))
    tx.session.execute(delete(organisation_members).where(organisation_members.c.account_id == account_id))
    tx.session.execute(
        update(accounts)
        .where(accounts.c.id == row.id)
        .values(
            status="closed",
            closed_at=now,
            name=None,
            phone=None,
            username=None,
            password_hash=None,
            totp_secret=None,
            totp_pending_secret=None,
            phone_purposes=None,
        )
    )
    audit.record(
        tx,
        "account_closed",
        at=now,
        actor_id=account_id,
        account_id=account_id,
        client_ip=client_ip,
        dependants_forgotten=len(dependant_ids),
    )
    tx.emit(
        AccountClosed(account_id=account_id, person_ids=[account_id, *dependant_ids], closed_at=now), subject=account_id
    )
