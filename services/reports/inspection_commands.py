"""Inspections, rectification items and the self-inspection report (自查整改报告)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

from sqlalchemy import select, update

from contracts.errors import Conflict, NotFound, Unprocessable
from contracts.reports import InspectionCreate, RectificationClose, RectificationCreate
from kit.clock import utcnow
from services.reports import queries
from services.reports.domain.efficiency import district_report
from services.reports.domain.inspections import InspectionError, check_close, check_rectification, checklist
from services.reports.domain.periods import LOCAL, BadPeriod, parse_period
from services.reports.tables import inspections, rectifications, rm_venues


def _today() -> date:
    return datetime.now(LOCAL).date()


def venue_or_404(session, venue_id: str):
    row = session.execute(select(rm_venues).where(rm_venues.c.venue_id == venue_id)).mappings().first()
    if row is None:
        raise NotFound(f"Venue {venue_id} is not known to the reports (no venue fact yet).", {"venue_id": venue_id})
    return row


def open_inspection(session, inspector: str, data: InspectionCreate) -> dict:
    venue = venue_or_404(session, data.venue_id)
    try:
        span = parse_period(data.period)
    except BadPeriod as exc:  # a domain rule the model does not hold is a 422, never a 500
        raise Unprocessable(str(exc), {"field": "period", "value": data.period}) from exc
    report = district_report(
        queries.district(session),
        span,
        as_of=datetime.now(timezone.utc),
        targets=queries.targets(session),
    )
    venue_row = next(u for u in report["units"] if u["scope"] == "venue" and u["venue_id"] == venue["venue_id"])
    village_row = next((v for v in report["villages"] if v["venue_id"] == venue["venue_id"]), None)
    values = dict(
        id=str(uuid.uuid4()),
        venue_id=venue["venue_id"],
        kind=data.kind,
        period=data.period,
        inspector=inspector,
        checklist=checklist(venue_row, village_row),
        findings=data.findings,
        created_at=utcnow(),
    )
    session.execute(inspections.insert().values(**values))
    return inspection_view(session, values["id"])


def inspection_row(session, inspection_id: str):
    row = session.execute(select(inspections).where(inspections.c.id == inspection_id)).mappings().first()
    if row is None:
        raise NotFound(f"Inspection {inspection_id} does not exist.", {"inspection_id": inspection_id})
    return row


def add_rectification(session, inspection, data: RectificationCreate) -> dict:
    try:
        check_rectification(data.description, data.owner, data.due_on, _today())
    except InspectionError as error:
        raise Unprocessable(str(error), {"inspection_id": inspection["id"]}) from error
    values = dict(
        id=str(uuid.uuid4()),
        inspection_id=inspection["id"],
        venue_id=inspection["venue_id"],
        description=data.description,
        owner=data.owner,
        due_on=data.due_on,
        status="open",
        created_at=utcnow(),
    )
    session.execute(rectifications.insert().values(**values))
    return _item_view(values)


def rectification_row(session, item_id: str):
    row = (
        session.execute(select(rectifications).where(rectifications.c.id == item_id).with_for_update())
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"Rectification item {item_id} does not exist.", {"rectification_id": item_id})
    return row


def close_rectification(session, item, data: RectificationClose) -> dict:
    try:
        check_close(item["status"])
    except InspectionError as error:
        raise Conflict(str(error), {"rectification_id": item["id"]}) from error
    changes = dict(status="closed", closing_note=data.note, closed_at=utcnow())
    session.execute(update(rectifications).where(rectifications.c.id == item["id"]).values(**changes))
    return _item_view({**item, **changes})


def _item_view(row) -> dict:
    overdue = row["status"] == "open" and row["due_on"] < _today()
    return {
        "id": row["id"],
        "inspection_id": row["inspection_id"],
        "description": row["description"],
        "owner": row["owner"],
        "due_on": row["due_on"].isoformat(),
        "status": row["status"],
        "overdue": overdue,
        "closing_note": row.get("closing_note"),
        "closed_at": row["closed_at"].isoformat() if row.get("closed_at") else None,
    }


def inspection_view(session, inspection_id: str) -> dict:
    """The inspection with its checklist and rectification items: for a self-inspection, the centre's
    自查整改报告 (what meets the standards, what does not, what is being put right and by whom)."""
    row = inspection_row(session, inspection_id)
    venue = venue_or_404(session, row["venue_id"])
    items = [
        _item_view(r)
        for r in session.execute(
            select(rectifications)
            .where(rectifications.c.inspection_id == inspection_id)
            .order_by(rectifications.c.due_on, rectifications.c.created_at)
        ).mappings()
    ]
    unmet = [i for i in row["checklist"] if i["met"] is False]
    return {
        "id": row["id"],
        "venue_id": row["venue_id"],
        "venue": venue["name"],
        "kind": row["kind"],
        "period": row["period"],
        "inspector": row["inspector"],
        "created_at": row["created_at"].isoformat(),
        "checklist": row["checklist"],
        "findings": row["findings"],
        "rectifications": items,
        "summary": {
            "standards_met": sum(1 for i in row["checklist"] if i["met"] is True),
            "standards_unmet": len(unmet),
            "to_check_on_site": sum(1 for i in row["checklist"] if i["met"] is None),
            "rectifications_open": sum(1 for i in items if i["status"] == "open"),
            "rectifications_closed": sum(1 for i in items if i["status"] == "closed"),
        },
    }


def monthly_progress(session, year: int) -> list[dict]:
    """按月调度 (seed 004): per month of the year, activities and 送文化下乡 performances per town and
    village, and the yearly target pro-rated to the months so far."""
    district = queries.district(session)
    targets = queries.targets(session)
    now = datetime.now(timezone.utc)
    months = []
    for month in range(1, 13):
        report = district_report(district, parse_period(f"{year}-{month:02d}"), as_of=now, targets=targets)
        months.append(
            {
                "month": f"{year}-{month:02d}",
                "units": [
                    {
                        key: u[key]
                        for key in ("scope", "name", "town", "village", "activities", "mobile_performances", "attended")
                    }
                    for u in report["units"]
                    if u["scope"] in ("district", "town", "village")
                ],
            }
        )
    return months
