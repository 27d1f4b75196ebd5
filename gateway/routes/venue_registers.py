"""/api/v1/venues/{id}/visits, /assets, /utilisation — the registers (五簿一册) and efficiency figures."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request, status

from contracts.common import Actor, IsoDate, ecma_pattern
from contracts.venues import (
    Asset,
    AssetCreate,
    AssetUpdate,
    UtilisationReport,
    VisitEntry,
    VisitEntryCreate,
    VisitsReport,
)
from gateway.auth import manager_of_path_venue, require
from gateway.calls import call
from gateway.problems import problem_responses

router = APIRouter(prefix="/api/v1", tags=["registers"])


@router.post(
    "/venues/{venue_id}/visits",
    status_code=status.HTTP_201_CREATED,
    response_model=VisitEntry,
    responses=problem_responses(400, 401, 403, 404, 422, 503),
)
async def record_visits(
    venue_id: str, body: VisitEntryCreate, request: Request, actor: Actor = Depends(manager_of_path_venue)
):
    """One line of the visit register: visitors per group on a day (in a room, or at the entrance)."""
    return await call(
        request, "venues", "record_visits", actor=actor, venue_id=venue_id, entry=body.model_dump(mode="json")
    )


@router.get(
    "/venues/{venue_id}/visits", response_model=VisitsReport, responses=problem_responses(401, 403, 404, 422, 503)
)
async def visits(
    venue_id: str,
    request: Request,
    start: IsoDate = Query(alias="from"),
    end: IsoDate = Query(alias="to"),
    actor: Actor = Depends(manager_of_path_venue),
):
    """Footfall per day, per visitor group and per room."""
    return await call(
        request, "venues", "visits_report", actor=actor, venue_id=venue_id, start=start.isoformat(), end=end.isoformat()
    )


@router.post(
    "/venues/{venue_id}/assets",
    status_code=status.HTTP_201_CREATED,
    response_model=Asset,
    responses=problem_responses(400, 401, 403, 404, 409, 422, 503),
)
async def register_asset(
    venue_id: str, body: AssetCreate, request: Request, actor: Actor = Depends(manager_of_path_venue)
):
    """Register an item in the asset ledger; it gets the venue's next number unless one is given."""
    return await call(
        request, "venues", "register_asset", actor=actor, venue_id=venue_id, asset=body.model_dump(mode="json")
    )


@router.get("/venues/{venue_id}/assets", response_model=list[Asset], responses=problem_responses(401, 403, 404, 503))
async def list_assets(
    venue_id: str,
    request: Request,
    condition: Literal["good", "faulty", "under_repair", "retired"] | None = None,
    actor: Actor = Depends(manager_of_path_venue),
):
    """The asset ledger; `condition=faulty` lists the faulty items."""
    return await call(request, "venues", "list_assets", actor=actor, venue_id=venue_id, condition=condition)


@router.patch("/assets/{asset_id}", response_model=Asset, responses=problem_responses(400, 401, 403, 404, 422, 503))
async def update_asset(
    asset_id: str, body: AssetUpdate, request: Request, actor: Actor = Depends(require("venue_manager"))
):
    """Record a change of condition (faulty, under repair, retired), place or note."""
    return await call(
        request,
        "venues",
        "update_asset",
        actor=actor,
        asset_id=asset_id,
        changes=body.model_dump(mode="json", exclude_unset=True),
    )


@router.get(
    "/venues/{venue_id}/utilisation", response_model=UtilisationReport, responses=problem_responses(404, 422, 503)
)
async def utilisation(
    venue_id: str, request: Request, week: str = Query(pattern=ecma_pattern(r"^\d{4}-W\d{2}$"), examples=["2026-W48"])
):
    """Booked hours ÷ open hours per room for an ISO week (服务效能); public."""
    return await call(request, "venues", "utilisation", venue_id=venue_id, week=week)
