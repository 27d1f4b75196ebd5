"""Who may do what, on top of the gateway's role check (docs/authorisation.md; the rules themselves are
in contracts.access): a volunteer's own record, the volunteer reviewer (`volunteers:review`), the
organisers of an event, a team's keepers."""

from __future__ import annotations

from contracts.access import organises, reviews_volunteers
from contracts.common import Actor
from contracts.errors import Forbidden


def is_staff(actor: Actor) -> bool:
    """The volunteer reviewer or the administrator: they see and change every volunteer's record."""
    return reviews_volunteers(actor)


def require_staff(actor: Actor, what: str) -> None:
    if not is_staff(actor):
        raise Forbidden(
            f"Only the volunteer reviewer (scope volunteers:review) or the administrator may {what}.",
            {"role": actor.role, "needed_scope": "volunteers:review"},
        )


def require_self_or_staff(actor: Actor, volunteer_id: str, what: str) -> None:
    """A volunteer sees and changes only their own record; the reviewer and the administrator everyone's."""
    if actor.sub != volunteer_id and not is_staff(actor):
        raise Forbidden(
            f"You may {what} only your own volunteer record. 只能查看或修改本人的志愿者信息。",
            {"volunteer_id": volunteer_id},
        )


def may_form_teams(actor: Actor) -> bool:
    return actor.role == "organiser" or is_staff(actor)


def require_team_keeper(actor: Actor, team_row) -> None:
    """A team is changed by whoever registered it, an organiser for its town, the reviewer or the administrator."""
    if is_staff(actor) or organises(actor, team_row.created_by, team_row.town):
        return
    raise Forbidden(
        "Only whoever registered the team, an organiser for its town, the volunteer reviewer or the "
        "administrator may change it.",
        {"team_id": team_row.id},
    )


def require_event_organiser(actor: Actor, event_id: str, organiser_id: str, what: str) -> None:
    """The event's own organiser (or one with the scope event:<id>), or the administrator."""
    if actor.role == "admin" or actor.has_scope("event", event_id):
        return
    if actor.role == "organiser" and actor.sub == organiser_id:
        return
    raise Forbidden(f"Only the organiser of event {event_id} may {what}.", {"event_id": event_id})
