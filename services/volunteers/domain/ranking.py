"""Rank volunteer candidates for one role of an event.

Rules, applied in this order (the first one a candidate fails is the reason it is out):

1. ``missing_skills`` — the candidate must have every skill the role requires.
2. ``unavailable`` — the candidate's weekly availability must cover the whole event time.
3. ``schedule_conflict`` — no existing commitment may overlap the event once travel between the two
   sites is counted before and after it: great-circle distance / an average speed (30 km/h by default,
   a fair guess for village roads; configurable in ``RankingPolicy``).
4. ``too_far`` — only when ``RankingPolicy.max_distance_km`` is set.

The eligible are then sorted by

1. distance from home to the site, in bands (5 km by default) — inside one band a few hundred metres
   should not beat fairness;
2. fewer recent service hours first (fair share of the work; the service passes e.g. the last 90 days);
3. volunteer id, so the same input always gives the same order.

Speed: a 20,000-strong pool is ranked with one pass that builds a small tuple per eligible candidate and
one ``sorted()`` (or ``heapq.nsmallest`` with ``limit``), i.e. O(n log n); everything about the event
(its day segments, the site in radians) is computed once. ``bench/bench_dispatch_ranking.py`` measures it.
Times are local wall-clock datetimes, either all naive or all aware.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from .geo import EARTH_RADIUS_KM, LatLon, haversine_km, validate_lat_lon
from .profiles import WeeklyAvailability, covers_segments, day_segments

KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180


class ExclusionReason(StrEnum):
    MISSING_SKILLS = "missing_skills"
    UNAVAILABLE = "unavailable"
    SCHEDULE_CONFLICT = "schedule_conflict"
    TOO_FAR = "too_far"


class Commitment(NamedTuple):
    """Something the volunteer already does. A NamedTuple so plain ``(start, end, site)`` tuples work too."""

    start: datetime
    end: datetime
    site: LatLon


@dataclass(frozen=True, slots=True)
class Candidate:
    volunteer_id: str
    skills: Collection[str]
    availability: WeeklyAvailability
    home: LatLon
    recent_hours: float = 0.0
    commitments: Sequence[Commitment | tuple[datetime, datetime, LatLon]] = ()


@dataclass(frozen=True)
class RankingPolicy:
    travel_speed_kmh: float = 30.0
    distance_band_km: float = 5.0
    max_distance_km: float | None = None

    def __post_init__(self) -> None:
        if not self.travel_speed_kmh > 0:
            raise ValueError("travel_speed_kmh must be positive")
        if not self.distance_band_km > 0:
            raise ValueError("distance_band_km must be positive")
        if self.max_distance_km is not None and self.max_distance_km < 0:
            raise ValueError("max_distance_km must not be negative")


DEFAULT_POLICY = RankingPolicy()


@dataclass(frozen=True, slots=True)
class RankedCandidate:
    rank: int  # 1-based
    volunteer_id: str
    distance_km: float
    distance_band: int  # 0 = nearer than one band width
    recent_hours: float


@dataclass(frozen=True, slots=True)
class ExcludedCandidate:
    volunteer_id: str
    reason: ExclusionReason
    detail: str


@dataclass(frozen=True)
class RankingResult:
    ranked: list[RankedCandidate]
    excluded: list[ExcludedCandidate]  # filled only when explain_excluded=True
    considered: int
    eligible: int  # may exceed len(ranked) when a limit was given

    @property
    def volunteer_ids(self) -> list[str]:
        return [r.volunteer_id for r in self.ranked]


class Conflict(NamedTuple):
    commitment: Commitment
    overlaps: bool  # the times themselves overlap, travel aside
    gap_hours: float  # time between the commitment and the event (0 when they overlap)
    travel_hours: float  # time needed to move between the two sites


def travel_hours(a: LatLon, b: LatLon, speed_kmh: float) -> float:
    return haversine_km(a, b) / speed_kmh


def find_conflict(
    commitments: Iterable[Commitment | tuple[datetime, datetime, LatLon]],
    event_start: datetime,
    event_end: datetime,
    site: LatLon,
    speed_kmh: float,
) -> Conflict | None:
    """The first commitment that clashes with the event, or ``None``.

    Intervals are half-open: a commitment at the same site that ends exactly when the event starts
    is fine; anywhere else the gap must be at least the travel time.
    """
    for c in commitments:
        c_start, c_end, c_site = c
        if c_start < event_end and c_end > event_start:
            return Conflict(Commitment(c_start, c_end, c_site), True, 0.0, haversine_km(c_site, site) / speed_kmh)
        gap = (event_start - c_end) if c_end <= event_start else (c_start - event_end)
        gap_h = gap.total_seconds() / 3600.0
        # Cheap upper bound of the distance (along a meridian, then a parallel): when even that can be
        # travelled in the gap, skip the trigonometry. Most commitments are hours or days away.
        d_lon = abs(c_site[1] - site[1])
        if gap_h * speed_kmh >= KM_PER_DEGREE * (abs(c_site[0] - site[0]) + min(d_lon, 360.0 - d_lon)):
            continue
        needed_h = haversine_km(c_site, site) / speed_kmh
        if gap_h < needed_h:
            return Conflict(Commitment(c_start, c_end, c_site), False, gap_h, needed_h)
    return None


def rank_candidates(
    candidates: Iterable[Candidate],
    *,
    required_skills: Collection[str],
    event_start: datetime,
    event_end: datetime,
    site: LatLon,
    policy: RankingPolicy = DEFAULT_POLICY,
    limit: int | None = None,
    explain_excluded: bool = False,
) -> RankingResult:
    """Rank ``candidates`` for one role; see the module docstring for the rules.

    ``limit`` keeps only the best N (``heapq.nsmallest``: O(n log N)); ``explain_excluded`` lists every
    excluded candidate with its reason — off by default because the big pool rarely needs it.
    """
    if limit is not None and limit < 0:
        raise ValueError("limit must not be negative")
    required = frozenset(required_skills)
    segments = day_segments(event_start, event_end)  # raises when end <= start
    site_lat, site_lon = validate_lat_lon(site)
    site_lat_r, site_lon_r = math.radians(site_lat), math.radians(site_lon)
    cos_site_lat = math.cos(site_lat_r)
    speed = policy.travel_speed_kmh
    band_km = policy.distance_band_km
    max_km = policy.max_distance_km
    diameter = 2 * EARTH_RADIUS_KM
    radians, sin, cos, asin, sqrt = math.radians, math.sin, math.cos, math.asin, math.sqrt

    keys: list[tuple[int, float, str, float]] = []
    excluded: list[ExcludedCandidate] = []
    seen: set[str] = set()
    considered = 0
    for c in candidates:
        considered += 1
        vid = c.volunteer_id
        if vid in seen:
            raise ValueError(f"volunteer {vid!r} appears twice among the candidates")
        seen.add(vid)

        if required and not required.issubset(c.skills):
            if explain_excluded:
                missing = ", ".join(sorted(required.difference(c.skills)))
                excluded.append(ExcludedCandidate(vid, ExclusionReason.MISSING_SKILLS, f"missing skills: {missing}"))
            continue
        if not covers_segments(c.availability, segments):
            if explain_excluded:
                excluded.append(
                    ExcludedCandidate(
                        vid,
                        ExclusionReason.UNAVAILABLE,
                        f"weekly availability does not cover {event_start:%a %Y-%m-%d %H:%M} - {event_end:%a %H:%M}",
                    )
                )
            continue
        if c.commitments:
            conflict = find_conflict(c.commitments, event_start, event_end, (site_lat, site_lon), speed)
            if conflict is not None:
                if explain_excluded:
                    excluded.append(
                        ExcludedCandidate(vid, ExclusionReason.SCHEDULE_CONFLICT, _conflict_detail(conflict))
                    )
                continue

        # Inline haversine: this line runs for every eligible candidate of a 20,000 pool.
        lat, lon = c.home
        lat_r = radians(lat)
        h = sin((lat_r - site_lat_r) / 2) ** 2 + cos(lat_r) * cos_site_lat * sin((radians(lon) - site_lon_r) / 2) ** 2
        distance = diameter * asin(sqrt(h) if h < 1.0 else 1.0)
        if max_km is not None and distance > max_km:
            if explain_excluded:
                excluded.append(
                    ExcludedCandidate(
                        vid,
                        ExclusionReason.TOO_FAR,
                        f"lives {distance:.1f} km away; the limit is {max_km:g} km",
                    )
                )
            continue
        keys.append((int(distance // band_km), c.recent_hours, vid, distance))

    best = sorted(keys) if limit is None else heapq.nsmallest(limit, keys)
    ranked = [
        RankedCandidate(i, vid, round(distance, 3), band, recent)
        for i, (band, recent, vid, distance) in enumerate(best, start=1)
    ]
    return RankingResult(ranked=ranked, excluded=excluded, considered=considered, eligible=len(keys))


def _conflict_detail(conflict: Conflict) -> str:
    c = conflict.commitment
    when = f"{c.start:%Y-%m-%d %H:%M}-{c.end:%H:%M}"
    if conflict.overlaps:
        return f"overlaps an existing commitment {when}"
    return (
        f"existing commitment {when} leaves {conflict.gap_hours * 60:.0f} min, "
        f"but travel between the sites needs {conflict.travel_hours * 60:.0f} min"
    )
