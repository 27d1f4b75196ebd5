"""Percentiles and the one result shape every scenario returns."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


def percentile(samples: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) — no interpolation, so p99 of 100 samples is a real sample."""
    if not samples:
        return None
    ordered = sorted(samples)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Figures:
    """Throughput and latency of one measured run (ours or a baseline)."""

    name: str
    count: int = 0  # operations that succeeded
    errors: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list, repr=False)
    notes: dict = field(default_factory=dict)
    # A generator that keeps a histogram (wrk) reports percentiles instead of samples: p50, p95, p99, max.
    percentiles_ms: dict | None = None

    def percentile(self, q: int) -> float | None:
        if self.percentiles_ms is not None:
            return self.percentiles_ms.get(f"p{q}")
        return percentile(self.latencies_ms, q)

    @property
    def throughput(self) -> float | None:
        return self.count / self.seconds if self.seconds > 0 and self.count else None

    def summary(self) -> dict:
        return {
            "name": self.name,
            "count": self.count,
            "errors": self.errors,
            "seconds": round(self.seconds, 4),
            "throughput_per_s": _round(self.throughput),
            "p50_ms": _round(self.percentile(50)),
            "p95_ms": _round(self.percentile(95)),
            "p99_ms": _round(self.percentile(99)),
            "max_ms": _round(
                self.percentiles_ms.get("max")
                if self.percentiles_ms is not None
                else (max(self.latencies_ms) if self.latencies_ms else None)
            ),
            "notes": self.notes,
        }


@dataclass
class ScenarioResult:
    scenario: str
    ours: Figures | None = None
    baseline: Figures | None = None
    skipped: str | None = None
    extra: dict = field(default_factory=dict)

    def ratio(self) -> dict:
        """ours ÷ baseline: throughput (below 1 = slower than the baseline) and p50 latency (above 1 = slower)."""
        if not self.ours or not self.baseline:
            return {}
        out = {}
        if self.ours.throughput and self.baseline.throughput:
            out["throughput"] = round(self.ours.throughput / self.baseline.throughput, 4)
        ours_p50, base_p50 = self.ours.percentile(50), self.baseline.percentile(50)
        if ours_p50 and base_p50:
            out["p50"] = round(ours_p50 / base_p50, 2)
        return out

    def to_json(self) -> dict:
        return {
            "scenario": self.scenario,
            "skipped": self.skipped,
            "ours": self.ours.summary() if self.ours else None,
            "baseline": self.baseline.summary() if self.baseline else None,
            "ratio": self.ratio(),
            "extra": self.extra,
        }


def _round(value):
    return None if value is None else round(value, 2)


__all__ = ["Figures", "ScenarioResult", "percentile"]
