from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kit.rules import InvalidTransition, RuleViolation
from services.events.domain.lifecycle import (
    EventAction,
    EventKind,
    EventStatus,
    TargetGroup,
    VolunteerNeed,
    action_for_change,
    allowed_actions,
    check_can_complete,
    transition,
    validate_event_times,
    validate_volunteer_needs,
)

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 9, 25, 19, 30, tzinfo=TZ)
END = START + timedelta(hours=2)


@pytest.mark.parametrize(
    "status,action,expected",
    [
        (EventStatus.DRAFT, EventAction.EDIT, EventStatus.DRAFT),
        (EventStatus.DRAFT, EventAction.PUBLISH, EventStatus.PUBLISHED),
        (EventStatus.DRAFT, EventAction.CANCEL, EventStatus.CANCELLED),
        (EventStatus.PUBLISHED, EventAction.EDIT, EventStatus.PUBLISHED),
        (EventStatus.PUBLISHED, EventAction.RESCHEDULE, EventStatus.PUBLISHED),
        (EventStatus.PUBLISHED, EventAction.COMPLETE, EventStatus.COMPLETED),
        (EventStatus.PUBLISHED, EventAction.CANCEL, EventStatus.CANCELLED),
    ],
)
def test_allowed_transitions(status, action, expected):
    assert transition(status, action) is expected


@pytest.mark.parametrize(
    "status,action",
    [
        (EventStatus.DRAFT, EventAction.RESCHEDULE),  # a draft is edited, not rescheduled
        (EventStatus.DRAFT, EventAction.COMPLETE),
        (EventStatus.PUBLISHED, EventAction.PUBLISH),  # repeated command refused
        (EventStatus.COMPLETED, EventAction.EDIT),
        (EventStatus.COMPLETED, EventAction.CANCEL),
        (EventStatus.COMPLETED, EventAction.RESCHEDULE),
        (EventStatus.CANCELLED, EventAction.PUBLISH),
        (EventStatus.CANCELLED, EventAction.CANCEL),
    ],
)
def test_refused_transitions(status, action):
    with pytest.raises(InvalidTransition) as caught:
        transition(status, action)
    assert isinstance(caught.value, ValueError)
    assert caught.value.current is status and caught.value.action is action


def test_transition_message_names_the_states():
    expected = r"event is draft: cannot reschedule \(allowed now: edit, publish, cancel\)"
    with pytest.raises(InvalidTransition, match=expected):
        transition("draft", "reschedule")
    with pytest.raises(InvalidTransition, match="cancelled is final"):
        transition(EventStatus.CANCELLED, EventAction.PUBLISH)


def test_transition_accepts_plain_strings():
    assert transition("draft", "publish") is EventStatus.PUBLISHED
    with pytest.raises(ValueError):
        transition("draft", "explode")


def test_allowed_actions():
    assert set(allowed_actions(EventStatus.PUBLISHED)) == {
        EventAction.EDIT,
        EventAction.RESCHEDULE,
        EventAction.COMPLETE,
        EventAction.CANCEL,
    }
    assert allowed_actions(EventStatus.COMPLETED) == ()


def test_moving_a_published_event_is_a_reschedule():
    assert action_for_change(EventStatus.DRAFT, moves_time_or_place=True) is EventAction.EDIT
    assert action_for_change(EventStatus.PUBLISHED, moves_time_or_place=True) is EventAction.RESCHEDULE
    assert action_for_change(EventStatus.PUBLISHED, moves_time_or_place=False) is EventAction.EDIT
    with pytest.raises(InvalidTransition):
        transition(EventStatus.CANCELLED, action_for_change(EventStatus.CANCELLED, moves_time_or_place=True))


def test_kinds_and_groups():
    assert EventKind.MOBILE_PERFORMANCE.label_zh == "送文化下乡"
    assert {k.value for k in EventKind} == {
        "mobile_performance",
        "festival",
        "lecture",
        "training",
        "exhibition",
        "film_screening",
        "reading_promotion",
        "other",
    }
    assert {g.value for g in TargetGroup} == {
        "elderly",
        "minors",
        "left_behind_children",
        "disabled",
        "migrant_workers",
        "everyone",
    }
    assert all(g.label_zh for g in TargetGroup) and all(k.label_zh for k in EventKind)


def test_valid_times():
    validate_event_times(START, END)
    validate_event_times(START, END, now=START - timedelta(days=1))


@pytest.mark.parametrize(
    "start,end,code",
    [
        (START, START, "event.ends_before_start"),
        (END, START, "event.ends_before_start"),
        (START.replace(tzinfo=None), END, "event.naive_time"),
        (START, END.replace(tzinfo=None), "event.naive_time"),
        ("2026-09-25", END, "event.bad_time"),
    ],
)
def test_invalid_times(start, end, code):
    with pytest.raises(RuleViolation) as caught:
        validate_event_times(start, end)
    assert caught.value.code == code


def test_publishing_for_the_past_is_refused():
    with pytest.raises(RuleViolation, match="future"):
        validate_event_times(START, END, now=START)


def test_times_in_different_zones_compare_correctly():
    utc_end = (START + timedelta(minutes=30)).astimezone(ZoneInfo("UTC"))
    validate_event_times(START, utc_end)


def test_completion_only_after_the_end():
    check_can_complete(END, END)
    with pytest.raises(RuleViolation):
        check_can_complete(END, END - timedelta(minutes=1))


def test_volunteer_needs_are_normalised():
    needs = validate_volunteer_needs(
        [
            {"role": " 引导员 ", "count": 3, "skills": ["急救", " 急救", "手语"]},
            VolunteerNeed("音响", 1),
            {"role": "摄影", "count": 1, "skills": None},
        ]
    )
    assert needs == [
        VolunteerNeed("引导员", 3, ("急救", "手语")),
        VolunteerNeed("音响", 1, ()),
        VolunteerNeed("摄影", 1, ()),
    ]
    assert validate_volunteer_needs([]) == []


@pytest.mark.parametrize(
    "needs,field",
    [
        ([{"role": "", "count": 1}], "volunteer_needs[0].role"),
        ([{"count": 1}], "volunteer_needs[0].role"),
        ([{"role": "引导员", "count": 0}], "volunteer_needs[0].count"),
        ([{"role": "引导员", "count": True}], "volunteer_needs[0].count"),
        ([{"role": "引导员", "count": 1.5}], "volunteer_needs[0].count"),
        ([{"role": "引导员", "count": 1, "skills": "急救"}], "volunteer_needs[0].skills"),
        ([{"role": "引导员", "count": 1, "skills": [""]}], "volunteer_needs[0].skills"),
        ([{"role": "引导员", "count": 1}, {"role": "引导员 ", "count": 2}], "volunteer_needs[1].role"),
        (["引导员"], "volunteer_needs[0]"),
    ],
)
def test_invalid_volunteer_needs(needs, field):
    with pytest.raises(RuleViolation) as caught:
        validate_volunteer_needs(needs)
    assert caught.value.field == field
