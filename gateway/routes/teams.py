"""/api/v1/teams — volunteer teams and troupes, and the seed-001 team standard per town and village."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, status

from contracts.common import Actor
from contracts.volunteers import Team as TeamView
from contracts.volunteers import TeamCreate, TeamKindName, TeamMemberInput, TeamStandards, TeamUpdate
from gateway.auth import keeper_of_path_team, optional_actor, require
from gateway.calls import call
from gateway.problems import problem_responses

router = APIRouter(prefix="/api/v1/teams", tags=["teams"])
STAFF = ("admin", "organiser")


@router.get("/standards", response_model=TeamStandards, responses=problem_responses(422, 503))
async def standards(request: Request, town: str | None = None, village: str | None = None):
    """Whether a town (`?town=`) or a village (`?village=`) meets the team standard of seed 001; public."""
    return await call(request, "volunteers", "team_standards", town=town, village=village)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=TeamView,
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def create_team(body: TeamCreate, request: Request, actor: Actor = Depends(require(*STAFF))):
    """Register a team with its members (one may be the leader)."""
    return await call(request, "volunteers", "create_team", actor=actor, team=body.model_dump(mode="json"))


@router.get("", response_model=list[TeamView], responses=problem_responses(422, 503))
async def list_teams(
    request: Request, town: str | None = None, village: str | None = None, kind: TeamKindName | None = None
):
    """Teams and troupes; public (rosters are shown to staff only)."""
    return await call(request, "volunteers", "list_teams", town=town, village=village, kind=kind)


@router.get("/{team_id}", response_model=TeamView, responses=problem_responses(401, 404, 503))
async def get_team(team_id: str, request: Request, actor: Actor | None = Depends(optional_actor)):
    """One team; public, with the roster for staff."""
    return await call(request, "volunteers", "get_team", team_id=team_id, actor=actor)


@router.patch("/{team_id}", response_model=TeamView, responses=problem_responses(401, 403, 404, 422, 503))
async def update_team(team_id: str, body: TeamUpdate, request: Request, actor: Actor = Depends(keeper_of_path_team)):
    """Rename, change the specialty or leader, mark active/inactive."""
    return await call(
        request,
        "volunteers",
        "update_team",
        actor=actor,
        team_id=team_id,
        changes=body.model_dump(mode="json", exclude_unset=True),
    )


@router.post(
    "/{team_id}/members",
    status_code=status.HTTP_201_CREATED,
    response_model=TeamView,
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def add_member(
    team_id: str, body: TeamMemberInput, request: Request, actor: Actor = Depends(keeper_of_path_team)
):
    """Add a member (optionally a registered volunteer, optionally as leader)."""
    return await call(
        request, "volunteers", "add_team_member", actor=actor, team_id=team_id, member=body.model_dump(mode="json")
    )


@router.delete(
    "/{team_id}/members/{member_id}", response_model=TeamView, responses=problem_responses(401, 403, 404, 503)
)
async def remove_member(team_id: str, member_id: str, request: Request, actor: Actor = Depends(require(*STAFF))):
    """Remove a member (a removed leader leaves the team without one)."""
    return await call(request, "volunteers", "remove_team_member", actor=actor, team_id=team_id, member_id=member_id)
