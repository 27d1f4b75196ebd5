"""Team standards of seed 001 (渝北区, 二(二) 加强人才队伍建设):

    每个镇街组建20人以上业余文艺团队5支，有不少于5人文化志愿者队伍1支。
    村居组建10人以上业余文艺团队不少于1支。

- town (镇街): at least 5 amateur troupes with at least 20 members each, and at least 1 volunteer team
  with at least 5 members;
- village (村居): at least 1 amateur troupe with at least 10 members.

"20人以上" includes 20: in Chinese rules "以上" counts the number itself (民法典 第一千二百五十九条).
Only active teams count, and only *amateur* troupes count as 业余文艺团队 — a professional troupe serving
the town does not. The staffing half of the same sentence (town ≥5 cadres, village ≥1 officer) is about
staff, not teams, and is reported where staff are kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class AdminLevel(StrEnum):
    TOWN = "town"  # 镇街 (town or sub-district)
    VILLAGE = "village"  # 村居 (village or residential community)


class TeamKind(StrEnum):
    VOLUNTEER_TEAM = "volunteer_team"
    AMATEUR_TROUPE = "amateur_troupe"
    PROFESSIONAL_TROUPE = "professional_troupe"

    @property
    def label_zh(self) -> str:
        return {
            "volunteer_team": "文化志愿者队伍",
            "amateur_troupe": "业余文艺团队",
            "professional_troupe": "专业文艺院团",
        }[self.value]


class TroupeSpecialty(StrEnum):
    DANCE = "dance"
    CHOIR = "choir"
    QUYI = "quyi"
    INSTRUMENTS = "instruments"
    CALLIGRAPHY_PAINTING = "calligraphy_painting"
    DRAMA = "drama"
    OTHER = "other"

    @property
    def label_zh(self) -> str:
        return {
            "dance": "舞蹈",
            "choir": "合唱",
            "quyi": "曲艺",
            "instruments": "器乐",
            "calligraphy_painting": "书画",
            "drama": "戏剧",
            "other": "其他",
        }[self.value]


@dataclass(frozen=True)
class Team:
    team_id: str
    name: str
    kind: TeamKind
    member_count: int
    specialty: TroupeSpecialty | None = None  # troupes only
    active: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", TeamKind(self.kind))
        if self.specialty is not None:
            object.__setattr__(self, "specialty", TroupeSpecialty(self.specialty))
        if self.member_count < 0:
            raise ValueError("member_count must not be negative")


@dataclass(frozen=True)
class TeamRule:
    code: str
    kind: TeamKind
    min_teams: int
    min_members: int
    text_zh: str
    text_en: str


RULES: Mapping[AdminLevel, tuple[TeamRule, ...]] = MappingProxyType(
    {
        AdminLevel.TOWN: (
            TeamRule(
                "town_amateur_troupes",
                TeamKind.AMATEUR_TROUPE,
                5,
                20,
                "镇街组建20人以上业余文艺团队5支",
                "a town has 5 amateur troupes of 20 or more members",
            ),
            TeamRule(
                "town_volunteer_team",
                TeamKind.VOLUNTEER_TEAM,
                1,
                5,
                "镇街有不少于5人的文化志愿者队伍1支",
                "a town has 1 cultural volunteer team of 5 or more",
            ),
        ),
        AdminLevel.VILLAGE: (
            TeamRule(
                "village_amateur_troupe",
                TeamKind.AMATEUR_TROUPE,
                1,
                10,
                "村居组建10人以上业余文艺团队不少于1支",
                "a village has at least 1 amateur troupe of 10 or more",
            ),
        ),
    }
)


@dataclass(frozen=True)
class Finding:
    code: str  # rule_unmet | team_too_small | team_inactive
    message_zh: str
    message_en: str
    rule: str | None = None
    team_id: str | None = None


@dataclass(frozen=True)
class RuleResult:
    rule: TeamRule
    qualifying_team_ids: tuple[str, ...]

    @property
    def qualifying(self) -> int:
        return len(self.qualifying_team_ids)

    @property
    def met(self) -> bool:
        return self.qualifying >= self.rule.min_teams

    @property
    def missing(self) -> int:
        return max(0, self.rule.min_teams - self.qualifying)


@dataclass(frozen=True)
class TeamStandardReport:
    level: AdminLevel
    met: bool
    rules: tuple[RuleResult, ...]
    findings: tuple[Finding, ...]


def team_standard_report(level: AdminLevel | str, teams: Iterable[Team]) -> TeamStandardReport:
    """Check one town's or village's teams against seed 001; say what is missing in zh and en."""
    level = AdminLevel(level)
    teams = list(teams)
    results: list[RuleResult] = []
    findings: list[Finding] = []
    for rule in RULES[level]:
        of_kind = [t for t in teams if t.kind == rule.kind]
        qualifying = tuple(t.team_id for t in of_kind if t.active and t.member_count >= rule.min_members)
        result = RuleResult(rule, qualifying)
        results.append(result)
        if result.met:
            continue
        findings.append(
            Finding(
                "rule_unmet",
                f"未达标：{rule.text_zh}；现有 {result.qualifying} 支，还差 {result.missing} 支。",
                f"Not met: {rule.text_en}; {result.qualifying} qualify, {result.missing} more needed.",
                rule=rule.code,
            )
        )
        # Point at the teams that would close the gap first: those nearly big enough.
        for t in sorted(of_kind, key=lambda t: (-t.member_count, t.team_id)):
            if not t.active:
                findings.append(
                    Finding(
                        "team_inactive",
                        f"{t.name} 已停止活动，不计入达标数。",
                        f"{t.name} is inactive and does not count.",
                        rule=rule.code,
                        team_id=t.team_id,
                    )
                )
            elif t.member_count < rule.min_members:
                short = rule.min_members - t.member_count
                findings.append(
                    Finding(
                        "team_too_small",
                        f"{t.name} 现有 {t.member_count} 人，还差 {short} 人达到 {rule.min_members} 人。",
                        f"{t.name} has {t.member_count} members, {short} short of {rule.min_members}.",
                        rule=rule.code,
                        team_id=t.team_id,
                    )
                )
    return TeamStandardReport(level, all(r.met for r in results), tuple(results), tuple(findings))
