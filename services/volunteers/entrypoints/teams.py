"""Teams: volunteer teams, amateur troupes (业余文艺团队) with a specialty, professional troupes;
members and leader; the seed-001 standard per town and village."""

from __future__ import annotations

import uuid

from contracts.errors import Conflict, Forbidden, NotFound, Unprocessable
from contracts.volunteers import TeamCreate, TeamMemberInput, TeamRegistered, TeamUpdate, TeamUpdated
from kit.boundary import actor_from, model_or_422
from kit.clock import utcnow
from kit.rpc import rpc
from services.volunteers import team_commands, team_queries, volunteer_queries
from services.volunteers.access import may_form_teams, require_team_keeper
from services.volunteers.tables import team_members, teams


class TeamEntrypoints:
    @rpc
    def create_team(self, actor: dict, team: dict) -> dict:
        actor = actor_from(actor)
        if not may_form_teams(actor):
            raise Forbidden(
                "Organisers, the volunteer reviewer and the administrator register teams.", {"role": actor.role}
            )
        data = model_or_422(TeamCreate, team, "team")
        team_queries.check_kind(data.kind, data.specialty)
        if not data.town and not data.village:
            raise Unprocessable(
                "Say where the team is based: a town, a village, or both. 请填写所属镇街或村居。",
                {"errors": [{"loc": ["body", "town"], "msg": "town or village required", "type": "missing"}]},
            )
        if sum(1 for m in data.members if m.leader) > 1:
            raise Unprocessable(
                "A team has one leader.",
                {"errors": [{"loc": ["body", "members"], "msg": "more than one leader", "type": "invalid"}]},
            )
        team_id, now = str(uuid.uuid4()), utcnow()
        with self.db.transaction() as tx:
            tx.session.execute(
                teams.insert().values(
                    id=team_id,
                    name=data.name,
                    kind=data.kind,
                    specialty=data.specialty,
                    town=data.town,
                    village=data.village,
                    active=True,
                    leader_member_id=None,
                    created_at=now,
                    created_by=actor.sub,
                    updated_at=now,
                )
            )
            for member in data.members:
                self._insert_member(tx.session, team_id, member)
            team_commands.emit_team(tx, team_id, TeamRegistered)
        return self._team(team_id, show_members=True)

    @rpc
    def get_team(self, team_id: str, actor: dict | None = None) -> dict:
        return self._team(team_id, show_members=actor is not None and may_form_teams(actor_from(actor)))

    @rpc
    def list_teams(self, town: str | None = None, village: str | None = None, kind: str | None = None) -> list[dict]:
        with self.db.read() as session:
            rows = team_queries.team_rows(session, town=town, village=village, kind=kind)
            members = team_queries.members_of(session, [r.id for r in rows])
            return [team_queries.team_view(r, members[r.id], show_members=False).model_dump(mode="json") for r in rows]

    @rpc
    def check_team_keeper(self, actor: dict, team_id: str) -> None:
        """403/404 unless the caller may change the team (the gateway asks before it reads a body)."""
        with self.db.read() as session:
            require_team_keeper(actor_from(actor), team_queries.team_row(session, team_id))

    @rpc
    def update_team(self, actor: dict, team_id: str, changes: dict) -> dict:
        actor = actor_from(actor)
        with self.db.read() as session:  # who may is answered before anything about the body
            require_team_keeper(actor, team_queries.team_row(session, team_id))
        data = model_or_422(TeamUpdate, changes, "team changes")
        given = data.model_fields_set
        with self.db.transaction() as tx:
            row = team_queries.team_row(tx.session, team_id, lock=True)
            require_team_keeper(actor, row)
            values = {name: getattr(data, name) for name in given}
            if "specialty" in given:
                team_queries.check_kind(row.kind, data.specialty)
            if "active" in given and data.active is None:
                values.pop("active")
            if data.leader_member_id is not None:
                members = team_queries.members_of(tx.session, [team_id])[team_id]
                if data.leader_member_id not in {m.id for m in members}:
                    # The body names a wrong member, the team asked for exists: 422 naming the field.
                    raise Unprocessable(
                        f"leader_member_id: {data.leader_member_id} is not a member of the team.",
                        {"field": "leader_member_id", "member_id": data.leader_member_id},
                        detail_zh="队长须是本团队成员",
                    )
            tx.session.execute(teams.update().where(teams.c.id == team_id).values(**values, updated_at=utcnow()))
            team_commands.emit_team(tx, team_id, TeamUpdated)
        return self._team(team_id, show_members=True)

    @rpc
    def add_team_member(self, actor: dict, team_id: str, member: dict) -> dict:
        actor = actor_from(actor)
        with self.db.read() as session:
            require_team_keeper(actor, team_queries.team_row(session, team_id))
        data = model_or_422(TeamMemberInput, member, "team member")
        with self.db.transaction() as tx:
            require_team_keeper(actor, team_queries.team_row(tx.session, team_id, lock=True))
            if data.volunteer_id and any(
                m.volunteer_id == data.volunteer_id for m in team_queries.members_of(tx.session, [team_id])[team_id]
            ):
                raise Conflict(f"{data.volunteer_id} is already a member.", {"volunteer_id": data.volunteer_id})
            self._insert_member(tx.session, team_id, data)
            team_commands.emit_team(tx, team_id, TeamUpdated)
        return self._team(team_id, show_members=True)

    @rpc
    def remove_team_member(self, actor: dict, team_id: str, member_id: str) -> dict:
        actor = actor_from(actor)
        with self.db.transaction() as tx:
            row = team_queries.team_row(tx.session, team_id, lock=True)
            require_team_keeper(actor, row)
            deleted = tx.session.execute(
                team_members.delete().where(team_members.c.team_id == team_id, team_members.c.id == member_id)
            ).rowcount
            if not deleted:
                raise NotFound(f"Member {member_id} is not in team {team_id}.", {"member_id": member_id})
            if row.leader_member_id == member_id:
                tx.session.execute(
                    teams.update().where(teams.c.id == team_id).values(leader_member_id=None, updated_at=utcnow())
                )
            team_commands.emit_team(tx, team_id, TeamUpdated)
        return self._team(team_id, show_members=True)

    @rpc
    def team_standards(self, town: str | None = None, village: str | None = None) -> dict:
        with self.db.read() as session:
            return team_queries.standards(session, town=town, village=village).model_dump(mode="json")

    # -- helpers ------------------------------------------------------------------------------------
    def _insert_member(self, session, team_id: str, member: TeamMemberInput) -> None:
        if member.volunteer_id and volunteer_queries.volunteer_row(session, member.volunteer_id) is None:
            # A wrong field of a team that exists: 422 naming it (a 404 would read as the team not found).
            raise Unprocessable(
                f"volunteer_id: there is no volunteer {member.volunteer_id}.",
                {"field": "volunteer_id", "volunteer_id": member.volunteer_id},
                detail_zh="没有这位志愿者。",
            )
        member_id = str(uuid.uuid4())
        session.execute(
            team_members.insert().values(
                id=member_id, team_id=team_id, name=member.name, volunteer_id=member.volunteer_id, joined_at=utcnow()
            )
        )
        if member.leader:
            session.execute(teams.update().where(teams.c.id == team_id).values(leader_member_id=member_id))

    def _team(self, team_id: str, *, show_members: bool) -> dict:
        with self.db.read() as session:
            row = team_queries.team_row(session, team_id)
            members = team_queries.members_of(session, [team_id])[team_id]
            return team_queries.team_view(row, members, show_members=show_members).model_dump(mode="json")
