"""Who may act on a registration or see an event's list, on top of the gateway's role check."""

from __future__ import annotations

from contracts.access import staffs_event
from contracts.common import Actor
from contracts.errors import Forbidden

# Who may register others, see a whole event's list and check people in.
STAFF_ROLES = ("admin", "organiser", "venue_manager")


def is_staff_for(actor: Actor, event_row) -> bool:
    """Staff who may register people by phone / at the desk, see the registrations and check people in:
    the event's organisers and the manager of the venue it is at (docs/authorisation.md)."""
    return staffs_event(actor, event_row.organiser_id, event_row.town, event_row.venue_id)


def check_may_act_for(actor: Actor, registration, event_row) -> None:
    if actor.sub in (registration.person_id, registration.registered_by) or is_staff_for(actor, event_row):
        return
    raise Forbidden(
        "Only the person registered, whoever registered them, or staff may do this.",
        {"registration_id": registration.id},
    )


def may_see_order(actor: Actor, order) -> bool:
    """A venue manager sees the orders of their own centre (and those they placed); organisers see all."""
    return actor.role != "venue_manager" or actor.has_scope("venue", order.venue_id) or actor.sub == order.requested_by
