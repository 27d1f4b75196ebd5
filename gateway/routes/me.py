"""/api/v1/me — the signed-in person's own account."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response, status

from contracts.accounts import Account, DependantCreate, DependantView, TotpConfirm, TotpSetup
from contracts.common import Actor
from gateway.auth import require
from gateway.calls import call
from gateway.problems import problem_responses

router = APIRouter(prefix="/api/v1/me", tags=["me"])


@router.get("", response_model=Account, responses=problem_responses(401, 404, 503))
async def me(request: Request, actor: Actor = Depends(require())):
    """Who I am: role, name, masked phone, scopes and linked dependants."""
    return await call(request, "accounts", "me", actor=actor)


@router.post("/totp", status_code=status.HTTP_201_CREATED, response_model=TotpSetup,
             responses=problem_responses(401, 404, 503))
async def offer_totp(request: Request, actor: Actor = Depends(require())):
    """Start a TOTP second factor: a secret for the authenticator app, active once confirmed with a code."""
    return await call(request, "accounts", "offer_totp", actor=actor)


@router.post("/totp/confirm", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(401, 404, 422, 503))
async def confirm_totp(body: TotpConfirm, request: Request, actor: Actor = Depends(require())):
    """Confirm with a current code: from now on password sign-in also needs a TOTP code."""
    await call(request, "accounts", "confirm_totp", actor=actor, confirmation=body.model_dump(mode="json"),
               client_ip=request.client.host if request.client else None)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/dependants", status_code=status.HTTP_201_CREATED, response_model=DependantView,
             responses=problem_responses(400, 401, 404, 409, 422, 503))
async def link_dependant(body: DependantCreate, request: Request, actor: Actor = Depends(require())):
    """Link a dependant (e.g. an elderly parent without a phone). Its id is a person id to register or book
    for (`person_id`); refresh the token to carry `dependant:<id>`."""
    return await call(request, "accounts", "link_dependant", actor=actor, dependant=body.model_dump(mode="json"),
                      client_ip=request.client.host if request.client else None)
