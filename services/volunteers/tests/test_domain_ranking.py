import random
from datetime import datetime, time, timedelta

import pytest

from services.volunteers.domain.geo import haversine_km
from services.volunteers.domain.profiles import availability_covers
from services.volunteers.domain.ranking import (
    Candidate,
    Commitment,
    ExclusionReason,
    RankingPolicy,
    rank_candidates,
)

START = datetime(2025, 6, 7, 14, 0)  # Saturday
END = datetime(2025, 6, 7, 17, 0)
SITE = (29.70, 106.60)
SATURDAY = {5: [(time(8), time(20))]}


def km_north(km, origin=SITE):
    """A point `km` north of origin (1 degree of latitude ~ 111.195 km)."""
    return (origin[0] + km / 111.195, origin[1])


def cand(vid, km=1.0, hours=0.0, skills=("sound",), availability=SATURDAY, commitments=()):
    return Candidate(vid, frozenset(skills), availability, km_north(km), hours, tuple(commitments))


def rank(candidates, **kwargs):
    kwargs.setdefault("required_skills", {"sound"})
    return rank_candidates(candidates, event_start=START, event_end=END, site=SITE, **kwargs)


def test_every_required_skill_is_needed():
    result = rank(
        [cand("a", skills=("sound",)), cand("b", skills=("sound", "lighting")), cand("c", skills=("lighting",))],
        required_skills={"sound", "lighting"},
        explain_excluded=True,
    )
    assert result.volunteer_ids == ["b"]
    assert {(e.volunteer_id, e.reason) for e in result.excluded} == {
        ("a", ExclusionReason.MISSING_SKILLS),
        ("c", ExclusionReason.MISSING_SKILLS),
    }
    assert "lighting" in next(e.detail for e in result.excluded if e.volunteer_id == "a")


def test_no_required_skills_means_anyone():
    assert rank([cand("a", skills=())], required_skills=()).volunteer_ids == ["a"]


def test_availability_must_cover_the_whole_event():
    result = rank(
        [
            cand("all-day"),
            cand("morning", availability={5: [(time(8), time(15))]}),
            cand("split", availability={5: [(time(13), time(15)), (time(15), time(18))]}),
            cand("sunday", availability={6: [(time(8), time(20))]}),
        ],
        explain_excluded=True,
    )
    assert result.volunteer_ids == ["all-day", "split"]
    assert {e.volunteer_id: e.reason for e in result.excluded} == {
        "morning": ExclusionReason.UNAVAILABLE,
        "sunday": ExclusionReason.UNAVAILABLE,
    }


def test_overlapping_commitment_excludes():
    busy = Commitment(START + timedelta(hours=2), START + timedelta(hours=4), SITE)
    result = rank([cand("busy", commitments=[busy]), cand("free")], explain_excluded=True)
    assert result.volunteer_ids == ["free"]
    assert result.excluded[0].reason is ExclusionReason.SCHEDULE_CONFLICT
    assert "overlaps" in result.excluded[0].detail


def test_back_to_back_at_the_same_site_is_fine():
    before = Commitment(START - timedelta(hours=2), START, SITE)
    after = (END, END + timedelta(hours=1), SITE)  # plain tuples are accepted too
    assert rank([cand("a", commitments=[before, after])]).volunteer_ids == ["a"]


def test_travel_time_makes_back_to_back_in_a_distant_village_conflict():
    village = km_north(20)  # 20 km at 30 km/h = 40 minutes
    before = Commitment(START - timedelta(hours=2), START - timedelta(minutes=30), village)
    result = rank([cand("a", commitments=[before])], explain_excluded=True)
    assert result.volunteer_ids == []
    (excluded,) = result.excluded
    assert excluded.reason is ExclusionReason.SCHEDULE_CONFLICT
    assert "30 min" in excluded.detail and "40 min" in excluded.detail

    after = Commitment(END + timedelta(minutes=30), END + timedelta(hours=2), village)
    assert rank([cand("b", commitments=[after])]).volunteer_ids == []

    # enough time to travel: 45 minutes for 40 minutes of road
    relaxed = Commitment(START - timedelta(hours=2), START - timedelta(minutes=45), village)
    assert rank([cand("c", commitments=[relaxed])]).volunteer_ids == ["c"]

    # a faster assumed speed (e.g. a plain with good roads) makes the first one fine too
    fast = RankingPolicy(travel_speed_kmh=60)
    assert rank([cand("a", commitments=[before])], policy=fast).volunteer_ids == ["a"]


def test_distance_band_first_then_fair_share_then_id():
    result = rank(
        [
            cand("near-busy", km=0.5, hours=40),
            cand("near-idle", km=4.5, hours=2),  # same 0-5 km band: fewer hours wins
            cand("far-idle", km=7.0, hours=0),  # next band: comes after the whole first band
            cand("b-tie", km=1.0, hours=2),  # same band and hours as near-idle: id decides
        ]
    )
    assert result.volunteer_ids == ["b-tie", "near-idle", "near-busy", "far-idle"]
    first = result.ranked[0]
    assert (first.rank, first.distance_band, first.recent_hours) == (1, 0, 2)
    assert first.distance_km == pytest.approx(1.0, abs=0.01)
    assert result.ranked[-1].distance_band == 1


def test_band_width_is_configurable():
    candidates = [cand("near-busy", km=0.5, hours=40), cand("far-idle", km=7.0, hours=0)]
    assert rank(candidates).volunteer_ids == ["near-busy", "far-idle"]
    assert rank(candidates, policy=RankingPolicy(distance_band_km=10)).volunteer_ids == ["far-idle", "near-busy"]


def test_max_distance_is_optional():
    candidates = [cand("near", km=3), cand("far", km=60)]
    assert rank(candidates).volunteer_ids == ["near", "far"]
    result = rank(candidates, policy=RankingPolicy(max_distance_km=50), explain_excluded=True)
    assert result.volunteer_ids == ["near"]
    assert result.excluded[0].reason is ExclusionReason.TOO_FAR


def test_the_first_failing_rule_is_the_reason():
    clash = Commitment(START, END, SITE)
    result = rank(
        [cand("x", skills=(), availability={}, commitments=[clash]), cand("y", availability={}, commitments=[clash])],
        explain_excluded=True,
    )
    assert [(e.volunteer_id, e.reason) for e in result.excluded] == [
        ("x", ExclusionReason.MISSING_SKILLS),
        ("y", ExclusionReason.UNAVAILABLE),
    ]


def test_excluded_are_only_listed_when_asked():
    result = rank([cand("a", skills=())])
    assert result.excluded == [] and result.considered == 1 and result.eligible == 0


def test_limit_keeps_the_best_n():
    candidates = [cand(f"v{i}", km=i % 12, hours=i % 7) for i in range(40)]
    full = rank(candidates)
    top = rank(candidates, limit=5)
    assert top.volunteer_ids == full.volunteer_ids[:5]
    assert top.eligible == full.eligible == 40
    assert [r.rank for r in top.ranked] == [1, 2, 3, 4, 5]


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="twice"):
        rank([cand("a"), cand("a")])
    with pytest.raises(ValueError, match="after start"):
        rank_candidates([], required_skills=(), event_start=END, event_end=START, site=SITE)
    with pytest.raises(ValueError):
        RankingPolicy(travel_speed_kmh=0)
    with pytest.raises(ValueError):
        rank([], limit=-1)


# --- a big pool, checked against a slow, obvious reference --------------------------------------


def reference_ranking(candidates, required, start, end, site, speed=30.0, band=5.0):
    keys = []
    for c in candidates:
        if not set(required) <= set(c.skills):
            continue
        if not availability_covers(c.availability, start, end):
            continue
        clash = False
        for c_start, c_end, c_site in c.commitments:
            travel = timedelta(hours=haversine_km(c_site, site) / speed)
            if c_start < end + travel and c_end + travel > start:
                clash = True
        if clash:
            continue
        d = haversine_km(c.home, site)
        keys.append((int(d // band), c.recent_hours, c.volunteer_id))
    return [k[2] for k in sorted(keys)]


def test_twenty_thousand_candidates_rank_like_the_reference():
    rng = random.Random(7)
    patterns = [
        SATURDAY,
        {5: [(time(9), time(15)), (time(15), time(18))]},
        {6: [(time(8), time(20))]},
        {d: [(time(13), time(18))] for d in range(7)},
    ]
    candidates = []
    for i in range(20_000):
        commitments = []
        for _ in range(rng.choice((0, 1, 2))):
            c_start = START + timedelta(minutes=rng.randint(-600, 600))
            place = (SITE[0] + rng.uniform(-0.3, 0.3), SITE[1] + rng.uniform(-0.3, 0.3))
            commitments.append(Commitment(c_start, c_start + timedelta(minutes=rng.choice((30, 90, 180))), place))
        candidates.append(
            Candidate(
                volunteer_id=f"v{i:05d}",
                skills=frozenset(s for s in ("sound", "lighting", "stage") if rng.random() < 0.5),
                availability={k: list(v) for k, v in rng.choice(patterns).items()},
                home=(SITE[0] + rng.uniform(-0.4, 0.4), SITE[1] + rng.uniform(-0.4, 0.4)),
                recent_hours=rng.choice((0, 4, 8, 12.5, 30)),
                commitments=tuple(commitments),
            )
        )
    result = rank_candidates(candidates, required_skills={"sound"}, event_start=START, event_end=END, site=SITE)
    expected = reference_ranking(candidates, {"sound"}, START, END, SITE)
    assert result.considered == 20_000
    assert len(expected) > 1000  # the scenario is not trivially empty
    assert result.volunteer_ids == expected
    keys = [(r.distance_band, r.recent_hours, r.volunteer_id) for r in result.ranked]
    assert keys == sorted(keys)
    top50 = rank_candidates(
        candidates, required_skills={"sound"}, event_start=START, event_end=END, site=SITE, limit=50
    )
    assert top50.volunteer_ids == expected[:50]
