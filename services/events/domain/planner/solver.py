"""The season planner: the rules of ``rules`` as a CP-SAT model (Google OR-Tools), solved with a time limit.

One boolean per candidate show (an order's show, or a coverage show for a village), the hard rules as
linear constraints, and a single weighted objective (see the package docstring for the weights). The
greedy baseline's plan — festival orders moved onto their day where possible, coverage shows added
greedily — is given as a hint, so the solver starts from a valid plan and only improves on it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import replace

from ortools.sat.python import cp_model

from kit.rules import RuleViolation

from .greedy import greedy_shows
from .model import Half, PlanProblem, SeasonPlan, Show, SolveReport, Unplanned, UnplannedReason
from .rules import PlanState, morning_to_afternoon_fits, order_candidates, violations, visit_windows, visits_allowed
from .scoring import legs, score
from .travel import TravelTimes

# The objective, highest tier first (weighted; each unit of a tier outweighs a unit of every tier below):
WEIGHT_ORDER = 100_000  # an order fulfilled
WEIGHT_COVERAGE = 20_000  # a village reaching its coverage target in a coverage period…
WEIGHT_UNSERVED_WEEK = 50  # …plus this per week it has gone unserved (up to a year): the longest-unserved first
WEIGHT_FESTIVAL = 2_000  # a festival order played on the festival day itself
TRAVEL_UNIT_MINUTES = 1  # −1 per minute of a show's round trip from the troupe's base
WEIGHT_FAIRNESS = 5  # −5 per show of the busiest troupe (spreads the work)

COVERAGE_TROUPES = 2  # coverage shows are offered by the nearest few troupes…
COVERAGE_CANDIDATES = 16  # …on this many half-days spread over each village's coverage period
ORDER_TROUPES = 2  # an order is offered to the nearest few troupes that perform it…
ORDER_CANDIDATES = 24  # …on this many half-days spread over its window (plus the baseline's choice)


def _statuses() -> dict[int, str]:
    return {
        cp_model.OPTIMAL: "optimal",
        cp_model.FEASIBLE: "feasible",
        cp_model.INFEASIBLE: "infeasible",
        cp_model.MODEL_INVALID: "invalid",
        cp_model.UNKNOWN: "unknown",
    }


def _round_trip(problem: PlanProblem, travel: TravelTimes, show: Show) -> int:
    base, site = problem.troupes[show.troupe_id].base, problem.sites[show.site_id]
    return travel.minutes(show.troupe_id, base, site.site_id, site.point) + travel.minutes(
        site.site_id, site.point, show.troupe_id, base
    )


def _coverage_candidates(problem: PlanProblem, travel: TravelTimes, per_period: int) -> list[Show]:
    season = problem.season
    if season.coverage_target <= 0:
        return []
    sites_of: dict[str, list] = defaultdict(list)
    for site in problem.sites.values():
        sites_of[site.village].append(site)
    days_of_period: dict[int, list] = defaultdict(list)
    for day in season.days:
        days_of_period[season.period_of(day)].append(day)
    available = {t.troupe_id: {d for d in season.days if t.is_available(d)} for t in problem.troupes.values()}
    shows = []
    for village, sites in sorted(sites_of.items()):
        site = sites[0]
        open_days = {d for d in season.days if site.is_open(d)}
        troupes = sorted(
            (t for t in problem.troupes.values() if t.repertoire),
            key=lambda t: (travel.minutes(t.troupe_id, t.base, site.site_id, site.point), t.troupe_id),
        )
        troupes = troupes[:COVERAGE_TROUPES]
        for days in days_of_period.values():
            possible = [
                (day, half, t)
                for day in days
                if day in open_days
                for half in Half
                for t in troupes
                if day in available[t.troupe_id]
            ]
            if len(possible) > per_period:  # spread evenly over the period
                step = len(possible) / per_period
                possible = [possible[int(i * step)] for i in range(per_period)]
            for day, half, t in possible:
                show = Show(t.troupe_id, site.site_id, t.repertoire[0], day, half)
                if show.key not in problem.removed:
                    shows.append(show)
    return shows


def plan_season(
    problem: PlanProblem,
    travel: TravelTimes,
    *,
    time_limit_seconds: float = 10.0,
    workers: int = 2,
    seed: int = 1,
    coverage_candidates: int = COVERAGE_CANDIDATES,
    order_candidates_per_order: int = ORDER_CANDIDATES,
) -> SeasonPlan:
    started = time.monotonic()
    season = problem.season
    pinned_state = PlanState(problem, travel)
    for pin in problem.pinned:
        reason = pinned_state.why_not(pin)
        if reason is not None:
            raise RuleViolation(
                f"the pinned show on {pin.day} ({pin.half.value}) cannot stay: {reason}",
                code="plan.pin_conflict",
                field="pinned",
            )
        pinned_state.add(pin)

    candidates: dict[tuple, Show] = {}
    impossible: dict[str, Unplanned] = {}
    for order in problem.orders:
        shows, why = order_candidates(problem, order)
        if why is not None:
            impossible[order.order_id] = why
        for show in _spread(problem, travel, shows, order_candidates_per_order):
            candidates[show.key] = show
    coverage = _coverage_candidates(problem, travel, coverage_candidates)
    for show in coverage:
        candidates.setdefault(show.key, show)
    baseline = greedy_shows(problem, travel)
    start = _with_coverage(problem, travel, baseline, coverage)  # the hint: the solver starts from here
    for show in (*problem.pinned, *start):
        candidates[show.key] = show
    for pin in problem.pinned:
        impossible.pop(pin.order_id, None)

    model = cp_model.CpModel()
    shows = list(candidates.values())
    x = [model.new_bool_var(f"x{i}") for i in range(len(shows))]
    groups: dict[str, dict] = {
        name: defaultdict(list)
        for name in (
            "troupe_slot",
            "site_slot",
            "week",
            "order",
            "village_week",
            "village_period",
            "troupe_day",
            "troupe",
        )
    }
    for i, show in enumerate(shows):
        week = season.week_of(show.day)
        village = problem.village_of(show.site_id)
        groups["troupe_slot"][(show.troupe_id, show.day, show.half)].append(i)
        groups["site_slot"][(show.site_id, show.day, show.half)].append(i)
        groups["week"][(show.troupe_id, week)].append(i)
        groups["village_week"][(village, week)].append(i)
        groups["village_period"][(village, season.period_of(show.day))].append(i)
        groups["troupe_day"][(show.troupe_id, show.day)].append(i)
        groups["troupe"][show.troupe_id].append(i)
        if show.order_id is not None:
            groups["order"][show.order_id].append(i)

    def total(indices):
        return cp_model.LinearExpr.sum([x[i] for i in indices])

    for name in ("troupe_slot", "site_slot", "order"):  # rules 1 and 5; an order is served once
        for group in groups[name].values():
            if len(group) > 1:
                model.add_at_most_one(x[i] for i in group)
    for (troupe_id, _), group in groups["week"].items():  # rule 3
        limit = problem.troupes[troupe_id].max_shows_per_week
        if len(group) > limit:
            model.add(total(group) <= limit)
    fits_cache: dict[tuple, bool] = {}
    for group in groups["troupe_day"].values():  # rule 2: a morning show excludes the afternoons it can't reach
        mornings = [i for i in group if shows[i].half is Half.MORNING]
        afternoons = [i for i in group if shows[i].half is Half.AFTERNOON]
        for m in mornings:
            unreachable = []
            for a in afternoons:
                key = (shows[m].site_id, shows[m].offering_id, shows[a].site_id)
                if key not in fits_cache:
                    fits_cache[key] = morning_to_afternoon_fits(problem, travel, shows[m], shows[a])
                if not fits_cache[key]:
                    unreachable.append(a)
            if unreachable:
                model.add_at_most_one([x[m]] + [x[a] for a in unreachable])
    allowed = visits_allowed(problem)
    villages = sorted({site.village for site in problem.sites.values()})
    for window in visit_windows(problem):  # rule 4
        for village in villages:
            group = [i for w in range(window[0], window[1] + 1) for i in groups["village_week"].get((village, w), ())]
            if len(group) > allowed[(village, window)]:
                model.add(total(group) <= allowed[(village, window)])
    served = [x[i] for group in groups["order"].values() for i in group]
    model.add(cp_model.LinearExpr.sum(served) >= sum(1 for s in baseline if s.order_id is not None))  # never fewer
    index = {show.key: i for i, show in enumerate(shows)}
    for pin in problem.pinned:
        model.add(x[index[pin.key]] == 1)

    # The objective (weights in the package docstring).
    festival_days = {o.order_id: o.festival.day for o in problem.orders if o.festival is not None}
    variables, weights = [], []
    for i, show in enumerate(shows):
        value = -(_round_trip(problem, travel, show) // TRAVEL_UNIT_MINUTES)
        if show.order_id is not None:
            value += WEIGHT_ORDER
            if festival_days.get(show.order_id) == show.day:
                value += WEIGHT_FESTIVAL
        variables.append(x[i])
        weights.append(value)
    covered = {}
    if season.coverage_target > 0:
        for (village, period), group in groups["village_period"].items():
            flag = covered[(village, period)] = model.new_bool_var(f"covered_{village}_{period}")
            model.add(total(group) >= season.coverage_target).only_enforce_if(flag)
            variables.append(flag)
            weights.append(WEIGHT_COVERAGE + WEIGHT_UNSERVED_WEEK * _weeks_unserved(problem, village))
    busiest = model.new_int_var(0, len(shows), "busiest")
    for group in groups["troupe"].values():
        model.add(total(group) <= busiest)
    variables.append(busiest)
    weights.append(-WEIGHT_FAIRNESS)
    model.maximize(cp_model.LinearExpr.weighted_sum(variables, weights))

    hinted = {s.key for s in start}
    for i, show in enumerate(shows):
        model.add_hint(x[i], show.key in hinted)
    hinted_count = defaultdict(int)
    for show in start:
        hinted_count[(problem.village_of(show.site_id), season.period_of(show.day))] += 1
    for key, flag in covered.items():
        model.add_hint(flag, hinted_count[key] >= season.coverage_target)
    per_troupe = defaultdict(int)
    for show in start:
        per_troupe[show.troupe_id] += 1
    model.add_hint(busiest, max(per_troupe.values(), default=0))

    solver = cp_model.CpSolver()
    # what is left of the limit, less a second to read the plan back and check it
    solver.parameters.max_time_in_seconds = max(0.5, time_limit_seconds - (time.monotonic() - started) - 1.0)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.symmetry_level = 0  # symmetry detection costs seconds here and finds little
    status = solver.solve(model)
    status_name = _statuses().get(status, "unknown")
    if status == cp_model.INFEASIBLE:
        raise RuleViolation("the pinned shows cannot all be kept together", code="plan.pin_conflict", field="pinned")
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen = [show for i, show in enumerate(shows) if solver.boolean_value(x[i])]
        objective, bound = solver.objective_value, solver.best_objective_bound
        gap = abs(bound - objective) / max(1.0, abs(objective))
    else:  # nothing found in time: the baseline (every rule holds) is the best known plan
        chosen = list(start)
        objective = bound = gap = None
    broken = violations(problem, travel, chosen)
    if broken:  # the model and the rules disagree: a bug, never a plan to publish
        raise AssertionError("the solver's plan breaks rules: " + "; ".join(broken[:5]))
    served = {s.order_id for s in chosen if s.order_id is not None}
    unplanned = []
    for order in problem.orders:
        if order.order_id in served:
            continue
        unplanned.append(
            impossible.get(order.order_id)
            or Unplanned(
                order.order_id,
                UnplannedReason.NO_CAPACITY,
                "the troupes that perform it were fully booked in its window, or the village had a show too recently",
            )
        )
    chosen.sort(key=lambda s: (s.day, s.half is Half.AFTERNOON, s.troupe_id))
    return SeasonPlan(
        shows=tuple(chosen),
        unplanned=tuple(unplanned),
        score=score(problem, travel, chosen),
        solve=SolveReport(
            status=status_name,
            wall_seconds=round(time.monotonic() - started, 3),
            objective=objective,
            best_bound=bound,
            gap=None if gap is None else round(gap, 6),
        ),
        travel_minutes=legs(problem, travel, chosen),
    )


def _with_coverage(problem: PlanProblem, travel: TravelTimes, baseline: list[Show], coverage: list[Show]) -> list[Show]:
    """The baseline plus greedily added coverage shows (longest-unserved villages first, nearest troupe):
    a better start for the solver than the baseline alone."""
    season = problem.season
    baseline = _on_festival_days(problem, travel, baseline)
    state = PlanState(problem, travel)
    for show in baseline:
        state.add(show)
    held = defaultdict(int)
    for show in baseline:
        held[(problem.village_of(show.site_id), season.period_of(show.day))] += 1
    for show in sorted(
        coverage,
        key=lambda s: (
            -_weeks_unserved(problem, problem.village_of(s.site_id)),
            _round_trip(problem, travel, s),
            s.day,
            s.troupe_id,
        ),
    ):
        key = (problem.village_of(show.site_id), season.period_of(show.day))
        if held[key] < season.coverage_target and state.try_add(show):
            held[key] += 1
    return list(state.shows)


def _on_festival_days(problem: PlanProblem, travel: TravelTimes, baseline: list[Show]) -> list[Show]:
    """The baseline with its festival orders moved onto the festival day where a troupe is free then (the
    baseline itself, if any of them would be lost)."""
    festivals = {o.order_id: o for o in problem.orders if o.festival is not None}
    movable = [
        s
        for s in baseline
        if s.order_id in festivals and s not in problem.pinned and s.day != festivals[s.order_id].festival.day
    ]
    if not movable:
        return baseline
    state = PlanState(problem, travel)
    for show in baseline:
        if show not in movable:
            state.add(show)
    for show in movable:
        order = festivals[show.order_id]
        site = problem.sites[order.site_id]
        on_the_day = sorted(
            (
                replace(show, troupe_id=t.troupe_id, day=order.festival.day, half=half)
                for t in problem.troupes.values()
                if order.offering_id in t.repertoire
                for half in Half
            ),
            key=lambda s: (
                travel.minutes(s.troupe_id, problem.troupes[s.troupe_id].base, site.site_id, site.point),
                s.troupe_id,
                s.half is Half.MORNING,
            ),
        )
        if not any(state.try_add(s) for s in on_the_day if s.key not in problem.removed) and not state.try_add(show):
            return baseline
    return list(state.shows)


def _spread(problem: PlanProblem, travel: TravelTimes, shows: list[Show], limit: int) -> list[Show]:
    """The nearest troupes' candidates, at most ``limit``, spread evenly over the days."""
    site = problem.sites[shows[0].site_id] if shows else None
    if site is None:
        return []
    nearest = sorted(
        {s.troupe_id for s in shows},
        key=lambda t: (travel.minutes(t, problem.troupes[t].base, site.site_id, site.point), t),
    )
    keep = set(nearest[:ORDER_TROUPES])
    shows = sorted((s for s in shows if s.troupe_id in keep), key=lambda s: (s.day, s.half is Half.AFTERNOON))
    if len(shows) <= limit:
        return shows
    step = len(shows) / limit
    return [shows[int(i * step)] for i in range(limit)]


def _weeks_unserved(problem: PlanProblem, village: str) -> int:
    last = [s.last_served for s in problem.sites.values() if s.village == village and s.last_served]
    if not last:
        return 52
    return max(0, min(52, (problem.season.first_day - max(last)).days // 7))
