"""The no-show ledger's numbers are settings (issue 17.6), not constants."""

from services.venues.no_show_commands import no_show_policy
from services.venues.settings import VenuesSettings


def test_the_no_show_policy_comes_from_the_settings(monkeypatch):
    assert no_show_policy(VenuesSettings()) == no_show_policy(
        VenuesSettings(no_show_limit=3, no_show_within_days=30, no_show_pause_days=14)
    )
    monkeypatch.setenv("WENYUN_VENUES_NO_SHOW_LIMIT", "5")
    monkeypatch.setenv("WENYUN_VENUES_NO_SHOW_WITHIN_DAYS", "60")
    monkeypatch.setenv("WENYUN_VENUES_NO_SHOW_PAUSE_DAYS", "7")
    policy = no_show_policy(VenuesSettings())
    assert (policy.limit, policy.within_days, policy.pause_days) == (5, 60, 7)
