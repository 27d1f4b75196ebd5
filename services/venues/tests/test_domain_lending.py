import datetime as dt

import pytest

from services.venues.domain.lending import LendingError, check_lend, check_renew, check_return, is_overdue

TODAY = dt.date(2026, 12, 2)


def test_overdue_starts_the_day_after_the_due_date_and_ends_with_the_return():
    assert not is_overdue("lent", TODAY, TODAY)
    assert is_overdue("lent", TODAY - dt.timedelta(days=2), TODAY)
    assert not is_overdue("returned", TODAY - dt.timedelta(days=2), TODAY)


def test_lending_rules():
    check_lend(condition="good", already_lent=False, lent_on=TODAY, due_on=TODAY, today=TODAY)
    for kwargs in (
        {"condition": "faulty"},
        {"already_lent": True},
        {"lent_on": TODAY + dt.timedelta(days=1)},
        {"due_on": TODAY - dt.timedelta(days=1)},
        {"due_on": TODAY + dt.timedelta(days=91)},
    ):
        with pytest.raises(LendingError):
            check_lend(
                **{
                    "condition": "good",
                    "already_lent": False,
                    "lent_on": TODAY,
                    "due_on": TODAY,
                    "today": TODAY,
                    **kwargs,
                }
            )
    with pytest.raises(LendingError):
        check_renew(status="lent", renewals=0, lent_on=TODAY, due_on=TODAY, new_due_on=TODAY, today=TODAY)
    with pytest.raises(LendingError):
        check_return("returned")
