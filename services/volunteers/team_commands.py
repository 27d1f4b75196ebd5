"""Writes of the teams area: the team as it now stands, as a fact in the caller's transaction."""

from __future__ import annotations

from services.volunteers.team_queries import members_of, team_row


def emit_team(tx, team_id: str, fact_type) -> None:
    """The team as it now stands (team.registered or team.updated): reports checks the standards from it."""
    row = team_row(tx.session, team_id)
    members = members_of(tx.session, [team_id])[team_id]
    tx.emit(
        fact_type(
            team_id=row.id,
            name=row.name,
            kind=row.kind,
            specialty=row.specialty,
            town=row.town,
            village=row.village,
            active=row.active,
            member_count=len(members),
        ),
        subject=row.id,
    )
