"""Team rows ↔ contracts, and the seed-001 standard of one town or village from them."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contracts.errors import Unprocessable
from contracts.volunteers import StandardFinding, StandardRule, Team, TeamRosterMember, TeamStandards
from kit.boundary import row_or_404
from services.volunteers.domain.team_standards import AdminLevel, TeamKind, team_standard_report
from services.volunteers.domain.team_standards import Team as DomainTeam
from services.volunteers.tables import team_members, teams

TROUPES = ("amateur_troupe", "professional_troupe")


def check_kind(kind: str, specialty: str | None) -> None:
    if kind in TROUPES and specialty is None:
        raise Unprocessable(
            "A troupe needs its specialty (dance, choir, quyi, …). 文艺团队须注明专长。",
            {"errors": [{"loc": ["body", "specialty"], "msg": "required for troupes", "type": "missing"}]},
        )
    if kind not in TROUPES and specialty is not None:
        raise Unprocessable(
            "Only troupes have a specialty.",
            {"errors": [{"loc": ["body", "specialty"], "msg": "only for troupes", "type": "invalid"}]},
        )


def team_row(session: Session, team_id: str, *, lock: bool = False):
    query = select(teams).where(teams.c.id == team_id)
    if lock:
        query = query.with_for_update()
    return row_or_404(session.execute(query).first(), f"Team {team_id} does not exist.", {"team_id": team_id})


def members_of(session: Session, team_ids: list[str]) -> dict[str, list]:
    result: dict[str, list] = defaultdict(list)
    if team_ids:
        rows = session.execute(
            select(team_members)
            .where(team_members.c.team_id.in_(team_ids))
            .order_by(team_members.c.joined_at, team_members.c.id)
        ).all()
        for r in rows:
            result[r.team_id].append(r)
    return result


def team_view(row, members: list, *, show_members: bool) -> Team:
    roster = [
        TeamRosterMember(member_id=m.id, name=m.name, volunteer_id=m.volunteer_id, leader=m.id == row.leader_member_id)
        for m in members
    ]
    leader = next((m for m in roster if m.leader), None)
    return Team(
        id=row.id,
        name=row.name,
        kind=row.kind,
        kind_zh=TeamKind(row.kind).label_zh,
        specialty=row.specialty,
        town=row.town,
        village=row.village,
        active=row.active,
        member_count=len(roster),
        leader=leader,
        members=roster if show_members else None,
        created_at=row.created_at,
    )


def team_rows(session: Session, *, town=None, village=None, kind=None):
    query = select(teams).order_by(teams.c.created_at, teams.c.id)
    if town:
        query = query.where(teams.c.town == town)
    if village:
        query = query.where(teams.c.village == village)
    if kind:
        query = query.where(teams.c.kind == kind)
    return session.execute(query).all()


def standards(session: Session, *, town: str | None, village: str | None) -> TeamStandards:
    """A town's own teams (no village) or a village's teams against seed 001 (see the service README)."""
    if bool(town) == bool(village):
        raise Unprocessable(
            "Give either town or village (one of them). 请指定镇街或村居之一。",
            {"errors": [{"loc": ["query", "town"], "msg": "exactly one of town, village", "type": "invalid"}]},
        )
    level = AdminLevel.VILLAGE if village else AdminLevel.TOWN
    query = select(teams)
    query = (
        query.where(teams.c.village == village)
        if village
        else query.where(teams.c.town == town, teams.c.village.is_(None))
    )
    rows = session.execute(query).all()
    counts = (
        dict(
            session.execute(
                select(team_members.c.team_id, func.count())
                .where(team_members.c.team_id.in_([r.id for r in rows]))
                .group_by(team_members.c.team_id)
            ).all()
        )
        if rows
        else {}
    )
    report = team_standard_report(
        level, [DomainTeam(r.id, r.name, r.kind, counts.get(r.id, 0), r.specialty, r.active) for r in rows]
    )
    return TeamStandards(
        level=level.value,
        area=village or town,
        met=report.met,
        rules=[
            StandardRule(
                code=r.rule.code,
                kind=r.rule.kind.value,
                min_teams=r.rule.min_teams,
                min_members=r.rule.min_members,
                text_zh=r.rule.text_zh,
                text_en=r.rule.text_en,
                qualifying=r.qualifying,
                qualifying_team_ids=list(r.qualifying_team_ids),
                met=r.met,
                missing=r.missing,
            )
            for r in report.rules
        ],
        findings=[
            StandardFinding(
                code=f.code, message_zh=f.message_zh, message_en=f.message_en, rule=f.rule, team_id=f.team_id
            )
            for f in report.findings
        ],
    )
