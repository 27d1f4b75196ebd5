"""Volunteers and teams against seed 001: hours logged outside events, training against one week (40 h)
a year, the team standards of towns and villages, and star levels (星级). Pure: no database, no broker.

Team standards (每个镇街组建20人以上业余文艺团队5支，有不少于5人文化志愿者队伍1支；村居组建10人以上业余文艺团队
不少于1支), as volunteers checks them: only active teams, only amateur troupes; "以上" includes the number; a
town's own teams are those with the town and no village. Teams are as they stand now (their facts carry the
whole current record), not as they stood at the period's end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

TRAINING_HOURS_PER_YEAR = 40.0  # "每年…一周以上" = 5 days x 8 h
TOWN_TROUPES, TOWN_TROUPE_MEMBERS = 5, 20
TOWN_VOLUNTEER_TEAMS, TOWN_VOLUNTEER_TEAM_MEMBERS = 1, 5
VILLAGE_TROUPES, VILLAGE_TROUPE_MEMBERS = 1, 10
STARS = ("1", "2", "3", "4", "5")


@dataclass(frozen=True)
class TeamRecord:
    team_id: str
    kind: str
    town: str | None
    village: str | None
    active: bool
    member_count: int


@dataclass(frozen=True)
class VolunteerHoursRecord:
    """Training taken, or service logged outside a dispatched event, where the volunteer is based."""

    volunteer_id: str
    hours: float
    day: date
    town: str | None
    village: str | None


@dataclass(frozen=True)
class StarChange:
    volunteer_id: str
    stars: int
    at: datetime
    town: str | None
    village: str | None


def training_required(months: int) -> float:
    """One week a year, pro-rated to the period (as the activity targets are)."""
    return round(TRAINING_HOURS_PER_YEAR * months / 12, 2)


def training_figures(records: list[VolunteerHoursRecord], months: int) -> dict:
    per_person: dict[str, float] = {}
    for record in records:
        per_person[record.volunteer_id] = per_person.get(record.volunteer_id, 0.0) + record.hours
    required = training_required(months)
    return {
        "training_hours": round(sum(per_person.values()), 2),
        "trained_volunteers": len(per_person),
        "volunteers_meeting_training": sum(1 for hours in per_person.values() if hours >= required - 1e-9),
    }


def town_teams(teams: list[TeamRecord], town: str) -> dict:
    own = [t for t in teams if t.active and t.town == town and not t.village]
    troupes = sum(1 for t in own if t.kind == "amateur_troupe" and t.member_count >= TOWN_TROUPE_MEMBERS)
    volunteer_teams = sum(
        1 for t in own if t.kind == "volunteer_team" and t.member_count >= TOWN_VOLUNTEER_TEAM_MEMBERS
    )
    return {
        "qualifying_troupes": troupes,
        "qualifying_volunteer_teams": volunteer_teams,
        "team_standard_met": troupes >= TOWN_TROUPES and volunteer_teams >= TOWN_VOLUNTEER_TEAMS,
    }


def village_teams(teams: list[TeamRecord], town: str | None, village: str) -> dict:
    troupes = sum(
        1
        for t in teams
        if t.active
        and t.village == village
        and (t.town is None or town is None or t.town == town)
        and t.kind == "amateur_troupe"
        and t.member_count >= VILLAGE_TROUPE_MEMBERS
    )
    return {
        "qualifying_troupes": troupes,
        "qualifying_volunteer_teams": None,
        "team_standard_met": troupes >= VILLAGE_TROUPES,
    }


def stars_at(changes: list[StarChange], moment: datetime) -> dict[str, StarChange]:
    """Each volunteer's last star change before `moment` (their level then, and where they were based)."""
    latest: dict[str, StarChange] = {}
    for change in sorted(changes, key=lambda c: c.at):
        if change.at < moment:
            latest[change.volunteer_id] = change
    return latest
