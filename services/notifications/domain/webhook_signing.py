"""Standard Webhooks signatures (https://www.standardwebhooks.com), via the reference package.

Receivers verify with any Standard Webhooks library, e.g.
`standardwebhooks.Webhook(secret).verify(body, headers)`.

Use the CloudEvent id as `msg_id`: it stays the same across retries and replays, which is
what lets a receiver drop a message it already processed.
"""

from __future__ import annotations

import base64
import math
import secrets
from datetime import datetime, timezone
from typing import Sequence

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"
MIN_SECRET_BYTES = 24
MAX_SECRET_BYTES = 32


def new_secret(num_bytes: int = MIN_SECRET_BYTES) -> str:
    """A fresh endpoint secret, 'whsec_' + base64 of 24–32 random bytes."""
    if not MIN_SECRET_BYTES <= num_bytes <= MAX_SECRET_BYTES:
        raise ValueError(f"secret length must be {MIN_SECRET_BYTES}..{MAX_SECRET_BYTES} bytes, got {num_bytes}")
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(num_bytes)).decode("ascii")


def _utc(timestamp: datetime | int | float) -> datetime:
    # Webhook.sign() *replaces* the tzinfo with UTC instead of converting, so a Shanghai
    # time would be signed eight hours off. Convert here; naive values are taken as UTC.
    if isinstance(timestamp, datetime):
        if timestamp.tzinfo is None:
            return timestamp.replace(tzinfo=timezone.utc)
        return timestamp.astimezone(timezone.utc)
    return datetime.fromtimestamp(timestamp, tz=timezone.utc)


def signed_headers(
    secret: str,
    msg_id: str,
    timestamp: datetime | int | float,
    body: str,
    *,
    also_sign_with: Sequence[str] = (),
) -> dict[str, str]:
    """The three Standard Webhooks headers for `body`, sent exactly as signed.

    `timestamp` is the send time of this attempt (a datetime or Unix seconds): receivers
    reject timestamps more than 5 minutes off, so sign at each attempt, not at creation.
    `also_sign_with` adds signatures with other secrets (space-separated, as the standard
    allows) so an endpoint keeps verifying while its secret is being rotated.
    """
    if not msg_id:
        raise ValueError("msg_id must not be empty")
    sent_at = _utc(timestamp)
    signatures = [Webhook(key).sign(msg_id=msg_id, timestamp=sent_at, data=body) for key in (secret, *also_sign_with)]
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(math.floor(sent_at.timestamp())),
        "webhook-signature": " ".join(signatures),
    }
