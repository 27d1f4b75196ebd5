"""The lending register next to the asset ledger (real container, SQLite and PostgreSQL): lend, renew,
return, the overdue list, and one `loan.overdue` fact per overdue loan however often it is checked."""

from __future__ import annotations

import datetime as dt

import pytest

from contracts.errors import Conflict, Forbidden, Unprocessable
from services.venues.tests.conftest import RESIDENT, manager_of


def _today() -> dt.date:
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()


@pytest.fixture
def book(venues, jiaping):
    manager = manager_of(jiaping["venue_id"])
    asset = venues.register_asset(
        actor=manager, venue_id=jiaping["venue_id"], asset={"name": "《平凡的世界》", "category": "图书"}
    )
    return manager, asset


def test_a_book_two_days_overdue_is_listed_reported_once_and_cleared_by_its_return_renewals(
    venues, jiaping, book, facts
):
    manager, asset = book
    loan = venues.lend_item(
        actor=manager,
        venue_id=jiaping["venue_id"],
        loan={
            "asset_id": asset["id"],
            "borrower_id": "resident-1",
            "borrower_name": "王秀英",
            "lent_on": str(_today() - dt.timedelta(days=16)),
            "due_on": str(_today() - dt.timedelta(days=2)),
        },
    )
    assert loan["status"] == "lent" and loan["overdue"] is True and loan["asset_number"] == asset["number"]
    for _check in range(3):  # the overdue list looked at again and again, and the timer
        overdue = venues.list_loans(actor=manager, venue_id=jiaping["venue_id"], status="overdue")
        assert [o["id"] for o in overdue] == [loan["id"]]
    venues.report_overdue_loans()
    reported = facts.drain(5, timeout=3, types=("loan.overdue",))
    assert len(reported) == 1
    assert reported[0]["data"]["borrower_id"] == "resident-1" and reported[0]["data"]["item_name"] == "《平凡的世界》"
    assert reported[0]["data"]["due_on"] == str(_today() - dt.timedelta(days=2))

    with pytest.raises(Conflict):  # one open loan per item
        venues.lend_item(
            actor=manager,
            venue_id=jiaping["venue_id"],
            loan={"asset_id": asset["id"], "borrower_name": "李四", "due_on": str(_today() + dt.timedelta(days=7))},
        )
    returned = venues.return_loan(actor=manager, loan_id=loan["id"])
    assert returned["status"] == "returned" and returned["overdue"] is False and returned["returned_at"]
    assert venues.list_loans(actor=manager, venue_id=jiaping["venue_id"], status="overdue") == []
    with pytest.raises(Conflict):
        venues.return_loan(actor=manager, loan_id=loan["id"])

    # Renewals and the rules of lending (one test: a venues container costs ~10 s to set up here).
    due = _today() + dt.timedelta(days=14)
    loan = venues.lend_item(
        actor=manager,
        venue_id=jiaping["venue_id"],
        loan={
            "asset_id": asset["id"],
            "borrower_name": "王秀英",
            "due_on": str(due),
            "contact": {"phone": "13800000000"},
        },
    )
    assert loan["overdue"] is False and loan["lent_on"] == str(_today())
    renewed = venues.renew_loan(actor=manager, loan_id=loan["id"], renewal={"due_on": str(due + dt.timedelta(days=14))})
    assert (renewed["due_on"], renewed["renewals"]) == (str(due + dt.timedelta(days=14)), 1)
    with pytest.raises(Unprocessable):  # not later than the current due date
        venues.renew_loan(actor=manager, loan_id=loan["id"], renewal={"due_on": str(due)})
    venues.renew_loan(actor=manager, loan_id=loan["id"], renewal={"due_on": str(due + dt.timedelta(days=28))})
    with pytest.raises(Unprocessable):  # at most twice
        venues.renew_loan(actor=manager, loan_id=loan["id"], renewal={"due_on": str(due + dt.timedelta(days=42))})
    lent = venues.list_loans(actor=manager, venue_id=jiaping["venue_id"], status="lent")
    assert [o["id"] for o in lent] == [loan["id"]]
    with pytest.raises(Forbidden):
        venues.list_loans(actor=RESIDENT, venue_id=jiaping["venue_id"])
    other = venues.register_asset(
        actor=manager, venue_id=jiaping["venue_id"], asset={"name": "投影仪", "category": "设备"}
    )
    with pytest.raises(Unprocessable):  # due before it is lent
        venues.lend_item(
            actor=manager,
            venue_id=jiaping["venue_id"],
            loan={"asset_id": other["id"], "borrower_name": "李四", "due_on": str(_today() - dt.timedelta(days=1))},
        )
    with pytest.raises(Unprocessable):  # malformed payload: a 422, not a 500
        venues.lend_item(actor=manager, venue_id=jiaping["venue_id"], loan={"asset_id": other["id"]})
    # An item that is not in this venue's ledger is a wrong field of a venue that exists: 422 naming asset_id, not
    # a 404 (which schemathesis' stateful phase reads as "the venue just created is not found").
    with pytest.raises(Unprocessable) as not_in_ledger:
        venues.lend_item(
            actor=manager,
            venue_id=jiaping["venue_id"],
            loan={"asset_id": "no-such-item", "borrower_name": "李四", "due_on": str(_today() + dt.timedelta(days=7))},
        )
    assert not_in_ledger.value.extra["field"] == "asset_id"
