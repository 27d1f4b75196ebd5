"""The two legs of a provider sign-in in the accounts database, and who the provider's person is here."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from kit.unit_of_work import Transaction
from services.accounts import audit, session_commands
from services.accounts.keys import AccountKeys
from services.accounts.oidc import Identity, Start
from services.accounts.tables import accounts, oidc_logins


def remember(tx: Transaction, start: Start, now: datetime, keep_seconds: int) -> None:
    tx.session.execute(delete(oidc_logins).where(oidc_logins.c.started_at < now - timedelta(seconds=keep_seconds)))
    tx.session.execute(
        oidc_logins.insert().values(
            state=start.state, nonce=start.nonce, code_verifier=start.code_verifier, started_at=now
        )
    )


def take(tx: Transaction, state: str, now: datetime, keep_seconds: int):
    """The started sign-in of this state, used once (None when unknown or too old)."""
    row = tx.session.execute(select(oidc_logins).where(oidc_logins.c.state == state).with_for_update()).first()
    if row is None:
        return None
    tx.session.execute(delete(oidc_logins).where(oidc_logins.c.state == state))
    return row if row.started_at >= now - timedelta(seconds=keep_seconds) else None


def sign_in(
    tx: Transaction, keys: AccountKeys, identity: Identity, client_ip: str | None, now: datetime
) -> dict | None:
    """A token pair for the account linked to this identity (linked now by user name the first time)."""
    account = tx.session.execute(
        select(accounts).where(
            accounts.c.oidc_issuer == identity.issuer,
            accounts.c.oidc_subject == identity.subject,
            accounts.c.status == "active",
        )
    ).first()
    if account is None:
        username = identity.username or identity.subject
        account = tx.session.execute(
            select(accounts)
            .where(accounts.c.username == username, accounts.c.status == "active", accounts.c.oidc_subject.is_(None))
            .with_for_update()
        ).first()
        if account is None:
            audit.record(
                tx,
                "sign_in_failed",
                at=now,
                client_ip=client_ip,
                method="oidc",
                reason="no_account",
                issuer=identity.issuer,
                subject=identity.subject[:100],
            )
            return None
        tx.session.execute(
            update(accounts)
            .where(accounts.c.id == account.id)
            .values(oidc_issuer=identity.issuer, oidc_subject=identity.subject)
        )
        audit.record(
            tx,
            "oidc_linked",
            at=now,
            actor_id=account.id,
            account_id=account.id,
            client_ip=client_ip,
            issuer=identity.issuer,
            subject=identity.subject[:100],
        )
    return session_commands.start(tx, keys, account, "oidc", client_ip, now)
