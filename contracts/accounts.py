"""Contracts of the accounts service: sign-in, tokens, accounts, scopes, dependants, organisations.

The HTTP shapes follow the sign-in contract agreed with the web, venue-rules and hardening engineers
(`/api/v1/auth` in docs/openapi.json). Facts carry ids only, never a phone number or a code: they leave the platform
through webhooks and outside AMQP subscribers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.common import PYTHON_SPACE, Role, StrictBool, ecma_pattern
from contracts.envelope import DomainEvent

MainlandMobile = Field(
    pattern=ecma_pattern(r"^\s*(?:\+?86)?\s*1[3-9]\d{9}\s*$", PYTHON_SPACE),  # checked again in Python
    examples=["13800138000"],
    description="A mainland China mobile number (11 digits, optionally +86).",
)


class SmsCodeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    phone: str = MainlandMobile


class SmsCodeSent(BaseModel):
    retry_after: int = Field(description="Seconds before another code may be sent to this number.")


class SmsSignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    phone: str = MainlandMobile
    code: str = Field(pattern=ecma_pattern(r"^\d{6}$"), examples=["123456"])
    accept_privacy_notice: StrictBool = Field(
        False, description="Needed for a first sign-in (it creates the account): consent to the privacy notice."
    )


class PasswordSignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)
    totp_code: str | None = Field(None, pattern=ecma_pattern(r"^\d{6}$"))


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    refresh_token: str = Field(min_length=10, max_length=200)


class DependantView(BaseModel):
    id: str
    name: str
    relation: str


class Account(BaseModel):
    id: str
    role: Role
    name: str | None = None
    phone_masked: str | None = Field(None, examples=["138****8000"])
    username: str | None = None
    scopes: list[str] = []
    dependants: list[DependantView] = []


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int = 900
    account: Account


class AccountCreate(BaseModel):
    """A staff account (an administrator creates it): signs in with user name and password."""

    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=3, max_length=100, pattern=r"^[A-Za-z0-9._@-]+$", examples=["chengbiqun"])
    password: str = Field(min_length=10, max_length=200, description="At least 10 characters.")
    role: Role
    name: str = Field(min_length=1, max_length=100, examples=["程必群"])


class RoleChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Role


class AuditEntry(BaseModel):
    id: str
    at: datetime
    action: str
    actor_id: str | None = None
    account_id: str | None = None
    client_ip: str | None = None
    detail: dict = {}


class TotpSetup(BaseModel):
    secret: str = Field(description="Base32; enter it in an authenticator app or scan `otpauth_uri` as a QR code.")
    otpauth_uri: str


class TotpConfirm(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=ecma_pattern(r"^\d{6}$"))


class OrganisationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200, examples=["嘉平镇老年协会"])
    kind: str = Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$", examples=["association"])


class Organisation(OrganisationCreate):
    id: str
    members: list[str] = []


class DependantCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100, examples=["王秀英"])
    relation: str = Field(min_length=1, max_length=40, examples=["mother"])


class PublicKeys(BaseModel):
    """A JSON Web Key Set (RFC 7517): the public keys that verify access tokens."""

    keys: list[dict]


class SessionRevoked(DomainEvent):
    source_service = "accounts"
    event_type = "account.session_revoked"
    summary = (
        "A sign-in session (refresh-token family) ended: sign-out, reuse of a refresh token, or the "
        "account's roles changed or it closed. Access tokens carrying this `sid` are refused at once."
    )
    session_id: str
    account_id: str
    reason: Literal["signed_out", "refresh_token_reused", "roles_changed", "account_closed"]
    revoked_at: datetime


class AccountClosed(DomainEvent):
    source_service = "accounts"
    event_type = "account.closed"
    summary = (
        "A person closed their account (PIPL): every service forgets or anonymises what it keeps of "
        "these person ids (the account and its linked dependants): phone numbers, names, contacts."
    )
    account_id: str
    person_ids: list[str] = Field(description="The account id and the ids of its dependants.")
    closed_at: datetime


class MyData(BaseModel):
    """Everything accounts keeps about the caller (PIPL export)."""

    account: Account
    phone: str | None = None
    privacy_notice_accepted_at: datetime | None = None
    privacy_notice_version: str | None = None
    phone_purposes: list[str] = []
    created_at: datetime
    sessions: list[dict] = []
    audit: list[AuditEntry] = []
