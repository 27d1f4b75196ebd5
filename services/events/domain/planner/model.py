"""What a season plan is made of: sites, troupes, offerings, orders, the season, and the plan itself.

Plain frozen dataclasses; dates are local (Asia/Shanghai) calendar days, show times minutes after midnight.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from kit.rules import RuleViolation


class Half(StrEnum):
    """A troupe plays at most one site per half-day."""

    MORNING = "morning"
    AFTERNOON = "afternoon"


@dataclass(frozen=True)
class DayRange:
    first_day: date
    last_day: date

    def __contains__(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float


@dataclass(frozen=True)
class Site:
    """Where a show can be held: a village's (or community's) cultural centre or square."""

    site_id: str
    name: str
    village: str  # the unit of coverage ("every village at least once a quarter")
    point: Point
    open_weekdays: frozenset[int] = frozenset(range(7))  # Monday = 0
    closures: tuple[DayRange, ...] = ()
    last_served: date | None = None  # the last show held there before the season (longest unserved first)

    def is_open(self, day: date) -> bool:
        return day.weekday() in self.open_weekdays and not any(day in closure for closure in self.closures)


@dataclass(frozen=True)
class Troupe:
    """A troupe (文艺团队) that can be sent out, with what it plays and when it is free."""

    troupe_id: str
    name: str
    base: Point
    repertoire: tuple[str, ...]  # offering ids it can perform
    available_weekdays: frozenset[int] = frozenset(range(7))
    unavailable: tuple[DayRange, ...] = ()
    max_shows_per_week: int = 3

    def __post_init__(self) -> None:
        if self.max_shows_per_week < 1:
            raise RuleViolation(
                f"{self.name} must be able to play at least once a week",
                code="plan.bad_weekly_limit",
                field="max_shows_per_week",
            )

    def is_available(self, day: date) -> bool:
        return day.weekday() in self.available_weekdays and not any(day in off for off in self.unavailable)


@dataclass(frozen=True)
class Offering:
    offering_id: str
    title: str
    duration_minutes: int


@dataclass(frozen=True)
class FestivalDate:
    """A festival order belongs in its season (on or near the day); on the day itself it is a "hit"."""

    name: str
    day: date
    season: DayRange


@dataclass(frozen=True)
class PlanOrder:
    order_id: str
    site_id: str
    offering_id: str
    window: DayRange
    festival: FestivalDate | None = None


@dataclass(frozen=True)
class Slot:
    day: date
    half: Half


@dataclass(frozen=True)
class Show:
    """One proposed performance. ``order_id`` is None for a coverage show (a village that did not order,
    or whose orders could not be met, still gets its visit)."""

    troupe_id: str
    site_id: str
    offering_id: str
    day: date
    half: Half
    order_id: str | None = None

    @property
    def slot(self) -> Slot:
        return Slot(self.day, self.half)

    @property
    def key(self) -> tuple:
        """What pins and removals refer to."""
        return (self.order_id, self.troupe_id, self.site_id, self.offering_id, self.day, self.half)


@dataclass(frozen=True)
class Season:
    """The planning horizon and its rules."""

    first_day: date
    last_day: date
    coverage_weeks: int = 13  # every village reaches its target once per this many weeks (a quarter)
    coverage_target: int = 1  # shows per village per coverage period
    min_weeks_between_visits: int = 4  # M: a village not twice within M weeks unless it ordered twice
    morning_start: int = 9 * 60 + 30  # local minutes after midnight
    afternoon_start: int = 14 * 60 + 30

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise RuleViolation("the season ends before it starts", code="plan.bad_season", field="last_day")
        if (self.last_day - self.first_day).days > 366:
            raise RuleViolation("a season is at most a year", code="plan.season_too_long", field="last_day")
        if self.coverage_weeks < 1 or self.coverage_target < 0 or self.min_weeks_between_visits < 0:
            raise RuleViolation(
                "coverage weeks ≥ 1, target ≥ 0, weeks between visits ≥ 0",
                code="plan.bad_coverage",
                field="coverage_weeks",
            )
        if self.afternoon_start <= self.morning_start:
            raise RuleViolation(
                "the afternoon starts after the morning", code="plan.bad_halves", field="afternoon_start"
            )

    @property
    def days(self) -> list[date]:
        return [self.first_day + timedelta(days=i) for i in range((self.last_day - self.first_day).days + 1)]

    def week_of(self, day: date) -> int:
        """Calendar weeks (Monday to Sunday) counted from the week holding the first day."""
        monday = self.first_day - timedelta(days=self.first_day.weekday())
        return (day - monday).days // 7

    def period_of(self, day: date) -> int:
        return (day - self.first_day).days // (7 * self.coverage_weeks)

    def start_minutes(self, half: Half) -> int:
        return self.morning_start if half is Half.MORNING else self.afternoon_start


@dataclass(frozen=True)
class PlanProblem:
    season: Season
    sites: dict[str, Site]
    troupes: dict[str, Troupe]
    offerings: dict[str, Offering]
    orders: tuple[PlanOrder, ...]
    pinned: tuple[Show, ...] = ()
    removed: frozenset[tuple] = frozenset()  # Show.key of removed items: never proposed again

    def __post_init__(self) -> None:
        for order in self.orders:
            if order.site_id not in self.sites:
                raise RuleViolation(
                    f"order {order.order_id} is for an unknown site {order.site_id}",
                    code="plan.unknown_site",
                    field="orders",
                )
            if order.offering_id not in self.offerings:
                raise RuleViolation(
                    f"order {order.order_id} is for an unknown offering {order.offering_id}",
                    code="plan.unknown_offering",
                    field="orders",
                )
        for troupe in self.troupes.values():
            for offering_id in troupe.repertoire:
                if offering_id not in self.offerings:
                    raise RuleViolation(
                        f"{troupe.name} plays an unknown offering {offering_id}",
                        code="plan.unknown_offering",
                        field="troupes",
                    )

    def village_of(self, site_id: str) -> str:
        return self.sites[site_id].village


class UnplannedReason(StrEnum):
    NO_TROUPE = "no_troupe"  # nobody in the plan plays the offering
    NO_DAY = "no_day"  # no day in the window (and festival season) when site and a troupe are both free
    OUTSIDE_SEASON = "outside_season"
    NO_CAPACITY = "no_capacity"  # feasible alone, but the troupes were better used elsewhere or were full
    REMOVED = "removed"  # the organiser removed every way to serve it


@dataclass(frozen=True)
class Unplanned:
    order_id: str
    reason: UnplannedReason
    detail: str


@dataclass(frozen=True)
class PlanScore:
    orders_fulfilled: int
    villages_covered: int  # villages reaching the target in every coverage period of the season
    village_periods_covered: int
    festivals_hit: int
    travel_minutes: int
    shows: int
    max_shows_per_troupe: int

    @property
    def travel_minutes_per_show(self) -> float:
        return self.travel_minutes / self.shows if self.shows else 0.0


@dataclass(frozen=True)
class SolveReport:
    status: str  # optimal | feasible | infeasible | unknown
    wall_seconds: float
    objective: float | None = None
    best_bound: float | None = None
    gap: float | None = None  # relative optimality gap (0 = proven optimal)


@dataclass(frozen=True)
class SeasonPlan:
    shows: tuple[Show, ...]
    unplanned: tuple[Unplanned, ...]
    score: PlanScore
    solve: SolveReport
    travel_minutes: dict[tuple, int] = field(default_factory=dict)  # per show key: the leg to reach it
