"""Ranking inputs from the database: active volunteers as domain `Candidate`s (skills, weekly availability,
home, recent hours, accepted commitments), then one `rank_candidates` per role.

Where a volunteer gave no coordinates, the centre of their village (or town) from the venue directory
stands in; volunteers with no known place at all are ranked after everyone located, by fair share.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from kit.clock import DISTRICT_TZ
from services.volunteers.domain.dispatch import Role
from services.volunteers.domain.ranking import Candidate, Commitment, RankingPolicy, rank_candidates
from services.volunteers.settings import VolunteersSettings
from services.volunteers.tables import dispatches, hours_log, offers, venue_directory, volunteers
from services.volunteers.volunteer_queries import availability_from_json

NOWHERE = (0.0, 0.0)  # stands for "the site" when an event has no coordinates: every distance is then 0


def area_coordinates(session: Session) -> dict[tuple[str, str], tuple[float, float]]:
    """(level, name) -> coordinates of a town's or village's centre, from the venue directory."""
    rows = session.execute(
        select(
            venue_directory.c.level,
            venue_directory.c.town,
            venue_directory.c.village,
            venue_directory.c.lat,
            venue_directory.c.lon,
        ).where(venue_directory.c.lat.is_not(None), venue_directory.c.level.in_(("town", "village")))
    ).all()
    found = {}
    for level, town, village, lat, lon in rows:
        name = village if level == "village" else town
        if name:
            found.setdefault((level, name), (lat, lon))
    return found


def recent_hours(session: Session, since) -> dict[str, float]:
    rows = session.execute(
        select(hours_log.c.volunteer_id, func.sum(hours_log.c.hours))
        .where(hours_log.c.served_on >= since)
        .group_by(hours_log.c.volunteer_id)
    ).all()
    return {vid: float(h or 0) for vid, h in rows}


def commitments(
    session: Session, start: datetime, end: datetime, site, volunteer_id: str | None = None
) -> dict[str, list[Commitment]]:
    """Accepted offers near the event's time (two days either side is plenty for travel), per volunteer."""
    query = (
        select(offers.c.volunteer_id, dispatches.c.start, dispatches.c.end, dispatches.c.lat, dispatches.c.lon)
        .join(dispatches, dispatches.c.id == offers.c.dispatch_id)
        .where(
            offers.c.status == "accepted",
            dispatches.c.start < end + timedelta(days=2),
            dispatches.c.end > start - timedelta(days=2),
        )
    )
    if volunteer_id is not None:
        query = query.where(offers.c.volunteer_id == volunteer_id)
    rows = session.execute(query).all()
    result: dict[str, list[Commitment]] = defaultdict(list)
    for vid, c_start, c_end, lat, lon in rows:
        # Without the event's own place only overlapping times count (travel unknown: taken as nil).
        known = lat is not None and lon is not None and site is not NOWHERE
        result[vid].append(Commitment(c_start, c_end, (lat, lon) if known else site))
    return result


def load_candidates(
    session: Session, *, start: datetime, end: datetime, site, today, settings: VolunteersSettings
) -> tuple[list[Candidate], list[Candidate]]:
    """(located, unlocated) candidates; the unlocated are placed at the site (ranked separately, after)."""
    site = site or NOWHERE
    hours = recent_hours(session, today - timedelta(days=settings.fair_share_days - 1))
    busy = commitments(session, start, end, site)
    areas = None
    located, unlocated = [], []
    # Read the JSON columns as text and parse each distinct value once: many volunteers share a skill set
    # or an availability pattern, and per-row JSON decoding would be most of the cost for a big pool.
    skill_sets: dict[str, frozenset] = {}
    weeklies: dict[str, dict] = {}
    rows = session.execute(
        select(
            volunteers.c.id,
            cast(volunteers.c.skills, Text),
            cast(volunteers.c.availability, Text),
            volunteers.c.lat,
            volunteers.c.lon,
            volunteers.c.town,
            volunteers.c.village,
        ).where(volunteers.c.status == "active")
    ).all()
    for vid, skills_text, availability_text, lat, lon, town, village in rows:
        skills = skill_sets.get(skills_text)
        if skills is None:
            skills = skill_sets[skills_text] = frozenset(json.loads(skills_text or "[]"))
        weekly = weeklies.get(availability_text)
        if weekly is None:
            weekly = weeklies[availability_text] = availability_from_json(json.loads(availability_text or "{}"))
        home = (lat, lon) if lat is not None and lon is not None else None
        if home is None and site is not NOWHERE and (town or village):
            if areas is None:
                areas = area_coordinates(session)
            home = areas.get(("village", village)) or areas.get(("town", town))
        candidate = Candidate(
            vid,
            skills,
            weekly,
            home if site is not NOWHERE and home else site,
            hours.get(vid, 0.0),
            tuple(busy.get(vid, ())),
        )
        (located if home is not None or site is NOWHERE else unlocated).append(candidate)
    return located, unlocated


def rank_roles(
    session: Session,
    roles: tuple[Role, ...],
    *,
    start: datetime,
    end: datetime,
    site,
    today,
    settings: VolunteersSettings,
) -> dict[str, list[str]]:
    """role -> volunteer ids, best first (at most `ranking_depth`)."""
    local_start, local_end = start.astimezone(DISTRICT_TZ), end.astimezone(DISTRICT_TZ)
    located, unlocated = load_candidates(session, start=start, end=end, site=site, today=today, settings=settings)
    policy = RankingPolicy(travel_speed_kmh=settings.travel_speed_kmh, distance_band_km=settings.distance_band_km)
    depth = settings.ranking_depth
    ranked = {}
    for role in roles:
        ids = []
        for group in (located, unlocated):
            if group and len(ids) < depth:
                result = rank_candidates(
                    group,
                    required_skills=role.skills,
                    event_start=local_start,
                    event_end=local_end,
                    site=site or NOWHERE,
                    policy=policy,
                    limit=depth - len(ids),
                )
                ids += result.volunteer_ids
        ranked[role.name] = ids
    return ranked
