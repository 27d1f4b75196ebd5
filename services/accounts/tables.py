"""The accounts database (owned by this service only).

Nothing secret is stored in the clear: SMS codes and refresh tokens as keyed hashes (HMAC-SHA256 with
the service's key), passwords as argon2 hashes. The phone number of an account is kept (to sign in
and to show it masked); the SMS code rows keep only a keyed hash of the number.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, MetaData, String, Table, UniqueConstraint

from kit.tables import UtcDateTime, add_kit_tables

metadata = MetaData()
outbox, inbox = add_kit_tables(metadata)

accounts = Table(
    "accounts",
    metadata,
    Column("id", String(36), primary_key=True),  # the `sub` of every token: the person id services store
    Column("role", String(20), nullable=False),
    Column("name", String(100), nullable=True),
    Column("phone", String(20), nullable=True, unique=True),  # 11 digits, mainland mobile
    Column("username", String(100), nullable=True, unique=True),
    Column("password_hash", String(200), nullable=True),
    Column("totp_secret", String(64), nullable=True),  # set: a TOTP code is needed to sign in
    Column("totp_pending_secret", String(64), nullable=True),  # offered, not yet confirmed with a code
    # The district identity provider's issuer and subject, linked at the first OIDC sign-in.
    Column("oidc_issuer", String(300), nullable=True),
    Column("oidc_subject", String(255), nullable=True),
    Column("status", String(20), nullable=False, default="active"),  # active | closed
    Column("privacy_notice_accepted_at", UtcDateTime(), nullable=True),
    Column("privacy_notice_version", String(20), nullable=True),
    Column("phone_purposes", JSON, nullable=True),  # what the number may be used for, as agreed
    Column("failed_sign_ins", Integer, nullable=False, default=0),
    Column("locked_until", UtcDateTime(), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("closed_at", UtcDateTime(), nullable=True),
)

account_scopes = Table(
    "account_scopes",
    metadata,
    Column("account_id", String(36), ForeignKey("accounts.id"), primary_key=True),
    Column("scope", String(150), primary_key=True),
    Column("granted_by", String(100), nullable=False),
    Column("granted_at", UtcDateTime(), nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", String(36), primary_key=True),  # the `sid` claim; one refresh-token family
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=False, index=True),
    Column("method", String(20), nullable=False),  # sms | password | oidc
    Column("created_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime(), nullable=True, index=True),
    Column("revoked_reason", String(40), nullable=True),
)

refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("id", String(36), primary_key=True),  # the public half of the token
    Column("session_id", String(36), ForeignKey("sessions.id"), nullable=False, index=True),
    Column("secret_hash", String(64), nullable=False),
    Column("issued_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("used_at", UtcDateTime(), nullable=True),  # set when rotated: a second use is a reuse
)

sms_codes = Table(
    "sms_codes",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("phone_hash", String(64), nullable=False),
    Column("code_hash", String(64), nullable=False),
    Column("sent_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("wrong_tries", Integer, nullable=False, default=0),
    Column("used_at", UtcDateTime(), nullable=True),
    Index("ix_sms_codes_phone_sent", "phone_hash", "sent_at"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("at", UtcDateTime(), nullable=False, index=True),
    Column("action", String(40), nullable=False),  # sign_in | sign_in_failed | scope_granted | …
    Column("actor_id", String(100), nullable=True),  # who did it (None: not signed in)
    Column("account_id", String(36), nullable=True, index=True),  # whom it concerns
    Column("client_ip", String(64), nullable=True),  # from where
    Column("detail", JSON, nullable=False, default=dict),
)

# The first leg of a provider sign-in, until the provider sends the person back with a code.
oidc_logins = Table(
    "oidc_logins",
    metadata,
    Column("state", String(100), primary_key=True),
    Column("nonce", String(100), nullable=False),
    Column("code_verifier", String(200), nullable=False),
    Column("started_at", UtcDateTime(), nullable=False, index=True),
)

dependants = Table(
    "dependants",
    metadata,
    Column("id", String(36), primary_key=True),  # a person id, usable as `on_behalf_of`
    Column("guardian_id", String(36), ForeignKey("accounts.id"), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("relation", String(40), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

organisations = Table(
    "organisations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    UniqueConstraint("name", name="uq_organisations_name"),
)

organisation_members = Table(
    "organisation_members",
    metadata,
    Column("organisation_id", String(36), ForeignKey("organisations.id"), primary_key=True),
    Column("account_id", String(36), ForeignKey("accounts.id"), primary_key=True),
    Column("added_by", String(100), nullable=False),
    Column("added_at", UtcDateTime(), nullable=False),
)

__all__ = [
    "metadata",
    "accounts",
    "account_scopes",
    "sessions",
    "refresh_tokens",
    "sms_codes",
    "audit_log",
    "oidc_logins",
    "dependants",
    "organisations",
    "organisation_members",
]
