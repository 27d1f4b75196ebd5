"""Property-style tests: random streams of requests, cancellations and a release, checked after
every step against the allocation invariants. Seeded, so a failure names its seed and replays."""

import random
from dataclasses import dataclass
from datetime import datetime, timezone

import pytest

from services.events.domain.registrations import (
    Channel,
    EventPlaces,
    RegistrationRequest,
    cancel_confirmed,
    cancel_waitlisted,
    register,
    release_kept_back,
)

RELEASE_AT = datetime(2026, 9, 24, 12, 0, tzinfo=timezone.utc)
CHANNELS = [Channel.ONLINE] * 6 + [Channel.PHONE, Channel.DESK, Channel.ON_BEHALF]
PARTY_SIZES = [1, 1, 1, 1, 2, 2, 3, 4, 6]


@dataclass
class Registration:
    party_size: int
    channel: Channel
    seq: int
    status: str  # "confirmed" | "waitlisted" | "cancelled"
    general: int = 0
    kept_back: int = 0


def order_of(ids, among):
    return [rid for rid in ids if rid in among]


def check_invariants(places: EventPlaces, registrations: dict[str, Registration]) -> None:
    # Never over capacity, in total or per pool.
    assert places.confirmed <= places.capacity
    assert places.confirmed_kept_back <= places.kept_back
    if not places.released:
        assert places.confirmed_general <= places.capacity - places.kept_back
    assert places.free_general >= 0 and places.free_kept_back >= 0

    confirmed = [r for r in registrations.values() if r.status == "confirmed"]
    # Counters are exactly the sum of what confirmed registrations hold.
    assert sum(r.general for r in confirmed) == places.confirmed_general
    assert sum(r.kept_back for r in confirmed) == places.confirmed_kept_back
    for r in confirmed:
        assert r.general + r.kept_back == r.party_size  # groups never split
        if r.channel is Channel.ONLINE:
            assert r.kept_back == 0  # online never touches kept-back places

    waiting = sorted(
        ((rid, r) for rid, r in registrations.items() if r.status == "waitlisted"), key=lambda item: item[1].seq
    )
    assert [e.registration_id for e in places.waitlist] == [rid for rid, _ in waiting]  # arrival order
    assert [e.party_size for e in places.waitlist] == [r.party_size for _, r in waiting]  # groups whole


def check_settled(places: EventPlaces) -> None:
    """After a promotion pass no waiting party fits the places left for it."""
    for entry in places.waitlist:
        if entry.channel.is_offline and not places.released:
            assert entry.party_size > places.free_general + places.free_kept_back
        else:
            assert entry.party_size > places.free_general


def apply_promotions(promotions, registrations, waitlist_before):
    promoted_ids = [p.registration_id for p in promotions]
    # Promotions come in waitlist order.
    assert promoted_ids == order_of([e.registration_id for e in waitlist_before], set(promoted_ids))
    for promotion in promotions:
        registration = registrations[promotion.registration_id]
        assert registration.status == "waitlisted"
        assert promotion.party_size == registration.party_size
        registration.status = "confirmed"
        registration.general = promotion.general_places
        registration.kept_back = promotion.kept_back_places


def simulate(seed: int, steps: int = 120) -> None:
    rng = random.Random(seed)
    capacity = rng.randint(1, 25)
    kept_back = rng.randint(0, capacity)
    places = EventPlaces(capacity=capacity, kept_back=kept_back, release_at=RELEASE_AT)
    registrations: dict[str, Registration] = {}
    release_step = rng.randint(0, steps)
    next_seq = 0

    for step in range(steps):
        before = places
        if step == release_step:
            places, promotions = release_kept_back(places, RELEASE_AT)
            apply_promotions(promotions, registrations, before.waitlist)
            check_settled(places)
        elif rng.random() < 0.55 or not any(r.status != "cancelled" for r in registrations.values()):
            next_seq += 1
            rid = f"r{next_seq}"
            party = min(rng.choice(PARTY_SIZES), capacity)
            channel = rng.choice(CHANNELS)
            places, decision = register(places, RegistrationRequest(rid, party, channel, next_seq))
            registrations[rid] = Registration(party, channel, next_seq, decision.status.value)
            if decision.confirmed:
                registrations[rid].general = decision.general_places
                registrations[rid].kept_back = decision.kept_back_places
                ahead = [e for e in before.waitlist if e.seq < next_seq]
                # Fairness: a newcomer never takes places an earlier waiter was queueing for.
                if decision.general_places:
                    assert not ahead
                if decision.kept_back_places:
                    assert not any(e.channel.is_offline for e in ahead)
            else:
                assert places.confirmed == before.confirmed
        else:
            active = sorted(rid for rid, r in registrations.items() if r.status != "cancelled")
            rid = rng.choice(active)
            registration = registrations[rid]
            if registration.status == "confirmed":
                places, promotions = cancel_confirmed(
                    places, general_places=registration.general, kept_back_places=registration.kept_back
                )
            else:
                places, promotions = cancel_waitlisted(places, rid)
            registration.status = "cancelled"
            apply_promotions(promotions, registrations, before.waitlist)
            check_settled(places)

        # The survivors of the old waitlist keep their relative order.
        survivors = {e.registration_id for e in places.waitlist}
        assert order_of([e.registration_id for e in before.waitlist], survivors) == order_of(
            [e.registration_id for e in places.waitlist], {e.registration_id for e in before.waitlist}
        )
        check_invariants(places, registrations)


@pytest.mark.parametrize("seed_block", range(10))
def test_random_streams_keep_every_invariant(seed_block):
    for seed in range(seed_block * 25, seed_block * 25 + 25):
        try:
            simulate(seed)
        except AssertionError as failure:
            raise AssertionError(f"invariant broken with seed {seed}") from failure


def test_heavy_contention_on_a_tiny_event():
    for seed in range(1000, 1100):
        rng = random.Random(seed)
        places = EventPlaces(capacity=3, kept_back=1, release_at=RELEASE_AT)
        registrations: dict[str, Registration] = {}
        for seq in range(1, 40):
            party = rng.choice([1, 2, 3])
            channel = rng.choice(CHANNELS)
            places, decision = register(places, RegistrationRequest(f"r{seq}", party, channel, seq))
            registrations[f"r{seq}"] = Registration(
                party, channel, seq, decision.status.value, decision.general_places, decision.kept_back_places
            )
            check_invariants(places, registrations)
        assert places.confirmed <= 3
