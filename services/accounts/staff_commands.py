"""Staff accounts: created by administrators, sign in with user name and password (locked for a while
after repeated failures), optional TOTP; roles and granted scopes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update

from contracts.accounts import AccountCreate
from contracts.common import Actor
from contracts.errors import Conflict
from kit.unit_of_work import Transaction
from services.accounts import audit, passwords, queries, session_commands
from services.accounts.domain.lockout import lock_after
from services.accounts.keys import AccountKeys
from services.accounts.tables import account_scopes, accounts


def create(tx: Transaction, actor: Actor, data: AccountCreate, client_ip: str | None, now: datetime) -> str:
    if queries.account_by_username(tx.session, data.username) is not None:
        raise Conflict(f"The user name {data.username} is taken.", {"field": "username"})
    account_id = str(uuid.uuid4())
    tx.session.execute(
        accounts.insert().values(
            id=account_id,
            role=data.role,
            name=data.name,
            username=data.username,
            password_hash=passwords.hash_password(data.password),
            status="active",
            failed_sign_ins=0,
            created_at=now,
        )
    )
    audit.record(
        tx,
        "account_created",
        at=now,
        actor_id=actor.sub,
        account_id=account_id,
        client_ip=client_ip,
        role=data.role,
        username=data.username,
    )
    return account_id


@dataclass(frozen=True)
class Refusal:
    reason: str  # wrong | locked | totp_required
    retry_after: int | None = None


def sign_in(
    tx: Transaction,
    keys: AccountKeys,
    username: str,
    password: str,
    totp_code: str | None,
    client_ip: str | None,
    now: datetime,
) -> dict | Refusal:
    account = queries.account_by_username(tx.session, username, for_update=True)
    if account is None or account.password_hash is None:
        passwords.password_matches(None, password)  # same time as a wrong password
        audit.record(
            tx,
            "sign_in_failed",
            at=now,
            client_ip=client_ip,
            method="password",
            reason="unknown_user",
            username=username[:100],
        )
        return Refusal("wrong")
    if account.locked_until is not None and account.locked_until > now:
        audit.record(
            tx, "sign_in_failed", at=now, account_id=account.id, client_ip=client_ip, method="password", reason="locked"
        )
        return Refusal("locked", max(1, int((account.locked_until - now).total_seconds()) + 1))
    if not passwords.password_matches(account.password_hash, password):
        return _failed(tx, account, "wrong_password", client_ip, now)
    if account.totp_secret:
        if not totp_code:
            return Refusal("totp_required")  # the password was right: not a failure, ask for the code
        if not passwords.totp_matches(account.totp_secret, totp_code):
            return _failed(tx, account, "wrong_totp", client_ip, now)
    changes = {"failed_sign_ins": 0, "locked_until": None}
    if passwords.needs_rehash(account.password_hash):
        changes["password_hash"] = passwords.hash_password(password)
    tx.session.execute(update(accounts).where(accounts.c.id == account.id).values(**changes))
    return session_commands.start(tx, keys, account, "password", client_ip, now)


def _failed(tx: Transaction, account, reason: str, client_ip: str | None, now: datetime) -> Refusal:
    failures = account.failed_sign_ins + 1
    lock = lock_after(failures)
    tx.session.execute(
        update(accounts)
        .where(accounts.c.id == account.id)
        .values(failed_sign_ins=failures, locked_until=now + lock if lock else None)
    )
    audit.record(
        tx,
        "sign_in_failed",
        at=now,
        account_id=account.id,
        client_ip=client_ip,
        method="password",
        reason=reason,
        failures_in_a_row=failures,
        locked_seconds=int(lock.total_seconds()) if lock else 0,
    )
    return Refusal("wrong")


def offer_totp(tx: Transaction, account_id: str, now: datetime) -> dict:
    account = queries.account_row(tx.session, account_id, for_update=True)
    secret = passwords.new_totp_secret()
    tx.session.execute(update(accounts).where(accounts.c.id == account.id).values(totp_pending_secret=secret))
    return {"secret": secret, "otpauth_uri": passwords.totp_uri(secret, account.username or account.id)}


def confirm_totp(tx: Transaction, account_id: str, code: str, client_ip: str | None, now: datetime) -> bool:
    account = queries.account_row(tx.session, account_id, for_update=True)
    if not account.totp_pending_secret or not passwords.totp_matches(account.totp_pending_secret, code):
        return False
    tx.session.execute(
        update(accounts)
        .where(accounts.c.id == account.id)
        .values(totp_secret=account.totp_pending_secret, totp_pending_secret=None)
    )
    audit.record(tx, "totp_enabled", at=now, actor_id=account.id, account_id=account.id, client_ip=client_ip)
    return True


def change_role(
    tx: Transaction, actor: Actor, account_id: str, role: str, client_ip: str | None, now: datetime
) -> None:
    account = queries.account_row(tx.session, account_id, for_update=True)
    if account.role == role:
        return
    tx.session.execute(update(accounts).where(accounts.c.id == account.id).values(role=role))
    # A role change takes effect at once: the sessions holding tokens of the old role end.
    session_commands.revoke_all(tx, account.id, "roles_changed", now)
    audit.record(
        tx,
        "role_changed",
        at=now,
        actor_id=actor.sub,
        account_id=account.id,
        client_ip=client_ip,
        old_role=account.role,
        new_role=role,
    )


def grant(tx: Transaction, actor: Actor, account_id: str, scope: str, client_ip: str | None, now: datetime) -> None:
    queries.account_row(tx.session, account_id, for_update=True)
    held = tx.session.execute(
        select(account_scopes.c.scope).where(account_scopes.c.account_id == account_id, account_scopes.c.scope == scope)
    ).first()
    if held:
        return
    tx.session.execute(
        account_scopes.insert().values(account_id=account_id, scope=scope, granted_by=actor.sub, granted_at=now)
    )
    audit.record(
        tx, "scope_granted", at=now, actor_id=actor.sub, account_id=account_id, client_ip=client_ip, scope=scope
    )


def withdraw(tx: Transaction, actor: Actor, account_id: str, scope: str, client_ip: str | None, now: datetime) -> None:
    """Takes effect with the next refresh (access tokens live 15 minutes) or sign-in."""
    queries.account_row(tx.session, account_id, for_update=True)
    gone = tx.session.execute(
        delete(account_scopes).where(account_scopes.c.account_id == account_id, account_scopes.c.scope == scope)
    ).rowcount
    if gone:
        audit.record(
            tx, "scope_withdrawn", at=now, actor_id=actor.sub, account_id=account_id, client_ip=client_ip, scope=scope
        )
