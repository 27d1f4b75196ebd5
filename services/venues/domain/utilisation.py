"""How much of a room's open time is booked (服务效能): booked hours ÷ open hours."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Sequence

from services.venues.domain.opening_hours import ResolvedDay


def _merged(spans: Iterable[tuple[dt.datetime, dt.datetime]]) -> list[tuple[dt.datetime, dt.datetime]]:
    # Overlapping spans (should they ever exist) count once, so utilisation never exceeds 1.
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in sorted((start, end) for start, end in spans if start < end):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _booked_seconds_within(day: ResolvedDay, spans: Sequence[tuple[dt.datetime, dt.datetime]]) -> float:
    booked = 0.0
    for interval in day.intervals:
        opens = dt.datetime.combine(day.date, interval.start)
        closes = dt.datetime.combine(day.date, interval.end)
        for start, end in spans:
            overlap = min(end, closes) - max(start, opens)
            booked += max(overlap.total_seconds(), 0.0)
    return booked


def _ratio(booked_seconds: float, open_seconds: float) -> float | None:
    return round(booked_seconds / open_seconds, 4) if open_seconds else None


def room_utilisation(
    booked_spans: Iterable[tuple[dt.datetime, dt.datetime]], resolved_days: Sequence[ResolvedDay]
) -> dict[str, Any]:
    """Booked share of the open time over `resolved_days` (usually one week).

    Only the part of a booking inside open time counts; with no open time utilisation is None.
    Pass the bookings themselves, not their cleanup buffers.
    """
    spans = _merged(booked_spans)
    per_day = []
    total_open = total_booked = 0.0
    for day in resolved_days:
        booked = _booked_seconds_within(day, spans)
        total_open += day.open_seconds
        total_booked += booked
        per_day.append(
            {
                "date": day.date.isoformat(),
                "open_hours": round(day.open_seconds / 3600, 2),
                "booked_hours": round(booked / 3600, 2),
                "utilisation": _ratio(booked, day.open_seconds),
            }
        )
    return {
        "dates": [day.date.isoformat() for day in resolved_days],
        "open_hours": round(total_open / 3600, 2),
        "booked_hours": round(total_booked / 3600, 2),
        "utilisation": _ratio(total_booked, total_open),
        "per_day": per_day,
    }
