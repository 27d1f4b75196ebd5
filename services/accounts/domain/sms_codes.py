"""One-time sign-in codes sent by SMS: 6 digits, valid 5 minutes, single use, at most 5 wrong tries;
at most one send per number per 60 s and 10 per 24 hours. Codes are kept only as keyed hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

CODE_DIGITS = 6
VALID_FOR = timedelta(minutes=5)
RESEND_AFTER = timedelta(seconds=60)
DAILY_WINDOW = timedelta(hours=24)
SENDS_PER_DAY = 10
WRONG_TRIES_ALLOWED = 5


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def keyed_hash(key: bytes, *parts: str) -> str:
    """HMAC-SHA256: a 6-digit code hashed without a key is found by trying all million codes."""
    return hmac.new(key, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def message_text(code: str) -> str:
    # Punctuation on both sides, so the code stands alone (phones offer to copy it; \b finds it).
    return f"文云登录验证码：{code}，5分钟内有效。如非本人操作，请忽略本短信。"


@dataclass(frozen=True)
class SendDecision:
    allowed: bool
    retry_after: int  # seconds until the next send is allowed (after this one, when allowed)
    reason: str | None = None  # too_soon | daily_limit


def may_send(recent_sends: list[datetime], now: datetime) -> SendDecision:
    """`recent_sends`: when codes went to this number in the last 24 hours."""
    in_window = sorted(t for t in recent_sends if now - t < DAILY_WINDOW)
    if in_window and now - in_window[-1] < RESEND_AFTER:
        return SendDecision(False, _seconds(RESEND_AFTER - (now - in_window[-1])), "too_soon")
    if len(in_window) >= SENDS_PER_DAY:
        oldest_that_counts = in_window[-SENDS_PER_DAY]
        return SendDecision(False, _seconds(DAILY_WINDOW - (now - oldest_that_counts)), "daily_limit")
    return SendDecision(True, _seconds(RESEND_AFTER))


def _seconds(delta: timedelta) -> int:
    return max(1, int(-(-delta.total_seconds() // 1)))  # round up: never invite a retry too early


@dataclass(frozen=True)
class CodeState:
    code_hash: str
    expires_at: datetime
    wrong_tries: int
    used: bool


def check(state: CodeState | None, given_hash: str, now: datetime) -> str:
    """'ok', or why not: 'no_code' | 'used' | 'expired' | 'locked' | 'wrong' (the caller counts a wrong try)."""
    if state is None:
        return "no_code"
    if state.used:
        return "used"
    if now >= state.expires_at:
        return "expired"
    if state.wrong_tries >= WRONG_TRIES_ALLOWED:
        return "locked"
    if not hmac.compare_digest(state.code_hash, given_hash):
        return "wrong"
    return "ok"
