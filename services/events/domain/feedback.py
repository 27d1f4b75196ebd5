"""Feedback after attendance and the satisfaction figures built from it (seeds 001, 002, 003 ask
for feedback and satisfaction evaluation)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TypedDict

from kit.rules import RuleViolation

from .registrations import ATTENDED_STATUSES, RegistrationStatus

MIN_RATING = 1
MAX_RATING = 5
SATISFIED_FROM = 4  # 4 = 满意, 5 = 非常满意
MAX_COMMENT_LENGTH = 1000


@dataclass(frozen=True)
class Feedback:
    registration_id: str
    rating: int
    comment: str | None = None


def _check_rating(rating: object) -> int:
    # bool and float are refused: 4.5 or True are client bugs, not ratings.
    if isinstance(rating, bool) or not isinstance(rating, int) or not MIN_RATING <= rating <= MAX_RATING:
        raise RuleViolation(
            f"rating must be a whole number from {MIN_RATING} to {MAX_RATING}",
            code="feedback.bad_rating",
            field="rating",
        )
    return rating


def give_feedback(
    registration_id: str,
    registration_status: RegistrationStatus,
    rating: int,
    comment: str | None = None,
    *,
    already_given: bool = False,
) -> Feedback:
    """Accept feedback from a registration that came (checked in or attended), once.

    Only people who were there can judge the event; one voice per registration keeps the
    figures honest (a group's registration gives one rating, like one ticket stub).
    """
    if RegistrationStatus(registration_status) not in ATTENDED_STATUSES:
        raise RuleViolation("feedback is taken from people who attended (checked in)", code="feedback.not_attended")
    if already_given:
        raise RuleViolation("feedback for this registration was already given", code="feedback.duplicate")
    rating = _check_rating(rating)
    cleaned = (comment or "").strip() or None
    if cleaned is not None and len(cleaned) > MAX_COMMENT_LENGTH:
        raise RuleViolation(
            f"the comment is longer than {MAX_COMMENT_LENGTH} characters",
            code="feedback.comment_too_long",
            field="comment",
        )
    return Feedback(registration_id, rating, cleaned)


class Satisfaction(TypedDict):
    count: int
    average: float | None
    distribution: dict[int, int]
    satisfied_share: float | None


def _round(value: Decimal, places: str) -> float:
    # Half-up, as people expect on a report (4.125 → 4.13), not float/banker's rounding.
    return float(value.quantize(Decimal(places), rounding=ROUND_HALF_UP))


def satisfaction(ratings: Iterable[int]) -> Satisfaction:
    """Count, average (2 dp), distribution over 1..5 and the share rating ≥4 (4 dp, 0..1).

    With no ratings the average and share are ``None``: "no data" must not read as "0 % satisfied".
    """
    distribution = {score: 0 for score in range(MIN_RATING, MAX_RATING + 1)}
    for rating in ratings:
        distribution[_check_rating(rating)] += 1
    count = sum(distribution.values())
    if count == 0:
        return Satisfaction(count=0, average=None, distribution=distribution, satisfied_share=None)
    total = sum(score * n for score, n in distribution.items())
    satisfied = sum(n for score, n in distribution.items() if score >= SATISFIED_FROM)
    return Satisfaction(
        count=count,
        average=_round(Decimal(total) / Decimal(count), "0.01"),
        distribution=distribution,
        satisfied_share=_round(Decimal(satisfied) / Decimal(count), "0.0001"),
    )
