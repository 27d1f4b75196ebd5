"""Settings of the notifications service: environment variables WENYUN_NOTIFICATIONS_<FIELD>
(kit.service_settings); the names of earlier releases still work: NOTIFICATIONS_<FIELD>, and SMTP_* for
the mail server (see docs/subscribing.md).

    SMTP_HOST, SMTP_PORT, SMTP_SENDER      e-mail; with no SMTP_HOST e-mails are logged and marked
                                           `skipped` (a development machine without a mail server)
    SMTP_STARTTLS, SMTP_USERNAME, SMTP_PASSWORD
    NOTIFICATIONS_SMS_PROVIDER             dev (default: stores texts in NOTIFICATIONS_SMS_DEV_PATH,
                                           var/sms-dev.jsonl) | none (SMS skipped) | aliyun (Aliyun SMS:
                                           NOTIFICATIONS_ALIYUN_ACCESS_KEY_ID, _ACCESS_KEY_SECRET,
                                           _SMS_SIGN_NAME, _SMS_DEFAULT_TEMPLATE, _SMS_TEMPLATES as JSON)
    NOTIFICATIONS_SEND_INTERVAL            seconds between sweeps of due e-mail/SMS (1)
    NOTIFICATIONS_SEND_LEASE               seconds after which a send that never finished is
                                           considered interrupted by a crash (120)
    NOTIFICATIONS_EMAIL_AFTER_CRASH        unconfirmed (default: at most once) | resend (at least once)
    NOTIFICATIONS_WEBHOOK_RETRY_DELAYS     e.g. "0,5,300,1800,7200,18000,36000" (Svix's schedule)
    NOTIFICATIONS_WEBHOOK_DISABLE_AFTER_DAYS   5
    NOTIFICATIONS_WEBHOOK_ALLOWED_NETWORKS     intranet ranges webhooks may reach, e.g. "10.8.0.0/16"
                                           (loopback, link-local and private addresses are refused otherwise)
    NOTIFICATIONS_WEBHOOK_REFUSED_HOSTS        more of the platform's own host names to refuse
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import field_validator
from pydantic_settings import NoDecode

from kit.service_settings import ServiceSettings, service_settings_config
from services.notifications.domain.webhook_policy import (
    DEFAULT_DISABLE_AFTER_DAYS,
    DEFAULT_RETRY_DELAYS,
    RetrySchedule,
)
from services.notifications.domain.webhook_targets import TargetPolicy
from services.notifications.webhook_secrets import SecretBox

Delays = Annotated[tuple[float, ...], NoDecode]
Names = Annotated[tuple[str, ...], NoDecode]


_SMTP = ("smtp_host", "smtp_port", "smtp_sender", "smtp_starttls", "smtp_username", "smtp_password")


class NotificationSettings(ServiceSettings):
    model_config = service_settings_config("notifications", old_prefixes=("NOTIFICATIONS_",), bare=_SMTP)

    smtp_host: str | None = None
    smtp_port: int = 1025
    smtp_sender: str = "文云 <noreply@wenyun.local>"
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_timeout: float = 15.0

    sms_provider: Literal["dev", "none", "aliyun"] = "dev"
    # Aliyun SMS (channels/sms_aliyun.py): the AccessKey, the registered signature, the approved template
    # codes per message kind (JSON: {"dispatch.offered": "SMS_123", …}) and the default one.
    aliyun_access_key_id: str | None = None
    aliyun_access_key_secret: str | None = None
    aliyun_sms_sign_name: str = "文云"
    aliyun_sms_default_template: str | None = None
    aliyun_sms_templates: dict[str, str] = {}
    aliyun_sms_endpoint: str = "https://dysmsapi.aliyuncs.com/"
    sms_dev_path: Path | None = None  # default: <WENYUN_VAR_DIR>/sms-dev.jsonl
    sms_signature: str = "【文云】"

    send_interval: float = 1.0
    send_lease: float = 120.0
    send_batch: int = 100
    # Waits after failed attempts 1, 2, …; len + 1 attempts in all, then `failed`.
    send_retry_delays: Delays = (30.0, 120.0, 600.0, 1800.0)
    email_after_crash: Literal["unconfirmed", "resend"] = "unconfirmed"

    webhook_interval: float = 1.0
    webhook_retry_delays: Delays = DEFAULT_RETRY_DELAYS
    webhook_timeout: float = 10.0
    webhook_lease: float = 60.0
    webhook_batch: int = 20  # per run: at most webhook_batch / concurrency × timeout, well inside the lease
    webhook_concurrency: int = 10
    webhook_disable_after_days: float = DEFAULT_DISABLE_AFTER_DAYS
    # Webhook targets (domain/webhook_targets.py): inward addresses are refused unless in one of these
    # administrator-allowed ranges, e.g. "10.8.0.0/16,172.20.0.0/16"; the platform's own host names are
    # refused too (the runtime adds the broker's and the public URL's).
    # Encrypts webhook secrets at rest (webhook_secrets.py); the runtime derives one from the platform secret
    # when unset.
    webhook_secret_key: str | None = None
    webhook_allowed_networks: Names = ()
    webhook_refused_hosts: Names = ()

    @field_validator("webhook_allowed_networks", "webhook_refused_hosts", mode="before")
    @classmethod
    def _names(cls, value):
        if isinstance(value, str):
            value = [p for p in value.split(",") if p.strip()]
        return tuple(str(v).strip() for v in value)

    @property
    def webhook_secret_box(self) -> SecretBox:
        if not self.webhook_secret_key:
            raise RuntimeError("no key for webhook secrets (the runtime sets one from WENYUN_SECRET_KEY)")
        return SecretBox(self.webhook_secret_key.encode("utf-8"))

    @property
    def webhook_target_policy(self) -> TargetPolicy:
        return TargetPolicy.of(self.webhook_allowed_networks, self.webhook_refused_hosts)

    @field_validator("send_retry_delays", "webhook_retry_delays", mode="before")
    @classmethod
    def _delays(cls, value):
        if isinstance(value, str):
            text = value.strip()
            value = json.loads(text) if text.startswith("[") else [p for p in text.split(",") if p.strip()]
        return tuple(float(v) for v in value)

    @property
    def webhook_schedule(self) -> RetrySchedule:
        return RetrySchedule(self.webhook_retry_delays)

    def sms_store(self, var_dir: Path) -> Path:
        return self.sms_dev_path or var_dir / "sms-dev.jsonl"
