"""Benchmark: plan a 送文化下乡 season for a synthetic district, against the greedy baseline of the same run.

A script, not a test: it prints figures and asserts nothing.

    .venv/bin/python bench/bench_season_planner.py [--seed 7] [--villages 300] [--troupes 30] [--weeks 26]
                                                   [--orders 600] [--time-limit 60]

The district is generated from the seed: villages scattered around towns (~70 × 70 km), a site per village
(a few closed on Mondays, a few closed for a fortnight), troupes based in towns with 2–3 offerings each
(every offering played by several troupes), available on most weekdays, at most 3 shows a week; orders with
2–6-week windows, one in ten for one of the season's 8 festivals. Baseline: earliest order first, nearest
free troupe (``greedy_shows``); the planner: ``plan_season`` (CP-SAT, hinted with the baseline).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.events.domain.festivals import festival_season, festivals_between  # noqa: E402
from services.events.domain.planner import (
    DayRange,
    FestivalDate,
    Offering,
    PlanOrder,
    PlanProblem,  # noqa: E402
    Point,
    Season,
    Site,
    TravelTimes,
    Troupe,
    greedy_shows,
    plan_season,
    score,
    violations,
)

SEASON_START = date(2026, 12, 28)  # a Monday; the 26 weeks from it hold 元旦 … 端午 (8 festivals)
CENTRE = Point(29.87, 118.43)


def district(
    seed: int = 7,
    villages: int = 300,
    troupes: int = 30,
    weeks: int = 26,
    orders: int = 600,
    offerings: int = 40,
    festivals: int = 8,
) -> PlanProblem:
    rng = random.Random(seed)
    season = Season(first_day=SEASON_START, last_day=SEASON_START + timedelta(weeks=weeks) - timedelta(days=1))
    towns = [Point(CENTRE.lat + rng.uniform(-0.3, 0.3), CENTRE.lon + rng.uniform(-0.35, 0.35)) for _ in range(20)]
    sites = {}
    for v in range(villages):
        town = towns[v % len(towns)]
        point = Point(town.lat + rng.gauss(0, 0.05), town.lon + rng.gauss(0, 0.06))
        closed = frozenset({0}) if rng.random() < 0.1 else frozenset()
        closures = ()
        if rng.random() < 0.05:
            first = season.first_day + timedelta(days=rng.randrange(0, weeks * 7 - 14))
            closures = (DayRange(first, first + timedelta(days=13)),)
        site_id = f"site-{v:03d}"
        sites[site_id] = Site(
            site_id,
            f"村{v:03d}文化广场",
            f"村{v:03d}",
            point,
            open_weekdays=frozenset(range(7)) - closed,
            closures=closures,
            last_served=season.first_day - timedelta(weeks=rng.randrange(2, 60)),
        )
    menu = {
        f"off-{i:02d}": Offering(f"off-{i:02d}", f"节目{i:02d}", rng.choice([60, 90, 90, 120, 150]))
        for i in range(offerings)
    }
    offering_ids = sorted(menu)
    repertoires = [[] for _ in range(troupes)]
    for i, offering_id in enumerate(offering_ids):  # every offering in 2–3 repertoires
        for t in rng.sample(range(troupes), rng.choice([2, 2, 3])):
            repertoires[t].append(offering_id)
    for t in range(troupes):
        if not repertoires[t]:
            repertoires[t].append(rng.choice(offering_ids))
    troupe_map = {}
    for t in range(troupes):
        off_days = frozenset(rng.sample(range(7), rng.choice([1, 2])))
        unavailable = ()
        if rng.random() < 0.3:
            first = season.first_day + timedelta(days=rng.randrange(0, weeks * 7 - 21))
            unavailable = (DayRange(first, first + timedelta(days=rng.randrange(6, 20))),)
        town = towns[rng.randrange(len(towns))]
        troupe_map[f"troupe-{t:02d}"] = Troupe(
            f"troupe-{t:02d}",
            f"文艺团{t:02d}",
            Point(town.lat + rng.gauss(0, 0.02), town.lon + rng.gauss(0, 0.02)),
            tuple(repertoires[t]),
            frozenset(range(7)) - off_days,
            unavailable,
            3,
        )
    feasts = []
    for occurrence in festivals_between(season.first_day, season.last_day)[:festivals]:
        s = festival_season(occurrence.festival, occurrence.day.year)
        feasts.append(FestivalDate(occurrence.festival.value, s.festival_day, DayRange(s.first_day, s.last_day)))
    site_ids = sorted(sites)
    ordering = rng.sample(site_ids, int(len(site_ids) * 0.75))  # a quarter of the villages order nothing
    order_list = []
    for n in range(orders):
        site_id = rng.choice(ordering)
        offering_id = rng.choice(offering_ids)
        if feasts and rng.random() < 0.1:
            feast = rng.choice(feasts)
            window = DayRange(max(season.first_day, feast.day - timedelta(days=14)), feast.day + timedelta(days=7))
            order_list.append(PlanOrder(f"order-{n:03d}", site_id, offering_id, window, feast))
            continue
        first = season.first_day + timedelta(days=rng.randrange(0, weeks * 7 - 14))
        last = min(season.last_day, first + timedelta(days=rng.randrange(14, 43)))
        order_list.append(PlanOrder(f"order-{n:03d}", site_id, offering_id, DayRange(first, last)))
    return PlanProblem(season, sites, troupe_map, menu, tuple(order_list))


def figures(problem, travel, shows) -> dict:
    s = score(problem, travel, shows)
    villages_visited = len({problem.village_of(show.site_id) for show in shows})
    return {
        "orders_fulfilled": s.orders_fulfilled,
        "villages_covered": s.villages_covered,
        "villages_visited": villages_visited,
        "village_quarters_covered": s.village_periods_covered,
        "festivals_hit": s.festivals_hit,
        "shows": s.shows,
        "travel_hours": round(s.travel_minutes / 60, 1),
        "travel_minutes_per_show": round(s.travel_minutes_per_show, 1),
        "busiest_troupe_shows": s.max_shows_per_troupe,
    }


def run(
    seed: int = 7, villages: int = 300, troupes: int = 30, weeks: int = 26, orders: int = 600, time_limit: float = 60.0
) -> dict:
    problem = district(seed, villages, troupes, weeks, orders)
    travel = TravelTimes()
    started = time.perf_counter()
    baseline = greedy_shows(problem, travel)
    greedy_seconds = time.perf_counter() - started
    plan = plan_season(problem, travel, time_limit_seconds=time_limit)
    assert not violations(problem, travel, baseline) and not violations(problem, travel, plan.shows)
    return {
        "district": {
            "seed": seed,
            "villages": villages,
            "troupes": troupes,
            "weeks": weeks,
            "orders": orders,
            "festival_orders": sum(1 for o in problem.orders if o.festival),
            "time_limit_s": time_limit,
        },
        "greedy": {"seconds": round(greedy_seconds, 2), **figures(problem, travel, baseline)},
        "planner": {
            "seconds": plan.solve.wall_seconds,
            "status": plan.solve.status,
            "gap": plan.solve.gap,
            **figures(problem, travel, plan.shows),
        },
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--villages", type=int, default=300)
    p.add_argument("--troupes", type=int, default=30)
    p.add_argument("--weeks", type=int, default=26)
    p.add_argument("--orders", type=int, default=600)
    p.add_argument("--time-limit", type=float, default=60.0)
    args = p.parse_args(argv)
    result = run(args.seed, args.villages, args.troupes, args.weeks, args.orders, args.time_limit)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
