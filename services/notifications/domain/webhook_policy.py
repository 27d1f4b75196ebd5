"""Rules for webhook subscriptions: which events go where, when to retry, when to give up.

Modelled on Svix (the reference implementation of Standard Webhooks): a first attempt at
once, then retries after 5 s, 5 min, 30 min, 2 h, 5 h and 10 h; after the last try the
delivery is 'failed' (the dead letter an operator sees and may replay); an endpoint that
has failed without a single success for 5 days is disabled.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Iterable

from kit.rules import InvalidTransition

from .district_time import require_aware

DEFAULT_RETRY_DELAYS: tuple[float, ...] = (0, 5, 300, 1800, 7200, 18000, 36000)
DEFAULT_DISABLE_AFTER_DAYS = 5


@dataclass(frozen=True)
class RetrySchedule:
    """`delays[0]` is the wait before the first attempt, `delays[n]` the wait after attempt n.

    So len(delays) is the number of attempts. Tests use short ones, e.g. (0, 0.2, 0.5).
    """

    delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS

    def __post_init__(self) -> None:
        delays = tuple(float(d) for d in self.delays)
        if not delays:
            raise ValueError("a retry schedule needs at least one attempt")
        if any(d < 0 or not math.isfinite(d) for d in delays):
            raise ValueError(f"retry delays must be finite and >= 0, got {self.delays!r}")
        object.__setattr__(self, "delays", delays)

    @property
    def max_attempts(self) -> int:
        return len(self.delays)

    def first_attempt_at(self, created_at: datetime) -> datetime:
        return created_at + timedelta(seconds=self.delays[0])

    def next_attempt_at(self, attempt_number: int, last_attempt_at: datetime) -> datetime | None:
        """When to make attempt `attempt_number + 1`, after attempt `attempt_number` (1-based)
        failed at `last_attempt_at`; None when that was the last one."""
        if attempt_number < 1:
            raise ValueError(f"attempt_number counts from 1, got {attempt_number}")
        if attempt_number >= self.max_attempts:
            return None
        return last_attempt_at + timedelta(seconds=self.delays[attempt_number])


# --- event-type filters ------------------------------------------------------------------


_FILTER_SEGMENT = re.compile(r"\*|[A-Za-z0-9_-]+")


def is_valid_filter(pattern: str) -> bool:
    """'*', an exact type ('booking.confirmed') or dotted segments where a segment may be
    '*' ('booking.*', '*.cancelled'). Partial wildcards ('book*') are refused: they would
    silently match types added later that the subscriber never thought about."""
    return pattern == "*" or all(_FILTER_SEGMENT.fullmatch(seg) for seg in pattern.split("."))


def matches(filters: Iterable[str] | None, event_type: str) -> bool:
    """Does a subscription with these filters want this event type?

    No filters (None or empty) means every type, as in Svix. '*' matches everything;
    otherwise a pattern matches segment by segment, '*' standing for exactly one segment,
    so 'booking.*' matches 'booking.confirmed' but not 'bookings.x' or 'booking'.
    """
    patterns = [p.strip() for p in (filters or ())]
    if not patterns:
        return True
    type_segments = event_type.split(".")
    for pattern in patterns:
        if pattern == "*":
            return True
        segments = pattern.split(".")
        if len(segments) == len(type_segments) and all(p == "*" or p == t for p, t in zip(segments, type_segments)):
            return True
    return False


# --- one delivery of one message to one endpoint ----------------------------------------


class DeliveryState(StrEnum):
    PENDING = "pending"  # waiting for its next attempt
    SUCCEEDED = "succeeded"  # a 2xx came back
    FAILED = "failed"  # the last scheduled try failed: the dead letter, replayable


@dataclass(frozen=True)
class AttemptResult:
    status_code: int | None = None  # None when no HTTP response came back
    error: str | None = None  # connection refused, timeout, TLS error, ...

    @classmethod
    def response(cls, status_code: int) -> AttemptResult:
        return cls(status_code=status_code)

    @classmethod
    def connection_error(cls, error: BaseException | str) -> AttemptResult:
        return cls(error=str(error) or type(error).__name__)

    @property
    def succeeded(self) -> bool:
        # Only 2xx counts: a redirect is not a delivery, and we do not follow it.
        return self.error is None and self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class WebhookDelivery:
    """State of one message for one endpoint. Methods return a new value; store it.

    A replay (operator action on a succeeded or failed delivery) makes exactly one new
    attempt, as Svix's manual resend does: the operator has just fixed the receiver and
    wants to see the answer now, not a new ten-hour backoff.
    """

    state: DeliveryState = DeliveryState.PENDING
    next_attempt_at: datetime | None = None
    attempts: int = 0  # every attempt ever made (the delivery log)
    round_attempts: int = 0  # attempts since creation or the last replay
    replays: int = 0
    last_result: AttemptResult | None = None

    @classmethod
    def start(cls, created_at: datetime, schedule: RetrySchedule) -> WebhookDelivery:
        require_aware(created_at, "created_at")
        return cls(next_attempt_at=schedule.first_attempt_at(created_at))

    def is_due(self, now: datetime) -> bool:
        return self.state is DeliveryState.PENDING and self.next_attempt_at is not None and self.next_attempt_at <= now

    def record_attempt(self, result: AttemptResult, at: datetime, schedule: RetrySchedule) -> WebhookDelivery:
        if self.state is not DeliveryState.PENDING:
            raise InvalidTransition(
                "webhook delivery",
                self.state,
                "record an attempt",
                message=f"delivery is {self.state}, no attempt was due",
            )
        attempted = replace(
            self, attempts=self.attempts + 1, round_attempts=self.round_attempts + 1, last_result=result
        )
        if result.succeeded:
            return replace(attempted, state=DeliveryState.SUCCEEDED, next_attempt_at=None)
        next_at = None if self.replays else schedule.next_attempt_at(attempted.round_attempts, at)
        if next_at is None:
            return replace(attempted, state=DeliveryState.FAILED, next_attempt_at=None)
        return replace(attempted, next_attempt_at=next_at)

    def replay(self, now: datetime) -> WebhookDelivery:
        if self.state is DeliveryState.PENDING:
            raise InvalidTransition(
                "webhook delivery",
                self.state,
                "replay",
                message="delivery is still pending; it will be attempted anyway",
            )
        require_aware(now)
        return replace(
            self, state=DeliveryState.PENDING, next_attempt_at=now, round_attempts=0, replays=self.replays + 1
        )


# --- endpoint health ---------------------------------------------------------------------


@dataclass(frozen=True)
class EndpointFailures:
    """The current unbroken run of failures of one endpoint; any success ends it."""

    first_failure_at: datetime | None = None

    def after(self, result: AttemptResult, at: datetime) -> EndpointFailures:
        if result.succeeded:
            return EndpointFailures()
        return self if self.first_failure_at is not None else EndpointFailures(first_failure_at=at)


def should_disable(
    failures: EndpointFailures | datetime | None,
    now: datetime,
    disable_after_days: float = DEFAULT_DISABLE_AFTER_DAYS,
) -> bool:
    """True when the endpoint has failed, without a success in between, for that many days.
    A disabled endpoint gets no new deliveries until its owner re-enables it."""
    first_failure_at = failures.first_failure_at if isinstance(failures, EndpointFailures) else failures
    if first_failure_at is None:
        return False
    return now - first_failure_at >= timedelta(days=disable_after_days)
