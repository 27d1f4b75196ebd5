"""/api/v1/venues — the venue network."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Request, status

from contracts.common import Actor
from contracts.venues import Venue, VenueCreate
from gateway.auth import require
from gateway.calls import call
from gateway.problems import problem_responses

router = APIRouter(prefix="/api/v1/venues", tags=["venues"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=Venue,
             responses=problem_responses(400, 401, 403, 404, 422, 503))
async def register_venue(body: VenueCreate, request: Request, actor: Actor = Depends(require("admin"))):
    """Register a venue in the 总分馆 network (district administrators)."""
    return await call(request, "venues", "register_venue", actor=actor, venue=body.model_dump(mode="json"))


@router.get("", response_model=list[Venue], responses=problem_responses(422, 503))
async def list_venues(request: Request, level: Literal["district", "town", "village"] | None = None,
                      parent_id: str | None = None):
    """The venue network; public."""
    return await call(request, "venues", "list_venues", level=level, parent_id=parent_id)


@router.get("/{venue_id}", response_model=Venue, responses=problem_responses(404, 503))
async def get_venue(venue_id: str, request: Request):
    """One venue; public."""
    return await call(request, "venues", "get_venue", venue_id=venue_id)
