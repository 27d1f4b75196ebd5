"""Limits at the gateway's edge, as pure ASGI middleware (no BaseHTTPMiddleware, nothing buffered):

- `BodySizeLimit`: a request body larger than the cap is refused with 413 before anything reads it all;
- `RateLimits`: per client address and per bearer token, on writes, on the public offer-link pages and on
  sign-in — 429 problem+json with `Retry-After` once a caller has used up its allowance.

Each limit is a token bucket: `count` requests, refilled evenly over `seconds` (so "60/minute" allows a
burst of 60, then one a second). The buckets live in this gateway process; behind several gateway
replicas each enforces its own share.

Routes that need their own limit (e.g. the accounts engineer's sign-in routes) can use the same
machinery as a dependency: `Depends(rate_limit("sms-codes", "5/minute"))`.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

from fastapi import Request

from contracts.errors import TooManyRequests

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_UNITS = {"second": 1, "s": 1, "minute": 60, "min": 60, "m": 60, "hour": 3600, "h": 3600, "day": 86400, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: float

    @classmethod
    def parse(cls, text: str | None) -> Rate | None:
        """ "60/minute", "5/10s", "1000/hour"; "off" (or empty, or 0) means no limit."""
        if text is None or text.strip().lower() in ("", "off", "0", "none"):
            return None
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*", text.lower())
        if not match or match[3] not in _UNITS or int(match[1]) == 0:
            raise ValueError(f"not a rate: {text!r} (e.g. 60/minute, 5/10s, off)")
        return cls(int(match[1]), int(match[2] or 1) * _UNITS[match[3]])


@dataclass
class TokenBuckets:
    """One bucket per key; `take(key)` is None when allowed, else the seconds until it would be."""

    rate: Rate
    clock: Callable[[], float] = time.monotonic
    max_keys: int = 100_000
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)

    def take(self, key: str) -> float | None:
        now = self.clock()
        per_second = self.rate.count / self.rate.seconds
        tokens, last = self._buckets.get(key, (float(self.rate.count), now))
        tokens = min(float(self.rate.count), tokens + (now - last) * per_second)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / per_second
        if len(self._buckets) >= self.max_keys and key not in self._buckets:
            self._forget_full(now, per_second)
        self._buckets[key] = (tokens - 1, now)
        return None

    def _forget_full(self, now: float, per_second: float) -> None:
        # Buckets that have refilled completely say nothing any more: drop them (bounded memory).
        self._buckets = {
            k: (t, last) for k, (t, last) in self._buckets.items() if t + (now - last) * per_second < self.rate.count
        }


@dataclass
class RateRule:
    """Requests of `methods` whose path matches `path` share one allowance per client and per token."""

    name: str
    methods: frozenset[str]
    path: re.Pattern
    per_client: TokenBuckets | None
    per_token: TokenBuckets | None

    @classmethod
    def of(
        cls,
        name: str,
        methods: Iterable[str],
        path: str,
        per_client: str | None,
        per_token: str | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> RateRule:
        client_rate, token_rate = Rate.parse(per_client), Rate.parse(per_token)
        return cls(
            name,
            frozenset(methods),
            re.compile(path),
            TokenBuckets(client_rate, clock) if client_rate else None,
            TokenBuckets(token_rate, clock) if token_rate else None,
        )

    def applies(self, method: str, path: str) -> bool:
        return method in self.methods and self.path.match(path) is not None

    def retry_after(self, client: str, token: str | None) -> float | None:
        waits = []
        if self.per_client is not None:
            waits.append(self.per_client.take(client))
        if self.per_token is not None and token:
            waits.append(self.per_token.take(token))
        waits = [w for w in waits if w is not None]
        return max(waits) if waits else None


def default_rules(settings, clock: Callable[[], float] = time.monotonic) -> list[RateRule]:
    """The platform's limits (PlatformSettings.rate_limit_*; "off" disables one)."""
    return [
        # Sign-in and SMS codes: guessing codes and passwords, sending texts to strangers.
        RateRule.of("sign-in", WRITE_METHODS, r"^/api/v1/auth/", settings.rate_limit_sign_in_per_client, None, clock),
        # Public offer-link pages: anyone with (or guessing) a link; no token to limit by.
        RateRule.of(
            "offer-links", {"GET", "POST"}, r"^/offers/", settings.rate_limit_token_pages_per_client, None, clock
        ),
        # Every other write.
        RateRule.of(
            "writes",
            WRITE_METHODS,
            r"^/(?!offers/|api/v1/auth/)",
            settings.rate_limit_writes_per_client,
            settings.rate_limit_writes_per_token,
            clock,
        ),
    ]


def _problem_response(
    status: int, title: str, detail: str, code: str, path: str, headers: dict[str, str] | None = None, **extra
) -> tuple[dict, bytes]:
    body = json.dumps(
        {
            "type": f"urn:wenyun:problem:{code}",
            "title": title,
            "status": status,
            "detail": detail,
            "instance": path,
            **extra,
        },
        ensure_ascii=False,
    ).encode("utf-8")
    raw = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return {"type": "http.response.start", "status": status, "headers": raw}, body


async def _send_problem(send, status, title, detail, code, path, headers=None, **extra) -> None:
    start, body = _problem_response(status, title, detail, code, path, headers, **extra)
    await send(start)
    await send({"type": "http.response.body", "body": body})


def _token_key(scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization" and value[:7].lower() == b"bearer ":
            return hashlib.sha256(value[7:].strip()).hexdigest()  # never keep the token itself
    return None


class RateLimits:
    """Pure ASGI middleware applying `rules` (the first that matches a request)."""

    def __init__(self, app, rules: list[RateRule]):
        self.app = app
        self.rules = rules

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            path = scope.get("path", "")
            rule = next((r for r in self.rules if r.applies(scope["method"], path)), None)
            if rule is not None:
                client = (scope.get("client") or ("unknown", 0))[0]
                wait = rule.retry_after(client, _token_key(scope))
                if wait is not None:
                    seconds = max(1, math.ceil(wait))
                    await _send_problem(
                        send,
                        429,
                        "Too many requests",
                        f"Too many requests of this kind ({rule.name}); try again in {seconds} s.",
                        "too_many_requests",
                        path,
                        {"Retry-After": str(seconds)},
                        retry_after=seconds,
                    )
                    return
        await self.app(scope, receive, send)


class _TooLarge(Exception):
    pass


class BodySizeLimit:
    """Pure ASGI middleware: a body over `max_bytes` gets 413, whether it says its length or not."""

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or self.max_bytes <= 0:
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        detail = f"The request body is larger than {self.max_bytes} bytes."
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                return await _send_problem(send, 413, "Request too large", detail, "request_too_large", path)
        received, started = 0, False

        async def counting_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge()
            return message

        async def tracking_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _send_problem(send, 413, "Request too large", detail, "request_too_large", path)


def rate_limit(name: str, per_client: str, per_token: str | None = None):
    """A route dependency with its own allowance, e.g. `Depends(rate_limit("sms-codes", "5/minute"))`."""
    client_buckets = TokenBuckets(Rate.parse(per_client)) if Rate.parse(per_client) else None
    token_buckets = TokenBuckets(Rate.parse(per_token)) if per_token and Rate.parse(per_token) else None

    async def dependency(request: Request) -> None:
        waits = []
        if client_buckets is not None:
            waits.append(client_buckets.take(request.client.host if request.client else "unknown"))
        token = _token_key(request.scope)
        if token_buckets is not None and token:
            waits.append(token_buckets.take(token))
        waits = [w for w in waits if w is not None]
        if waits:
            seconds = max(1, math.ceil(max(waits)))
            raise TooManyRequests(
                f"Too many requests of this kind ({name}); try again in {seconds} s.", {"retry_after": seconds}
            )

    return dependency
