"""SMS sign-in: send a one-time code (rate limited per number), check it, and create the account on
a first sign-in with the privacy-notice consent recorded."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text, update

from kit.unit_of_work import Transaction
from services.accounts import audit, queries, session_commands
from services.accounts.domain import sms_codes
from services.accounts.keys import AccountKeys
from services.accounts.tables import accounts
from services.accounts.tables import sms_codes as code_rows

PRIVACY_NOTICE_VERSION = "2026-11"
PHONE_PURPOSES = ["sign_in", "service_notices"]  # what a resident agrees the number is used for


def _serialise_per_number(tx: Transaction, phone_hash: str) -> None:
    # Two requests for one number at the same moment must not both pass the rate limit. SQLite
    # transactions are serialised already (BEGIN IMMEDIATE); PostgreSQL takes a lock on the number.
    if tx.session.get_bind().dialect.name == "postgresql":
        tx.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"sms:{phone_hash}"})


@dataclass(frozen=True)
class NewCode:
    decision: sms_codes.SendDecision
    code_id: str | None = None
    code: str | None = None


def issue_code(tx: Transaction, keys: AccountKeys, phone: str, client_ip: str | None, now: datetime) -> NewCode:
    phone_hash = sms_codes.keyed_hash(keys.hashing, "phone", phone)
    _serialise_per_number(tx, phone_hash)
    recent = (
        tx.session.execute(
            select(code_rows.c.sent_at).where(
                code_rows.c.phone_hash == phone_hash, code_rows.c.sent_at > now - sms_codes.DAILY_WINDOW
            )
        )
        .scalars()
        .all()
    )
    decision = sms_codes.may_send(list(recent), now)
    if not decision.allowed:
        audit.record(tx, "sms_code_refused", at=now, client_ip=client_ip, reason=decision.reason)
        return NewCode(decision)
    code_id, code = str(uuid.uuid4()), sms_codes.new_code()
    tx.session.execute(
        code_rows.insert().values(
            id=code_id,
            phone_hash=phone_hash,
            code_hash=sms_codes.keyed_hash(keys.hashing, "code", phone, code),
            sent_at=now,
            expires_at=now + sms_codes.VALID_FOR,
            wrong_tries=0,
        )
    )
    return NewCode(decision, code_id, code)


def forget_code(tx: Transaction, code_id: str) -> None:
    """The SMS could not be handed over: the code never existed (and does not count against the limit)."""
    tx.session.execute(code_rows.delete().where(code_rows.c.id == code_id))


def sign_in(
    tx: Transaction,
    keys: AccountKeys,
    phone: str,
    code: str,
    accept_privacy_notice: bool,
    client_ip: str | None,
    now: datetime,
) -> dict | str:
    """A token pair, or why not (str): no_code | used | expired | locked | wrong | consent_needed."""
    phone_hash = sms_codes.keyed_hash(keys.hashing, "phone", phone)
    row = tx.session.execute(
        select(code_rows)
        .where(code_rows.c.phone_hash == phone_hash)
        .order_by(code_rows.c.sent_at.desc())
        .limit(1)
        .with_for_update()
    ).first()
    state = (
        None
        if row is None
        else sms_codes.CodeState(row.code_hash, row.expires_at, row.wrong_tries, row.used_at is not None)
    )
    verdict = sms_codes.check(state, sms_codes.keyed_hash(keys.hashing, "code", phone, code), now)
    if verdict == "wrong":
        tx.session.execute(
            update(code_rows).where(code_rows.c.id == row.id).values(wrong_tries=code_rows.c.wrong_tries + 1)
        )
    if verdict != "ok":
        audit.record(
            tx,
            "sign_in_failed",
            at=now,
            client_ip=client_ip,
            method="sms",
            reason=verdict,
            account_id=_account_id(tx, phone),
        )
        return verdict
    account = queries.account_by_phone(tx.session, phone)
    if account is None:
        if not accept_privacy_notice:
            return "consent_needed"  # the code stays valid: the person only has to tick the box
        account = _create_resident(tx, phone, client_ip, now)
    tx.session.execute(update(code_rows).where(code_rows.c.id == row.id).values(used_at=now))
    return session_commands.start(tx, keys, account, "sms", client_ip, now)


def _account_id(tx: Transaction, phone: str) -> str | None:
    account = queries.account_by_phone(tx.session, phone)
    return account.id if account else None


def _create_resident(tx: Transaction, phone: str, client_ip: str | None, now: datetime):
    account_id = str(uuid.uuid4())
    tx.session.execute(
        accounts.insert().values(
            id=account_id,
            role="resident",
            phone=phone,
            status="active",
            privacy_notice_accepted_at=now,
            privacy_notice_version=PRIVACY_NOTICE_VERSION,
            phone_purposes=PHONE_PURPOSES,
            failed_sign_ins=0,
            created_at=now,
        )
    )
    audit.record(
        tx,
        "account_created",
        at=now,
        actor_id=account_id,
        account_id=account_id,
        client_ip=client_ip,
        method="sms",
        privacy_notice_version=PRIVACY_NOTICE_VERSION,
        phone_purposes=PHONE_PURPOSES,
    )
    return queries.account_row(tx.session, account_id)
