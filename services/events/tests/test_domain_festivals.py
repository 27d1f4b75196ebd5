from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from kit.rules import RuleViolation
from services.events.domain.festivals import (
    Festival,
    check_festival_timing,
    festival_date,
    festival_season,
    festivals_between,
)

# Published calendar dates, checked against the public almanac — not used by the code, only here.
KNOWN_DATES = {
    2024: {
        Festival.LABA: date(2024, 1, 18),
        Festival.NEW_YEARS_EVE: date(2024, 2, 9),
        Festival.SPRING_FESTIVAL: date(2024, 2, 10),
        Festival.LANTERN: date(2024, 2, 24),
        Festival.QINGMING: date(2024, 4, 4),
        Festival.DRAGON_BOAT: date(2024, 6, 10),
        Festival.QIXI: date(2024, 8, 10),
        Festival.MID_AUTUMN: date(2024, 9, 17),
        Festival.DOUBLE_NINTH: date(2024, 10, 11),
    },
    2025: {
        Festival.LABA: date(2025, 1, 7),
        Festival.NEW_YEARS_EVE: date(2025, 1, 28),  # 腊月二十九: no 年三十 that year
        Festival.SPRING_FESTIVAL: date(2025, 1, 29),
        Festival.LANTERN: date(2025, 2, 12),
        Festival.QINGMING: date(2025, 4, 4),
        Festival.DRAGON_BOAT: date(2025, 5, 31),
        Festival.QIXI: date(2025, 8, 29),
        Festival.MID_AUTUMN: date(2025, 10, 6),
        Festival.DOUBLE_NINTH: date(2025, 10, 29),
    },
    2026: {
        Festival.NEW_YEAR: date(2026, 1, 1),
        Festival.LABA: date(2026, 1, 26),
        Festival.NEW_YEARS_EVE: date(2026, 2, 16),
        Festival.SPRING_FESTIVAL: date(2026, 2, 17),
        Festival.LANTERN: date(2026, 3, 3),
        Festival.QINGMING: date(2026, 4, 5),
        Festival.LABOUR_DAY: date(2026, 5, 1),
        Festival.DRAGON_BOAT: date(2026, 6, 19),
        Festival.QIXI: date(2026, 8, 19),
        Festival.MID_AUTUMN: date(2026, 9, 25),
        Festival.DOUBLE_NINTH: date(2026, 10, 18),
        Festival.NATIONAL_DAY: date(2026, 10, 1),
    },
}


@pytest.mark.parametrize(
    "year,festival,expected",
    [(year, festival, day) for year, days in KNOWN_DATES.items() for festival, day in days.items()],
)
def test_festival_dates_match_the_almanac(year, festival, expected):
    assert festival_date(festival, year) == expected


def test_mid_autumn_2026():
    assert festival_date(Festival.MID_AUTUMN, 2026) == date(2026, 9, 25)


def test_enum_values_are_the_chinese_names():
    assert Festival("中秋") is Festival.MID_AUTUMN
    assert {f.value for f in Festival} >= {
        "春节",
        "元宵",
        "清明",
        "端午",
        "七夕",
        "中秋",
        "重阳",
        "国庆",
        "元旦",
        "劳动节",
    }


def test_qingming_always_on_4_to_6_april():
    for year in range(1901, 2100):
        assert date(year, 4, 4) <= festival_date(Festival.QINGMING, year) <= date(year, 4, 6), year


def test_new_years_eve_is_always_the_day_before_spring_festival():
    for year in range(1901, 2100):
        assert (festival_date(Festival.SPRING_FESTIVAL, year) - festival_date(Festival.NEW_YEARS_EVE, year)).days == 1


def test_laba_can_fall_in_the_previous_december():
    # 2023's 春节 was on 22 January, so the 腊八 before it was on 30 December 2022.
    assert festival_date(Festival.LABA, 2023) == date(2022, 12, 30)


def test_years_outside_the_supported_range_are_refused():
    with pytest.raises(RuleViolation):
        festival_date(Festival.MID_AUTUMN, 2100)
    with pytest.raises(RuleViolation):
        festival_date(Festival.LABA, 1900)


def test_festivals_between_lists_each_in_order():
    found = festivals_between(date(2026, 9, 1), date(2026, 10, 31))
    assert [(o.festival, o.day) for o in found] == [
        (Festival.MID_AUTUMN, date(2026, 9, 25)),
        (Festival.NATIONAL_DAY, date(2026, 10, 1)),
        (Festival.DOUBLE_NINTH, date(2026, 10, 18)),
    ]


def test_festivals_between_is_inclusive_and_crosses_years():
    found = festivals_between(date(2022, 12, 30), date(2023, 1, 1))
    assert [(o.festival, o.day) for o in found] == [
        (Festival.LABA, date(2022, 12, 30)),
        (Festival.NEW_YEAR, date(2023, 1, 1)),
    ]


def test_a_whole_year_has_each_festival_once_in_a_normal_year():
    found = festivals_between(date(2026, 1, 1), date(2026, 12, 31))
    assert sorted(o.festival.value for o in found) == sorted(f.value for f in Festival)


def test_festivals_between_refuses_unsupported_years_instead_of_omitting_them():
    with pytest.raises(RuleViolation):
        festivals_between(date(2099, 12, 1), date(2100, 1, 31))


def test_festivals_between_rejects_a_reversed_range():
    with pytest.raises(RuleViolation):
        festivals_between(date(2026, 2, 1), date(2026, 1, 1))


def test_season_is_a_week_before_up_to_the_day():
    season = festival_season(Festival.MID_AUTUMN, 2026)
    assert (season.first_day, season.last_day) == (date(2026, 9, 18), date(2026, 9, 25))
    assert date(2026, 9, 18) in season and date(2026, 9, 25) in season
    assert date(2026, 9, 17) not in season and date(2026, 9, 26) not in season


def test_golden_week_festivals_extend_through_the_holiday():
    season = festival_season(Festival.NATIONAL_DAY, 2026)
    assert (season.first_day, season.last_day) == (date(2026, 9, 24), date(2026, 10, 7))
    spring = festival_season(Festival.SPRING_FESTIVAL, 2026)
    assert spring.last_day == date(2026, 2, 23)


def test_timing_check_accepts_an_event_in_season():
    start = datetime(2026, 9, 24, 19, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert check_festival_timing(Festival.MID_AUTUMN, start) is None
    assert check_festival_timing(Festival.MID_AUTUMN, date(2026, 9, 25)) is None


def test_timing_check_warns_about_an_event_out_of_season():
    warning = check_festival_timing(Festival.MID_AUTUMN, date(2026, 8, 1))
    assert warning is not None
    assert "中秋" in warning and "2026-09-25" in warning


def test_timing_check_looks_at_next_year_for_late_december():
    # A New Year's gala on 28 December belongs to next year's 元旦.
    assert check_festival_timing(Festival.NEW_YEAR, date(2026, 12, 28)) is None


def test_custom_lead_time():
    assert check_festival_timing(Festival.SPRING_FESTIVAL, date(2026, 2, 3)) is not None
    assert check_festival_timing(Festival.SPRING_FESTIVAL, date(2026, 2, 3), days_before=14) is None
