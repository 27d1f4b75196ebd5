from dataclasses import replace
from datetime import datetime, time, timedelta

import pytest

from services.volunteers.domain.dispatch import (
    DispatchFilled,
    DispatchStatus,
    DispatchUnfilled,
    Offer,
    OfferAccepted,
    OfferClosed,
    OfferDeclined,
    OfferExpired,
    OfferStatus,
    OfferWithdrawn,
    Role,
    SendOffer,
    UnknownOffer,
    expire_due,
    initial_offers,
    make_offer_id,
    on_response,
    outcome,
    withdraw_all,
    withdraw_offer,
)
from services.volunteers.domain.ranking import Candidate, rank_candidates

NOW = datetime(2025, 6, 1, 9, 0)
DEADLINE = NOW + timedelta(hours=48)
EVENT_START = datetime(2025, 6, 7, 14, 0)
SITE = (29.70, 106.60)


def sent(actions):
    return [a.offer.volunteer_id for a in actions if isinstance(a, SendOffer)]


def offer_of(state, volunteer_id):
    return next(o for o in state.offers if o.volunteer_id == volunteer_id)


def ten_sound_candidates():
    """v0..v9 live 0.5, 1.5, ... km away (one 5-km band holds v0..v4); recent hours decide inside a band."""
    hours = [30, 10, 20, 0, 40, 5, 15, 25, 35, 45]
    return [
        Candidate(
            f"v{i}",
            frozenset({"sound"}),
            {5: [(time(8), time(20))]},
            (SITE[0] + (i + 0.5) / 111.195, SITE[1]),
            hours[i],
        )
        for i in range(10)
    ]


def ranked_sound():
    result = rank_candidates(
        ten_sound_candidates(),
        required_skills={"sound"},
        event_start=EVENT_START,
        event_end=EVENT_START + timedelta(hours=3),
        site=SITE,
    )
    return result.volunteer_ids


def start(ranked=None, count=3, **kwargs):
    ranked = ranked if ranked is not None else ranked_sound()
    return initial_offers({"sound": ranked}, {"sound": count}, DEADLINE, event_id="evt-1", now=NOW, **kwargs)


def test_the_ranking_of_the_scenario():
    # band 0 (v0..v4) by recent hours: v3 0h, v1 10h, v2 20h, v0 30h, v4 40h; then band 1 by hours
    assert ranked_sound() == ["v3", "v1", "v2", "v0", "v4", "v5", "v6", "v7", "v8", "v9"]


def test_top_three_are_offered():
    state, actions = start()
    assert sent(actions) == ["v3", "v1", "v2"]
    assert all(o.status == OfferStatus.OFFERED and o.deadline == DEADLINE and o.offered_at == NOW for o in state.offers)
    assert {o.offer_id for o in state.offers} == {make_offer_id("evt-1", v) for v in ("v3", "v1", "v2")}
    assert outcome(state).status == DispatchStatus.OPEN
    assert actions == [SendOffer(o) for o in state.offers]


def test_a_decline_offers_the_fourth_ranked():
    state, _ = start()
    later = NOW + timedelta(hours=2)
    state, actions = on_response(state, offer_of(state, "v1").offer_id, accept=False, now=later)
    assert isinstance(actions[0], OfferDeclined) and actions[0].offer.volunteer_id == "v1"
    assert sent(actions) == ["v0"]
    new = offer_of(state, "v0")
    assert new.deadline == later + timedelta(hours=24) and new.offered_at == later
    assert offer_of(state, "v1").status == OfferStatus.DECLINED


def test_all_accept_is_filled_and_announced_once():
    state, _ = start()
    filled = []
    for v in ("v3", "v1", "v2"):
        state, actions = on_response(state, offer_of(state, v).offer_id, accept=True, now=NOW + timedelta(hours=1))
        assert isinstance(actions[0], OfferAccepted)
        filled += [a for a in actions if isinstance(a, DispatchFilled)]
    assert filled == [DispatchFilled("evt-1", "evt-1")]
    result = outcome(state)
    assert result.status == DispatchStatus.FILLED and result.shortfall == {}
    assert result.roles[0].accepted == 3


def test_expiry_moves_on_to_the_next_candidate():
    state, _ = start()
    unchanged, actions = expire_due(state, DEADLINE - timedelta(seconds=1))
    assert actions == [] and unchanged == state

    state, _ = on_response(state, offer_of(state, "v3").offer_id, accept=True, now=NOW)
    state, actions = expire_due(state, DEADLINE)
    assert [a.offer.volunteer_id for a in actions if isinstance(a, OfferExpired)] == ["v1", "v2"]
    assert sent(actions) == ["v0", "v4"]
    assert offer_of(state, "v1").status == OfferStatus.EXPIRED
    assert offer_of(state, "v3").status == OfferStatus.ACCEPTED  # accepted offers never expire


def test_answering_twice_or_late_is_refused_clearly():
    state, _ = start()
    v3 = offer_of(state, "v3").offer_id
    state, _ = on_response(state, v3, accept=True, now=NOW)
    with pytest.raises(OfferClosed) as info:
        on_response(state, v3, accept=False, now=NOW)
    assert info.value.code == OfferStatus.ACCEPTED and "already accepted" in str(info.value)
    assert info.value.message_zh and isinstance(info.value, ValueError)

    # past the deadline but not yet swept by expire_due
    with pytest.raises(OfferClosed) as info:
        on_response(state, offer_of(state, "v1").offer_id, accept=True, now=DEADLINE)
    assert info.value.code == OfferStatus.EXPIRED

    state, _ = expire_due(state, DEADLINE)
    with pytest.raises(OfferClosed) as info:
        on_response(state, offer_of(state, "v1").offer_id, accept=True, now=DEADLINE)
    assert info.value.code == OfferStatus.EXPIRED

    with pytest.raises(UnknownOffer):
        on_response(state, "evt-1:nobody", accept=True, now=NOW)


def test_unfilled_when_candidates_run_out_with_the_shortfall():
    state, actions = start(ranked=["v1", "v2"], count=3)
    assert sent(actions) == ["v1", "v2"]
    assert outcome(state).status == DispatchStatus.OPEN  # answers are still awaited
    state, actions = on_response(state, offer_of(state, "v1").offer_id, accept=True, now=NOW)
    assert not any(isinstance(a, DispatchUnfilled) for a in actions)
    state, actions = on_response(state, offer_of(state, "v2").offer_id, accept=False, now=NOW)
    assert actions[-1] == DispatchUnfilled("evt-1", "evt-1", {"sound": 2})
    result = outcome(state)
    assert result.status == DispatchStatus.UNFILLED and result.shortfall == {"sound": 2}


def test_a_role_with_nobody_to_ask_is_unfilled_at_once():
    state, actions = initial_offers({"sound": ["a"]}, {"sound": 1, "sign": 1}, DEADLINE, event_id="e", now=NOW)
    assert sent(actions) == ["a"]
    assert actions[-1] == DispatchUnfilled("e", "e", {"sign": 1})


def test_nothing_needed_is_filled_at_once():
    _, actions = initial_offers({}, {"sound": 0}, DEADLINE, event_id="e", now=NOW)
    assert actions == [DispatchFilled("e", "e")]


def test_one_role_per_volunteer_scarcest_role_first():
    # "a" is the best sound engineer and the only sign-language speaker: sign must get "a".
    ranked = {"sound": ["a", "b", "c"], "sign": ["a"]}
    state, actions = initial_offers(
        ranked, [Role("sound", 1, frozenset({"sound"})), Role("sign", 1)], DEADLINE, event_id="e", now=NOW
    )
    assert {(o.volunteer_id, o.role) for o in state.offers} == {("a", "sign"), ("b", "sound")}
    # declining "sign" takes "a" out of the event: the sound queue never offers "a" either
    state, actions = on_response(state, offer_of(state, "a").offer_id, accept=False, now=NOW)
    assert outcome(state).shortfall == {"sign": 1}
    state, actions = on_response(state, offer_of(state, "b").offer_id, accept=False, now=NOW)
    assert sent(actions) == ["c"]


def test_follow_up_offers_never_run_past_the_last_deadline():
    last = NOW + timedelta(hours=30)
    state, _ = initial_offers(
        {"sound": ["v1", "v2", "v3"]},
        {"sound": 1},
        NOW + timedelta(hours=12),
        event_id="evt-1",
        now=NOW,
        last_deadline=last,
    )
    state, actions = on_response(state, offer_of(state, "v1").offer_id, accept=False, now=NOW + timedelta(hours=10))
    assert offer_of(state, "v2").deadline == last  # not now + 24 h
    state, actions = expire_due(state, last)
    assert sent(actions) == []  # too late to ask v3
    assert actions[-1] == DispatchUnfilled("evt-1", "evt-1", {"sound": 1})
    assert outcome(state, now=last).status == DispatchStatus.UNFILLED
    assert outcome(state).roles[0].untried == 1  # without `now` we cannot know time is up


def test_withdraw_all_cancels_offered_and_accepted_once():
    state, _ = start()
    state, _ = on_response(state, offer_of(state, "v3").offer_id, accept=True, now=NOW)
    state, actions = withdraw_all(state, "活动因天气取消", now=NOW)
    assert sorted(a.offer.volunteer_id for a in actions) == ["v1", "v2", "v3"]
    assert all(isinstance(a, OfferWithdrawn) and a.reason == "活动因天气取消" for a in actions)
    assert all(o.status == OfferStatus.WITHDRAWN for o in state.offers)
    assert outcome(state).status == DispatchStatus.CANCELLED
    assert withdraw_all(state, "again") == (state, [])
    assert expire_due(state, DEADLINE) == (state, [])
    with pytest.raises(OfferClosed) as info:
        on_response(state, offer_of(state, "v1").offer_id, accept=True, now=NOW)
    assert info.value.code == OfferStatus.WITHDRAWN


def test_withdrawing_an_accepted_volunteer_asks_the_next():
    state, _ = start()
    v3 = offer_of(state, "v3").offer_id
    state, _ = on_response(state, v3, accept=True, now=NOW)
    state, actions = withdraw_offer(state, v3, NOW + timedelta(hours=1), "phoned to say she is ill")
    assert isinstance(actions[0], OfferWithdrawn)
    assert sent(actions) == ["v0"]
    with pytest.raises(OfferClosed):
        withdraw_offer(state, v3, NOW, "twice")


def test_offer_rows_read_back_with_plain_strings_work():
    state, _ = start()
    row = offer_of(state, "v3")
    as_stored = Offer(**{**row.__dict__, "status": "offered"})
    assert as_stored.status is OfferStatus.OFFERED
    state = replace(state, offers=tuple(as_stored if o.offer_id == row.offer_id else o for o in state.offers))
    state, actions = on_response(state, row.offer_id, accept=True, now=NOW)
    assert isinstance(actions[0], OfferAccepted)


def test_inputs_are_checked():
    with pytest.raises(ValueError, match="not needed"):
        initial_offers({"stage": ["a"]}, {"sound": 1}, DEADLINE, event_id="e", now=NOW)
    with pytest.raises(ValueError, match="negative"):
        initial_offers({}, {"sound": -1}, DEADLINE, event_id="e", now=NOW)
    with pytest.raises(ValueError, match="future"):
        initial_offers({}, {"sound": 1}, NOW, event_id="e", now=NOW)


def test_repeated_ids_in_a_ranking_get_one_offer():
    state, actions = initial_offers({"sound": ["a", "a", "b"]}, {"sound": 2}, DEADLINE, event_id="e", now=NOW)
    assert sent(actions) == ["a", "b"]
