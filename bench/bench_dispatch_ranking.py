"""Benchmark: rank 20,000 volunteer candidates for one role of an event that needs 50 people.

A script, not a test: it prints figures and ratios and asserts nothing about speed.

    .venv/bin/python bench/bench_dispatch_ranking.py [--candidates 20000] [--places 50] [--repeat 20]

The baseline, timed in the same run, is a plain ``sorted()`` of as many 4-tuples: ranking cannot be
cheaper than sorting its keys, so the ratio shows how much the per-candidate rules cost on top.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import datetime, time as clock, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.volunteers.domain.profiles import SKILLS  # noqa: E402
from services.volunteers.domain.ranking import Candidate, Commitment, rank_candidates  # noqa: E402

DISTRICT_CENTRE = (29.718, 106.631)  # 渝北区, Chongqing
EVENT_START = datetime(2025, 6, 7, 14, 0)  # a Saturday afternoon mobile performance
EVENT_END = datetime(2025, 6, 7, 17, 30)
SITE = (29.80, 106.70)

AVAILABILITY_PATTERNS = [
    {5: [(clock(8), clock(20))], 6: [(clock(8), clock(20))]},  # weekends
    {d: [(clock(18), clock(22))] for d in range(5)},  # weekday evenings
    {d: [(clock(9), clock(12)), (clock(13), clock(18))] for d in range(7)},  # retired, every day
    {5: [(clock(13), clock(15)), (clock(15), clock(18))]},  # touching windows
    {5: [(clock(9), clock(12))], 6: [(clock(9), clock(17))]},
]


def synthetic_candidates(n: int, seed: int) -> list[Candidate]:
    rng = random.Random(seed)
    skills = list(SKILLS)
    out = []
    for i in range(n):
        has = {s for s in skills if rng.random() < 0.15}
        if rng.random() < 0.6:
            has.add("sound")
        pattern = rng.choice(AVAILABILITY_PATTERNS)
        availability = {day: list(windows) for day, windows in pattern.items()}  # one object per person
        home = (DISTRICT_CENTRE[0] + rng.uniform(-0.35, 0.35), DISTRICT_CENTRE[1] + rng.uniform(-0.35, 0.35))
        commitments = []
        for _ in range(rng.choice((0, 0, 1, 2, 3))):
            start = EVENT_START + timedelta(hours=rng.randint(-30, 30))
            site = (DISTRICT_CENTRE[0] + rng.uniform(-0.3, 0.3), DISTRICT_CENTRE[1] + rng.uniform(-0.3, 0.3))
            commitments.append(Commitment(start, start + timedelta(hours=rng.choice((1, 2, 3))), site))
        out.append(Candidate(
            volunteer_id=f"v{i:06d}",
            skills=frozenset(has),
            availability=availability,
            home=home,
            recent_hours=round(rng.uniform(0, 120) * 2) / 2,
            commitments=tuple(commitments),
        ))
    return out


def timings(fn, repeat: int) -> list[float]:
    fn()  # warm-up
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def p(samples: list[float], q: float) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1] if len(samples) > 1 else samples[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=20_000)
    parser.add_argument("--places", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20250607)
    args = parser.parse_args()

    candidates = synthetic_candidates(args.candidates, args.seed)
    kwargs = dict(required_skills={"sound"}, event_start=EVENT_START, event_end=EVENT_END, site=SITE)

    full = rank_candidates(candidates, **kwargs)
    top = rank_candidates(candidates, **kwargs, limit=args.places)
    assert top.volunteer_ids == full.volunteer_ids[: args.places]  # correctness, not speed

    rng = random.Random(args.seed)
    baseline_keys = [(rng.randint(0, 10), rng.uniform(0, 120), f"v{i:06d}", rng.uniform(0, 50))
                     for i in range(args.candidates)]

    runs = {
        "rank all (full order)": timings(lambda: rank_candidates(candidates, **kwargs), args.repeat),
        f"rank, keep top {args.places}": timings(
            lambda: rank_candidates(candidates, **kwargs, limit=args.places), args.repeat),
        "baseline sorted() of tuples": timings(lambda: sorted(baseline_keys), args.repeat),
    }
    base_p50 = statistics.median(runs["baseline sorted() of tuples"])

    print(f"python {sys.version.split()[0]}; {args.candidates} candidates, {args.places} places, "
          f"{args.repeat} repetitions; eligible {full.eligible} of {full.considered}")
    print(f"{'run':32} {'p50 ms':>9} {'p95 ms':>9} {'x baseline p50':>15}")
    for name, samples in runs.items():
        p50 = statistics.median(samples)
        print(f"{name:32} {p50:9.2f} {p(samples, 95):9.2f} {p50 / base_p50:15.1f}")
    best = full.ranked[0]
    print(f"best: {best.volunteer_id} at {best.distance_km:.1f} km (band {best.distance_band}), "
          f"{best.recent_hours:g} recent hours")


if __name__ == "__main__":
    main()
