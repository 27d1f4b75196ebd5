"""Who is calling: tokens on the bus (docs/architecture.md, "Who is calling: tokens on the bus").

Every RPC carries its callers as nameko context data (AMQP headers `nameko.<key>`):

- `authorization`: the access token of the person the call is for. The gateway sends the bearer token
  it verified; nameko passes it on with the RPCs a worker makes, so venues sees the very organiser
  events acts for.
- `service_token`: the token of the service that made this very call, minted per call by
  kit.rpc.TimedRpcProxy (sub "service:<name>", role "service", 60 s). The gateway sends none.

A service never believes an `actor` argument: kit.boundary.actor_from takes the actor from the
verified token (401 without a valid one, 403 when the argument says anything else). Verified are the
signature (the platform's token key, whose public half accounts publishes) and expiry; revoked
sessions stay the gateway's to refuse (it hears account.session_revoked), so a revoked token keeps
working on the bus for the ≤15 minutes it has left, for someone who holds it *and* may publish there.

    class VenuesService:
        caller = Callers()                     # every service declares it once
    require_service("accounts", what="send one-time codes")   # in an entrypoint only accounts may call
"""

from __future__ import annotations

from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from nameko.extensions import DependencyProvider

from contracts.common import Actor
from contracts.errors import Forbidden, Unauthorized
from kit.settings import PlatformSettings, get_settings
from kit.tokens import InvalidToken, KeySet, TokenSigner, signer_from

AUTHORIZATION = "authorization"  # the worker context key; on the wire the AMQP header "nameko.authorization"
SERVICE_TOKEN = "service_token"  # "nameko.service_token"

_current: ContextVar[Caller | None] = ContextVar("wenyun_caller", default=None)
_forwarded: ContextVar[str | None] = ContextVar("wenyun_forwarded_token", default=None)


@lru_cache(maxsize=4)
def _signer(key_material: bytes) -> TokenSigner:
    return signer_from(key_material)


def platform_signer(settings: PlatformSettings | None = None) -> TokenSigner:
    """The platform's token key (the one accounts signs with and publishes)."""
    return _signer((settings or get_settings()).token_signing_pem())


def signer_of(config: dict) -> TokenSigner:
    """The token key of a nameko container (its WENYUN_SETTINGS, tests give their own)."""
    return platform_signer(config.get("WENYUN_SETTINGS"))


class Caller:
    """The callers of one worker, verified when first asked."""

    def __init__(self, keys: KeySet, data: dict):
        self._keys = keys
        self._person_token = data.get(AUTHORIZATION)
        self._service_token = data.get(SERVICE_TOKEN)

    def person(self) -> Actor:
        if not self._person_token:
            raise Unauthorized(
                "This call names a caller (actor) but carries no access token for it.",
                {"reason": "no_token"},
                detail_zh="调用未携带访问令牌。",
            )
        try:
            claims = self._keys.verify(self._person_token)
            return Actor(
                sub=claims["sub"], role=claims["role"], scopes=claims.get("scopes", []), name=claims.get("name")
            )
        except (InvalidToken, ValueError) as exc:
            raise Unauthorized(
                "The caller's access token is invalid or expired.",
                {"reason": "invalid_token"},
                detail_zh="访问令牌无效或已过期。",
            ) from exc

    def service(self) -> str | None:
        """The calling service's name, or None (no service token, or not a valid one)."""
        if not self._service_token:
            return None
        try:
            return self._keys.verify_service(self._service_token)
        except InvalidToken:
            return None


class Callers(DependencyProvider):
    """Makes the worker's callers current (for kit.boundary.actor_from and require_service)."""

    def setup(self):
        self.keys = KeySet(signer_of(self.container.config).jwks())  # it keeps the tokens it verified

    def worker_setup(self, worker_ctx):
        _current.set(Caller(self.keys, worker_ctx.data))

    def worker_teardown(self, worker_ctx):
        _current.set(None)

    def get_dependency(self, worker_ctx):
        return _current.get()

    def subject(self, context_data: dict) -> str | None:
        """The `sub` of a valid person's token in this context data (before any worker runs), else None."""
        try:
            return Caller(self.keys, context_data).person().sub
        except Unauthorized:
            return None


def _caller() -> Caller:
    caller = _current.get()
    if caller is None:  # a service that does not declare Callers() trusts no one
        raise Unauthorized(
            "This service cannot verify its callers.", {"reason": "no_verifier"}, detail_zh="服务无法核实调用者。"
        )
    return caller


def verified_actor(claimed: Actor) -> Actor:
    """The actor the worker's access token names, if `claimed` (the RPC's actor argument) says the same."""
    actual = _caller().person()
    if (claimed.sub, claimed.role, sorted(claimed.scopes)) != (actual.sub, actual.role, sorted(actual.scopes)):
        raise Forbidden(
            "The caller (actor) does not match the access token the call carries.",
            {"reason": "actor_mismatch"},
            detail_zh="调用者与访问令牌不符。",
        )
    return actual


def calling_service() -> str | None:
    caller = _current.get()
    return caller.service() if caller is not None else None


def require_service(*services: str, what: str) -> str:
    """The calling service, which must be one of `services` (by its verified service token)."""
    service = calling_service()
    if service is None:
        raise Unauthorized(
            f"Only the {' or '.join(services)} service may {what}; this call carries no valid service token.",
            {"reason": "no_service_token"},
            detail_zh="此操作仅限平台内部服务调用。",
        )
    if service not in services:
        raise Forbidden(
            f"The {service} service may not {what}; only {' or '.join(services)} may.",
            {"reason": "service_not_allowed", "service": service},
            detail_zh="该服务无权执行此操作。",
        )
    return service


# ---- the gateway (and the CLI): the token to send with the RPCs of this request ----------------------


def set_forwarded_token(token: str | None) -> None:
    """The access token the gateway verified for this request (an asyncio task's own context)."""
    _forwarded.set(token)


def forwarded_token() -> str | None:
    return _forwarded.get()


def context_for(token: str | None, **more: Any) -> dict:
    """Context data for a standalone nameko proxy (the CLI, tests) carrying `token`."""
    return {**({AUTHORIZATION: token} if token else {}), **more}
