"""Benchmark: rank 20,000 volunteer candidates for one role of an event that needs 50 people.

A script, not a test: it prints figures and ratios and asserts nothing about speed.

    .venv/bin/python bench/bench_dispatch_ranking.py [--candidates 20000] [--places 50] [--repeat 20]
                                                     [--database-url URL | --no-database]

The baseline, timed in the same run, is a plain ``sorted()`` of as many 4-tuples: ranking cannot be
cheaper than sorting its keys, so the ratio shows how much the per-candidate rules cost on top.

The database variant stores the same volunteers (and their recent service hours) in the volunteers
service's own schema — a temporary SQLite file unless ``--database-url`` names e.g. a scratch PostgreSQL
database (created and dropped) — and times what the service does on ``dispatch.requested``: load the
active volunteers and rank them (``services.volunteers.candidate_queries.rank_roles``). Commitments are left
out there (they are accepted offers, a join the pure run already charges for).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from datetime import time as clock
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
        out.append(
            Candidate(
                volunteer_id=f"v{i:06d}",
                skills=frozenset(has),
                availability=availability,
                home=home,
                recent_hours=round(rng.uniform(0, 120) * 2) / 2,
                commitments=tuple(commitments),
            )
        )
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


def database_run(candidates: list[Candidate], url: str | None, places: int, repeat: int) -> dict[str, list[float]]:
    """Load + rank from the service's schema; returns the timings (see the module docstring)."""
    import tempfile
    import uuid
    from datetime import date
    from zoneinfo import ZoneInfo

    from sqlalchemy.orm import Session

    from kit.engine import drop_database, make_engine
    from kit.migrations import upgrade
    from services.volunteers.candidate_queries import rank_roles
    from services.volunteers.domain.dispatch import Role
    from services.volunteers.settings import VolunteersSettings
    from services.volunteers.tables import hours_log, volunteers
    from services.volunteers.volunteer_queries import availability_to_json

    scratch = tempfile.TemporaryDirectory()
    url = url or f"sqlite:///{scratch.name}/volunteers.db"
    upgrade("volunteers", url)
    engine = make_engine(url)
    zone = ZoneInfo("Asia/Shanghai")
    now = datetime.now(zone)
    today = now.date()
    rows, hours = [], []
    for c in candidates:
        rows.append(
            dict(
                id=c.volunteer_id,
                name=c.volunteer_id,
                phone="13800138000",
                email=None,
                status="active",
                status_reason=None,
                skills=sorted(c.skills),
                tags=[],
                languages=["zh"],
                availability=availability_to_json(c.availability),
                channels=["sms"],
                town=None,
                village=None,
                lat=c.home[0],
                lon=c.home[1],
                applied_at=now,
                applied_by="bench",
                reviewed_at=now,
                reviewed_by="bench",
                updated_at=now,
            )
        )
        if c.recent_hours:
            key = str(uuid.uuid4())
            hours.append(
                dict(
                    id=key,
                    credit_key=f"manual/{key}",
                    volunteer_id=c.volunteer_id,
                    event_id=None,
                    event_title=None,
                    hours=c.recent_hours,
                    served_on=today,
                    source="manual",
                    note="bench",
                    recorded_by="bench",
                    created_at=now,
                )
            )
    with engine.begin() as conn:
        conn.execute(volunteers.insert(), rows)
        conn.execute(hours_log.insert(), hours)
    start = datetime.combine(EVENT_START.date(), EVENT_START.time(), tzinfo=zone)
    end = datetime.combine(EVENT_END.date(), EVENT_END.time(), tzinfo=zone)
    roles = (Role("音响", places, frozenset({"sound"})),)
    settings = VolunteersSettings(ranking_depth=places * 10)

    def load_and_rank():
        with Session(engine) as session:
            return rank_roles(session, roles, start=start, end=end, site=SITE, today=date.today(), settings=settings)

    try:
        assert len(load_and_rank()["音响"]) == min(places * 10, len(candidates))  # sanity, not speed
        return {f"load from {engine.dialect.name} + rank, keep {places * 10}": timings(load_and_rank, repeat)}
    finally:
        engine.dispose()
        if url.startswith("postgresql"):
            drop_database(url)
        scratch.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=20_000)
    parser.add_argument("--places", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20250607)
    parser.add_argument(
        "--database-url",
        default=None,
        help="a scratch database for the load-from-database run (default: a temporary SQLite file)",
    )
    parser.add_argument("--no-database", action="store_true", help="skip the load-from-database run")
    args = parser.parse_args()

    candidates = synthetic_candidates(args.candidates, args.seed)
    kwargs = dict(required_skills={"sound"}, event_start=EVENT_START, event_end=EVENT_END, site=SITE)

    full = rank_candidates(candidates, **kwargs)
    top = rank_candidates(candidates, **kwargs, limit=args.places)
    assert top.volunteer_ids == full.volunteer_ids[: args.places]  # correctness, not speed

    rng = random.Random(args.seed)
    baseline_keys = [
        (rng.randint(0, 10), rng.uniform(0, 120), f"v{i:06d}", rng.uniform(0, 50)) for i in range(args.candidates)
    ]

    runs = {
        "rank all (full order)": timings(lambda: rank_candidates(candidates, **kwargs), args.repeat),
        f"rank, keep top {args.places}": timings(
            lambda: rank_candidates(candidates, **kwargs, limit=args.places), args.repeat
        ),
        "baseline sorted() of tuples": timings(lambda: sorted(baseline_keys), args.repeat),
    }
    if not args.no_database:
        runs.update(database_run(candidates, args.database_url, args.places, max(3, args.repeat // 4)))
    base_p50 = statistics.median(runs["baseline sorted() of tuples"])

    print(
        f"python {sys.version.split()[0]}; {args.candidates} candidates, {args.places} places, "
        f"{args.repeat} repetitions; eligible {full.eligible} of {full.considered}"
    )
    print(f"{'run':44} {'p50 ms':>9} {'p95 ms':>9} {'x baseline p50':>15}")
    for name, samples in runs.items():
        p50 = statistics.median(samples)
        print(f"{name:44} {p50:9.2f} {p(samples, 95):9.2f} {p50 / base_p50:15.1f}")
    best = full.ranked[0]
    print(
        f"best: {best.volunteer_id} at {best.distance_km:.1f} km (band {best.distance_band}), "
        f"{best.recent_hours:g} recent hours"
    )


if __name__ == "__main__":
    main()
