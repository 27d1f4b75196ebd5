import pytest

from kit.rules import RuleViolation
from services.events.domain.feedback import Feedback, give_feedback, satisfaction
from services.events.domain.registrations import RegistrationStatus


@pytest.mark.parametrize("status", [RegistrationStatus.CHECKED_IN, RegistrationStatus.ATTENDED])
def test_feedback_from_people_who_came(status):
    assert give_feedback("reg-1", status, 5, "  演得真好！ ") == Feedback("reg-1", 5, "演得真好！")
    assert give_feedback("reg-1", status, 1).comment is None
    assert give_feedback("reg-1", status, 3, "   ").comment is None


@pytest.mark.parametrize(
    "status",
    [
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLISTED,
        RegistrationStatus.NO_SHOW,
        RegistrationStatus.CANCELLED,
    ],
)
def test_no_feedback_from_people_who_did_not_come(status):
    with pytest.raises(RuleViolation) as caught:
        give_feedback("reg-1", status, 5)
    assert caught.value.code == "feedback.not_attended"


def test_feedback_once_per_registration():
    with pytest.raises(RuleViolation) as caught:
        give_feedback("reg-1", RegistrationStatus.ATTENDED, 4, already_given=True)
    assert caught.value.code == "feedback.duplicate"


@pytest.mark.parametrize("rating", [0, 6, -1, 4.5, True, "5", None])
def test_rating_is_a_whole_number_from_1_to_5(rating):
    with pytest.raises(RuleViolation):
        give_feedback("reg-1", RegistrationStatus.ATTENDED, rating)


def test_comment_length_limit():
    assert give_feedback("r", RegistrationStatus.ATTENDED, 4, "好" * 1000).comment == "好" * 1000
    with pytest.raises(RuleViolation):
        give_feedback("r", RegistrationStatus.ATTENDED, 4, "好" * 1001)


def test_satisfaction_figures():
    result = satisfaction([5, 4, 4, 3, 1, 5])
    assert result == {
        "count": 6,
        "average": 3.67,
        "distribution": {1: 1, 2: 0, 3: 1, 4: 2, 5: 2},
        "satisfied_share": 0.6667,
    }


def test_average_rounds_half_up():
    # 33/8 = 4.125 — binary floats and round() would give 4.12.
    assert satisfaction([5, 5, 4, 4, 4, 4, 4, 3])["average"] == 4.13


def test_satisfaction_of_nothing_is_no_data_not_zero():
    assert satisfaction([]) == {
        "count": 0,
        "average": None,
        "distribution": {1: 0, 2: 0, 3: 0, 4: 0, 5: 0},
        "satisfied_share": None,
    }


def test_satisfaction_accepts_any_iterable_and_checks_values():
    assert satisfaction(iter([4]))["satisfied_share"] == 1.0
    with pytest.raises(RuleViolation):
        satisfaction([5, 7])
