"""Dependants: a person without a phone of their own (an elderly parent) linked to an account that may act
for them. The dependant's id is a person id like any other; the guardian's next token carries
`dependant:<id>`, and services record who acted for whom (e.g. events' `registered_by`)."""

from __future__ import annotations

import uuid
from datetime import datetime

from contracts.accounts import DependantCreate, DependantView
from contracts.errors import Conflict
from kit.unit_of_work import Transaction
from services.accounts import audit, queries
from services.accounts.tables import dependants

MAX_DEPENDANTS = 10


def link(tx: Transaction, guardian_id: str, data: DependantCreate, client_ip: str | None, now: datetime) -> dict:
    queries.account_row(tx.session, guardian_id, for_update=True)
    if len(queries.dependant_rows(tx.session, guardian_id)) >= MAX_DEPENDANTS:
        raise Conflict(f"At most {MAX_DEPENDANTS} dependants can be linked to one account.")
    dependant_id = str(uuid.uuid4())
    tx.session.execute(
        dependants.insert().values(
            id=dependant_id, guardian_id=guardian_id, name=data.name, relation=data.relation, created_at=now
        )
    )
    audit.record(
        tx,
        "dependant_linked",
        at=now,
        actor_id=guardian_id,
        account_id=guardian_id,
        client_ip=client_ip,
        dependant_id=dependant_id,
        relation=data.relation,
    )
    return DependantView(id=dependant_id, name=data.name, relation=data.relation).model_dump(mode="json")
