"""Who may act on a registration or see an event's list, on top of the gateway's role check."""
from __future__ import annotations

from contracts.common import Actor
from contracts.errors import Forbidden

# Who may register others, see a whole event's list and check people in.
STAFF_ROLES = ("admin", "organiser", "venue_manager")


def is_staff_for(actor: Actor, event_row) -> bool:
    """Staff who may register people by phone / at the desk and check them in: administrators, organisers,
    and the manager of the venue the event is at."""
    if actor.role in ("admin", "organiser"):
        return True
    return actor.role == "venue_manager" and bool(event_row.venue_id) and actor.has_scope("venue", event_row.venue_id)


def check_may_act_for(actor: Actor, registration, event_row) -> None:
    if actor.sub in (registration.person_id, registration.registered_by) or is_staff_for(actor, event_row):
        return
    raise Forbidden("Only the person registered, whoever registered them, or staff may do this.",
                    {"registration_id": registration.id})


def may_see_order(actor: Actor, order) -> bool:
    """A venue manager sees the orders of their own centre (and those they placed); organisers see all."""
    return actor.role != "venue_manager" or actor.has_scope("venue", order.venue_id) or actor.sub == order.requested_by
