"""/api/v1/venues/{id}/loans, /api/v1/loans/{id} — the lending register next to the asset ledger."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request, status

from contracts.common import Actor
from contracts.lending import Loan, LoanCreate, LoanRenew
from gateway.auth import require
from gateway.calls import call
from gateway.problems import problem_responses

router = APIRouter(prefix="/api/v1", tags=["registers"])


@router.post(
    "/venues/{venue_id}/loans",
    status_code=status.HTTP_201_CREATED,
    response_model=Loan,
    responses=problem_responses(400, 401, 403, 404, 409, 422, 503),
)
async def lend_item(
    venue_id: str, body: LoanCreate, request: Request, actor: Actor = Depends(require("venue_manager"))
):
    """Lend an item or book of the asset ledger with a due date (a line of the lending record)."""
    return await call(request, "venues", "lend_item", actor=actor, venue_id=venue_id, loan=body.model_dump(mode="json"))


@router.get("/venues/{venue_id}/loans", response_model=list[Loan], responses=problem_responses(401, 403, 404, 422, 503))
async def list_loans(
    venue_id: str,
    request: Request,
    status_: Literal["lent", "overdue"] | None = Query(None, alias="status"),
    actor: Actor = Depends(require("venue_manager")),
):
    """The lending record; `status=lent` the items out, `status=overdue` the overdue list."""
    return await call(request, "venues", "list_loans", actor=actor, venue_id=venue_id, status=status_)


@router.post("/loans/{loan_id}/renew", response_model=Loan, responses=problem_responses(400, 401, 403, 404, 422, 503))
async def renew_loan(loan_id: str, body: LoanRenew, request: Request, actor: Actor = Depends(require("venue_manager"))):
    """Give a lent item a later due date (at most twice)."""
    return await call(
        request, "venues", "renew_loan", actor=actor, loan_id=loan_id, renewal=body.model_dump(mode="json")
    )


@router.post("/loans/{loan_id}/return", response_model=Loan, responses=problem_responses(401, 403, 404, 409, 503))
async def return_loan(loan_id: str, request: Request, actor: Actor = Depends(require("venue_manager"))):
    """Record that the item came back; it leaves the overdue list."""
    return await call(request, "venues", "return_loan", actor=actor, loan_id=loan_id)
