"""The lending register of a venue (seed 004: every item and book numbered and registered; lending with a
due date and a lending record): RPC/HTTP shapes and the `loan.overdue` fact."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.common import ContactPoint, IsoDate
from contracts.envelope import DomainEvent

LoanStatus = Literal["lent", "returned"]


class LoanCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"asset_id": "5f0c…", "borrower_id": "resident-42", "borrower_name": "王秀英", "due_on": "2026-12-20"}
            ]
        },
    )
    asset_id: str = Field(min_length=1, max_length=36, description="The item or book, from the venue's asset ledger.")
    borrower_id: str | None = Field(None, max_length=100, description="The borrower's account, when they have one.")
    borrower_name: str = Field(min_length=1, max_length=100)
    contact: ContactPoint | None = Field(None, description="How to remind a borrower without an account (consent).")
    lent_on: IsoDate | None = Field(None, description="Default today; an earlier day when copying the paper register.")
    due_on: IsoDate


class LoanRenew(BaseModel):
    model_config = ConfigDict(extra="forbid")
    due_on: IsoDate


class Loan(BaseModel):
    id: str
    venue_id: str
    asset_id: str
    asset_number: str
    item_name: str
    borrower_id: str | None = None
    borrower_name: str
    lent_on: date
    due_on: date
    renewals: int
    status: LoanStatus
    overdue: bool
    returned_at: datetime | None = None
    lent_by: str
    created_at: datetime


class LoanOverdue(DomainEvent):
    source_service = "venues"
    event_type = "loan.overdue"
    summary = "A lent item was not returned by its due date (told once per loan; notifications reminds the borrower)."

    loan_id: str
    venue_id: str
    venue_name: str
    asset_number: str
    item_name: str
    borrower_id: str | None = None
    borrower_name: str
    due_on: date
    contact: ContactPoint | None = None
