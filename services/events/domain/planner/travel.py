"""Travel time between troupe bases and sites: estimated from coordinates (great-circle distance × a road
factor at an average speed), or taken from a matrix the organiser uploads as CSV (``from,to,minutes``,
ids of sites or troupes; the matrix wins where it has the pair, in either direction)."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field

from kit.rules import RuleViolation

from .model import Point

EARTH_RADIUS_KM = 6371.0
DEFAULT_ROAD_FACTOR = 1.4  # country roads wind: ~1.3–1.5 × the straight line
DEFAULT_SPEED_KMH = 40.0


def great_circle_km(a: Point, b: Point) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class TravelTimes:
    road_factor: float = DEFAULT_ROAD_FACTOR
    speed_kmh: float = DEFAULT_SPEED_KMH
    matrix: dict[tuple[str, str], int] = field(default_factory=dict)
    _known: dict[tuple, int] = field(default_factory=dict, compare=False, repr=False)  # memo of minutes()

    def __post_init__(self) -> None:
        if not (1.0 <= self.road_factor <= 5.0) or not (5.0 <= self.speed_kmh <= 120.0):
            raise RuleViolation("road factor 1–5 and speed 5–120 km/h", code="plan.bad_travel_model", field="travel")

    def minutes(self, from_id: str, from_point: Point, to_id: str, to_point: Point) -> int:
        """Minutes from one place to another."""
        if from_id == to_id:
            return 0
        key = (from_id, to_id, from_point, to_point)
        known = self._known.get(key)
        if known is None:
            known = self.matrix.get((from_id, to_id), self.matrix.get((to_id, from_id)))
            if known is None:
                km = great_circle_km(from_point, to_point) * self.road_factor
                known = math.ceil(km / self.speed_kmh * 60)
            self._known[key] = known
        return known


def parse_matrix_csv(text: str) -> dict[tuple[str, str], int]:
    """``from,to,minutes`` rows (a header row with those names is optional)."""
    matrix: dict[tuple[str, str], int] = {}
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or all(not cell.strip() for cell in row):
            continue
        if number == 1 and [c.strip().lower() for c in row[:3]] == ["from", "to", "minutes"]:
            continue
        if len(row) != 3:
            raise RuleViolation(
                f"travel matrix line {number}: expected from,to,minutes",
                code="plan.bad_travel_matrix",
                field="travel_matrix_csv",
            )
        origin, destination, minutes = (cell.strip() for cell in row)
        try:
            value = int(float(minutes))
        except ValueError:
            value = -1
        if not origin or not destination or not 0 <= value <= 24 * 60:
            raise RuleViolation(
                f"travel matrix line {number}: minutes must be 0–1440 between two ids",
                code="plan.bad_travel_matrix",
                field="travel_matrix_csv",
            )
        matrix[(origin, destination)] = value
    return matrix
