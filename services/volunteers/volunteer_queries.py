"""Volunteer rows: validation through the domain, row ↔ contract mapping, and the reads around them
(stars from the hours log and ratings)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contracts.common import ContactPoint, Coordinates
from contracts.errors import Unprocessable
from contracts.volunteers import WEEKDAYS, AvailabilityWindow, StarLevel, Volunteer
from kit.boundary import row_or_404
from services.volunteers.domain.profiles import ApplicationInvalid, validate_application
from services.volunteers.domain.profiles import VolunteerApplication as CleanApplication
from services.volunteers.domain.recognition import star_level
from services.volunteers.tables import hours_log, service_ratings, volunteers

# --------------------------------------------------------------------------------------------------
# Availability: contract windows <-> domain mapping <-> JSON column


def availability_to_domain(windows: Iterable[AvailabilityWindow]) -> dict[int, list[tuple[time, time]]]:
    result: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for w in windows:
        result[WEEKDAYS.index(w.day)].append((w.start, w.end))
    return dict(result)


def availability_to_json(availability) -> dict[str, list[list[str]]]:
    return {str(day): [[s.isoformat(), e.isoformat()] for s, e in windows] for day, windows in availability.items()}


def availability_from_json(data: dict) -> dict[int, tuple[tuple[time, time], ...]]:
    return {
        int(day): tuple((time.fromisoformat(s), time.fromisoformat(e)) for s, e in windows)
        for day, windows in (data or {}).items()
    }


def availability_view(data: dict) -> list[AvailabilityWindow]:
    return [
        AvailabilityWindow(day=WEEKDAYS[day], start=s, end=e)
        for day, windows in sorted(availability_from_json(data).items())
        for s, e in windows
    ]


# --------------------------------------------------------------------------------------------------
# Validation


def validated(
    *, name, phone, email, channels, skills, tags, availability, coordinates, town, village
) -> CleanApplication:
    """The application checked and normalised by the domain rules; every problem is reported at once (422)."""
    try:
        return validate_application(
            name=name,
            phone=phone,
            email=email,
            channels=channels,
            skills=skills,
            tags=tags,
            availability=availability_to_domain(availability),
            home=(coordinates.lat, coordinates.lon) if coordinates else None,
            home_area=village or town,
        )
    except ApplicationInvalid as exc:
        raise Unprocessable(
            "The volunteer application has errors. 志愿者信息有误，请修改后再提交。",
            {
                "errors": [
                    {"loc": ["body", e.field], "msg": e.message_en, "msg_zh": e.message_zh, "type": e.code}
                    for e in exc.errors
                ]
            },
        ) from exc


def columns_of(clean: CleanApplication, *, languages: list[str], town: str | None, village: str | None) -> dict:
    return dict(
        name=clean.name,
        phone=clean.phone,
        email=clean.email,
        skills=sorted(clean.skills),
        tags=list(clean.tags),
        languages=list(dict.fromkeys(languages)),
        availability=availability_to_json(clean.availability),
        channels=sorted(c.value for c in clean.channels),
        town=town,
        village=village,
        lat=clean.home[0] if clean.home else None,
        lon=clean.home[1] if clean.home else None,
    )


# --------------------------------------------------------------------------------------------------
# Reads


def volunteer_row(session: Session, volunteer_id: str, *, lock: bool = False):
    query = select(volunteers).where(volunteers.c.id == volunteer_id)
    if lock:
        query = query.with_for_update()
    return session.execute(query).first()


def existing_volunteer(session: Session, volunteer_id: str, *, lock: bool = False):
    row = volunteer_row(session, volunteer_id, lock=lock)
    return row_or_404(
        row, f"Volunteer {volunteer_id} does not exist.", {"volunteer_id": volunteer_id}, detail_zh="没有这位志愿者。"
    )


def volunteer_rows(session: Session, *, status=None, skill=None, town=None, village=None, limit=100, offset=0):
    query = select(volunteers).order_by(volunteers.c.applied_at, volunteers.c.id)
    if status:
        query = query.where(volunteers.c.status == status)
    if town:
        query = query.where(volunteers.c.town == town)
    if village:
        query = query.where(volunteers.c.village == village)
    rows = session.execute(query).all()
    if skill:
        rows = [r for r in rows if skill in (r.skills or [])]
    return rows[offset : offset + limit]


def total_hours(session: Session, volunteer_ids: list[str], since: date | None = None) -> dict[str, float]:
    if not volunteer_ids:
        return {}
    query = (
        select(hours_log.c.volunteer_id, func.sum(hours_log.c.hours))
        .where(hours_log.c.volunteer_id.in_(volunteer_ids))
        .group_by(hours_log.c.volunteer_id)
    )
    if since is not None:
        query = query.where(hours_log.c.served_on >= since)
    return {vid: float(total or 0) for vid, total in session.execute(query).all()}


def ratings_of(session: Session, volunteer_ids: list[str]) -> dict[str, list[int]]:
    result: dict[str, list[int]] = defaultdict(list)
    if volunteer_ids:
        rows = session.execute(
            select(service_ratings.c.volunteer_id, service_ratings.c.rating).where(
                service_ratings.c.volunteer_id.in_(volunteer_ids)
            )
        ).all()
        for vid, rating in rows:
            result[vid].append(rating)
    return result


def stars_of(session: Session, volunteer_ids: list[str], thresholds) -> dict[str, StarLevel]:
    hours = total_hours(session, volunteer_ids)
    ratings = ratings_of(session, volunteer_ids)
    result = {}
    for vid in volunteer_ids:
        a = star_level(hours.get(vid, 0.0), ratings.get(vid, ()), thresholds=thresholds)
        result[vid] = StarLevel(
            stars=a.stars,
            label_zh=a.label_zh,
            stars_by_hours=a.stars_by_hours,
            withheld=a.withheld,
            total_hours=round(a.total_hours, 2),
            rating_count=a.rating_count,
            average_rating=a.average_rating,
            next_star_at_hours=a.next_star_at_hours,
        )
    return result


def volunteer_view(row, stars: StarLevel) -> Volunteer:
    return Volunteer(
        id=row.id,
        name=row.name,
        phone=row.phone,
        email=row.email,
        status=row.status,
        status_reason=row.status_reason,
        skills=row.skills or [],
        tags=row.tags or [],
        languages=row.languages or [],
        availability=availability_view(row.availability),
        town=row.town,
        village=row.village,
        coordinates=Coordinates(lat=row.lat, lon=row.lon) if row.lat is not None and row.lon is not None else None,
        channels=row.channels or [],
        applied_at=row.applied_at,
        reviewed_at=row.reviewed_at,
        reviewed_by=row.reviewed_by,
        updated_at=row.updated_at,
        stars=stars,
    )


def views(session: Session, rows, thresholds) -> list[dict]:
    stars = stars_of(session, [r.id for r in rows], thresholds)
    return [volunteer_view(r, stars[r.id]).model_dump(mode="json") for r in rows]


def contact_of(row) -> ContactPoint:
    return ContactPoint(person_id=row.id, name=row.name, phone=row.phone, email=row.email)
