"""Who may act on whose records: the table of docs/authorisation.md as functions.

One place for the rules, so the services that enforce them and the gateway that answers 403 before
looking at a request body cannot drift apart. Roles come with the token; object scopes
(`kind:id`, docs/authorisation.md) say which records are a staff member's:

- `venue:<venue_id>` (`venue:*` all): manages that venue;
- `town:<town name>`: organiser for that town's events (besides the events they organise themselves);
- `volunteers:review`: reviews volunteers (applications, status, hours, training, their contact).

The administrator may do everything.
"""

from __future__ import annotations

from contracts.common import Actor

REVIEWER_SCOPE = ("volunteers", "review")


def is_admin(actor: Actor) -> bool:
    return actor.role == "admin"


def manages_venue(actor: Actor, venue_id: str | None) -> bool:
    """The administrator, or a venue manager whose token carries `venue:<venue_id>`."""
    if is_admin(actor):
        return True
    return (
        actor.role == "venue_manager" and venue_id is not None and bool(venue_id) and actor.has_scope("venue", venue_id)
    )


def organises(actor: Actor, organiser_id: str | None, town: str | None = None) -> bool:
    """The organiser of the thing (an event, an offering), an organiser with `town:<its town>`, or the
    administrator."""
    if is_admin(actor):
        return True
    if actor.role != "organiser":
        return False
    return actor.sub == organiser_id or (town is not None and bool(town) and actor.has_scope("town", town))


def staffs_event(actor: Actor, organiser_id: str | None, town: str | None, venue_id: str | None) -> bool:
    """Who sees an event's registrations (names, contacts) and checks people in: its organisers and the
    manager of the venue it is at."""
    return organises(actor, organiser_id, town) or manages_venue(actor, venue_id)


def reviews_volunteers(actor: Actor) -> bool:
    """The volunteer reviewer (`volunteers:review`) or the administrator."""
    return is_admin(actor) or actor.has_scope(*REVIEWER_SCOPE)


def is_self_or_reviewer(actor: Actor, volunteer_id: str) -> bool:
    return actor.sub == volunteer_id or reviews_volunteers(actor)


def may_manage_contact(actor: Actor, person_id: str) -> bool:
    """Someone's phone, e-mail and consent: the person, or the administrator. (Staff enter a caller's
    contact with the booking or registration itself, where it is used for that one thing.)"""
    return actor.sub == person_id or is_admin(actor)
