"""Who may manage accounts: district administrators; organisations also venue managers."""

from __future__ import annotations

from contracts.common import Actor
from contracts.errors import Forbidden


def require_admin(actor: Actor, what: str) -> None:
    if actor.role != "admin":
        raise Forbidden(f"Only a district administrator {what}.")


def require_admin_or_manager(actor: Actor, what: str) -> None:
    if actor.role not in ("admin", "venue_manager"):
        raise Forbidden(f"Only an administrator or a venue manager {what}.")
