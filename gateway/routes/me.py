"""/api/v1/me — the signed-in person's own account."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response, status

from contracts.accounts import Account, DependantCreate, DependantView, MyData, TotpConfirm, TotpSetup
from contracts.common import Actor
from gateway.auth import require
from gateway.calls import call
from gateway.problems import problem_responses
from gateway.routes.auth import call_unreplayed

router = APIRouter(prefix="/api/v1/me", tags=["me"])


@router.get("", response_model=Account, responses=problem_responses(401, 404, 503))
async def me(request: Request, actor: Actor = Depends(require())):
    """Who I am: role, name, masked phone, scopes and linked dependants."""
    return await call(request, "accounts", "me", actor=actor)


@router.post(
    "/totp", status_code=status.HTTP_201_CREATED, response_model=TotpSetup, responses=problem_responses(401, 404, 503)
)
async def offer_totp(request: Request, actor: Actor = Depends(require())):
    """Start a TOTP second factor: a secret for the authenticator app, active once confirmed with a code."""
    return await call_unreplayed(request, "offer_totp", actor=actor.model_dump())


@router.post("/totp/confirm", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(401, 404, 422, 503))
async def confirm_totp(body: TotpConfirm, request: Request, actor: Actor = Depends(require())):
    """Confirm with a current code: from now on password sign-in also needs a TOTP code."""
    await call(
        request,
        "accounts",
        "confirm_totp",
        actor=actor,
        confirmation=body.model_dump(mode="json"),
        client_ip=request.client.host if request.client else None,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/dependants",
    status_code=status.HTTP_201_CREATED,
    response_model=DependantView,
    responses=problem_responses(400, 401, 404, 409, 422, 503),
)
async def link_dependant(body: DependantCreate, request: Request, actor: Actor = Depends(require())):
    """Link a dependant (e.g. an elderly parent without a phone). Its id is a person id to register or book
    for (`person_id`); refresh the token to carry `dependant:<id>`."""
    return await call(
        request,
        "accounts",
        "link_dependant",
        actor=actor,
        dependant=body.model_dump(mode="json"),
        client_ip=request.client.host if request.client else None,
    )


@router.get("/export", response_model=MyData, responses=problem_responses(401, 404, 503))
async def export_my_data(request: Request, actor: Actor = Depends(require())):
    """Everything accounts keeps about me (PIPL): the account, the privacy consent, sessions, the audit entries."""
    return await call(request, "accounts", "export_my_data", actor=actor)


@router.delete("", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(401, 404, 503))
async def close_account(request: Request, actor: Actor = Depends(require())):
    """Close my account (PIPL): phone, name and credentials are removed, every session ends, and the other
    services forget or anonymise what they keep of me and my dependants (`account.closed`)."""
    await call(
        request, "accounts", "close_account", actor=actor, client_ip=request.client.host if request.client else None
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
