"""The season planner's rules, each proven on a small hand-made district (CP-SAT with a short time limit)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kit.rules import RuleViolation
from services.events.domain.planner import (
    DayRange,
    FestivalDate,
    Half,
    Offering,
    PlanOrder,
    PlanProblem,
    Point,
    Season,
    Show,
    Site,
    TravelTimes,
    Troupe,
    UnplannedReason,
    greedy_shows,
    parse_matrix_csv,
    plan_season,
    violations,
)

MONDAY = date(2027, 3, 1)
LIMIT = 5.0  # seconds per solve; these instances are solved to optimality in well under one
TRAVEL = TravelTimes()


def site(n: int, lat: float = 30.0, lon: float = 118.0, **extra) -> Site:
    return Site(f"s{n}", f"村{n}广场", f"村{n}", Point(lat, lon), **extra)


def troupe(n: int, lat: float = 30.0, lon: float = 118.0, repertoire=("play",), **extra) -> Troupe:
    return Troupe(f"t{n}", f"团{n}", Point(lat, lon), tuple(repertoire), **extra)


def order(n: int, site_id: str, first: date, last: date, offering: str = "play", festival=None) -> PlanOrder:
    return PlanOrder(f"o{n}", site_id, offering, DayRange(first, last), festival)


def problem(
    sites, troupes, orders, *, weeks: int = 1, coverage_target: int = 0, spacing: int = 0, duration: int = 120, **extra
) -> PlanProblem:
    season = Season(
        MONDAY,
        MONDAY + timedelta(weeks=weeks) - timedelta(days=1),
        coverage_target=coverage_target,
        min_weeks_between_visits=spacing,
    )
    return PlanProblem(
        season,
        {s.site_id: s for s in sites},
        {t.troupe_id: t for t in troupes},
        {"play": Offering("play", "黄梅戏选段", duration), "film": Offering("film", "露天电影", 100)},
        tuple(orders),
        **extra,
    )


def solve(p: PlanProblem, travel: TravelTimes = TRAVEL):
    plan = plan_season(p, travel, time_limit_seconds=LIMIT)
    assert violations(p, travel, plan.shows) == []
    assert plan.solve.status in ("optimal", "feasible") and plan.solve.gap is not None
    return plan


def test_a_troupe_is_never_in_two_places_at_once():
    # Three villages next to each other all want the one troupe on the same day: two halves, two shows.
    sites = [site(1), site(2, lat=30.01), site(3, lat=30.02)]
    orders = [order(i, f"s{i}", MONDAY, MONDAY) for i in (1, 2, 3)]
    plan = solve(problem(sites, [troupe(1)], orders))
    assert sorted(s.half for s in plan.shows) == [Half.AFTERNOON, Half.MORNING]
    assert len({(s.troupe_id, s.day, s.half) for s in plan.shows}) == len(plan.shows)
    [left_out] = plan.unplanned
    assert left_out.reason is UnplannedReason.NO_CAPACITY
    # …and the checker itself refuses a double booking.
    double = [
        Show("t1", "s1", "play", MONDAY, Half.MORNING, "o1"),
        Show("t1", "s2", "play", MONDAY, Half.MORNING, "o2"),
    ]
    assert any("already plays" in v for v in violations(problem(sites, [troupe(1)], orders), TRAVEL, double))


def test_travel_between_the_morning_and_the_afternoon_site_must_fit():
    near, far = site(1), site(2, lat=31.2)  # ~130 km apart: over four hours on country roads
    one_day = [order(1, "s1", MONDAY, MONDAY), order(2, "s2", MONDAY, MONDAY)]
    plan = solve(problem([near, far], [troupe(1, lat=30.6)], one_day))
    assert len(plan.shows) == 1 and len(plan.unplanned) == 1  # never morning at one and afternoon at the other
    # Given two days, both are served, one a day.
    two_days = [order(1, "s1", MONDAY, MONDAY + timedelta(days=1)), order(2, "s2", MONDAY, MONDAY + timedelta(days=1))]
    plan = solve(problem([near, far], [troupe(1, lat=30.6)], two_days))
    assert len(plan.shows) == 2 and plan.shows[0].day != plan.shows[1].day
    # With a close neighbour instead, both fit into one day.
    plan = solve(problem([near, site(2, lat=30.05)], [troupe(1)], one_day))
    assert {s.half for s in plan.shows} == {Half.MORNING, Half.AFTERNOON}


def test_an_uploaded_travel_matrix_overrides_the_estimate():
    sites = [site(1), site(2, lat=30.01)]  # a kilometre apart, but the river between them has no bridge
    one_day = [order(1, "s1", MONDAY, MONDAY), order(2, "s2", MONDAY, MONDAY)]
    assert len(solve(problem(sites, [troupe(1)], one_day)).shows) == 2
    travel = TravelTimes(matrix=parse_matrix_csv("from,to,minutes\ns1,s2,200\n"))
    assert len(solve(problem(sites, [troupe(1)], one_day), travel).shows) == 1
    with pytest.raises(RuleViolation):
        parse_matrix_csv("s1,s2,two hours\n")


def test_closures_and_closed_weekdays_of_the_site_are_honoured():
    closed = site(
        1,
        open_weekdays=frozenset({1, 2, 3, 4, 5, 6}),  # closed on Mondays…
        closures=(DayRange(MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)),),
    )  # …and Tue–Wed
    plan = solve(problem([closed], [troupe(1)], [order(1, "s1", MONDAY, MONDAY + timedelta(days=3))]))
    [show] = plan.shows
    assert show.day == MONDAY + timedelta(days=3)  # Thursday: the only open day of the window
    # Closed for the whole window: the order says why.
    plan = solve(problem([closed], [troupe(1)], [order(1, "s1", MONDAY, MONDAY + timedelta(days=2))]))
    assert plan.shows == () and plan.unplanned[0].reason is UnplannedReason.NO_DAY


def test_a_troupe_plays_only_when_available_and_at_most_k_a_week():
    busy = troupe(1, available_weekdays=frozenset({5, 6}), max_shows_per_week=1)  # weekends, once a week
    sites = [site(i, lat=30 + i / 100) for i in range(1, 4)]
    orders = [order(i, f"s{i}", MONDAY, MONDAY + timedelta(days=6)) for i in range(1, 4)]
    plan = solve(problem(sites, [busy], orders))
    [show] = plan.shows
    assert show.day.weekday() in (5, 6)
    assert len(plan.unplanned) == 2


def test_festival_orders_land_in_the_festival_season_and_on_the_day_when_possible():
    day = MONDAY + timedelta(days=10)
    festival = FestivalDate("清明", day, DayRange(day - timedelta(days=3), day))
    p = problem(
        [site(1)], [troupe(1)], [order(1, "s1", MONDAY, MONDAY + timedelta(days=13), festival=festival)], weeks=2
    )
    [show] = solve(p).shows
    assert show.day == day and solve(p).score.festivals_hit == 1
    # The troupe is away on the festival day: still in the season, never outside it.
    away = troupe(1, unavailable=(DayRange(day, day),))
    [show] = solve(problem([site(1)], [away], p.orders, weeks=2)).shows
    assert day - timedelta(days=3) <= show.day < day


def test_a_village_is_not_visited_twice_within_m_weeks_unless_it_ordered_twice():
    sites = [site(1)]
    twice = [order(1, "s1", MONDAY, MONDAY + timedelta(days=6)), order(2, "s1", MONDAY, MONDAY + timedelta(days=6))]
    assert len(solve(problem(sites, [troupe(1)], twice, spacing=2)).shows) == 2
    # Weekly coverage would like a show each week; the spacing rule (2 weeks) allows one.
    season = Season(
        MONDAY, MONDAY + timedelta(days=13), coverage_weeks=1, coverage_target=1, min_weeks_between_visits=2
    )
    p = PlanProblem(season, {"s1": site(1)}, {"t1": troupe(1)}, {"play": Offering("play", "黄梅戏选段", 120)}, ())
    assert len(solve(p).shows) == 1
    spaced_out = Season(
        MONDAY, MONDAY + timedelta(days=13), coverage_weeks=1, coverage_target=1, min_weeks_between_visits=1
    )
    assert len(solve(PlanProblem(spaced_out, p.sites, p.troupes, p.offerings, ())).shows) == 2


def test_coverage_sends_a_show_to_a_village_that_ordered_nothing_longest_unserved_first():
    long_ago = site(1, last_served=MONDAY - timedelta(weeks=40))
    recently = site(2, lat=30.01, last_served=MONDAY - timedelta(weeks=3))
    one_slot = troupe(1, max_shows_per_week=1)  # room for one coverage show only
    plan = solve(problem([long_ago, recently], [one_slot], [], coverage_target=1))
    [show] = plan.shows
    assert show.site_id == "s1" and show.order_id is None and plan.score.villages_covered == 1


def test_a_pinned_show_is_kept_and_a_removed_one_is_not_proposed_again():
    sites = [site(1)]
    orders = [order(1, "s1", MONDAY, MONDAY + timedelta(days=6))]
    first = solve(problem(sites, [troupe(1), troupe(2, lat=30.5)], orders)).shows[0]
    assert first.troupe_id == "t1"  # the nearer troupe
    pin = Show("t2", "s1", "play", MONDAY + timedelta(days=4), Half.AFTERNOON, "o1")
    plan = solve(problem(sites, [troupe(1), troupe(2, lat=30.5)], orders, pinned=(pin,)))
    assert plan.shows == (pin,)
    plan = solve(problem(sites, [troupe(1), troupe(2, lat=30.5)], orders, removed=frozenset({first.key})))
    assert plan.shows and first.key not in {s.key for s in plan.shows}
    with pytest.raises(RuleViolation):  # a pin that breaks a rule is refused, not silently dropped
        solve(
            problem(
                [site(1, open_weekdays=frozenset({1}))],
                [troupe(1)],
                orders,
                pinned=(Show("t1", "s1", "play", MONDAY, Half.MORNING, "o1"),),
            )
        )


def test_unplanned_orders_carry_their_reason():
    p = problem(
        [site(1)],
        [troupe(1)],
        [
            order(1, "s1", MONDAY, MONDAY, offering="film"),
            order(2, "s1", MONDAY - timedelta(days=9), MONDAY - timedelta(days=2)),
        ],
    )
    reasons = {u.order_id: u.reason for u in solve(p).unplanned}
    assert reasons == {"o1": UnplannedReason.NO_TROUPE, "o2": UnplannedReason.OUTSIDE_SEASON}


def test_the_planner_serves_as_many_orders_as_the_greedy_baseline_with_less_travel():
    # Greedy takes the earliest day with the nearest free troupe; that sends the far troupe to village 2.
    sites = [site(1), site(2, lat=30.3)]
    troupes = [troupe(1, lat=30.0, max_shows_per_week=1), troupe(2, lat=30.3, max_shows_per_week=1)]
    orders = [order(1, "s2", MONDAY, MONDAY + timedelta(days=6)), order(2, "s1", MONDAY, MONDAY + timedelta(days=6))]
    p = problem(sites, troupes, orders)
    baseline = greedy_shows(p, TRAVEL)
    assert violations(p, TRAVEL, baseline) == []
    plan = solve(p)
    assert plan.score.orders_fulfilled >= 2 == len(baseline)
    assert {(s.troupe_id, s.site_id) for s in plan.shows} == {("t1", "s1"), ("t2", "s2")}
