"""`python -m bench` — every scenario against a running platform (or one it starts), ONE table, JSON
under var/bench/<timestamp>.json. Figures and ratios only: nothing here asserts a speed.

    python -m bench                          # default sizes, well under 5 minutes on 2 cores
    python -m bench --only rpc_roundtrip,fanout --fanout-events 2000
    python -m bench --url http://host:8000 --amqp amqp://guest:guest@host:5672/ --secret KEY
"""

from __future__ import annotations

import argparse
import json
import os
import platform as py_platform
import sys
import time
import traceback
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import scenarios  # noqa: E402
from bench.stats import ScenarioResult  # noqa: E402
from bench.target import connect  # noqa: E402

SCENARIOS = (
    "rpc_roundtrip",
    "cached_read",
    "fanout",
    "registration_rush",
    "booking_contention",
    "dispatch_ranking",
    "season_planner",
    "page_latency",
)
PURE = ("dispatch_ranking", "season_planner")  # domain code only: no platform needed


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        prog="python -m bench", description="Wenyun benchmarks (figures and ratios, no asserts)"
    )
    p.add_argument("--url", help="gateway of a running platform (env WENYUN_BENCH_URL; default http://localhost:8000)")
    p.add_argument("--amqp", help="its broker (env AMQP_URI; default amqp://guest:guest@localhost:5672/)")
    p.add_argument("--secret", help="the platform's token signing key (env WENYUN_SECRET_KEY; default var/secret.key)")
    p.add_argument(
        "--postgres",
        help="PostgreSQL server for a started platform and the SQL baseline "
        "(env WENYUN_POSTGRES_URL; default postgresql://postgres@localhost:5432)",
    )
    start = p.add_mutually_exclusive_group()
    start.add_argument(
        "--start",
        dest="start",
        action="store_const",
        const="always",
        help="always start a private platform, even if one answers at --url",
    )
    start.add_argument(
        "--no-start",
        dest="start",
        action="store_const",
        const="never",
        help="fail instead of starting a platform when none answers",
    )
    p.set_defaults(start="auto")
    p.add_argument("--only", help=f"comma-separated subset of: {', '.join(SCENARIOS)}")
    p.add_argument("--rpc-requests", type=int, default=2000)
    p.add_argument("--rpc-concurrency", type=int, default=20)
    p.add_argument("--rpc-seconds", type=float, default=10, help="seconds of each wrk run (rpc_roundtrip, cached_read)")
    p.add_argument("--fanout-events", type=int, default=500)
    p.add_argument("--fanout-concurrency", type=int, default=50)
    p.add_argument(
        "--fanout-rates",
        default="max,500",
        help="runs of the fan-out: 'max' (closed loop) and/or offered rates per second, e.g. max,500",
    )
    p.add_argument("--fanout-wait", type=float, default=60, help="seconds to wait for the last inbox message")
    p.add_argument("--bus-events", type=int, default=2000, help="facts of each bus-only fan-out run (0: skip them)")
    p.add_argument(
        "--bus-rates",
        default="burst,500",
        help="bus-only runs: 'burst' (one transaction) and/or commit rates per second",
    )
    p.add_argument("--venues-db", help="the venues database of a running platform, for the bus-only fan-out")
    p.add_argument("--rush-clients", type=int, default=1000, help="registrations (one resident each)")
    p.add_argument("--rush-concurrency", type=int, default=50)
    p.add_argument("--rush-capacity", type=int, default=300)
    p.add_argument("--rush-kept-back", type=int, default=30)
    p.add_argument("--booking-clients", type=int, default=200)
    p.add_argument("--booking-concurrency", type=int, default=50)
    p.add_argument("--booking-slots", type=int, default=5, help="distinct overlapping slots contended for")
    p.add_argument("--dispatch-candidates", type=int, default=20_000)
    p.add_argument("--dispatch-places", type=int, default=50)
    p.add_argument("--dispatch-repeat", type=int, default=5)
    p.add_argument("--planner-seed", type=int, default=7, help="seed of the synthetic district (season_planner)")
    p.add_argument("--planner-time-limit", type=float, default=60.0, help="seconds for the season planner")
    p.add_argument(
        "--web-url", help="the web app of a running platform (env WENYUN_BENCH_WEB_URL; default http://localhost:8080)"
    )
    p.add_argument("--page-requests", type=int, default=50, help="sequential requests per page (page_latency)")
    p.add_argument(
        "--platform-env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="environment of a platform the bench starts itself (e.g. WENYUN_MAX_WORKERS=50); repeatable",
    )
    p.add_argument(
        "--profile",
        action="store_true",
        help="sample every process of a platform the bench started with py-spy during each scenario",
    )
    p.add_argument("--out", default=str(ROOT / "var" / "bench"), help="directory for the JSON results")
    return p.parse_args(argv)


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": py_platform.python_version(),
        "loadavg": os.getloadavg(),
        "system": f"{py_platform.system()} {py_platform.release()}",
    }


def _fmt(value, width: int, digits: int = 1) -> str:
    return f"{'-':>{width}}" if value is None else f"{value:>{width}.{digits}f}"


def table(results: list[ScenarioResult]) -> str:
    head = f"{'scenario':<34} {'thr/s':>9} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9} {'errors':>7}  {'baseline / ratio (ours ÷ baseline)'}"  # noqa: E501
    lines = [head, "-" * len(head)]
    for r in results:
        if r.skipped:
            lines.append(f"{r.scenario:<34} skipped: {r.skipped}")
            continue
        for label, figures, tail in (
            (r.scenario, r.ours, _ratio_text(r) if r.baseline else "(issue 7 names no baseline)"),
            ("  ↳ baseline", r.baseline, r.baseline.name if r.baseline else ""),
        ):
            if figures is None:
                continue
            s = figures.summary()
            lines.append(
                f"{label:<34} {_fmt(s['throughput_per_s'], 9)} {_fmt(s['p50_ms'], 9, 2)} "
                f"{_fmt(s['p95_ms'], 9, 2)} {_fmt(s['p99_ms'], 9, 2)} {s['errors']:>7}  {tail}"
            )
        if r.extra.get("summary"):
            lines.append(f"{'':<34} {r.extra['summary']}")
    return "\n".join(lines)


def _ratio_text(r: ScenarioResult) -> str:
    ratio = r.ratio()
    if not ratio:
        return ""
    parts = []
    if "throughput" in ratio:
        parts.append(f"thr ×{ratio['throughput']:.3g}")
    if "p50" in ratio:
        parts.append(f"p50 ×{ratio['p50']:.3g}")
    return ", ".join(parts)


def main(argv=None) -> int:
    args = parse_args(argv)
    wanted = [s.strip() for s in (args.only or ",".join(SCENARIOS)).split(",") if s.strip()]
    unknown = set(wanted) - set(SCENARIOS)
    if unknown:
        print(
            f"bench: unknown scenario(s): {', '.join(sorted(unknown))}; one of {', '.join(SCENARIOS)}", file=sys.stderr
        )
        return 2
    started = time.time()
    load_at_start = os.getloadavg()
    needs_platform = any(s not in PURE for s in wanted)
    platform_env = dict(item.split("=", 1) for item in args.platform_env)
    if platform_env and args.start == "auto":
        args.start = "always"  # tuned settings only apply to a platform the bench starts itself
    target = (
        connect(args.url, args.amqp, args.secret, args.postgres, start=args.start, extra_env=platform_env)
        if needs_platform
        else None
    )
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    profiler = None
    if args.profile:
        from bench.profile import Profiler, py_spy

        if not py_spy():
            print("bench: --profile needs py-spy (.venv/bin/pip install py-spy)", file=sys.stderr)
        elif target is None or not target.started_here:
            print("bench: --profile only samples a platform the bench started itself (--start)", file=sys.stderr)
        else:
            profiler = Profiler(
                {n: p.pid for n, p in target.platform.processes.items()}, Path(args.out) / f"{stamp}-profiles"
            )
    results: list[ScenarioResult] = []
    try:
        for name in wanted:
            runs = []
            if name == "fanout":
                for rate in [r.strip() for r in args.fanout_rates.split(",") if r.strip()]:
                    runs.append(
                        (
                            f"fanout {rate}",
                            lambda rate=rate: scenarios.fanout(target, args, None if rate == "max" else float(rate)),
                        )
                    )
                for rate in [r.strip() for r in args.bus_rates.split(",") if r.strip()] if args.bus_events > 0 else []:
                    runs.append(
                        (
                            f"fanout bus-only {rate}",
                            lambda rate=rate: scenarios.fanout_bus(
                                target, args, None if rate == "burst" else float(rate)
                            ),
                        )
                    )
            else:
                runs.append((name, lambda name=name: getattr(scenarios, name)(target, args)))
            for label, run in runs:
                print(f"bench: {label} ...", flush=True)
                t0 = time.time()
                if profiler:
                    profiler.start(label.replace(" ", "_"))
                try:
                    result = run()
                except Exception as exc:  # noqa: BLE001 - one broken scenario must not hide the others
                    traceback.print_exc()
                    last = [line for line in str(exc).strip().splitlines() if line.strip()] or [""]
                    result = ScenarioResult(label, skipped=f"failed: {exc.__class__.__name__}: {last[-1][:300]}")
                result.extra["wall_s"] = round(time.time() - t0, 1)
                if profiler:
                    result.extra["profile"] = profiler.stop()
                results.append(result)
    finally:
        if target is not None:
            target.close()
    info = machine()
    print()
    print(
        f"Wenyun bench — {datetime.now().isoformat(timespec='seconds')} — {info['cpu']}, {info['cores']} cores, "
        f"load {load_at_start[0]:.1f}→{info['loadavg'][0]:.1f}, Python {info['python']}; target {'started by the bench' if target and target.started_here else (target.base_url if target else '-')}"  # noqa: E501
    )
    print(table(results))
    print(
        "thr/s = successful operations per second; ratio = ours ÷ baseline (thr below 1 and p50 above 1 = "
        "slower than the baseline)"
    )
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{stamp}.json"
    path.write_text(
        json.dumps(
            {
                "started": datetime.fromtimestamp(started).isoformat(timespec="seconds"),
                "wall_seconds": round(time.time() - started, 1),
                "machine": {**info, "loadavg_at_start": load_at_start},
                "target": {"started_here": bool(target and target.started_here), "platform_env": platform_env},
                "args": vars(args),
                "results": [r.to_json() for r in results],
            },
            indent=2,
            ensure_ascii=False,
            default=str,
        )
    )
    print(f"bench: results written to {path}")
    return 0
