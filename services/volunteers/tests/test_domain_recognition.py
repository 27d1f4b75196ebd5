from datetime import date

import pytest

from services.volunteers.domain.recognition import (
    NATIONAL_STAR_THRESHOLDS,
    ServiceHours,
    TrainingRecord,
    recent_hours,
    service_hours_totals,
    star_level,
    training_report,
    validate_rating,
)


def test_training_report_against_one_week_a_year():
    records = [
        TrainingRecord("li", date(2025, 3, 1), 8),
        TrainingRecord("li", date(2025, 3, 2), 8),
        TrainingRecord("li", date(2025, 9, 1), 24),  # 40 h: met exactly
        TrainingRecord("wang", date(2025, 5, 5), 16),
        TrainingRecord("wang", date(2024, 12, 31), 24),  # other year
        TrainingRecord("guest", date(2025, 5, 5), 8),  # not on the roster
    ]
    report = training_report(records, 2025, people=["li", "wang", "zhao"])
    assert [(p.person_id, p.hours, p.met, p.missing_hours) for p in report.people] == [
        ("li", 40, True, 0),
        ("wang", 16, False, 24),
        ("zhao", 0, False, 40),
    ]
    assert report.met_count == 1 and report.not_met == ("wang", "zhao") and not report.all_met
    assert report.required_hours == 40


def test_training_report_without_roster_lists_everyone_with_records():
    report = training_report([TrainingRecord("guest", date(2025, 1, 1), 2)], 2025)
    assert [p.person_id for p in report.people] == ["guest"]


def test_training_record_hours_are_checked():
    with pytest.raises(ValueError):
        TrainingRecord("li", date(2025, 1, 1), 0)


def test_service_hours_totals_count_a_duplicate_credit_once_and_filter_by_date():
    entries = [
        ServiceHours("a", "e1", date(2025, 3, 1), 3),
        ServiceHours("a", "e1", date(2025, 3, 1), 3),
        ServiceHours("a", "e2", date(2025, 5, 1), 2.5),
        ServiceHours("b", "e2", date(2025, 5, 1), 2.5),
    ]
    assert service_hours_totals(entries) == {"a": 5.5, "b": 2.5}
    assert service_hours_totals(entries, since=date(2025, 4, 1)) == {"a": 2.5, "b": 2.5}
    assert service_hours_totals(entries, until=date(2025, 5, 1)) == {"a": 3}


def test_recent_hours_covers_the_last_ninety_days_including_today():
    today = date(2025, 6, 30)
    entries = [
        ServiceHours("a", "old", date(2025, 4, 1), 4),  # day 91 back: out
        ServiceHours("a", "in", date(2025, 4, 2), 2),  # day 90 back: in
        ServiceHours("a", "now", today, 1),
    ]
    assert recent_hours(entries, today) == {"a": 3}


@pytest.mark.parametrize(
    "hours,stars",
    [(0, 0), (99.5, 0), (100, 1), (299, 1), (300, 2), (600, 3), (1000, 4), (1499.5, 4), (1500, 5), (9000, 5)],
)
def test_stars_by_hours_on_the_national_scale(hours, stars):
    assert NATIONAL_STAR_THRESHOLDS == (100, 300, 600, 1000, 1500)
    assert star_level(hours).stars == stars


def test_a_star_is_withheld_for_poor_ratings_over_three_or_more():
    poor = star_level(650, [2, 3, 3])  # average 2.67 over 3 ratings
    assert (poor.stars, poor.stars_by_hours, poor.withheld) == (2, 3, True)
    assert poor.average_rating == 2.67 and poor.label_zh == "二星级志愿者"
    assert not star_level(650, [1, 2]).withheld  # too few ratings to judge
    assert not star_level(650, [3, 3, 3]).withheld  # exactly 3.0 is fine
    assert star_level(50, [1, 1, 1]).stars == 0  # never below zero
    top = star_level(1600, [5, 4, 5])
    assert (top.stars, top.next_star_at_hours, top.label_zh) == (5, None, "五星级志愿者")
    assert star_level(120).next_star_at_hours == 300


def test_custom_thresholds():
    assert star_level(25, thresholds=(20, 100, 300, 600, 1000)).stars == 1
    with pytest.raises(ValueError):
        star_level(25, thresholds=(100, 20))


@pytest.mark.parametrize("bad", [0, 6, 3.5, "4", True, None])
def test_ratings_are_whole_numbers_one_to_five(bad):
    with pytest.raises(ValueError):
        validate_rating(bad)
    with pytest.raises(ValueError):
        star_level(200, [5, bad])
