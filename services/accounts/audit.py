"""The audit log: every sign-in, failed sign-in, role or scope change and account closure, with who did
it, when and from where. Written in the transaction of the change it records."""

from __future__ import annotations

import uuid
from datetime import datetime

from kit.unit_of_work import Transaction
from services.accounts.tables import audit_log


def record(
    tx: Transaction,
    action: str,
    *,
    at: datetime,
    actor_id: str | None = None,
    account_id: str | None = None,
    client_ip: str | None = None,
    **detail,
) -> None:
    tx.session.execute(
        audit_log.insert().values(
            id=str(uuid.uuid4()),
            at=at,
            action=action,
            actor_id=actor_id,
            account_id=account_id,
            client_ip=(client_ip or None) and str(client_ip)[:64],
            detail=detail,
        )
    )
