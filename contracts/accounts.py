"""Contracts of the accounts service: sign-in, tokens, accounts, scopes, dependants, organisations.

The HTTP shapes follow the sign-in contract agreed with the web, venue-rules and hardening engineers
(`/api/v1/auth` in docs/openapi.json). Facts carry ids only, never a phone number or a code: they leave the platform
through webhooks and outside AMQP subscribers.
"""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.common import Role
from contracts.envelope import DomainEvent

MainlandMobile = Field(pattern=r"^\s*(?:\+?86)?\s*1[3-9]\d{9}\s*$", examples=["13800138000"],
                       description="A mainland China mobile number (11 digits, optionally +86).")


class SmsCodeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    phone: str = MainlandMobile


class SmsCodeSent(BaseModel):
    retry_after: int = Field(description="Seconds before another code may be sent to this number.")


class SmsSignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    phone: str = MainlandMobile
    code: str = Field(pattern=r"^\d{6}$", examples=["123456"])
    accept_privacy_notice: bool = Field(
        False, description="Needed for a first sign-in (it creates the account): consent to the privacy notice.")


class PasswordSignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)
    totp_code: str | None = Field(None, pattern=r"^\d{6}$")


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


class PublicKeys(BaseModel):
    """A JSON Web Key Set (RFC 7517): the public keys that verify access tokens."""

    keys: list[dict]


class SessionRevoked(DomainEvent):
    source_service = "accounts"
    event_type = "account.session_revoked"
    summary = ("A sign-in session (refresh-token family) ended: sign-out, reuse of a refresh token, or the "
               "account's roles changed or it closed. Access tokens carrying this `sid` are refused at once.")
    session_id: str
    account_id: str
    reason: Literal["signed_out", "refresh_token_reused", "roles_changed", "account_closed"]
    revoked_at: datetime
