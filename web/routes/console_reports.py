"""The district's efficiency reports (服务效能, issue #14) in the console: a page that chooses the period and
links the printable report (with its charts) and the CSV/XLSX exports. The report itself is the gateway's
(`/reports/district`, `/api/v1/reports/district`); the web app fetches it with the staff member's token,
since a browser session holds no bearer token of its own."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from web.api import Api, ApiProblem, raise_for_problem
from web.routes.console_events import require_staff
from web.templating import render

router = APIRouter()
READERS = ("organiser", "venue_manager")  # and administrators, as the gateway's reports routes
PERIOD = re.compile(r"^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$")
EXPORTS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _period(value: str) -> str:
    if not PERIOD.match(value):
        raise ApiProblem(422, {"detail_zh": "统计期格式应为 2026、2026-Q3 或 2026-07。"})
    return value


@router.get("/console/reports")
async def reports(request: Request, period: str = "", unserved_months: int = 4):
    require_staff(request, *READERS)
    unserved = []
    if period:
        report_period = _period(period)
        unserved = await Api(request).get("/api/v1/reports/unserved-villages", months=unserved_months)
    else:
        report_period = ""
    return render(
        request,
        "console/reports.html",
        {"title": "服务效能报告", "period": report_period, "unserved_months": unserved_months, "unserved": unserved},
    )


@router.get("/console/reports/district")
async def printable_report(request: Request, period: str, unserved_months: int = 4):
    require_staff(request, *READERS)
    # The gateway's ETag passes through both ways, so a browser that has the page gets a 304.
    conditional = {"If-None-Match": request.headers["if-none-match"]} if "if-none-match" in request.headers else {}
    response = await Api(request).send(
        "GET",
        "/reports/district",
        params={"period": _period(period), "unserved_months": unserved_months},
        headers=conditional,
    )
    cache = {k: response.headers[k] for k in ("ETag", "Cache-Control") if k in response.headers}
    if response.status_code == 304:
        return Response(status_code=304, headers=cache)
    raise_for_problem(response)
    return HTMLResponse(response.text, headers=cache)


@router.get("/console/reports/district.{kind}")
async def report_export(request: Request, kind: str, period: str, unserved_months: int = 4):
    require_staff(request, *READERS)
    if kind not in EXPORTS:
        raise ApiProblem(404, {"detail_zh": "没有这种导出格式。"})
    response = await Api(request).send(
        "GET",
        "/api/v1/reports/district",
        params={"period": _period(period), "unserved_months": unserved_months, "format": kind},
    )
    raise_for_problem(response)
    return Response(
        response.content,
        media_type=EXPORTS[kind],
        headers={"Content-Disposition": f'attachment; filename="district-{period}.{kind}"'},
    )
