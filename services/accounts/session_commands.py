"""Sign-in sessions: each is one family of rotating refresh tokens (single use; a second use of one
revokes the whole family) and the `sid` of the access tokens issued in it."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from contracts.accounts import SessionRevoked, TokenPair
from contracts.errors import NotFound
from kit.tokens import ACCESS_TOKEN_SECONDS
from kit.unit_of_work import Transaction
from services.accounts import audit, queries
from services.accounts.domain.sms_codes import keyed_hash
from services.accounts.keys import AccountKeys
from services.accounts.tables import refresh_tokens, sessions

REFRESH_TOKEN_LIFETIME = timedelta(days=30)


def _new_refresh_token(tx: Transaction, keys: AccountKeys, session_id: str, now: datetime) -> str:
    token_id, secret = uuid.uuid4().hex, secrets.token_urlsafe(32)
    tx.session.execute(
        refresh_tokens.insert().values(
            id=token_id,
            session_id=session_id,
            secret_hash=keyed_hash(keys.hashing, "refresh", secret),
            issued_at=now,
            expires_at=now + REFRESH_TOKEN_LIFETIME,
        )
    )
    return f"{token_id}.{secret}"


def _pair(tx: Transaction, keys: AccountKeys, account, session_id: str, refresh_token: str) -> dict:
    view = queries.account_view(tx.session, account)
    access = keys.signer.sign(
        sub=account.id,
        role=account.role,
        scopes=view.scopes,
        name=account.name,
        sid=session_id,
        ttl_seconds=ACCESS_TOKEN_SECONDS,
    )
    return TokenPair(
        access_token=access, refresh_token=refresh_token, expires_in=ACCESS_TOKEN_SECONDS, account=view
    ).model_dump(mode="json")


def start(tx: Transaction, keys: AccountKeys, account, method: str, client_ip: str | None, now: datetime) -> dict:
    session_id = str(uuid.uuid4())
    tx.session.execute(sessions.insert().values(id=session_id, account_id=account.id, method=method, created_at=now))
    audit.record(
        tx,
        "sign_in",
        at=now,
        actor_id=account.id,
        account_id=account.id,
        client_ip=client_ip,
        method=method,
        session_id=session_id,
    )
    return _pair(tx, keys, account, session_id, _new_refresh_token(tx, keys, session_id, now))


def revoke(tx: Transaction, session_id: str, account_id: str, reason: str, now: datetime) -> bool:
    """End a session (idempotent); the fact tells the gateway to refuse its access tokens at once."""
    done = tx.session.execute(
        update(sessions)
        .where(sessions.c.id == session_id, sessions.c.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason)
    ).rowcount
    if done:
        tx.emit(
            SessionRevoked(session_id=session_id, account_id=account_id, reason=reason, revoked_at=now),
            subject=account_id,
        )
    return bool(done)


def revoke_all(tx: Transaction, account_id: str, reason: str, now: datetime) -> int:
    live = (
        tx.session.execute(
            select(sessions.c.id).where(sessions.c.account_id == account_id, sessions.c.revoked_at.is_(None))
        )
        .scalars()
        .all()
    )
    return sum(revoke(tx, session_id, account_id, reason, now) for session_id in live)


@dataclass(frozen=True)
class Presented:
    """A refresh token as found: its row and session (None when unknown or forged)."""

    token: object | None
    session: object | None


def find(tx: Transaction, keys: AccountKeys, refresh_token: str) -> Presented:
    token_id, _, secret = refresh_token.partition(".")
    row = tx.session.execute(select(refresh_tokens).where(refresh_tokens.c.id == token_id).with_for_update()).first()
    if row is None or not secrets.compare_digest(row.secret_hash, keyed_hash(keys.hashing, "refresh", secret)):
        return Presented(None, None)
    session = tx.session.execute(select(sessions).where(sessions.c.id == row.session_id).with_for_update()).first()
    return Presented(row, session)


def rotate(
    tx: Transaction, keys: AccountKeys, presented: Presented, client_ip: str | None, now: datetime
) -> dict | str:
    """A new pair for a valid token, else why not (str): unknown | revoked | expired | reused."""
    token, session = presented.token, presented.session
    if token is None:
        return "unknown"
    if session.revoked_at is not None:
        return "revoked"
    if token.used_at is not None:
        revoke(tx, session.id, session.account_id, "refresh_token_reused", now)
        audit.record(
            tx,
            "refresh_token_reused",
            at=now,
            account_id=session.account_id,
            client_ip=client_ip,
            session_id=session.id,
        )
        return "reused"
    if token.expires_at <= now:
        return "expired"
    try:
        account = queries.account_row(tx.session, session.account_id)
    except NotFound:  # a closed account has no live session
        revoke(tx, session.id, session.account_id, "account_closed", now)
        return "revoked"
    tx.session.execute(update(refresh_tokens).where(refresh_tokens.c.id == token.id).values(used_at=now))
    return _pair(tx, keys, account, session.id, _new_refresh_token(tx, keys, session.id, now))


def recently_revoked(session, now: datetime) -> list[dict]:
    """Sessions whose access tokens may still be unexpired: the gateway's refusal list at start."""
    since = now - timedelta(seconds=ACCESS_TOKEN_SECONDS)
    rows = session.execute(select(sessions.c.id, sessions.c.revoked_at).where(sessions.c.revoked_at >= since)).all()
    return [
        {"session_id": r.id, "seconds_left": max(0, ACCESS_TOKEN_SECONDS - int((now - r.revoked_at).total_seconds()))}
        for r in rows
    ]
