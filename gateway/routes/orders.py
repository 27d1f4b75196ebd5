"""/api/v1/offerings and /api/v1/orders — the menu (菜单) and village orders (点单)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request, status

from contracts.common import Actor
from contracts.events import (
    MenuDemand,
    OfferingCreate,
    OfferingUpdate,
    OfferingView,
    OrderCreate,
    OrderDecline,
    OrderSchedule,
    OrderStatus,
    OrderView,
    SatisfactionView,
)
from gateway.auth import owner_of_path_offering, require
from gateway.calls import call
from gateway.problems import problem_responses

router = APIRouter(tags=["menu and orders"])
OFFERINGS = "/api/v1/offerings"
ORDERS = "/api/v1/orders"


@router.post(
    OFFERINGS,
    status_code=status.HTTP_201_CREATED,
    response_model=OfferingView,
    responses=problem_responses(400, 401, 403, 422, 503),
)
async def create_offering(body: OfferingCreate, request: Request, actor: Actor = Depends(require("organiser"))):
    """Put an offering on the menu: what a troupe or provider can deliver on request (organisers)."""
    return await call(request, "events", "create_offering", actor=actor, offering=body.model_dump(mode="json"))


@router.get(OFFERINGS, response_model=list[OfferingView], responses=problem_responses(422, 503))
async def list_offerings(request: Request, available_only: bool = False):
    """The menu with how often each offering was ordered; public."""
    return await call(request, "events", "list_offerings", available_only=available_only)


@router.get(OFFERINGS + "/demand", response_model=MenuDemand, responses=problem_responses(422, 503))
async def menu_demand(request: Request, threshold: int | None = Query(None, ge=1, le=1000)):
    """Order counts per offering, least ordered first; those below the threshold stand out; public."""
    return await call(request, "events", "menu_demand", threshold=threshold)


@router.get(OFFERINGS + "/{offering_id}", response_model=OfferingView, responses=problem_responses(404, 503))
async def get_offering(offering_id: str, request: Request):
    """One offering; public."""
    return await call(request, "events", "get_offering", offering_id=offering_id)


@router.patch(
    OFFERINGS + "/{offering_id}", response_model=OfferingView, responses=problem_responses(400, 401, 403, 404, 422, 503)
)
async def update_offering(
    offering_id: str, body: OfferingUpdate, request: Request, actor: Actor = Depends(owner_of_path_offering)
):
    """Change an offering, or take it off the menu with `available: false` (existing orders stand)."""
    return await call(
        request,
        "events",
        "update_offering",
        actor=actor,
        offering_id=offering_id,
        changes=body.model_dump(mode="json", exclude_unset=True),
    )


@router.get(
    OFFERINGS + "/{offering_id}/satisfaction", response_model=SatisfactionView, responses=problem_responses(400, 503)
)
async def offering_satisfaction(offering_id: str, request: Request):
    """Ratings of every event delivered from this offering; public."""
    return await call(request, "events", "satisfaction", scope="offering", key=offering_id)


@router.post(
    ORDERS,
    status_code=status.HTTP_201_CREATED,
    response_model=OrderView,
    responses=problem_responses(400, 401, 403, 404, 422, 503),
)
async def place_order(
    body: OrderCreate, request: Request, actor: Actor = Depends(require("organiser", "venue_manager"))
):
    """A village or community centre orders an offering for a date window (its manager, or an organiser)."""
    return await call(request, "events", "place_order", actor=actor, order=body.model_dump(mode="json"))


@router.get(ORDERS, response_model=list[OrderView], responses=problem_responses(401, 403, 422, 503))
async def list_orders(
    request: Request,
    status_: OrderStatus | None = Query(None, alias="status"),
    venue_id: str | None = None,
    actor: Actor = Depends(require("organiser", "venue_manager")),
):
    """Orders, newest first (a venue manager sees their own centre's)."""
    return await call(request, "events", "list_orders", actor=actor, status=status_, venue_id=venue_id)


@router.get(ORDERS + "/{order_id}", response_model=OrderView, responses=problem_responses(401, 403, 404, 503))
async def get_order(order_id: str, request: Request, actor: Actor = Depends(require("organiser", "venue_manager"))):
    """One order."""
    return await call(request, "events", "get_order", actor=actor, order_id=order_id)


@router.post(
    ORDERS + "/{order_id}/schedule",
    response_model=OrderView,
    responses=problem_responses(400, 401, 403, 404, 409, 422, 503),
)
async def schedule_order(
    order_id: str, body: OrderSchedule, request: Request, actor: Actor = Depends(require("organiser"))
):
    """The district schedules the order on a day inside its window: the event is created from the offering
    (published at once unless `publish` is false) at the ordering village, or in a room."""
    return await call(
        request, "events", "schedule_order", actor=actor, order_id=order_id, schedule=body.model_dump(mode="json")
    )


@router.post(
    ORDERS + "/{order_id}/decline",
    response_model=OrderView,
    responses=problem_responses(400, 401, 403, 404, 409, 422, 503),
)
async def decline_order(
    order_id: str, body: OrderDecline, request: Request, actor: Actor = Depends(require("organiser"))
):
    """Decline with a reason the village can read."""
    return await call(
        request, "events", "decline_order", actor=actor, order_id=order_id, decline=body.model_dump(mode="json")
    )


@router.post(
    ORDERS + "/{order_id}/withdraw", response_model=OrderView, responses=problem_responses(401, 403, 404, 409, 503)
)
async def withdraw_order(
    order_id: str, request: Request, actor: Actor = Depends(require("organiser", "venue_manager"))
):
    """Withdraw an order that is still open (whoever placed it, or the centre's manager)."""
    return await call(request, "events", "withdraw_order", actor=actor, order_id=order_id)
