"""Bearer tokens: access tokens signed by accounts (EdDSA), verified here with its public keys only
(gateway.token_check); a role and object scopes such as a venue manager's `venue:<id>`."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from contracts.access import is_self_or_reviewer, manages_venue, reviews_volunteers
from contracts.common import Actor
from contracts.errors import Forbidden, Unauthorized
from kit.callers import set_forwarded_token
from kit.tokens import ROLES, signer_from

bearer = HTTPBearer(auto_error=False, description="Sign in (`/api/v1/auth/…`) or `wenyun token --role ROLE`.")
__all__ = ["ROLES", "issue_token", "optional_actor", "require"]


def issue_token(
    key: bytes,
    *,
    sub: str,
    role: str,
    scopes: list[str] | None = None,
    name: str | None = None,
    ttl_seconds: int = 30 * 24 * 3600,
    sid: str | None = None,
) -> str:
    """An access token signed with the accounts key (`key`: the platform secret or a PEM), for
    operators (`wenyun token`) and tests."""
    return signer_from(key).sign(sub=sub, role=role, scopes=scopes, name=name, sid=sid, ttl_seconds=ttl_seconds)


async def optional_actor(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> Actor | None:
    if credentials is None:
        return None
    actor = await request.app.state.token_check.actor(credentials.credentials)
    # The services trust this token, not the actor argument: it goes with every RPC of this request.
    set_forwarded_token(credentials.credentials)
    return actor


def require(*roles: str):
    """A dependency: the caller must present a valid token with one of `roles` (admin always may)."""

    async def dependency(actor: Actor | None = Depends(optional_actor)) -> Actor:
        if actor is None:
            raise Unauthorized("This request needs a bearer token (Authorization: Bearer …).")
        if roles and actor.role != "admin" and actor.role not in roles:
            raise Forbidden(f"The role {actor.role} may not do this; needs one of: {', '.join(roles)}.")
        return actor

    dependency.requires_token = True
    return dependency


# ---- object scopes that the token alone answers (docs/authorisation.md) ---------------------------
# These run as dependencies, i.e. before FastAPI validates the body: a caller who may not act on the
# record gets 403 and learns nothing about what a valid body would be. The services check again.


def volunteer_reviewer(actor: Actor = Depends(require())) -> Actor:
    """The volunteer reviewer (scope volunteers:review) or the administrator."""
    if not reviews_volunteers(actor):
        raise Forbidden(
            "Only the volunteer reviewer (scope volunteers:review) or the administrator may do this.",
            {"needed_scope": "volunteers:review"},
        )
    return actor


def volunteer_self_or_reviewer(volunteer_id: str, actor: Actor = Depends(require())) -> Actor:
    """The volunteer named in the path, the reviewer or the administrator."""
    if not is_self_or_reviewer(actor, volunteer_id):
        raise Forbidden(
            "You may change only your own volunteer record. 只能修改本人的志愿者信息。", {"volunteer_id": volunteer_id}
        )
    return actor


async def organiser_of_path_event(
    event_id: str, request: Request, actor: Actor = Depends(require("organiser"))
) -> Actor:
    """The event's organiser, an organiser for its town, or the administrator — asked of events before the
    body is read (one RPC), so someone else's event answers 403 whatever the body says."""
    await request.app.state.rpc.call("events", "check_event_organiser", actor=actor.model_dump(), event_id=event_id)
    return actor


async def keeper_of_path_team(team_id: str, request: Request, actor: Actor = Depends(require("organiser"))) -> Actor:
    """Whoever registered the team, an organiser for its town, the reviewer or the administrator (asked of
    volunteers before the body is read)."""
    await request.app.state.rpc.call("volunteers", "check_team_keeper", actor=actor.model_dump(), team_id=team_id)
    return actor


async def owner_of_path_offering(
    offering_id: str, request: Request, actor: Actor = Depends(require("organiser"))
) -> Actor:
    """The organiser who put the offering on the menu, or the administrator (asked of events first)."""
    await request.app.state.rpc.call(
        "events", "check_offering_owner", actor=actor.model_dump(), offering_id=offering_id
    )
    return actor


def manager_of_path_venue(venue_id: str, actor: Actor = Depends(require("venue_manager"))) -> Actor:
    """A manager of the venue named in the path (`venue:<venue_id>`) or the administrator."""
    if not manages_venue(actor, venue_id):
        raise Forbidden(
            f"Your token does not cover venue {venue_id}; it needs the scope venue:{venue_id}.",
            {"venue_id": venue_id, "needed_scope": f"venue:{venue_id}"},
        )
    return actor
