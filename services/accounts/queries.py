"""Reads of the accounts database."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.accounts import Account, AuditEntry, DependantView
from contracts.errors import NotFound
from services.accounts.domain.phones import masked
from services.accounts.tables import account_scopes, accounts, audit_log, dependants, organisation_members


def account_row(session: Session, account_id: str, *, for_update: bool = False):
    query = select(accounts).where(accounts.c.id == account_id)
    row = session.execute(query.with_for_update() if for_update else query).first()
    if row is None or row.status != "active":
        raise NotFound(f"No account {account_id}.", {"account_id": account_id})
    return row


def account_by_phone(session: Session, phone: str):
    return session.execute(select(accounts).where(accounts.c.phone == phone, accounts.c.status == "active")).first()


def account_by_username(session: Session, username: str, *, for_update: bool = False):
    query = select(accounts).where(accounts.c.username == username, accounts.c.status == "active")
    return session.execute(query.with_for_update() if for_update else query).first()


def granted_scopes(session: Session, account_id: str) -> list[str]:
    """The scopes a token of this account carries: granted ones, organisations, linked dependants."""
    granted = (
        session.execute(
            select(account_scopes.c.scope)
            .where(account_scopes.c.account_id == account_id)
            .order_by(account_scopes.c.scope)
        )
        .scalars()
        .all()
    )
    orgs = (
        session.execute(
            select(organisation_members.c.organisation_id).where(organisation_members.c.account_id == account_id)
        )
        .scalars()
        .all()
    )
    return [
        *granted,
        *sorted(f"org:{o}" for o in orgs),
        *(f"dependant:{d.id}" for d in dependant_rows(session, account_id)),
    ]


def dependant_rows(session: Session, account_id: str):
    return session.execute(
        select(dependants)
        .where(dependants.c.guardian_id == account_id)
        .order_by(dependants.c.created_at, dependants.c.id)
    ).all()


def account_view(session: Session, row) -> Account:
    return Account(
        id=row.id,
        role=row.role,
        name=row.name,
        phone_masked=masked(row.phone),
        username=row.username,
        scopes=granted_scopes(session, row.id),
        dependants=[DependantView(id=d.id, name=d.name, relation=d.relation) for d in dependant_rows(session, row.id)],
    )


def account_rows(session: Session, role: str | None = None, limit: int = 200):
    query = select(accounts).where(accounts.c.status == "active")
    if role:
        query = query.where(accounts.c.role == role)
    return session.execute(query.order_by(accounts.c.created_at, accounts.c.id).limit(limit)).all()


def audit_entries(
    session: Session, account_id: str | None = None, action: str | None = None, limit: int = 100
) -> list[dict]:
    query = select(audit_log)
    if account_id:
        query = query.where(audit_log.c.account_id == account_id)
    if action:
        query = query.where(audit_log.c.action == action)
    rows = session.execute(query.order_by(audit_log.c.at.desc(), audit_log.c.id).limit(limit)).all()
    return [
        AuditEntry(
            id=r.id,
            at=r.at,
            action=r.action,
            actor_id=r.actor_id,
            account_id=r.account_id,
            client_ip=r.client_ip,
            detail=r.detail or {},
        ).model_dump(mode="json")
        for r in rows
    ]
