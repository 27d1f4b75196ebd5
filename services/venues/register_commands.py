"""The registers (五簿一册, 登记造册): daily visits per room and visitor group, and the asset ledger."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select

from contracts.errors import Conflict, Unprocessable
from contracts.venues import AssetCreate, AssetUpdate, VisitEntryCreate, VisitsRecorded
from kit.clock import utcnow
from services.venues import queries
from services.venues.booking_commands import sentence
from services.venues.domain.registers import (
    RegisterError,
    VisitEntry,
    change_asset_condition,
    daily_footfall_summary,
    ensure_asset_number_unique,
    next_asset_number,
    validate_visit_entry,
)
from services.venues.tables import VISITOR_GROUP_COLUMNS, assets, visits

MAX_REPORT_DAYS = 400


def register_error(error: RegisterError, **extra) -> Unprocessable:
    return Unprocessable(sentence(str(error)), extra)


def record_visits(tx, actor_sub: str, venue, data: VisitEntryCreate) -> dict:
    session = tx.session
    queries.room_of_venue_or_422(session, venue, data.room_id)
    try:
        entry = validate_visit_entry(data.date, data.room_id, dict(data.counts))
    except RegisterError as error:
        raise register_error(error) from error
    values = {
        "id": str(uuid.uuid4()),
        "venue_id": venue.id,
        "room_id": data.room_id,
        "day": data.date,
        "recorded_by": actor_sub,
        "created_at": utcnow(),
        **{group: entry.counts.get(group, 0) for group in VISITOR_GROUP_COLUMNS},
    }
    session.execute(visits.insert().values(**values))
    tx.emit(
        VisitsRecorded(
            entry_id=values["id"],
            venue_id=venue.id,
            venue_name=venue.name,
            date=data.date,
            room_id=data.room_id,
            counts={group.value: count for group, count in entry.counts.items()},
            total=entry.total,
            recorded_by=actor_sub,
        ),
        subject=venue.id,
    )
    return {
        "id": values["id"],
        "venue_id": venue.id,
        "date": data.date,
        "room_id": data.room_id,
        "counts": {group.value: count for group, count in entry.counts.items()},
        "total": entry.total,
        "recorded_by": actor_sub,
        "created_at": values["created_at"],
    }


def visits_report(session, venue, start_date: dt.date, end_date: dt.date) -> dict:
    if end_date < start_date or (end_date - start_date).days >= MAX_REPORT_DAYS:
        raise Unprocessable(
            f"Ask for a range of 1 to {MAX_REPORT_DAYS} days, the start first.",
            {"from": str(start_date), "to": str(end_date)},
        )
    rows = session.execute(
        select(visits).where(visits.c.venue_id == venue.id, visits.c.day >= start_date, visits.c.day <= end_date)
    ).all()
    entries = [
        VisitEntry(
            day=row.day, room_code=row.room_id, counts={group: getattr(row, group) for group in VISITOR_GROUP_COLUMNS}
        )
        for row in rows
    ]
    days = [summary.to_dict() for summary in daily_footfall_summary(entries)]
    return {
        "venue_id": venue.id,
        "start_date": start_date,
        "end_date": end_date,
        "total": sum(day["total"] for day in days),
        "days": days,
    }


def _numbers(session, venue_id: str) -> list[str]:
    return list(session.execute(select(assets.c.number).where(assets.c.venue_id == venue_id)).scalars())


def register_asset(session, actor_sub: str, venue, data: AssetCreate) -> dict:
    queries.room_of_venue_or_422(session, venue, data.room_id)
    existing = _numbers(session, venue.id)
    try:
        if data.number:
            number = ensure_asset_number_unique(data.number, existing)
        else:
            number = next_asset_number(venue.asset_number_prefix or "A", existing)
    except RegisterError as error:
        if "already" in str(error):
            raise Conflict(sentence(str(error)), {"number": data.number}) from error
        raise register_error(error) from error
    moment = utcnow()
    values = {
        "id": str(uuid.uuid4()),
        "venue_id": venue.id,
        "number": number,
        "name": data.name,
        "category": data.category,
        "room_id": data.room_id,
        "condition": data.condition,
        "note": data.note,
        "created_by": actor_sub,
        "created_at": moment,
        "updated_at": moment,
    }
    session.execute(assets.insert().values(**values))
    return values


def update_asset(session, row, venue, data: AssetUpdate) -> dict:
    changes = data.model_dump(exclude_unset=True)
    if "room_id" in changes:
        queries.room_of_venue_or_422(session, venue, changes["room_id"])
    if changes.get("condition") is not None:
        try:
            changes["condition"] = str(change_asset_condition(row.condition, changes["condition"]))
        except RegisterError as error:
            raise register_error(error, asset_id=row.id) from error
    for name in ("name", "category", "condition", "note"):
        if name in changes and changes[name] is None:
            raise Unprocessable(f"The field {name} cannot be emptied.", {"field": name})
    changes["updated_at"] = utcnow()
    session.execute(assets.update().where(assets.c.id == row.id).values(**changes))
    return {**dict(row._mapping), **changes}


def asset_rows(session, venue_id: str, condition: str | None = None):
    query = select(assets).where(assets.c.venue_id == venue_id).order_by(assets.c.number)
    if condition:
        query = query.where(assets.c.condition == condition)
    return session.execute(query).all()
