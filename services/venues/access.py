"""Who may do what: roles come with the token; a venue manager's object scope `venue:<id>` says which
venues are theirs (`venue:*` for the whole district)."""

from __future__ import annotations

from contracts.common import Actor
from contracts.errors import Forbidden

STAFF_CHANNELS = ("phone", "desk", "on_behalf")
BOOKING_ROLES = ("resident", "organiser", "venue_manager", "admin")


def manages(actor: Actor, venue_id: str) -> bool:
    return actor.role == "admin" or (actor.role == "venue_manager" and actor.has_scope("venue", venue_id))


def require_manager(actor: Actor, venue_id: str, venue_name: str | None = None) -> None:
    if manages(actor, venue_id):
        return
    label = f"{venue_name} ({venue_id})" if venue_name else venue_id
    if actor.role == "venue_manager":
        raise Forbidden(
            f"Your token does not cover venue {label}; it needs the scope venue:{venue_id}.",
            {"venue_id": venue_id, "needed_scope": f"venue:{venue_id}"},
        )
    raise Forbidden(
        f"Only a manager of venue {label} (or an administrator) may do this.",
        {"venue_id": venue_id, "needed_role": "venue_manager"},
    )


def require_admin(actor: Actor, what: str) -> None:
    if actor.role != "admin":
        raise Forbidden(f"Only the district administrator {what}.")
