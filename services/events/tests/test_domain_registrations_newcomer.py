"""register_newcomer (decided from a waitlist summary) gives exactly what register (with the whole
waitlist) gives, for every request arriving after everyone waiting. Seeded random histories."""

import random
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from kit.rules import RuleViolation
from services.events.domain.registrations import (
    Channel,
    EventPlaces,
    RegistrationRequest,
    RegistrationStatus,
    WaitlistSummary,
    cancel_confirmed,
    register,
    register_newcomer,
    release_kept_back,
)

CHANNELS = [Channel.ONLINE] * 5 + [Channel.PHONE, Channel.DESK, Channel.ON_BEHALF]


def summary_of(places: EventPlaces) -> WaitlistSummary:
    return WaitlistSummary(len(places.waitlist), sum(1 for e in places.waitlist if e.channel.is_offline))


@pytest.mark.parametrize("seed", range(40))
def test_newcomer_decision_equals_the_full_rule(seed):
    rng = random.Random(seed)
    capacity = rng.randint(1, 30)
    places = EventPlaces(
        capacity=capacity, kept_back=rng.randint(0, capacity), release_at=datetime(2026, 9, 24, tzinfo=timezone.utc)
    )
    confirmed: dict[str, tuple[int, int]] = {}
    for seq in range(1, 80):
        request = RegistrationRequest(f"r{seq}", rng.choice([1, 1, 1, 2, 3, 5]), rng.choice(CHANNELS), seq)
        if request.party_size > places.capacity:
            continue
        full, expected = register(places, request)
        counters, decision = register_newcomer(replace(places, waitlist=()), summary_of(places), request)
        assert decision == expected
        assert (counters.confirmed_general, counters.confirmed_kept_back) == (
            full.confirmed_general,
            full.confirmed_kept_back,
        )
        places = full
        if decision.confirmed:
            confirmed[request.registration_id] = (decision.general_places, decision.kept_back_places)
        if confirmed and rng.random() < 0.15:  # someone cancels; the waitlist moves up
            gone = rng.choice(sorted(confirmed))
            general, kept_back = confirmed.pop(gone)
            places, promotions = cancel_confirmed(places, general_places=general, kept_back_places=kept_back)
            confirmed.update({p.registration_id: (p.general_places, p.kept_back_places) for p in promotions})
        if seq == 50:
            places, promotions = release_kept_back(places, datetime(2026, 9, 25, tzinfo=timezone.utc))
            confirmed.update({p.registration_id: (p.general_places, p.kept_back_places) for p in promotions})


def test_waitlisted_newcomer_leaves_the_counters_and_gets_the_next_position():
    places = EventPlaces(capacity=2, kept_back=1, confirmed_general=1)
    counters, decision = register_newcomer(
        places, WaitlistSummary(3, 0), RegistrationRequest("x", 1, Channel.ONLINE, 9)
    )
    assert (decision.status, decision.waitlist_position, counters) == (RegistrationStatus.WAITLISTED, 4, places)
    # A phone request is not blocked by online waiters when a kept-back place is free.
    counters, decision = register_newcomer(
        places, WaitlistSummary(3, 0), RegistrationRequest("y", 1, Channel.PHONE, 10)
    )
    assert decision.confirmed and decision.kept_back_places == 1 and counters.confirmed_kept_back == 1
    # …but it is when an earlier offline request is waiting too.
    _, decision = register_newcomer(places, WaitlistSummary(3, 1), RegistrationRequest("z", 1, Channel.PHONE, 11))
    assert decision.status is RegistrationStatus.WAITLISTED


def test_a_summary_must_be_coherent():
    with pytest.raises(RuleViolation):
        WaitlistSummary(1, 2)
    with pytest.raises(RuleViolation):
        WaitlistSummary(-1, 0)
