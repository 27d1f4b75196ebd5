"""Password lockout back-off and which scopes an administrator may grant."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.accounts.domain.lockout import lock_after
from services.accounts.domain.scopes import NotAScope, grantable


def test_five_failures_lock_for_a_minute_then_doubling_up_to_an_hour():
    assert [lock_after(n) for n in range(5)] == [None] * 5
    assert [lock_after(n) for n in (5, 6, 7)] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert lock_after(50) == timedelta(hours=1)


@pytest.mark.parametrize("scope", ["venue:2b7c-1", "venue:*", "town:嘉平镇"])
def test_grantable_scopes(scope):
    assert grantable(scope) == scope


@pytest.mark.parametrize("scope", ["org:1", "dependant:x", "venue:", "town", "admin", "venue: x", "venue:a\x00"])
def test_scopes_that_come_from_elsewhere_or_are_malformed(scope):
    with pytest.raises(NotAScope):
        grantable(scope)
