"""Bearer tokens (signed JWT) with a role and object scopes, e.g. a venue manager's `venue:<id>`."""
from __future__ import annotations

import time

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from contracts.access import is_self_or_reviewer, manages_venue, reviews_volunteers
from contracts.common import Actor
from contracts.errors import Forbidden, Unauthorized

ROLES = ("admin", "venue_manager", "organiser", "volunteer", "subscriber", "resident")
ALGORITHM = "HS256"
bearer = HTTPBearer(auto_error=False, description="`wenyun token --role ROLE` prints one.")


def issue_token(key: bytes, *, sub: str, role: str, scopes: list[str] | None = None, name: str | None = None,
                ttl_seconds: int = 30 * 24 * 3600) -> str:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    now = int(time.time())
    claims = {"sub": sub, "role": role, "scopes": scopes or [], "iat": now, "exp": now + ttl_seconds}
    if name:
        claims["name"] = name
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def read_token(key: bytes, token: str) -> Actor:
    try:
        claims = jwt.decode(token, key, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]})
        return Actor(sub=claims["sub"], role=claims["role"], scopes=claims.get("scopes", []), name=claims.get("name"))
    except (jwt.PyJWTError, KeyError, ValueError) as exc:
        raise Unauthorized("The bearer token is invalid or expired.") from exc


def optional_actor(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Actor | None:
    if credentials is None:
        return None
    return read_token(request.app.state.signing_key, credentials.credentials)


def require(*roles: str):
    """A dependency: the caller must present a valid token with one of `roles` (admin always may)."""

    def dependency(actor: Actor | None = Depends(optional_actor)) -> Actor:
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
        raise Forbidden("Only the volunteer reviewer (scope volunteers:review) or the administrator may do this.",
                        {"needed_scope": "volunteers:review"})
    return actor


def volunteer_self_or_reviewer(volunteer_id: str, actor: Actor = Depends(require())) -> Actor:
    """The volunteer named in the path, the reviewer or the administrator."""
    if not is_self_or_reviewer(actor, volunteer_id):
        raise Forbidden("You may change only your own volunteer record. 只能修改本人的志愿者信息。",
                        {"volunteer_id": volunteer_id})
    return actor


def manager_of_path_venue(venue_id: str, actor: Actor = Depends(require("venue_manager"))) -> Actor:
    """A manager of the venue named in the path (`venue:<venue_id>`) or the administrator."""
    if not manages_venue(actor, venue_id):
        raise Forbidden(f"Your token does not cover venue {venue_id}; it needs the scope venue:{venue_id}.",
                        {"venue_id": venue_id, "needed_scope": f"venue:{venue_id}"})
    return actor
