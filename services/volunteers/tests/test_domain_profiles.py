from datetime import datetime, time

import pytest

from kit.rules import InvalidTransition
from services.volunteers.domain.profiles import (
    SKILLS,
    ApplicationInvalid,
    Channel,
    VolunteerStatus,
    availability_covers,
    can_transition,
    day_segments,
    normalize_availability,
    normalize_tags,
    skill_label,
    transition,
    validate_application,
)

S = VolunteerStatus


@pytest.mark.parametrize(
    "current,target",
    [
        (S.APPLIED, S.ACTIVE),
        (S.APPLIED, S.REJECTED),
        (S.ACTIVE, S.SUSPENDED),
        (S.SUSPENDED, S.ACTIVE),
        (S.ACTIVE, S.RETIRED),
        (S.SUSPENDED, S.RETIRED),
    ],
)
def test_allowed_transitions(current, target):
    assert transition(current, target) is target
    assert can_transition(current, target)


@pytest.mark.parametrize(
    "current,target",
    [
        (S.APPLIED, S.SUSPENDED),
        (S.APPLIED, S.RETIRED),
        (S.REJECTED, S.ACTIVE),
        (S.RETIRED, S.ACTIVE),
        (S.ACTIVE, S.APPLIED),
        (S.ACTIVE, S.ACTIVE),  # a repeated approval is noticed, not silently re-applied
        (S.SUSPENDED, S.REJECTED),
    ],
)
def test_refused_transitions(current, target):
    with pytest.raises(InvalidTransition) as info:
        transition(current, target)
    assert isinstance(info.value, ValueError)
    assert info.value.current is current and info.value.action is target
    assert str(current) in str(info.value)


def test_transition_accepts_plain_strings_from_storage():
    assert transition("applied", "active") is S.ACTIVE


def test_skill_vocabulary_has_chinese_labels():
    assert skill_label("sound") == "音响"
    assert skill_label("sign_language") == "手语"
    assert skill_label("carrying") == "搬运"  # what event needs ask for (one vocabulary, contracts.skills)
    assert len(SKILLS) == 18
    with pytest.raises(ValueError, match="unknown skill"):
        skill_label("juggling")


def test_tags_are_trimmed_and_deduplicated():
    assert normalize_tags(["  川剧 ", "川剧", "", "老年 合唱", "Guitar", "guitar"]) == ("川剧", "老年 合唱", "Guitar")


def valid_application(**overrides):
    fields = dict(
        name=" 张 三 ",
        phone="+86 138-0013-8000",
        email="Li@Example.COM",
        channels=["sms", "email"],
        skills=["sound", "first_aid"],
        tags=["川剧"],
        availability={5: [(time(9), time(12)), (time(11), time(17))]},
        home=(29.7, 106.6),
    )
    fields.update(overrides)
    return validate_application(**fields)


def test_valid_application_is_normalised():
    app = valid_application()
    assert app.name == "张 三"
    assert app.phone == "13800138000"
    assert app.email == "Li@example.com"
    assert app.channels == {Channel.SMS, Channel.EMAIL}
    assert app.skills == {"sound", "first_aid"}
    assert app.availability == {5: ((time(9), time(17)),)}
    assert app.home == (29.7, 106.6)


@pytest.mark.parametrize("phone", ["12800138000", "1380013800", "138001380001", "23800138000", "abc", "+1 13800138000"])
def test_phone_must_be_a_mainland_mobile(phone):
    with pytest.raises(ApplicationInvalid) as info:
        valid_application(phone=phone)
    assert [(e.field, e.code) for e in info.value.errors] == [("phone", "invalid")]
    assert "1[3-9]" in info.value.errors[0].message_en


def test_all_errors_are_reported_at_once():
    with pytest.raises(ApplicationInvalid) as info:
        validate_application(name="", phone="", email="not-an-email", channels=[], skills=["sound", "juggling"])
    by_field = {e.field: e.code for e in info.value.errors}
    assert by_field == {
        "name": "required",
        "phone": "required",
        "email": "invalid",
        "channels": "required",
        "skills": "unknown",
    }
    assert all(e.message_zh and e.message_en for e in info.value.errors)
    assert isinstance(info.value, ValueError)


def test_email_channel_needs_an_address_and_unknown_channel_is_named():
    with pytest.raises(ApplicationInvalid) as info:
        valid_application(email=None, channels=["email", "wechat"])
    codes = {(e.field, e.code) for e in info.value.errors}
    assert codes == {("email", "required"), ("channels", "unknown")}


def test_skills_and_availability_are_optional():
    app = valid_application(skills=[], availability=None, channels=["inbox"], email=None, home=None)
    assert app.skills == frozenset() and app.availability == {} and app.email is None


def test_bad_availability_and_home_are_field_errors():
    with pytest.raises(ApplicationInvalid) as info:
        valid_application(availability={7: [(time(9), time(10))]}, home=(95.0, 106.0))
    assert {e.field for e in info.value.errors} == {"availability", "home"}


def test_normalize_availability_merges_and_rejects_backwards_windows():
    merged = normalize_availability({0: [(time(14), time(16)), (time(9), time(12)), (time(12), time(13))]})
    assert merged == {0: ((time(9), time(13)), (time(14), time(16)))}
    with pytest.raises(ValueError, match="must end after it starts"):
        normalize_availability({0: [(time(18), time(9))]})
    # 00:00 as an end means midnight
    assert normalize_availability({4: [(time(18), time(0))]}) == {4: ((time(18), time(0)),)}


def test_availability_covers_the_whole_event_only():
    saturday = {5: [(time(9), time(12)), (time(12), time(18))]}
    assert availability_covers(saturday, datetime(2025, 6, 7, 11), datetime(2025, 6, 7, 15))
    assert not availability_covers(saturday, datetime(2025, 6, 7, 17), datetime(2025, 6, 7, 19))
    assert not availability_covers(saturday, datetime(2025, 6, 8, 10), datetime(2025, 6, 8, 11))  # Sunday
    gap = {5: [(time(9), time(12)), (time(13), time(18))]}
    assert not availability_covers(gap, datetime(2025, 6, 7, 11), datetime(2025, 6, 7, 14))


def test_availability_across_midnight():
    fri_sat = {4: [(time(20), time(0))], 5: [(time(0), time(2))]}
    assert availability_covers(fri_sat, datetime(2025, 6, 6, 22), datetime(2025, 6, 7, 1, 30))
    assert not availability_covers({4: [(time(20), time(0))]}, datetime(2025, 6, 6, 22), datetime(2025, 6, 7, 1))
    assert day_segments(datetime(2025, 6, 6, 22), datetime(2025, 6, 7, 0)) == [(4, 79200, 86400)]
