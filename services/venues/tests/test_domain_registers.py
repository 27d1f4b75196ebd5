import datetime as dt

import pytest

from services.venues.domain.registers import (
    AssetCondition,
    RegisterError,
    VisitorGroup,
    change_asset_condition,
    daily_footfall_summary,
    ensure_asset_number_unique,
    next_asset_number,
    validate_visit_entry,
)

MONDAY = dt.date(2026, 11, 23)
TUESDAY = dt.date(2026, 11, 24)


def test_visit_entry_counts_per_group():
    entry = validate_visit_entry(MONDAY, "reading-room", {"elderly": 5, "minors": 12, "general": 3})
    assert entry.total == 20
    assert entry.counts[VisitorGroup.MINORS] == 12


@pytest.mark.parametrize("counts", [{"elderly": -1}, {"minors": 2.5}, {"general": True}, {"general": "3"}])
def test_visit_counts_must_be_whole_and_not_negative(counts):
    with pytest.raises(RegisterError, match="0 or more"):
        validate_visit_entry(MONDAY, None, counts)


def test_unknown_visitor_group_is_refused():
    with pytest.raises(RegisterError, match="unknown visitor group 'tourists'"):
        validate_visit_entry(MONDAY, None, {"tourists": 3})


def test_visit_entry_needs_a_date_and_counts():
    with pytest.raises(RegisterError):
        validate_visit_entry(dt.datetime(2026, 11, 23, 9), None, {"general": 1})
    with pytest.raises(RegisterError):
        validate_visit_entry(MONDAY, None, {})


def test_daily_footfall_summary_adds_up_per_day_group_and_room():
    entries = [
        validate_visit_entry(TUESDAY, "reading-room", {"general": 4}),
        validate_visit_entry(MONDAY, "reading-room", {"elderly": 5, "minors": 10}),
        validate_visit_entry(MONDAY, "reading-room", {"minors": 2}),  # afternoon count
        validate_visit_entry(MONDAY, "cultural-square", {"elderly": 30, "migrant_workers": 8}),
    ]
    monday, tuesday = daily_footfall_summary(entries)
    assert monday.day == MONDAY and monday.total == 55
    assert monday.by_group[VisitorGroup.MINORS] == 12
    assert monday.by_group[VisitorGroup.DISABLED] == 0
    assert dict(monday.by_room) == {"reading-room": 17, "cultural-square": 38}
    assert tuesday.total == 4
    assert monday.to_dict()["by_group"]["elderly"] == 35
    assert daily_footfall_summary([]) == []


def test_next_asset_number():
    assert next_asset_number("JP", []) == "JP-0001"
    assert next_asset_number("JP", ["JP-0001", "JP-0007", "XY-0099", "JP-old", "jp-0003"]) == "JP-0008"
    assert next_asset_number("JP", ["JP-9999"]) == "JP-10000"


@pytest.mark.parametrize("prefix", ["", "jp", "J-P", "1JP", "TOOLONGPREFIX"])
def test_asset_prefix_must_be_plain(prefix):
    with pytest.raises(RegisterError, match="prefix"):
        next_asset_number(prefix, [])


def test_asset_numbers_are_unique_per_venue():
    assert ensure_asset_number_unique(" jp-0002 ", ["JP-0001"]) == "JP-0002"
    with pytest.raises(RegisterError, match="JP-0001 is already"):
        ensure_asset_number_unique("jp-0001", ["JP-0001"])
    with pytest.raises(RegisterError):
        ensure_asset_number_unique("  ", [])


def test_asset_condition_changes_and_retirement_is_final():
    assert change_asset_condition("good", "faulty") is AssetCondition.FAULTY
    assert change_asset_condition(AssetCondition.UNDER_REPAIR, AssetCondition.GOOD) is AssetCondition.GOOD
    with pytest.raises(RegisterError, match="retired"):
        change_asset_condition(AssetCondition.RETIRED, AssetCondition.GOOD)
    with pytest.raises(ValueError):
        change_asset_condition("good", "lost")
