"""Lending rules (seed 004: lending with a due date and a lending record). Plain Python."""

from __future__ import annotations

import datetime as dt

MAX_LOAN_DAYS = 90
MAX_RENEWALS = 2
LENDABLE_CONDITIONS = ("good",)


class LendingError(ValueError):
    pass


def check_lend(*, condition: str, already_lent: bool, lent_on: dt.date, due_on: dt.date, today: dt.date) -> None:
    if condition not in LENDABLE_CONDITIONS:
        raise LendingError(f"the item is {condition} and cannot be lent")
    if already_lent:
        raise LendingError("the item is already lent; it must be returned first")
    if lent_on > today:
        raise LendingError("a loan cannot start in the future")
    if due_on < lent_on:
        raise LendingError("the due date must not be before the day it is lent")
    if (due_on - lent_on).days > MAX_LOAN_DAYS:
        raise LendingError(f"a loan lasts at most {MAX_LOAN_DAYS} days")


def check_renew(
    *, status: str, renewals: int, lent_on: dt.date, due_on: dt.date, new_due_on: dt.date, today: dt.date
) -> None:
    if status != "lent":
        raise LendingError("only an item still lent can be renewed")
    if renewals >= MAX_RENEWALS:
        raise LendingError(f"a loan can be renewed at most {MAX_RENEWALS} times")
    if new_due_on <= max(due_on, today):
        raise LendingError("the new due date must be later than the current one and than today")
    if (new_due_on - lent_on).days > MAX_LOAN_DAYS * (MAX_RENEWALS + 1):
        raise LendingError("the loan would last too long; return the item and lend it again")


def check_return(status: str) -> None:
    if status != "lent":
        raise LendingError("the item has already been returned")


def is_overdue(status: str, due_on: dt.date, today: dt.date) -> bool:
    """Overdue from the day after the due date, until returned."""
    return status == "lent" and today > due_on
