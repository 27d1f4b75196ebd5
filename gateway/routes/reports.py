"""/api/v1/reports — the district report (服务效能, 送文化下乡 coverage) as JSON, CSV or XLSX, and
/reports/district — the same report as a printable page with charts."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import Literal

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from contracts.common import Actor
from contracts.reports import (
    PERIOD_PATTERN,
    ActivityTargets,
    InspectionCreate,
    RebuildResult,
    RectificationClose,
    RectificationCreate,
    SurveyAnswer,
    SurveyCreate,
)
from gateway import report_exports
from gateway.auth import require
from gateway.calls import call
from gateway.problems import problem_responses

router = APIRouter(tags=["reports"])
READERS = ("organiser", "venue_manager")  # and administrators
PERIOD = Query(
    pattern=PERIOD_PATTERN,
    examples=["2026", "2026-Q3", "2026-07"],
    description="a year, a quarter or a month (local time)",
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _report(request: Request, actor: Actor, period: str, unserved_months: int) -> dict:
    return await call(
        request, "reports", "district_report", actor=actor, period=period, unserved_months=unserved_months
    )


@router.get(
    "/api/v1/reports/district",
    responses={
        **problem_responses(401, 403, 422, 503),
        200: {
            "content": {"application/json": {}, "text/csv": {}, XLSX: {}},
            "description": "the report (JSON), its figures per unit (CSV), or every table as a sheet (XLSX)",
        },
    },
)
async def district_report(
    request: Request,
    period: str = PERIOD,
    format: Literal["json", "csv", "xlsx"] = "json",
    unserved_months: int = Query(4, ge=1, le=36),
    actor: Actor = Depends(require(*READERS)),
):
    """服务效能 of the district, each town, village and venue for the period: activities against the
    standards, festival activities, reach and special groups, satisfaction, bookings, closures, volunteer
    hours, village orders; villages unserved for `unserved_months` months; rarely ordered offerings."""
    report = await _report(request, actor, period, unserved_months)
    if format == "csv":
        return Response(
            report_exports.to_csv(report),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="district-{period}.csv"'},
        )
    if format == "xlsx":
        return Response(
            await run_in_threadpool(report_exports.to_xlsx, report),
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="district-{period}.xlsx"'},
        )
    return report


@router.get(
    "/reports/district",
    response_class=HTMLResponse,
    responses={**problem_responses(401, 403, 422, 503), 304: {"description": "unchanged since the ETag sent"}},
)
async def district_report_page(
    request: Request,
    period: str = PERIOD,
    unserved_months: int = Query(4, ge=1, le=36),
    actor: Actor = Depends(require(*READERS)),
):
    """The report as a printable page with its charts (trend, town/village comparison, a map of served and
    unserved villages), drawn on the server as SVG."""
    report = await _report(request, actor, period, unserved_months)
    page = await run_in_threadpool(report_exports.to_html, report)
    # The page is the same bytes until a figure (or the minute of `as_of`) changes: a browser that has it
    # revalidates and gets a 304 instead of ~100 kB of SVG again. Private: it is staff data.
    etag = f'"{hashlib.sha256(page.encode()).hexdigest()[:32]}"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if etag in (request.headers.get("if-none-match") or ""):
        return Response(status_code=304, headers=headers)
    return HTMLResponse(page, headers=headers)


@router.get("/api/v1/reports/unserved-villages", responses=problem_responses(401, 403, 422, 503))
async def unserved_villages(
    request: Request, months: int = Query(4, ge=1, le=36), actor: Actor = Depends(require(*READERS))
) -> list[dict]:
    """Villages with no completed 送文化下乡 performance in the last `months` months (as of now)."""
    report = await _report(request, actor, str(datetime.now(timezone.utc).year), months)
    return report["unserved_villages"]


@router.put("/api/v1/reports/targets", responses=problem_responses(400, 401, 403, 422, 503))
async def set_targets(body: ActivityTargets, request: Request, actor: Actor = Depends(require("admin"))) -> dict:
    """Change the activities-per-year standards of town and village centres (administrators)."""
    return await call(
        request, "reports", "set_activity_targets", actor=actor, targets=body.model_dump(mode="json", exclude_none=True)
    )


@router.post("/api/v1/reports/rebuild", response_model=RebuildResult, responses=problem_responses(401, 403, 503))
async def rebuild(request: Request, actor: Actor = Depends(require("admin"))):
    """Rebuild the read models from the fact log (after a rule changed); administrators."""
    return await call(request, "reports", "rebuild", actor=actor)


@router.get(
    "/api/v1/reports/evaluator-export",
    responses={
        **problem_responses(401, 403, 422, 503),
        200: {"content": {"application/json": {}, XLSX: {}}, "description": "the anonymised export"},
    },
)
async def evaluator_export(
    request: Request,
    period: str = PERIOD,
    format: Literal["json", "xlsx"] = "json",
    actor: Actor = Depends(require("admin")),
):
    """For a third-party evaluator: the period's completed activities with reach and ratings, anonymised
    (no person, no record id, no title); administrators hand it over."""
    export = await call(request, "reports", "evaluator_export", actor=actor, period=period)
    if format == "xlsx":
        return Response(
            await run_in_threadpool(report_exports.evaluator_xlsx, export),
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="evaluation-{period}.xlsx"'},
        )
    return export


@router.get("/api/v1/reports/monthly-progress", responses=problem_responses(401, 403, 422, 503))
async def monthly_progress(
    request: Request, year: int = Query(ge=2000, le=2100), actor: Actor = Depends(require(*READERS))
) -> list[dict]:
    """按月调度: activities and 送文化下乡 performances per month, per town and village."""
    return await call(request, "reports", "monthly_progress", actor=actor, year=year)


@router.post(
    "/api/v1/inspections",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(400, 401, 403, 404, 422, 503),
)
async def open_inspection(
    body: InspectionCreate, request: Request, actor: Actor = Depends(require("venue_manager"))
) -> dict:
    """Open an inspection (administrators) or a self-inspection (the centre's manager): the checklist of
    the standards is evaluated from the centre's figures for the period; findings are recorded."""
    return await call(request, "reports", "open_inspection", actor=actor, inspection=body.model_dump(mode="json"))


@router.get("/api/v1/inspections/{inspection_id}", responses=problem_responses(401, 403, 404, 503))
async def get_inspection(
    inspection_id: str, request: Request, actor: Actor = Depends(require("venue_manager"))
) -> dict:
    """The inspection with checklist, findings and rectification items; for a self-inspection this is the
    centre's 自查整改报告."""
    return await call(request, "reports", "get_inspection", actor=actor, inspection_id=inspection_id)


@router.post(
    "/api/v1/inspections/{inspection_id}/rectifications",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(400, 401, 403, 404, 422, 503),
)
async def add_rectification(
    inspection_id: str, body: RectificationCreate, request: Request, actor: Actor = Depends(require("venue_manager"))
) -> dict:
    """A rectification item with an owner and a due date."""
    return await call(
        request,
        "reports",
        "add_rectification",
        actor=actor,
        inspection_id=inspection_id,
        item=body.model_dump(mode="json"),
    )


@router.post(
    "/api/v1/rectifications/{rectification_id}/close", responses=problem_responses(400, 401, 403, 404, 409, 422, 503)
)
async def close_rectification(
    rectification_id: str, body: RectificationClose, request: Request, actor: Actor = Depends(require("venue_manager"))
) -> dict:
    """Close a rectification item with a note of what was done."""
    return await call(
        request,
        "reports",
        "close_rectification",
        actor=actor,
        rectification_id=rectification_id,
        closing=body.model_dump(mode="json"),
    )


@router.post(
    "/api/v1/surveys", status_code=status.HTTP_201_CREATED, responses=problem_responses(400, 401, 403, 422, 503)
)
async def start_survey(body: SurveyCreate, request: Request, actor: Actor = Depends(require("admin"))) -> dict:
    """Ask a random sample of the people who attended recently completed events to rate them; each is told
    through notifications on the channels they agreed to (and in their inbox)."""
    return await call(request, "reports", "start_survey", actor=actor, survey=body.model_dump(mode="json"))


@router.post(
    "/api/v1/survey-invitations/{invitation_id}/answer", responses=problem_responses(400, 401, 403, 404, 409, 422, 503)
)
async def answer_survey(
    invitation_id: str, body: SurveyAnswer, request: Request, actor: Actor = Depends(require())
) -> dict:
    """The invited person's rating (1–5), once."""
    return await call(
        request,
        "reports",
        "answer_survey",
        actor=actor,
        invitation_id=invitation_id,
        answer=body.model_dump(mode="json"),
    )


@router.get("/api/v1/surveys/{survey_id}", responses=problem_responses(401, 403, 404, 503))
async def survey_results(survey_id: str, request: Request, actor: Actor = Depends(require(*READERS))) -> dict:
    """Invited, answered, mean and distribution of the ratings per venue (or village)."""
    return await call(request, "reports", "survey_results", actor=actor, survey_id=survey_id)
