"""Registered organisations (associations, schools, troupes) and their members: a member's tokens carry
`org:<id>`, which venues uses for organisation bookings."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select

from contracts.accounts import Organisation, OrganisationCreate
from contracts.common import Actor
from contracts.errors import NotFound
from kit.unit_of_work import Transaction
from services.accounts import audit, queries
from services.accounts.tables import organisation_members, organisations


def create(tx: Transaction, actor: Actor, data: OrganisationCreate, client_ip: str | None, now: datetime) -> str:
    organisation_id = str(uuid.uuid4())
    tx.session.execute(
        organisations.insert().values(
            id=organisation_id, name=data.name, kind=data.kind, created_by=actor.sub, created_at=now
        )
    )
    audit.record(
        tx,
        "organisation_created",
        at=now,
        actor_id=actor.sub,
        client_ip=client_ip,
        organisation_id=organisation_id,
        name=data.name,
    )
    return organisation_id


def add_member(
    tx: Transaction, actor: Actor, organisation_id: str, account_id: str, client_ip: str | None, now: datetime
) -> None:
    organisation_row(tx.session, organisation_id)
    queries.account_row(tx.session, account_id)
    present = tx.session.execute(
        select(organisation_members.c.account_id).where(
            organisation_members.c.organisation_id == organisation_id, organisation_members.c.account_id == account_id
        )
    ).first()
    if present:
        return
    tx.session.execute(
        organisation_members.insert().values(
            organisation_id=organisation_id, account_id=account_id, added_by=actor.sub, added_at=now
        )
    )
    audit.record(
        tx,
        "organisation_member_added",
        at=now,
        actor_id=actor.sub,
        account_id=account_id,
        client_ip=client_ip,
        organisation_id=organisation_id,
    )


def organisation_row(session, organisation_id: str):
    row = session.execute(select(organisations).where(organisations.c.id == organisation_id)).first()
    if row is None:
        raise NotFound(f"No organisation {organisation_id}.", {"organisation_id": organisation_id})
    return row


def organisation_view(session, organisation_id: str) -> dict:
    row = organisation_row(session, organisation_id)
    members = session.execute(
        select(organisation_members.c.account_id)
        .where(organisation_members.c.organisation_id == organisation_id)
        .order_by(organisation_members.c.added_at)
    ).scalars()
    return Organisation(id=row.id, name=row.name, kind=row.kind, members=list(members)).model_dump(mode="json")
