"""How good a plan is, measured the same way for the solver's plan and the greedy baseline."""

from __future__ import annotations

from collections import Counter, defaultdict

from .model import Half, PlanProblem, PlanScore, Show
from .travel import TravelTimes


def legs(problem: PlanProblem, travel: TravelTimes, shows) -> dict[tuple, int]:
    """Minutes to reach each show: from the troupe's base, or from its morning site for an afternoon show
    on the same day."""
    by_day: dict[tuple, dict[Half, Show]] = defaultdict(dict)
    for show in shows:
        by_day[(show.troupe_id, show.day)][show.half] = show
    result = {}
    for (troupe_id, _), halves in by_day.items():
        base = problem.troupes[troupe_id].base
        previous_id, previous_point = troupe_id, base
        for half in Half:
            show = halves.get(half)
            if show is None:
                continue
            site = problem.sites[show.site_id]
            result[show.key] = travel.minutes(previous_id, previous_point, site.site_id, site.point)
            previous_id, previous_point = site.site_id, site.point
    return result


def travel_minutes(problem: PlanProblem, travel: TravelTimes, shows) -> int:
    """Every troupe-day's route: base → morning site → afternoon site → base."""
    by_day: dict[tuple, list[Show]] = defaultdict(list)
    for show in shows:
        by_day[(show.troupe_id, show.day)].append(show)
    total = sum(legs(problem, travel, shows).values())
    for (troupe_id, _), day_shows in by_day.items():
        last = max(day_shows, key=lambda s: s.half is Half.AFTERNOON)
        site = problem.sites[last.site_id]
        total += travel.minutes(site.site_id, site.point, troupe_id, problem.troupes[troupe_id].base)
    return total


def score(problem: PlanProblem, travel: TravelTimes, shows) -> PlanScore:
    shows = list(shows)
    season = problem.season
    periods = season.period_of(season.last_day) + 1
    per_village_period = Counter((problem.village_of(s.site_id), season.period_of(s.day)) for s in shows)
    villages = {site.village for site in problem.sites.values()}
    covered_periods = sum(
        1 for v in villages for p in range(periods) if per_village_period[(v, p)] >= season.coverage_target
    )
    covered = sum(
        1 for v in villages if all(per_village_period[(v, p)] >= season.coverage_target for p in range(periods))
    )
    festival_days = {o.order_id: o.festival.day for o in problem.orders if o.festival is not None}
    per_troupe = Counter(s.troupe_id for s in shows)
    return PlanScore(
        orders_fulfilled=sum(1 for s in shows if s.order_id is not None),
        villages_covered=covered,
        village_periods_covered=covered_periods,
        festivals_hit=sum(1 for s in shows if s.order_id in festival_days and festival_days[s.order_id] == s.day),
        travel_minutes=travel_minutes(problem, travel, shows),
        shows=len(shows),
        max_shows_per_troupe=max(per_troupe.values(), default=0),
    )
