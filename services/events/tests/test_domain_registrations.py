from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kit.rules import InvalidTransition, RuleViolation
from services.events.domain.lifecycle import EventStatus
from services.events.domain.registrations import (
    Channel,
    EventPlaces,
    Pool,
    RegistrationAction,
    RegistrationRequest,
    RegistrationStatus,
    WaitlistEntry,
    cancel_confirmed,
    cancel_waitlisted,
    change_capacity,
    check_check_in_time,
    check_no_show_time,
    check_registration_open,
    decide,
    default_release_at,
    promotions_after_cancel,
    register,
    release_kept_back,
    transition_registration,
)

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 9, 25, 19, 30, tzinfo=TZ)
END = START + timedelta(hours=2)
RELEASE_AT = START - timedelta(days=1)


def request(rid, seq, party=1, channel=Channel.ONLINE):
    return RegistrationRequest(registration_id=rid, party_size=party, channel=channel, arrived_seq=seq)


def entry(rid, seq, party=1, channel=Channel.ONLINE):
    return WaitlistEntry(registration_id=rid, party_size=party, seq=seq, channel=channel)


# --- deciding ---------------------------------------------------------------------------------


def test_online_uses_general_places_only():
    places = EventPlaces(capacity=10, kept_back=2, confirmed_general=7)
    places, first = register(places, request("a", 1))
    assert first.confirmed and first.pool is Pool.GENERAL and first.general_places == 1
    places, second = register(places, request("b", 2))
    # 8 general places are gone; the 2 kept-back places are not for online requests.
    assert second.status is RegistrationStatus.WAITLISTED and second.waitlist_position == 1
    assert places.confirmed == 8 and places.free_kept_back == 2
    assert [e.registration_id for e in places.waitlist] == ["b"]


@pytest.mark.parametrize("channel", [Channel.PHONE, Channel.DESK, Channel.ON_BEHALF])
def test_offline_channels_draw_on_kept_back_first_then_general(channel):
    places = EventPlaces(capacity=10, kept_back=2)
    places, d1 = register(places, request("a", 1, channel=channel))
    places, d2 = register(places, request("b", 2, channel=channel))
    places, d3 = register(places, request("c", 3, channel=channel))
    assert [d.pool for d in (d1, d2, d3)] == [Pool.KEPT_BACK, Pool.KEPT_BACK, Pool.GENERAL]
    assert (places.confirmed_kept_back, places.confirmed_general) == (2, 1)


def test_an_offline_party_may_straddle_the_pools_but_is_never_split():
    places = EventPlaces(capacity=10, kept_back=2, confirmed_general=7)
    decision = decide(places, request("family", 1, party=3, channel=Channel.PHONE))
    assert decision.confirmed
    assert (decision.kept_back_places, decision.general_places) == (2, 1)
    assert decision.pool is Pool.KEPT_BACK


def test_a_group_gets_all_places_or_waits_whole():
    places = EventPlaces(capacity=10, kept_back=0, confirmed_general=8)
    places, decision = register(places, request("family", 1, party=3))
    assert decision.status is RegistrationStatus.WAITLISTED
    assert places.confirmed == 8  # nothing was taken
    assert places.waitlist == (entry("family", 1, party=3),)


def test_an_online_newcomer_does_not_pass_the_queue_even_if_it_fits():
    places = EventPlaces(capacity=10, confirmed_general=9, waitlist=(entry("big", 1, party=3),))
    decision = decide(places, request("single", 2))
    assert decision.status is RegistrationStatus.WAITLISTED
    assert decision.waitlist_position == 2


def test_an_offline_newcomer_takes_a_kept_back_place_that_no_waiter_can_use():
    # Everyone waiting booked online; kept-back places are not theirs before the release.
    places = EventPlaces(capacity=10, kept_back=2, confirmed_general=8, waitlist=(entry("w", 1),))
    decision = decide(places, request("elder", 2, channel=Channel.DESK))
    assert decision.confirmed and decision.pool is Pool.KEPT_BACK


def test_an_offline_newcomer_queues_behind_an_earlier_offline_waiter():
    places = EventPlaces(
        capacity=10, kept_back=2, confirmed_general=8, waitlist=(entry("family", 1, party=3, channel=Channel.PHONE),)
    )
    decision = decide(places, request("single", 2, channel=Channel.PHONE))
    assert decision.status is RegistrationStatus.WAITLISTED and decision.waitlist_position == 2


def test_an_offline_newcomer_needing_general_places_queues_behind_online_waiters():
    places = EventPlaces(capacity=10, kept_back=1, confirmed_general=8, waitlist=(entry("big", 1, party=2),))
    # One kept-back place, one general place free, party of 2: the general place is contested.
    decision = decide(places, request("pair", 2, party=2, channel=Channel.PHONE))
    assert decision.status is RegistrationStatus.WAITLISTED


def test_waitlist_is_kept_in_arrival_order_even_when_requests_come_out_of_order():
    places = EventPlaces(capacity=1, confirmed_general=1)
    places, _ = register(places, request("c", 30))
    places, _ = register(places, request("a", 10))
    places, decision = register(places, request("b", 20))
    assert [e.registration_id for e in places.waitlist] == ["a", "b", "c"]
    assert decision.waitlist_position == 2
    assert places.waitlist_position("c") == 3 and places.waitlist_position("zzz") is None


@pytest.mark.parametrize("party", [0, -1, True, 1.5])
def test_bad_party_sizes_are_refused(party):
    with pytest.raises(RuleViolation):
        decide(EventPlaces(capacity=10), request("a", 1, party=party))


def test_unknown_channels_are_refused():
    with pytest.raises(RuleViolation):
        decide(EventPlaces(capacity=10), request("a", 1, channel="fax"))


def test_channels_may_be_given_as_plain_strings():
    decision = decide(EventPlaces(capacity=10, kept_back=1), request("a", 1, channel="phone"))
    assert decision.pool is Pool.KEPT_BACK
    assert WaitlistEntry("w", 1, 1, "desk").channel is Channel.DESK


def test_a_party_larger_than_the_event_is_refused_rather_than_waitlisted_forever():
    with pytest.raises(RuleViolation) as caught:
        decide(EventPlaces(capacity=4), request("bus", 1, party=5))
    assert caught.value.code == "registration.party_too_large"


def test_duplicate_requests_are_refused():
    places = EventPlaces(capacity=1, confirmed_general=1, waitlist=(entry("a", 1),))
    with pytest.raises(RuleViolation):
        decide(places, request("a", 2))
    with pytest.raises(RuleViolation):
        decide(places, request("b", 1))


def test_a_snapshot_that_oversells_cannot_exist():
    with pytest.raises(RuleViolation):
        EventPlaces(capacity=10, kept_back=2, confirmed_general=9)
    with pytest.raises(RuleViolation):
        EventPlaces(capacity=10, kept_back=2, confirmed_kept_back=3)
    with pytest.raises(RuleViolation):
        EventPlaces(capacity=10, kept_back=11)
    with pytest.raises(RuleViolation):
        EventPlaces(capacity=10, waitlist=(entry("a", 2), entry("b", 1)))
    with pytest.raises(RuleViolation):
        EventPlaces(capacity=10, waitlist=(entry("a", 1), entry("a", 2)))
    with pytest.raises(RuleViolation):
        EventPlaces(capacity=-1)
    # After the release the general pool is the whole event.
    assert EventPlaces(capacity=10, kept_back=2, confirmed_general=9, released=True).free_general == 1


# --- cancelling and promotion -----------------------------------------------------------------


def test_promotion_walks_the_waitlist_and_skips_a_group_that_does_not_fit():
    places = EventPlaces(
        capacity=10,
        confirmed_general=10,
        waitlist=(entry("big", 1, party=3), entry("one", 2), entry("pair", 3, party=2), entry("two", 4)),
    )
    assert promotions_after_cancel(places, 2, Pool.GENERAL) == ["one", "two"]
    settlement = cancel_confirmed(places, general_places=2, kept_back_places=0)
    assert [e.registration_id for e in settlement.snapshot.waitlist] == ["big", "pair"]  # big keeps its place
    assert settlement.snapshot.confirmed == 10


def test_promotion_takes_the_first_that_fits_in_order():
    places = EventPlaces(capacity=10, confirmed_general=10, waitlist=(entry("a", 1, party=2), entry("b", 2, party=2)))
    assert promotions_after_cancel(places, 3, Pool.GENERAL) == ["a"]


def test_freed_kept_back_places_go_back_to_the_kept_back_pool_before_release():
    places = EventPlaces(
        capacity=10, kept_back=2, confirmed_general=8, confirmed_kept_back=2, waitlist=(entry("w", 1),)
    )
    new_places, promotions = cancel_confirmed(places, general_places=0, kept_back_places=1)
    assert promotions == []  # the online waiter cannot have it
    assert new_places.free_kept_back == 1 and new_places.waitlist == places.waitlist


def test_freed_kept_back_places_go_to_an_offline_waiter():
    places = EventPlaces(
        capacity=10,
        kept_back=2,
        confirmed_general=8,
        confirmed_kept_back=2,
        waitlist=(entry("online", 1), entry("phone", 2, channel=Channel.PHONE)),
    )
    new_places, promotions = cancel_confirmed(places, general_places=0, kept_back_places=1)
    assert [(p.registration_id, p.pool) for p in promotions] == [("phone", Pool.KEPT_BACK)]
    assert new_places.confirmed_kept_back == 2


def test_freed_kept_back_places_are_general_after_release():
    places = EventPlaces(
        capacity=10, kept_back=2, confirmed_general=8, confirmed_kept_back=2, released=True, waitlist=(entry("w", 1),)
    )
    new_places, promotions = cancel_confirmed(places, general_places=0, kept_back_places=1)
    assert [(p.registration_id, p.pool) for p in promotions] == [("w", Pool.GENERAL)]
    assert (new_places.confirmed_general, new_places.confirmed_kept_back) == (9, 1)


def test_a_straddling_party_returns_each_place_to_its_pool():
    places = EventPlaces(capacity=10, kept_back=2)
    places, decision = register(places, request("family", 1, party=5, channel=Channel.PHONE))
    places, _ = cancel_confirmed(
        places, general_places=decision.general_places, kept_back_places=decision.kept_back_places
    )
    assert places == EventPlaces(capacity=10, kept_back=2)


def test_cannot_free_more_than_is_confirmed():
    with pytest.raises(RuleViolation):
        cancel_confirmed(EventPlaces(capacity=10, confirmed_general=1), general_places=2, kept_back_places=0)
    with pytest.raises(RuleViolation):
        cancel_confirmed(EventPlaces(capacity=10, confirmed_general=1), general_places=-1, kept_back_places=0)


def test_leaving_the_waitlist_lets_a_blocked_newcomer_in():
    places = EventPlaces(capacity=10, confirmed_general=9)
    places, _ = register(places, request("big", 1, party=3))
    places, decision = register(places, request("single", 2))
    assert decision.status is RegistrationStatus.WAITLISTED
    places, promotions = cancel_waitlisted(places, "big")
    assert [p.registration_id for p in promotions] == ["single"]
    assert places.waitlist == () and places.confirmed == 10


def test_leaving_the_waitlist_twice_is_refused():
    with pytest.raises(RuleViolation):
        cancel_waitlisted(EventPlaces(capacity=1), "nobody")


# --- release --------------------------------------------------------------------------------


def test_release_waits_for_release_at_and_happens_once():
    places = EventPlaces(
        capacity=4,
        kept_back=2,
        confirmed_general=2,
        release_at=RELEASE_AT,
        waitlist=(entry("a", 1), entry("b", 2), entry("c", 3)),
    )
    unchanged, promotions = release_kept_back(places, RELEASE_AT - timedelta(seconds=1))
    assert unchanged is places and promotions == []

    released, promotions = release_kept_back(places, RELEASE_AT)
    assert released.released
    assert [p.registration_id for p in promotions] == ["a", "b"]
    assert [e.registration_id for e in released.waitlist] == ["c"]
    assert released.confirmed == 4

    again, promotions = release_kept_back(released, RELEASE_AT + timedelta(hours=1))
    assert again is released and promotions == []


def test_no_release_without_a_release_time():
    places = EventPlaces(capacity=4, kept_back=2, confirmed_general=2, waitlist=(entry("a", 1),))
    assert release_kept_back(places, END) == (places, [])


def test_after_release_offline_requests_use_the_single_pool():
    places = EventPlaces(capacity=4, kept_back=2, confirmed_general=1, released=True)
    decision = decide(places, request("elder", 1, channel=Channel.PHONE))
    assert decision.pool is Pool.GENERAL


def test_default_release_is_a_day_before():
    assert default_release_at(START) == START - timedelta(days=1)


# --- resizing -------------------------------------------------------------------------------


def test_more_capacity_promotes_the_waitlist():
    places = EventPlaces(capacity=2, confirmed_general=2, waitlist=(entry("a", 1), entry("b", 2, party=2)))
    places, promotions = change_capacity(places, 3)
    assert [p.registration_id for p in promotions] == ["a"]
    assert places.capacity == 3 and places.confirmed == 3


def test_capacity_cannot_shrink_below_what_is_confirmed():
    with pytest.raises(RuleViolation):
        change_capacity(EventPlaces(capacity=5, confirmed_general=4), 3)
    with pytest.raises(RuleViolation):
        change_capacity(EventPlaces(capacity=5, kept_back=2, confirmed_kept_back=2), 5, kept_back=1)
    with pytest.raises(RuleViolation):  # 4 general confirmed, only 3 general places would remain
        change_capacity(EventPlaces(capacity=5, kept_back=1, confirmed_general=4), 5, kept_back=2)


# --- the scenario from the brief --------------------------------------------------------------


def test_scenario_1000_online_requests_then_phone_then_release():
    places = EventPlaces(capacity=100, kept_back=10, release_at=RELEASE_AT)
    decisions = {}
    for seq in range(1, 1001):
        places, decisions[seq] = register(places, request(f"r{seq}", seq))

    confirmed = [seq for seq, d in decisions.items() if d.confirmed]
    waitlisted = [seq for seq, d in decisions.items() if not d.confirmed]
    assert confirmed == list(range(1, 91))
    assert len(waitlisted) == 910
    assert [e.registration_id for e in places.waitlist] == [f"r{seq}" for seq in range(91, 1001)]
    assert [decisions[seq].waitlist_position for seq in (91, 92, 1000)] == [1, 2, 910]
    assert (places.confirmed_general, places.confirmed_kept_back) == (90, 0)

    places, phone = register(places, request("phone", 1001, channel=Channel.PHONE))
    assert phone.confirmed and phone.pool is Pool.KEPT_BACK
    assert places.confirmed == 91 and places.free_kept_back == 9

    places, promotions = release_kept_back(places, RELEASE_AT)
    assert [p.registration_id for p in promotions] == [f"r{seq}" for seq in range(91, 100)]
    assert all(p.pool is Pool.GENERAL for p in promotions)
    assert places.confirmed == 100 == places.capacity
    assert len(places.waitlist) == 901 and places.waitlist[0].registration_id == "r100"


# --- a registration's life ------------------------------------------------------------------


@pytest.mark.parametrize(
    "status,action,expected",
    [
        (RegistrationStatus.CONFIRMED, RegistrationAction.CANCEL, RegistrationStatus.CANCELLED),
        (RegistrationStatus.WAITLISTED, RegistrationAction.CANCEL, RegistrationStatus.CANCELLED),
        (RegistrationStatus.WAITLISTED, RegistrationAction.PROMOTE, RegistrationStatus.CONFIRMED),
        (RegistrationStatus.CONFIRMED, RegistrationAction.CHECK_IN, RegistrationStatus.CHECKED_IN),
        (RegistrationStatus.CHECKED_IN, RegistrationAction.MARK_ATTENDED, RegistrationStatus.ATTENDED),
        (RegistrationStatus.CONFIRMED, RegistrationAction.MARK_NO_SHOW, RegistrationStatus.NO_SHOW),
    ],
)
def test_registration_transitions(status, action, expected):
    assert transition_registration(status, action) is expected


ALLOWED = {
    (RegistrationStatus.CONFIRMED, RegistrationAction.CANCEL),
    (RegistrationStatus.WAITLISTED, RegistrationAction.CANCEL),
    (RegistrationStatus.WAITLISTED, RegistrationAction.PROMOTE),
    (RegistrationStatus.CONFIRMED, RegistrationAction.CHECK_IN),
    (RegistrationStatus.CHECKED_IN, RegistrationAction.MARK_ATTENDED),
    (RegistrationStatus.CONFIRMED, RegistrationAction.MARK_NO_SHOW),
}


@pytest.mark.parametrize(
    "status,action",
    [(s, a) for s in RegistrationStatus for a in RegistrationAction if (s, a) not in ALLOWED],
)
def test_every_other_registration_transition_is_refused(status, action):
    with pytest.raises(InvalidTransition):
        transition_registration(status, action)


def test_registration_message():
    with pytest.raises(InvalidTransition, match="registration is checked_in: cannot cancel"):
        transition_registration("checked_in", "cancel")


def test_registration_is_open_only_for_published_future_events():
    check_registration_open(EventStatus.PUBLISHED, START, START - timedelta(minutes=1))
    for status in (EventStatus.DRAFT, EventStatus.CANCELLED, EventStatus.COMPLETED):
        with pytest.raises(RuleViolation):
            check_registration_open(status, START, START - timedelta(days=1))
    with pytest.raises(RuleViolation):
        check_registration_open(EventStatus.PUBLISHED, START, START)


def test_check_in_window():
    check_check_in_time(START - timedelta(hours=1), START, END)
    check_check_in_time(END, START, END)
    with pytest.raises(RuleViolation):
        check_check_in_time(START - timedelta(hours=1, seconds=1), START, END)
    with pytest.raises(RuleViolation):
        check_check_in_time(END + timedelta(seconds=1), START, END)


def test_no_show_only_after_the_start():
    check_no_show_time(START, START)
    with pytest.raises(RuleViolation):
        check_no_show_time(START - timedelta(seconds=1), START)
