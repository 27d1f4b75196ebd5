from datetime import datetime, timedelta

import pytest

from services.volunteers.domain.hours import credit_key, credit_uuid, credits_for_event, hours_to_credit

START = datetime(2025, 6, 7, 14, 0)


@pytest.mark.parametrize(
    "minutes,hours",
    [(10, 0.0), (15, 0.5), (44, 0.5), (45, 1.0), (74, 1.0), (75, 1.5), (90, 1.5), (105, 2.0), (120, 2.0), (210, 3.5)],
)
def test_rounded_to_the_nearest_half_hour(minutes, hours):
    assert hours_to_credit(START, START + timedelta(minutes=minutes), checked_in=True) == hours


def test_no_check_in_no_hours():
    assert hours_to_credit(START, START + timedelta(hours=3), checked_in=False) == 0.0


def test_event_must_end_after_it_starts():
    with pytest.raises(ValueError):
        hours_to_credit(START, START, checked_in=True)


def test_credit_key_is_stable_and_unambiguous():
    assert credit_key("evt-1", "v3") == credit_key("evt-1", "v3") == "hours/evt-1/v3"
    assert credit_key("a/b", "c") != credit_key("a", "b/c")
    assert credit_uuid("evt-1", "v3") == credit_uuid("evt-1", "v3") != credit_uuid("evt-1", "v4")
    with pytest.raises(ValueError):
        credit_key("", "v3")


def test_crediting_an_event_twice_credits_nobody_twice():
    checked_in = {"v1": True, "v2": False, "v3": True}
    end = START + timedelta(hours=3, minutes=20)
    first = credits_for_event("evt-1", START, end, checked_in)
    assert [(c.volunteer_id, c.hours) for c in first] == [("v1", 3.5), ("v3", 3.5)]
    again = credits_for_event("evt-1", START, end, checked_in, already_credited={c.key for c in first})
    assert again == []
