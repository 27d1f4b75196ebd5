"""/api/v1/accounts, /api/v1/audit, /api/v1/organisations — administrators manage accounts, roles, scopes
and organisations; every change is in the audit log."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Path, Query, Request, status

from contracts.accounts import Account, AccountCreate, AuditEntry, Organisation, OrganisationCreate, RoleChange
from contracts.common import Actor, ecma_pattern
from gateway.auth import require
from gateway.calls import call
from gateway.problems import problem_responses
from gateway.routes.auth import client_ip

router = APIRouter(tags=["accounts"])
SCOPE = Path(
    pattern=ecma_pattern(r"^(venue|town):[^\s:][^\x00]{0,99}$"),
    examples=["venue:2b7c…", "town:嘉平镇"],
    description="venue:<venue id> (venue:* for all) or town:<town name>.",
)
ROLE = Literal["admin", "venue_manager", "organiser", "volunteer", "subscriber", "resident"]


@router.post(
    "/api/v1/accounts",
    status_code=status.HTTP_201_CREATED,
    response_model=Account,
    responses=problem_responses(400, 401, 403, 409, 422, 503),
)
async def create_account(body: AccountCreate, request: Request, actor: Actor = Depends(require("admin"))):
    """Create a staff account that signs in with user name and password (administrators)."""
    return await call(
        request,
        "accounts",
        "create_account",
        actor=actor,
        account=body.model_dump(mode="json"),
        client_ip=client_ip(request),
    )


@router.get("/api/v1/accounts", response_model=list[Account], responses=problem_responses(401, 403, 422, 503))
async def list_accounts(request: Request, role: ROLE | None = None, actor: Actor = Depends(require("admin"))):
    """Every open account, or those of one role (administrators)."""
    return await call(request, "accounts", "list_accounts", actor=actor, role=role)


@router.get("/api/v1/accounts/{account_id}", response_model=Account, responses=problem_responses(401, 403, 404, 503))
async def get_account(account_id: str, request: Request, actor: Actor = Depends(require("admin"))):
    return await call(request, "accounts", "get_account", actor=actor, account_id=account_id)


@router.put(
    "/api/v1/accounts/{account_id}/role",
    response_model=Account,
    responses=problem_responses(400, 401, 403, 404, 422, 503),
)
async def change_role(account_id: str, body: RoleChange, request: Request, actor: Actor = Depends(require("admin"))):
    """Change the role; the person's sessions end at once (their tokens carry the old role)."""
    return await call(
        request,
        "accounts",
        "change_role",
        actor=actor,
        account_id=account_id,
        change=body.model_dump(mode="json"),
        client_ip=client_ip(request),
    )


@router.put(
    "/api/v1/accounts/{account_id}/scopes/{scope}",
    response_model=Account,
    responses=problem_responses(400, 401, 403, 404, 422, 503),
)
async def grant_scope(account_id: str, request: Request, scope: str = SCOPE, actor: Actor = Depends(require("admin"))):
    """Grant "manages venue X" (`venue:<id>`) or "organiser for town Y" (`town:<name>`); in the next token."""
    return await call(
        request,
        "accounts",
        "grant_scope",
        actor=actor,
        account_id=account_id,
        scope=scope,
        client_ip=client_ip(request),
    )


@router.delete(
    "/api/v1/accounts/{account_id}/scopes/{scope}",
    response_model=Account,
    responses=problem_responses(400, 401, 403, 404, 422, 503),
)
async def withdraw_scope(
    account_id: str, request: Request, scope: str = SCOPE, actor: Actor = Depends(require("admin"))
):
    """Withdraw a scope: gone from the next refreshed token (≤ 15 min) and at once after sign-out."""
    return await call(
        request,
        "accounts",
        "withdraw_scope",
        actor=actor,
        account_id=account_id,
        scope=scope,
        client_ip=client_ip(request),
    )


@router.get("/api/v1/audit", response_model=list[AuditEntry], responses=problem_responses(401, 403, 422, 503))
async def audit_log(
    request: Request,
    account_id: str | None = Query(None, max_length=36),
    action: str | None = Query(None, max_length=40),
    limit: int = Query(100, ge=1, le=1000),
    actor: Actor = Depends(require("admin")),
):
    """Sign-ins, failed sign-ins, role and scope changes, closures: who, when, from where (newest first)."""
    return await call(request, "accounts", "audit_log", actor=actor, account_id=account_id, action=action, limit=limit)


@router.post(
    "/api/v1/organisations",
    status_code=status.HTTP_201_CREATED,
    response_model=Organisation,
    responses=problem_responses(400, 401, 403, 409, 422, 503),
)
async def create_organisation(
    body: OrganisationCreate, request: Request, actor: Actor = Depends(require("venue_manager"))
):
    """Register an organisation (administrators and venue managers)."""
    return await call(
        request,
        "accounts",
        "create_organisation",
        actor=actor,
        organisation=body.model_dump(mode="json"),
        client_ip=client_ip(request),
    )


@router.put(
    "/api/v1/organisations/{organisation_id}/members/{account_id}",
    response_model=Organisation,
    responses=problem_responses(400, 401, 403, 404, 422, 503),
)
async def add_member(
    organisation_id: str, account_id: str, request: Request, actor: Actor = Depends(require("venue_manager"))
):
    """Make an account a member: its next token carries `org:<organisation id>`."""
    return await call(
        request,
        "accounts",
        "add_organisation_member",
        actor=actor,
        organisation_id=organisation_id,
        account_id=account_id,
        client_ip=client_ip(request),
    )
