"""HTTP load with `wrk` (Debian's package): a C load generator that is not the bottleneck, unlike the
asyncio client of bench.load, which tops out near ~450 requests/s against a bare handler here. Every HTTP
figure measured with wrk has its baseline measured with wrk too, in the same run.

The Lua script below counts the answers per status (`response()`) and prints one JSON line in `done()`:
requests, duration, socket errors and the latency percentiles wrk records for every request (µs).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.stats import Figures

_SCRIPT = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local counts = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses")) do counts[tostring(k)] = (counts[tostring(k)] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(counts) do table.insert(parts, string.format('"%s": %d', k, v)) end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, '
    .. '"status": %d, "timeout": %d}, "statuses": {%s}, "latency_us": {"p50": %d, "p90": %d, "p95": %d, '
    .. '"p99": %d, "max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout, table.concat(parts, ", "),
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
"""


def wrk_path() -> str | None:
    """wrk, installed with apt-get when missing and we are root; None (and how to get it) otherwise."""
    found = shutil.which("wrk")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], capture_output=True, timeout=300)
    return shutil.which("wrk")


MISSING = "wrk is not installed (as root: apt-get install -y wrk)"


def run_wrk(
    url: str,
    *,
    connections: int = 20,
    seconds: float = 10,
    threads: int = 2,
    headers: dict | None = None,
    timeout_s: int = 10,
) -> dict:
    """One wrk run against `url` (closed loop, `connections` keep-alive connections); its JSON summary."""
    wrk = wrk_path()
    if wrk is None:
        raise RuntimeError(MISSING)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_SCRIPT)
    try:
        command = [
            wrk,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            f"--timeout={timeout_s}s",
            "-s",
            script.name,
        ]
        for name, value in (headers or {}).items():
            command += ["-H", f"{name}: {value}"]
        done = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + timeout_s + 60)
    finally:
        Path(script.name).unlink(missing_ok=True)
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr[-1000:] or done.stdout[-1000:]}")
    return json.loads(line.removeprefix("WRK_JSON "))


def figures_from_wrk(name: str, out: dict, ok=(200, 304)) -> Figures:
    """wrk keeps a histogram, not every sample: the percentiles it reports stand in for the samples."""
    good = sum(n for status, n in out["statuses"].items() if int(status) in ok)
    socket_errors = sum(out["errors"][k] for k in ("connect", "read", "write", "timeout"))
    lat = out["latency_us"]
    figures = Figures(
        name,
        count=good,
        errors=out["requests"] - good + socket_errors,
        seconds=out["duration_us"] / 1e6,
        percentiles_ms={k: lat[k] / 1000 for k in ("p50", "p95", "p99", "max")},
    )
    figures.notes = {"generator": "wrk", "statuses": out["statuses"], "socket_errors": out["errors"], "raw": out}
    return figures
