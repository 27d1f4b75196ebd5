"""Contracts of the notifications service: the in-app inbox, the people directory (contact details and
consent), message deliveries, and webhook subscriptions for other district systems."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    UrlConstraints,
    field_validator,
)

from contracts.common import IsoAwareDatetime, StrictBool, ecma_pattern

PHONE_PATTERN = r"^\+?[0-9][0-9\- ]{5,19}$"
EMAIL_PATTERN = ecma_pattern(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TIME_OF_DAY_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"

MessageChannel = Literal["sms", "email", "inbox"]
Language = Literal["zh-CN", "en"]


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
WebhookUrl = Annotated[HttpUrl, UrlConstraints(max_length=2000, allowed_schemes=["http", "https"])]
EventTypeFilter = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_no_nul)]


# ---- the in-app inbox ---------------------------------------------------------------------------


class InboxMessage(BaseModel):
    """One message in a person's inbox: addressed to them, to their role ("role:<role>") or to one of
    their object scopes ("scope:venue:<id>")."""

    id: str
    recipient: str
    event_id: str = Field(description="The CloudEvent id of the fact the message is about.")
    event_type: str
    subject: str
    body: str
    created_at: datetime
    read: bool = False
    read_at: datetime | None = None


class MarkedRead(BaseModel):
    marked: int = Field(description="How many messages were unread and are now read.")


# ---- the people directory -----------------------------------------------------------------------


class QuietHours(BaseModel):
    """Local district time (Asia/Shanghai). A non-urgent SMS that would arrive in between waits until
    `end`; e-mail and the inbox are never held back. `start` equal to `end` means no quiet hours."""

    model_config = ConfigDict(extra="forbid")
    start: str = Field("22:00", pattern=TIME_OF_DAY_PATTERN, examples=["22:00"])
    end: str = Field("08:00", pattern=TIME_OF_DAY_PATTERN, examples=["08:00"])


class PersonContactUpdate(BaseModel):
    """How a person wants to be told: contact details, the channels they agreed to, language, quiet hours.

    The inbox needs no consent; SMS and e-mail are only used when listed in `channels` and the number
    or address is known."""

    model_config = ConfigDict(extra="forbid")
    # The constraints before the validator: after one, pydantic checks them but leaves them out of the schema.
    name: Annotated[str, Field(max_length=100), AfterValidator(_no_nul)] | None = None
    phone: str | None = Field(None, pattern=PHONE_PATTERN, examples=["13812345678"])
    email: Annotated[str, Field(pattern=EMAIL_PATTERN, max_length=200), AfterValidator(_no_nul)] | None = None
    channels: list[MessageChannel] = Field(
        default_factory=lambda: ["inbox"],  # type: ignore[arg-type]
        description="Channels the person consented to.",
    )
    language: Language = "zh-CN"
    quiet_hours: QuietHours = Field(default_factory=QuietHours)

    @field_validator("channels")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        return sorted(set(value) | {"inbox"})


class Person(PersonContactUpdate):
    person_id: str
    updated_at: datetime | None = None
    updated_by: str | None = None


# ---- message deliveries (e-mail and SMS), for operators ------------------------------------------

DeliveryStatus = Literal["pending", "sending", "sent", "failed", "skipped", "unconfirmed"]


class MessageDelivery(BaseModel):
    """One e-mail or SMS for one person about one fact (unique per fact, person and channel).

    `unconfirmed`: the service stopped between handing an e-mail to the SMTP server and recording it;
    it is not sent again automatically (at most once) — an operator may resend it."""

    id: str
    dedupe_key: str
    event_id: str
    event_type: str
    recipient: str
    channel: Literal["sms", "email"]
    address: str
    subject: str
    status: DeliveryStatus
    urgent: bool
    attempts: int
    not_before: datetime
    sent_at: datetime | None = None
    provider_id: str | None = None
    last_error: str | None = None
    created_at: datetime


# ---- webhooks ---------------------------------------------------------------------------------


class WebhookSubscriptionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: WebhookUrl = Field(
        description="Where to POST each matching fact (http or https).",
        examples=["https://archive.district.example.cn/wenyun/webhook"],
    )
    event_types: list[EventTypeFilter] = Field(
        default_factory=list,
        max_length=100,
        description="Exact types ('venue.closed') or patterns with '*' for one segment ('booking.*', "
        "'*.cancelled', '*'). Empty: every type.",
    )
    description: Text = Field("", max_length=500)


class WebhookSubscriptionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: WebhookUrl | None = None
    event_types: list[EventTypeFilter] | None = Field(None, max_length=100)
    description: Text | None = Field(None, max_length=500)
    enabled: StrictBool | None = Field(None, description="true re-enables an endpoint disabled after failing.")


class WebhookSubscription(BaseModel):
    id: str
    owner: str
    url: str
    event_types: list[str]
    description: str
    status: Literal["active", "disabled"]
    disabled_reason: str | None = None
    failing_since: datetime | None = None
    created_at: datetime
    updated_at: datetime


class WebhookSubscriptionCreated(WebhookSubscription):
    secret: str = Field(
        description="The signing secret (whsec_…), shown only once: verify every delivery "
        "with any Standard Webhooks library."
    )


class WebhookAttempt(BaseModel):
    attempt: int
    at: datetime
    status_code: int | None = None
    error: str | None = None
    duration_ms: int | None = None


class WebhookDeliveryView(BaseModel):
    id: str
    subscription_id: str
    event_id: str = Field(description="Also the `webhook-id` header: the same on every retry and replay.")
    event_type: str
    state: Literal["pending", "succeeded", "failed"]
    attempts: int
    next_attempt_at: datetime | None = None
    last_status_code: int | None = None
    last_error: str | None = None
    last_attempt_at: datetime | None = None
    created_at: datetime
    log: list[WebhookAttempt] = []


class WebhookReplay(BaseModel):
    model_config = ConfigDict(extra="forbid")
    since: IsoAwareDatetime = Field(description="Replay every failed delivery created at or after this time.")


class WebhookReplayed(BaseModel):
    replayed: int
    delivery_ids: list[str]
