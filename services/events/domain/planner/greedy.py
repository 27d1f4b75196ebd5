"""The baseline a planner must beat: answer orders one by one, earliest first, each on its earliest
feasible half-day with the nearest troupe free then. No coverage shows, no look-ahead."""

from __future__ import annotations

from .model import Half, PlanProblem, Show
from .rules import PlanState, order_candidates
from .travel import TravelTimes


def greedy_shows(problem: PlanProblem, travel: TravelTimes) -> list[Show]:
    state = PlanState(problem, travel)
    for pinned in problem.pinned:
        state.try_add(pinned)
    for order in sorted(problem.orders, key=lambda o: (o.window.first_day, o.window.last_day, o.order_id)):
        candidates, _ = order_candidates(problem, order)
        site = problem.sites[order.site_id]

        def distance(show: Show) -> int:
            base = problem.troupes[show.troupe_id].base
            return travel.minutes(show.troupe_id, base, site.site_id, site.point)

        for show in sorted(candidates, key=lambda s: (s.day, s.half is Half.AFTERNOON, distance(s), s.troupe_id)):
            if state.try_add(show):
                break
    return list(state.shows)
