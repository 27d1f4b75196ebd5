"""The hard rules of a season plan, in one place: which shows are possible at all (candidates), and
whether a show fits next to the others (``PlanState``). The solver encodes the same rules as
constraints; the greedy baseline and ``violations`` (used by tests and as a final check) use them
directly, so the three cannot drift apart silently.

1. a troupe plays at most one site per half-day, and only on days it is available;
2. travel between the morning and the afternoon site of a day fits between the two shows;
3. at most K shows per troupe per calendar week (K = ``Troupe.max_shows_per_week``);
4. a village gets at most one show within any M consecutive weeks (M = ``Season.min_weeks_between_visits``),
   unless it ordered more than once in those weeks (then as many shows as orders);
5. shows only on open days of the site, never in its closures; one show per site and half-day;
6. an order's show is in its window, and a festival order's in its festival's season.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from .model import Half, PlanOrder, PlanProblem, Show, Unplanned, UnplannedReason
from .travel import TravelTimes


def day_allowed(problem: PlanProblem, troupe_id: str, site_id: str, day: date) -> bool:
    season = problem.season
    return (
        season.first_day <= day <= season.last_day
        and problem.troupes[troupe_id].is_available(day)
        and problem.sites[site_id].is_open(day)
    )


def order_days(problem: PlanProblem, order: PlanOrder) -> list[date]:
    """Days of the season inside the order's window (and its festival season, for a festival order)."""
    days = [d for d in problem.season.days if d in order.window]
    if order.festival is not None:
        days = [d for d in days if d in order.festival.season]
    return days


def order_candidates(problem: PlanProblem, order: PlanOrder) -> tuple[list[Show], Unplanned | None]:
    """Every show that could serve the order on its own (not yet counting other shows), or why none can."""
    troupes = [t for t in problem.troupes.values() if order.offering_id in t.repertoire]
    if not troupes:
        return [], Unplanned(
            order.order_id, UnplannedReason.NO_TROUPE, "no troupe in this plan performs the ordered offering"
        )
    days = order_days(problem, order)
    if not days:
        return [], Unplanned(
            order.order_id,
            UnplannedReason.OUTSIDE_SEASON,
            "no day of the order's window (and festival season) lies in this season",
        )
    shows = [
        Show(t.troupe_id, order.site_id, order.offering_id, day, half, order.order_id)
        for t in troupes
        for day in days
        if day_allowed(problem, t.troupe_id, order.site_id, day)
        for half in Half
    ]
    if not shows:
        return [], Unplanned(
            order.order_id,
            UnplannedReason.NO_DAY,
            "on no day of the window is the site open and a troupe that plays it available",
        )
    kept = [s for s in shows if s.key not in problem.removed]
    if not kept:
        return [], Unplanned(order.order_id, UnplannedReason.REMOVED, "every way to serve it was removed")
    return kept, None


def duration(problem: PlanProblem, show: Show) -> int:
    return problem.offerings[show.offering_id].duration_minutes


def morning_to_afternoon_fits(problem: PlanProblem, travel: TravelTimes, morning: Show, afternoon: Show) -> bool:
    """Rule 2: the troupe finishes the morning show and reaches the afternoon site before it starts."""
    a, b = problem.sites[morning.site_id], problem.sites[afternoon.site_id]
    leg = travel.minutes(a.site_id, a.point, b.site_id, b.point)
    season = problem.season
    return season.morning_start + duration(problem, morning) + leg <= season.afternoon_start


def visit_windows(problem: PlanProblem) -> list[tuple[int, int]]:
    """Rule 4's windows: M consecutive calendar weeks (inclusive week numbers), sliding by one week."""
    weeks = problem.season.week_of(problem.season.last_day)
    m = problem.season.min_weeks_between_visits
    if m <= 0:
        return []
    if m > weeks:
        return [(0, weeks)]
    return [(w, w + m - 1) for w in range(0, weeks - m + 2)]


def visits_allowed(problem: PlanProblem) -> dict[tuple[str, tuple[int, int]], int]:
    """How many shows each village may get in each window: one, or as many as its orders there."""
    season = problem.season
    order_weeks = defaultdict(list)
    for o in problem.orders:
        order_weeks[problem.village_of(o.site_id)].append(
            (season.week_of(o.window.first_day), season.week_of(o.window.last_day))
        )
    villages = {site.village for site in problem.sites.values()}
    return {
        (village, window): max(
            1, sum(1 for first, last in order_weeks[village] if first <= window[1] and last >= window[0])
        )
        for window in visit_windows(problem)
        for village in villages
    }


@dataclass
class PlanState:
    """Shows placed so far, and whether one more fits (rules 1–6)."""

    problem: PlanProblem
    travel: TravelTimes
    shows: list[Show] = field(default_factory=list)
    _troupe_slot: dict[tuple, Show] = field(default_factory=dict)
    _site_slot: set = field(default_factory=set)
    _week_count: dict[tuple, int] = field(default_factory=lambda: defaultdict(int))
    _village_weeks: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    _orders: set = field(default_factory=set)
    _orders_by_id: dict = field(default_factory=dict)
    _windows: list = field(default_factory=list)
    _allowed: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._orders_by_id = {o.order_id: o for o in self.problem.orders}
        self._windows = visit_windows(self.problem)
        self._allowed = visits_allowed(self.problem)

    def why_not(self, show: Show) -> str | None:
        problem, season = self.problem, self.problem.season
        troupe = problem.troupes.get(show.troupe_id)
        site = problem.sites.get(show.site_id)
        if troupe is None or site is None or show.offering_id not in problem.offerings:
            return "unknown troupe, site or offering"
        if show.offering_id not in troupe.repertoire:
            return f"{troupe.name} does not perform {show.offering_id}"
        if not season.first_day <= show.day <= season.last_day:
            return "outside the season"
        if not troupe.is_available(show.day):
            return f"{troupe.name} is not available on {show.day}"
        if not site.is_open(show.day):
            return f"{site.name} is closed on {show.day}"
        if show.order_id is not None:
            order = self._orders_by_id.get(show.order_id)
            if order is None or order.site_id != show.site_id or order.offering_id != show.offering_id:
                return "the show does not match its order"
            if show.order_id in self._orders:
                return "the order is already served"
            if show.day not in order.window:
                return "outside the order's window"
            if order.festival is not None and show.day not in order.festival.season:
                return f"outside the season of {order.festival.name}"
        if (show.troupe_id, show.day, show.half) in self._troupe_slot:
            return f"{troupe.name} already plays that {show.half.value}"
        if (show.site_id, show.day, show.half) in self._site_slot:
            return f"{site.name} already has a show that {show.half.value}"
        other_half = Half.AFTERNOON if show.half is Half.MORNING else Half.MORNING
        other = self._troupe_slot.get((show.troupe_id, show.day, other_half))
        if other is not None:
            morning, afternoon = (show, other) if show.half is Half.MORNING else (other, show)
            if not morning_to_afternoon_fits(problem, self.travel, morning, afternoon):
                return "no time to travel between the morning and the afternoon site"
        week = season.week_of(show.day)
        if self._week_count[(show.troupe_id, week)] + 1 > troupe.max_shows_per_week:
            return f"{troupe.name} already plays {troupe.max_shows_per_week} shows that week"
        weeks = self._village_weeks[site.village]
        for window in self._windows:
            if window[0] <= week <= window[1]:
                held = sum(1 for w in weeks if window[0] <= w <= window[1])
                if held + 1 > self._allowed[(site.village, window)]:
                    return f"{site.village} had a show less than {season.min_weeks_between_visits} weeks before"
        return None

    def add(self, show: Show) -> None:
        self.shows.append(show)
        self._troupe_slot[(show.troupe_id, show.day, show.half)] = show
        self._site_slot.add((show.site_id, show.day, show.half))
        self._week_count[(show.troupe_id, self.problem.season.week_of(show.day))] += 1
        self._village_weeks[self.problem.village_of(show.site_id)].append(self.problem.season.week_of(show.day))
        if show.order_id is not None:
            self._orders.add(show.order_id)

    def try_add(self, show: Show) -> bool:
        if self.why_not(show) is None:
            self.add(show)
            return True
        return False


def violations(problem: PlanProblem, travel: TravelTimes, shows) -> list[str]:
    """Every broken rule of a plan (empty for a valid one): each show checked against those before it."""
    state = PlanState(problem, travel)
    found = []
    for show in sorted(shows, key=lambda s: (s.day, s.half != Half.MORNING, s.troupe_id)):
        reason = state.why_not(show)
        if reason is not None:
            found.append(f"{show.day} {show.half.value} {show.troupe_id}@{show.site_id}: {reason}")
        state.add(show)
    return found
