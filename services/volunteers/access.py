"""Who may do what, on top of the gateway's role check (object scopes: own record, own event)."""
from __future__ import annotations

from contracts.common import Actor
from contracts.errors import Forbidden

STAFF_ROLES = ("admin", "organiser")


def is_staff(actor: Actor) -> bool:
    return actor.role in STAFF_ROLES


def require_staff(actor: Actor, what: str) -> None:
    if not is_staff(actor):
        raise Forbidden(f"Only the district administrator or an organiser may {what}.", {"role": actor.role})


def require_self_or_staff(actor: Actor, volunteer_id: str, what: str) -> None:
    """A volunteer sees and changes only their own record; staff see everyone's."""
    if actor.sub != volunteer_id and not is_staff(actor):
        raise Forbidden(f"You may {what} only your own volunteer record. 只能查看或修改本人的志愿者信息。",
                        {"volunteer_id": volunteer_id})


def require_event_organiser(actor: Actor, event_id: str, organiser_id: str, what: str) -> None:
    """The event's own organiser (or one with the scope event:<id>), or the administrator."""
    if actor.role == "admin" or actor.has_scope("event", event_id):
        return
    if actor.role == "organiser" and actor.sub == organiser_id:
        return
    raise Forbidden(f"Only the organiser of event {event_id} may {what}.", {"event_id": event_id})
