import datetime as dt

from services.venues.domain.no_shows import (
    CheckInWindow,
    CountedNoShow,
    NoShowPolicy,
    check_in_refusal,
    no_show_refusal,
    paused_until,
)

START = dt.datetime(2026, 12, 8, 15, 0)
NOW = dt.datetime(2026, 12, 20, 12, 0)


def test_check_in_window_from_15_minutes_before_to_15_after():
    window = CheckInWindow()
    assert check_in_refusal(START, START - dt.timedelta(minutes=16), window).code == "check_in_not_open"
    assert check_in_refusal(START, START - dt.timedelta(minutes=15), window) is None
    assert check_in_refusal(START, START + dt.timedelta(minutes=15), window) is None
    assert check_in_refusal(START, START + dt.timedelta(minutes=16), window).code == "check_in_closed"
    assert no_show_refusal(START, START + dt.timedelta(minutes=14), window).code == "check_in_still_open"
    assert no_show_refusal(START, START + dt.timedelta(minutes=15), window) is None


def no_show(days_ago: float, channel: str = "online") -> CountedNoShow:
    return CountedNoShow(f"b-{days_ago}-{channel}", NOW - dt.timedelta(days=days_ago), channel)


def test_three_online_no_shows_in_thirty_days_pause_online_booking():
    policy = NoShowPolicy(limit=3, within_days=30, pause_days=14)
    three = [no_show(20), no_show(10), no_show(2)]
    assert paused_until(three, NOW, policy, exempt=False, lifted_at=None) == NOW + dt.timedelta(days=12)
    assert paused_until(three[1:], NOW, policy, exempt=False, lifted_at=None) is None
    assert paused_until([no_show(40), *three[1:]], NOW, policy, exempt=False, lifted_at=None) is None  # too old
    # the seed-002 groups: bookings staff made on someone's behalf never count
    assert (
        paused_until(
            [*three[1:], no_show(5, "on_behalf"), no_show(6, "phone")], NOW, policy, exempt=False, lifted_at=None
        )
        is None
    )
    assert paused_until(three, NOW, policy, exempt=True, lifted_at=None) is None  # e.g. the elderly
    assert paused_until(three, NOW, policy, exempt=False, lifted_at=NOW - dt.timedelta(days=1)) is None  # lifted
    assert paused_until([no_show(16), no_show(15.5), no_show(15)], NOW, policy, exempt=False, lifted_at=None) is None
