"""/api/v1/venues/{id}/rooms and /api/v1/rooms — rooms and facilities of a venue."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request, status

from contracts.common import Actor, IsoAwareDatetime, IsoDate
from contracts.venues import Room, RoomCreate, RoomOpenAt, RoomUpdate, VenueCalendar
from gateway.auth import manager_of_path_venue, require
from gateway.calls import call
from gateway.problems import problem_responses

router = APIRouter(prefix="/api/v1", tags=["rooms"])


@router.post(
    "/venues/{venue_id}/rooms",
    status_code=status.HTTP_201_CREATED,
    response_model=Room,
    responses=problem_responses(400, 401, 403, 404, 409, 422, 503),
)
async def create_room(venue_id: str, body: RoomCreate, request: Request, actor: Actor = Depends(manager_of_path_venue)):
    """Add a room: kind, area, capacity, equipment, staff on duty, booking policy, cleanup buffer."""
    return await call(
        request, "venues", "create_room", actor=actor, venue_id=venue_id, room=body.model_dump(mode="json")
    )


@router.get("/venues/{venue_id}/rooms", response_model=list[Room], responses=problem_responses(404, 503))
async def list_rooms(venue_id: str, request: Request):
    """The rooms of a venue; public."""
    return await call(request, "venues", "list_rooms", venue_id=venue_id)


@router.get("/rooms/{room_id}", response_model=Room, responses=problem_responses(404, 503))
async def get_room(room_id: str, request: Request):
    """One room; public."""
    return await call(request, "venues", "room_details", room_id=room_id)


@router.patch("/rooms/{room_id}", response_model=Room, responses=problem_responses(400, 401, 403, 404, 409, 422, 503))
async def update_room(
    room_id: str, body: RoomUpdate, request: Request, actor: Actor = Depends(require("venue_manager"))
):
    """Change a room (its venue's managers)."""
    return await call(
        request,
        "venues",
        "update_room",
        actor=actor,
        room_id=room_id,
        changes=body.model_dump(mode="json", exclude_unset=True),
    )


@router.get("/rooms/{room_id}/open", response_model=RoomOpenAt, responses=problem_responses(404, 422, 503))
async def room_open(
    room_id: str, request: Request, at: IsoAwareDatetime = Query(examples=["2026-11-24T12:30:00+08:00"])
):
    """Is the room open at that moment (hours, holidays, exceptions and closures applied)? Public."""
    return await call(request, "venues", "room_open_at", room_id=room_id, at=at.isoformat())


@router.get("/rooms/{room_id}/calendar", response_model=VenueCalendar, responses=problem_responses(404, 422, 503))
async def room_calendar(
    room_id: str, request: Request, start: IsoDate = Query(alias="from"), end: IsoDate = Query(alias="to")
):
    """The room's resolved opening per date (its venue's hours, minus the room's closures); public."""
    return await call(request, "venues", "room_calendar", room_id=room_id, start=start.isoformat(), end=end.isoformat())
