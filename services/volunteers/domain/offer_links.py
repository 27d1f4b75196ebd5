"""Signed accept / decline links that work without logging in.

Token = ``base64url(payload) "." base64url(tag)``, no padding, where

    payload = "1.<a|d>.<expiry, unix seconds in base 36>.<offer id>"   (UTF-8)
    tag     = first 16 bytes of HMAC-SHA256(secret, "wenyun.offer-link\\n" + payload)

- The context prefix keeps a tag made here from being valid for anything else signed with the same key.
- The tag is cut to 128 bits to keep SMS links short; 128 bits is far beyond what guessing online can reach.
- Verification checks the tag (constant time) before trusting any field, then the expiry.
- A token only proves "whoever holds this link may answer this offer until then"; answering twice is
  refused by the offer's state (``dispatch.OfferClosed``), not here.
- Several secrets may be given to ``verify_offer_token`` (newest first) so the key can be rotated without
  breaking links already sent.
- Datetimes must be timezone-aware: a token outlives any one server's local clock setting.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Sequence
from datetime import datetime, timezone
from enum import StrEnum

TOKEN_VERSION = "1"
TAG_BYTES = 16
MIN_SECRET_BYTES = 16
MAX_OFFER_ID_LENGTH = 200
_CONTEXT = b"wenyun.offer-link\n"
_ACTION_CODES = {"accept": "a", "decline": "d"}
_ACTIONS_BY_CODE = {code: action for action, code in _ACTION_CODES.items()}


class OfferAction(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"


class InvalidOfferToken(ValueError):
    """``reason`` is one of ``malformed``, ``bad_signature``, ``expired``."""

    MALFORMED = "malformed"
    BAD_SIGNATURE = "bad_signature"
    EXPIRED = "expired"

    def __init__(self, reason: str, detail: str) -> None:
        self.reason = reason
        super().__init__(f"{reason}: {detail}")


def sign_offer_token(secret: bytes, offer_id: str, action: OfferAction | str, expires_at: datetime) -> str:
    """A compact, URL-safe token granting ``action`` on ``offer_id`` until ``expires_at``."""
    _check_secret(secret)
    if not offer_id or len(offer_id) > MAX_OFFER_ID_LENGTH or not offer_id.isprintable():
        raise ValueError(f"offer_id must be 1..{MAX_OFFER_ID_LENGTH} printable characters")
    code = _ACTION_CODES[OfferAction(action).value]
    payload = f"{TOKEN_VERSION}.{code}.{_base36(_unix_seconds(expires_at))}.{offer_id}".encode()
    return f"{_b64encode(payload)}.{_b64encode(_tag(secret, payload))}"


def verify_offer_token(secret: bytes | Sequence[bytes], token: str, now: datetime) -> tuple[str, OfferAction]:
    """Return ``(offer_id, action)`` or raise ``InvalidOfferToken`` with the reason."""
    secrets = [secret] if isinstance(secret, (bytes, bytearray)) else list(secret)
    if not secrets:
        raise ValueError("at least one secret is needed")
    for s in secrets:
        _check_secret(s)
    now_s = _unix_seconds(now)

    if not isinstance(token, str) or token.count(".") != 1:
        raise InvalidOfferToken(InvalidOfferToken.MALFORMED, "a token has two parts separated by one dot")
    payload_part, tag_part = token.split(".")
    payload, tag = _b64decode(payload_part), _b64decode(tag_part)
    if payload is None or tag is None or not payload:
        raise InvalidOfferToken(InvalidOfferToken.MALFORMED, "not base64url")
    if len(tag) != TAG_BYTES:
        raise InvalidOfferToken(InvalidOfferToken.MALFORMED, "the signature has the wrong length")

    # Check every key without stopping early, so timing does not tell which key matched.
    matched = False
    for s in secrets:
        matched |= hmac.compare_digest(_tag(s, payload), tag)
    if not matched:
        raise InvalidOfferToken(InvalidOfferToken.BAD_SIGNATURE, "the signature does not match")

    # Signed by us, so the fields are ours; still parse defensively.
    try:
        version, code, expiry36, offer_id = payload.decode().split(".", 3)
        expires_s = int(expiry36, 36)
        action = OfferAction(_ACTIONS_BY_CODE[code])
    except (UnicodeDecodeError, ValueError, KeyError):
        raise InvalidOfferToken(InvalidOfferToken.MALFORMED, "unreadable payload") from None
    if version != TOKEN_VERSION or not offer_id:
        raise InvalidOfferToken(InvalidOfferToken.MALFORMED, f"unknown token version {version!r}")
    if now_s >= expires_s:
        expired_at = datetime.fromtimestamp(expires_s, tz=timezone.utc).isoformat()
        raise InvalidOfferToken(InvalidOfferToken.EXPIRED, f"the link expired at {expired_at}")
    return offer_id, action


def _tag(secret: bytes, payload: bytes) -> bytes:
    return hmac.new(secret, _CONTEXT + payload, hashlib.sha256).digest()[:TAG_BYTES]


def _check_secret(secret: bytes) -> None:
    if not isinstance(secret, (bytes, bytearray)) or len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"the signing secret must be at least {MIN_SECRET_BYTES} bytes")


def _unix_seconds(moment: datetime) -> int:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetimes for offer links must be timezone-aware")
    return int(moment.timestamp())


def _base36(n: int) -> str:
    if n < 0:
        raise ValueError("expiry before 1970 is not supported")
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes | None:
    """Strict base64url without padding; ``None`` for anything else (including non-canonical forms)."""
    try:
        raw = text.encode("ascii")
        data = base64.b64decode(raw + b"=" * (-len(raw) % 4), altchars=b"-_", validate=True)
    except (UnicodeEncodeError, binascii.Error, ValueError):
        return None
    # Reject '=' and spare trailing bits: one token, one spelling.
    return data if _b64encode(data) == text else None
