"""The 送文化下乡 season planner's requests and views (events owns plans; the gateway serves them at
/api/v1/season-plans). Troupes and their availability come with the request: events keeps no copy of
volunteers' teams (see docs/architecture.md)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from contracts.common import Coordinates, IsoDate, StrictFloat, StrictInt
from contracts.events import FestivalName

Weekday = Literal[0, 1, 2, 3, 4, 5, 6]  # Monday = 0
ALL_WEEKDAYS: list[int] = [0, 1, 2, 3, 4, 5, 6]


class DayRange(BaseModel):
    """Days from first_day to last_day, both included."""

    # The order of the two is a rule across fields, which JSON Schema cannot state: the request holding the
    # ranges checks it (SeasonPlanRequest._season), so it is the request's own 422, as for the season's days.
    model_config = ConfigDict(extra="forbid")
    first_day: IsoDate
    last_day: IsoDate = Field(description="Not before first_day.")


class PlanTroupe(BaseModel):
    """A troupe the organiser can send out this season."""

    model_config = ConfigDict(extra="forbid")
    troupe_id: str = Field(min_length=1, max_length=100, description="e.g. the team's id in volunteers")
    name: str = Field(min_length=1, max_length=100)
    base: Coordinates = Field(description="Where the troupe sets out from and returns to.")
    offering_ids: list[str] = Field(min_length=1, max_length=100, description="Menu offerings it performs.")
    available_weekdays: list[Weekday] = Field(default_factory=lambda: list(ALL_WEEKDAYS), min_length=1)  # type: ignore[arg-type]
    unavailable: list[DayRange] = Field([], max_length=100)
    max_shows_per_week: StrictInt = Field(3, ge=1, le=14)


class SiteRules(BaseModel):
    """When a village site can host a show (default: every day)."""

    model_config = ConfigDict(extra="forbid")
    venue_id: str = Field(min_length=1, max_length=36)
    open_weekdays: list[Weekday] = Field(default_factory=lambda: list(ALL_WEEKDAYS))  # type: ignore[arg-type]
    closures: list[DayRange] = Field([], max_length=100)


FIRST_PLANNABLE_DAY, LAST_PLANNABLE_DAY = date(2000, 1, 1), date(2099, 12, 31)  # the festival calendar's years


class SeasonPlanRequest(BaseModel):
    """Plan a season: open orders in it are served, villages reach their coverage target, troupes travel
    little. The draft comes back within the time limit with the best plan found and its optimality gap."""

    model_config = ConfigDict(extra="forbid")
    # The years the festival calendar knows (checked below: JSON Schema cannot bound a date).
    first_day: IsoDate = Field(description="From 2000-01-01 to 2099-12-31.")
    last_day: IsoDate = Field(description="From 2000-01-01 to 2099-12-31, not before first_day.")
    troupes: list[PlanTroupe] = Field(min_length=1, max_length=200)
    venue_ids: list[str] | None = Field(
        None,
        max_length=2000,
        description=(
            "The villages (village-level venues) to plan for — their orders and their coverage; default every "
            "village venue with coordinates and every open order."
        ),
    )
    coverage_weeks: StrictInt = Field(13, ge=1, le=52, description="A coverage period (13 weeks: a quarter).")
    coverage_target: StrictInt = Field(1, ge=0, le=10, description="Shows per village per coverage period.")
    min_weeks_between_visits: StrictInt = Field(
        4, ge=0, le=26, description=("No village twice within this many weeks, unless it ordered more than once.")
    )
    festival_orders: dict[str, FestivalName] = Field({}, description="Orders for a festival: order id → festival.")
    site_rules: list[SiteRules] = Field([], max_length=2000)
    road_factor: StrictFloat = Field(1.4, ge=1.0, le=5.0)
    speed_kmh: StrictFloat = Field(40.0, ge=5.0, le=120.0)
    travel_matrix_csv: str | None = Field(
        None,
        max_length=2_000_000,
        description=("Travel minutes as CSV rows from,to,minutes (venue or troupe ids); wins over the estimate."),
    )
    time_limit_seconds: StrictFloat = Field(10.0, ge=1.0, le=60.0)

    @model_validator(mode="after")
    def _season(self):
        if self.last_day < self.first_day:
            raise ValueError("last_day is before first_day")
        if self.first_day < FIRST_PLANNABLE_DAY or self.last_day > LAST_PLANNABLE_DAY:
            raise ValueError("a season lies between 2000-01-01 and 2099-12-31")
        if (self.last_day - self.first_day).days > 366:
            raise ValueError("a season is at most a year")
        reversed_ranges = [
            f"{where}[{n}]"
            for where, ranges in self._day_ranges()
            for n, day_range in enumerate(ranges)
            if day_range.last_day < day_range.first_day
        ]
        if reversed_ranges:
            raise ValueError(f"last_day is before first_day in {', '.join(reversed_ranges[:10])}")
        return self

    def _day_ranges(self):
        for n, troupe in enumerate(self.troupes):
            yield f"troupes[{n}].unavailable", troupe.unavailable
        for n, rule in enumerate(self.site_rules):
            yield f"site_rules[{n}].closures", rule.closures


class SeasonPlanResolve(BaseModel):
    model_config = ConfigDict(extra="forbid")
    time_limit_seconds: StrictFloat = Field(10.0, ge=1.0, le=60.0)


SeasonPlanStatus = Literal["draft", "published"]
PlanItemKind = Literal["order", "coverage"]


class PlanItemView(BaseModel):
    id: str
    kind: PlanItemKind
    order_id: str | None = None
    offering_id: str
    offering_title: str
    troupe_id: str
    troupe_name: str
    venue_id: str
    site_name: str
    town: str | None = None
    village: str | None = None
    day: date
    half: Literal["morning", "afternoon"]
    start: datetime
    end: datetime
    travel_minutes: int = Field(description="To reach the site: from the troupe's base, or its morning site.")
    festival: FestivalName | None = None
    pinned: bool = False
    removed: bool = False
    event_id: str | None = None


class UnplannedOrderView(BaseModel):
    order_id: str
    offering_id: str
    venue_id: str
    reason: Literal["no_troupe", "no_day", "outside_season", "no_capacity", "removed", "no_coordinates"]
    detail: str


class SolveView(BaseModel):
    status: Literal["optimal", "feasible", "infeasible", "invalid", "unknown"]
    wall_seconds: float
    objective: float | None = None
    best_bound: float | None = None
    gap: float | None = Field(None, description="Relative optimality gap of the plan (0: proven optimal).")


class PlanScoreView(BaseModel):
    orders_fulfilled: int
    villages_covered: int = Field(description="Villages reaching the target in every coverage period.")
    festivals_hit: int
    travel_minutes: int
    shows: int
    busiest_troupe_shows: int


class SeasonPlanView(BaseModel):
    id: str
    status: SeasonPlanStatus
    first_day: date
    last_day: date
    organiser_id: str
    items: list[PlanItemView]
    unplanned: list[UnplannedOrderView]
    score: PlanScoreView
    solve: SolveView
    revision: int = Field(description="Bumped by every solve.")
    created_at: AwareDatetime
    updated_at: AwareDatetime
    published_at: AwareDatetime | None = None
