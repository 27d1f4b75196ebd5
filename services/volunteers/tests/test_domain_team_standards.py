import pytest

from services.volunteers.domain.team_standards import (
    AdminLevel,
    Team,
    TeamKind,
    TroupeSpecialty,
    team_standard_report,
)

T = TeamKind


def troupes(n, members, specialty=TroupeSpecialty.DANCE, prefix="t"):
    return [Team(f"{prefix}{i}", f"第{i}舞蹈队", T.AMATEUR_TROUPE, members, specialty) for i in range(n)]


def volunteer_team(members=5):
    return Team("vt", "文化志愿服务队", T.VOLUNTEER_TEAM, members)


def test_town_meets_with_five_troupes_of_twenty_and_a_volunteer_team_of_five():
    report = team_standard_report(AdminLevel.TOWN, troupes(5, 20) + [volunteer_team(5)])
    assert report.met and report.findings == ()
    assert [(r.rule.code, r.qualifying, r.met) for r in report.rules] == [
        ("town_amateur_troupes", 5, True),
        ("town_volunteer_team", 1, True),
    ]


def test_town_boundaries_are_inclusive_and_small_teams_are_named():
    teams = troupes(4, 20) + [Team("small", "合唱队", T.AMATEUR_TROUPE, 19, TroupeSpecialty.CHOIR), volunteer_team(4)]
    report = team_standard_report("town", teams)
    assert not report.met
    codes = [(f.code, f.rule, f.team_id) for f in report.findings]
    assert ("rule_unmet", "town_amateur_troupes", None) in codes
    assert ("team_too_small", "town_amateur_troupes", "small") in codes
    assert ("rule_unmet", "town_volunteer_team", None) in codes
    unmet = next(f for f in report.findings if f.rule == "town_amateur_troupes" and f.code == "rule_unmet")
    assert "还差 1 支" in unmet.message_zh and "1 more needed" in unmet.message_en
    small = next(f for f in report.findings if f.team_id == "small")
    assert "还差 1 人" in small.message_zh


def test_professional_and_inactive_troupes_do_not_count():
    teams = troupes(4, 30) + [
        Team("pro", "区川剧团", T.PROFESSIONAL_TROUPE, 40, TroupeSpecialty.DRAMA),
        Team("old", "腰鼓队", T.AMATEUR_TROUPE, 25, TroupeSpecialty.OTHER, active=False),
        volunteer_team(),
    ]
    report = team_standard_report(AdminLevel.TOWN, teams)
    assert not report.met
    assert report.rules[0].qualifying == 4
    assert any(f.code == "team_inactive" and f.team_id == "old" for f in report.findings)


@pytest.mark.parametrize("members,met", [(10, True), (9, False)])
def test_village_needs_one_troupe_of_ten(members, met):
    report = team_standard_report(AdminLevel.VILLAGE, troupes(1, members))
    assert report.met is met
    assert [r.rule.code for r in report.rules] == ["village_amateur_troupe"]


def test_village_without_teams_gets_a_finding_in_both_languages():
    report = team_standard_report("village", [])
    assert not report.met
    (finding,) = report.findings
    assert "业余文艺团队" in finding.message_zh and "amateur troupe" in finding.message_en


def test_labels_and_validation():
    assert TroupeSpecialty.QUYI.label_zh == "曲艺" and TeamKind.AMATEUR_TROUPE.label_zh == "业余文艺团队"
    assert Team("x", "x", "amateur_troupe", 3, "choir").specialty is TroupeSpecialty.CHOIR
    with pytest.raises(ValueError):
        Team("x", "x", T.VOLUNTEER_TEAM, -1)
    with pytest.raises(ValueError):
        team_standard_report("county", [])
