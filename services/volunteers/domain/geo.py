"""Great-circle distance between two WGS-84 points.

Coordinates are plain ``(latitude, longitude)`` tuples in decimal degrees: cheap to build for
tens of thousands of candidates and trivially stored in two columns.
"""

from __future__ import annotations

import math

LatLon = tuple[float, float]

# Mean Earth radius (IUGG), km. Haversine on a sphere is within ~0.5 % of the ellipsoid, far
# better than the guess of road winding that a travel-time estimate needs anyway.
EARTH_RADIUS_KM = 6371.0088


def validate_lat_lon(point: LatLon) -> LatLon:
    """Return ``point`` as floats, or raise ``ValueError`` when it is not a usable coordinate."""
    try:
        lat, lon = point
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        raise ValueError(f"coordinates must be a (latitude, longitude) pair, got {point!r}") from None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise ValueError(f"coordinates must be finite numbers, got {point!r}")
    if not -90.0 <= lat <= 90.0:
        raise ValueError(f"latitude must be within -90..90, got {lat}")
    if not -180.0 <= lon <= 180.0:
        raise ValueError(f"longitude must be within -180..180, got {lon}")
    return lat, lon


def haversine_km(a: LatLon, b: LatLon) -> float:
    """Great-circle distance in kilometres between two ``(lat, lon)`` points."""
    lat1, lon1 = math.radians(a[0]), math.radians(a[1])
    lat2, lon2 = math.radians(b[0]), math.radians(b[1])
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    # min() guards against rounding pushing h a hair above 1 for antipodal points.
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
