"""/api/v1/season-plans — the 送文化下乡 season planner: ask for a draft, pin or remove items, re-solve,
publish (organisers)."""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends, Request, status

from contracts.common import Actor
from contracts.season_plans import SeasonPlanRequest, SeasonPlanResolve, SeasonPlanView
from gateway.auth import require
from gateway.calls import call
from gateway.problems import problem_responses

router = APIRouter(tags=["season plans"])
PLANS = "/api/v1/season-plans"
ANSWER_MARGIN_SECONDS = 20.0  # reading inputs, storing the plan, and the reply, on top of the solve


@router.post(
    PLANS,
    status_code=status.HTTP_201_CREATED,
    response_model=SeasonPlanView,
    responses=problem_responses(400, 401, 403, 409, 422, 503),
)
async def create_season_plan(body: SeasonPlanRequest, request: Request, actor: Actor = Depends(require("organiser"))):
    """A draft plan for the season: open orders placed, villages covered, troupes' travel kept low — the best
    plan found within `time_limit_seconds`, with its optimality gap and the reason for each unplanned order."""
    return await call(
        request,
        "events",
        "create_season_plan",
        actor=actor,
        plan=body.model_dump(mode="json"),
        timeout=body.time_limit_seconds + ANSWER_MARGIN_SECONDS,
    )


@router.get(PLANS + "/{plan_id}", response_model=SeasonPlanView, responses=problem_responses(401, 403, 404, 503))
async def get_season_plan(plan_id: str, request: Request, actor: Actor = Depends(require("organiser"))):
    """One season plan with its items, unplanned orders, score and solve report."""
    return await call(request, "events", "get_season_plan", actor=actor, plan_id=plan_id)


@router.post(
    PLANS + "/{plan_id}/items/{item_id}/pin",
    response_model=SeasonPlanView,
    responses=problem_responses(401, 403, 404, 409, 503),
)
async def pin_item(plan_id: str, item_id: str, request: Request, actor: Actor = Depends(require("organiser"))):
    """Keep this item as it is when the plan is solved again."""
    return await call(
        request, "events", "pin_season_plan_item", actor=actor, plan_id=plan_id, item_id=item_id, pinned=True
    )


@router.delete(
    PLANS + "/{plan_id}/items/{item_id}/pin",
    response_model=SeasonPlanView,
    responses=problem_responses(401, 403, 404, 409, 503),
)
async def unpin_item(plan_id: str, item_id: str, request: Request, actor: Actor = Depends(require("organiser"))):
    """Let a re-solve move this item again."""
    return await call(
        request, "events", "pin_season_plan_item", actor=actor, plan_id=plan_id, item_id=item_id, pinned=False
    )


@router.delete(
    PLANS + "/{plan_id}/items/{item_id}",
    response_model=SeasonPlanView,
    responses=problem_responses(401, 403, 404, 409, 503),
)
async def remove_item(plan_id: str, item_id: str, request: Request, actor: Actor = Depends(require("organiser"))):
    """Take this item out of the draft; a re-solve never proposes it again (it stays listed as removed)."""
    return await call(request, "events", "remove_season_plan_item", actor=actor, plan_id=plan_id, item_id=item_id)


@router.post(
    PLANS + "/{plan_id}/solve",
    response_model=SeasonPlanView,
    responses=problem_responses(400, 401, 403, 404, 409, 422, 503),
)
async def resolve_season_plan(
    plan_id: str,
    request: Request,
    body: SeasonPlanResolve = Body(default_factory=SeasonPlanResolve),
    actor: Actor = Depends(require("organiser")),
):
    """Solve again with the pinned items fixed and the removed ones excluded."""
    return await call(
        request,
        "events",
        "resolve_season_plan",
        actor=actor,
        plan_id=plan_id,
        resolve=body.model_dump(mode="json"),
        timeout=body.time_limit_seconds + ANSWER_MARGIN_SECONDS,
    )


@router.post(
    PLANS + "/{plan_id}/publish",
    response_model=SeasonPlanView,
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def publish_season_plan(plan_id: str, request: Request, actor: Actor = Depends(require("organiser"))):
    """Publish the draft in one step: every item becomes a published event at its site, its order is
    scheduled, and volunteer needs are requested."""
    return await call(request, "events", "publish_season_plan", actor=actor, plan_id=plan_id, timeout=60)
