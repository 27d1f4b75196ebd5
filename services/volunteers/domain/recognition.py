"""Training hours, service-hour totals and star levels (星级志愿者).

Training (seed 001, 二(三)): people working in public cultural services take part in centralised training
"每年…一周以上" — at least one week a year, counted here as 5 working days x 8 h = 40 h.
``training_report`` sums each person's hours in a calendar year against that.

Service hours: totals per volunteer from the hours log. A duplicated credit for the same
(event, volunteer) counts once — the same key that makes crediting idempotent (``hours.credit_key``).

Star levels — the rule:
    cumulative service hours   >=100  >=300  >=600  >=1000  >=1500
    star level                  1★     2★     3★     4★      5★
These are the thresholds of the national scale (《中国注册志愿者管理办法》: 100/300/600/1000/1500 h for
one to five stars), so a star earned here means the same as elsewhere. A district that wants an easier
start can pass its own ``thresholds`` (e.g. ``(20, 100, 300, 600, 1000)``).
Ratings: each rating is a whole number 1–5. When a volunteer has at least 3 ratings and their average
is below 3.0, the star level is withheld by one (never below 0): hours alone should not earn a star
for service people were unhappy with, but one bad rating should not cost it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

TRAINING_HOURS_PER_YEAR = 40.0  # "一周以上" = 5 days x 8 h

NATIONAL_STAR_THRESHOLDS: tuple[float, ...] = (100, 300, 600, 1000, 1500)
MIN_RATINGS_TO_WITHHOLD = 3
WITHHOLD_BELOW_AVERAGE = 3.0
RATING_MIN, RATING_MAX = 1, 5


# --------------------------------------------------------------------------------------------------
# Training


@dataclass(frozen=True)
class TrainingRecord:
    person_id: str
    on: date
    hours: float
    topic: str = ""
    provider: str = ""  # e.g. 区图书馆, 区文化馆

    def __post_init__(self) -> None:
        if not 0 < self.hours <= 24:
            raise ValueError(f"training hours on one record must be within (0, 24], got {self.hours}")


@dataclass(frozen=True)
class PersonTraining:
    person_id: str
    hours: float
    met: bool
    missing_hours: float


@dataclass(frozen=True)
class TrainingReport:
    year: int
    required_hours: float
    people: tuple[PersonTraining, ...]  # sorted by person_id

    @property
    def met_count(self) -> int:
        return sum(1 for p in self.people if p.met)

    @property
    def not_met(self) -> tuple[str, ...]:
        return tuple(p.person_id for p in self.people if not p.met)

    @property
    def all_met(self) -> bool:
        return all(p.met for p in self.people)


def training_report(
    records: Iterable[TrainingRecord],
    year: int,
    *,
    people: Collection[str] | None = None,
    required_hours: float = TRAINING_HOURS_PER_YEAR,
) -> TrainingReport:
    """Hours per person in ``year`` against ``required_hours``.

    ``people`` is the roster that must train: everyone on it is reported (with 0 h when nothing was
    recorded) and records of anyone else are left out. Without it, everyone with a record is reported.
    """
    totals: dict[str, float] = {p: 0.0 for p in people} if people is not None else {}
    for r in records:
        if r.on.year != year or (people is not None and r.person_id not in totals):
            continue
        totals[r.person_id] = totals.get(r.person_id, 0.0) + r.hours
    rows = tuple(
        PersonTraining(pid, round(h, 2), h >= required_hours, round(max(0.0, required_hours - h), 2))
        for pid, h in sorted(totals.items())
    )
    return TrainingReport(year, required_hours, rows)


# --------------------------------------------------------------------------------------------------
# Service hours


@dataclass(frozen=True)
class ServiceHours:
    """One credited line of the hours log."""

    volunteer_id: str
    event_id: str
    on: date
    hours: float

    def __post_init__(self) -> None:
        if self.hours < 0:
            raise ValueError("service hours must not be negative")


def service_hours_totals(
    entries: Iterable[ServiceHours], *, since: date | None = None, until: date | None = None
) -> dict[str, float]:
    """Total hours per volunteer for entries dated ``since <= on < until`` (either bound optional)."""
    seen: set[tuple[str, str]] = set()
    totals: dict[str, float] = {}
    for e in entries:
        if (since is not None and e.on < since) or (until is not None and e.on >= until):
            continue
        key = (e.event_id, e.volunteer_id)
        if key in seen:
            continue
        seen.add(key)
        totals[e.volunteer_id] = totals.get(e.volunteer_id, 0.0) + e.hours
    return totals


def recent_hours(entries: Iterable[ServiceHours], today: date, days: int = 90) -> dict[str, float]:
    """Hours in the last ``days`` days including today: the fair-share input of ranking."""
    return service_hours_totals(entries, since=today - timedelta(days=days - 1), until=today + timedelta(days=1))


# --------------------------------------------------------------------------------------------------
# Star levels


def validate_rating(value: object) -> int:
    """A rating is a whole number from 1 to 5."""
    if isinstance(value, bool) or not isinstance(value, int) or not RATING_MIN <= value <= RATING_MAX:
        raise ValueError(f"a rating must be a whole number from {RATING_MIN} to {RATING_MAX}, got {value!r}")
    return value


@dataclass(frozen=True)
class StarAssessment:
    stars: int  # 0..5, after any withholding
    stars_by_hours: int
    withheld: bool
    total_hours: float
    rating_count: int
    average_rating: float | None
    next_star_at_hours: float | None  # None at the top level

    @property
    def label_zh(self) -> str:
        if not self.stars:
            return "志愿者"
        numeral = "一二三四五"[self.stars - 1] if self.stars <= 5 else str(self.stars)
        return f"{numeral}星级志愿者"


def star_level(
    total_hours: float,
    ratings: Sequence[int] = (),
    *,
    thresholds: Sequence[float] = NATIONAL_STAR_THRESHOLDS,
) -> StarAssessment:
    """Star level from cumulative service hours and ratings; see the module docstring for the rule."""
    if total_hours < 0:
        raise ValueError("total_hours must not be negative")
    if list(thresholds) != sorted(thresholds) or len(set(thresholds)) != len(thresholds) or not thresholds:
        raise ValueError("thresholds must be strictly increasing")
    clean = [validate_rating(r) for r in ratings]
    by_hours = sum(1 for t in thresholds if total_hours >= t)
    average = sum(clean) / len(clean) if clean else None
    withheld = (
        by_hours > 0
        and average is not None
        and len(clean) >= MIN_RATINGS_TO_WITHHOLD
        and average < WITHHOLD_BELOW_AVERAGE
    )
    return StarAssessment(
        stars=by_hours - 1 if withheld else by_hours,
        stars_by_hours=by_hours,
        withheld=withheld,
        total_hours=total_hours,
        rating_count=len(clean),
        average_rating=round(average, 2) if average is not None else None,
        next_star_at_hours=float(thresholds[by_hours]) if by_hours < len(thresholds) else None,
    )
