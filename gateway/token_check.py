"""How the gateway trusts a bearer token without asking accounts per request.

- The public keys come from accounts (`accounts.public_keys`) at start and again when a token names a
  key id we do not hold (a rotated key), at most every few seconds.
- Sessions that ended (sign-out, reuse of a refresh token, role change, closed account) come from the
  fact `account.session_revoked`, heard on a private queue, plus the list of recent ones from accounts
  at start: an access token whose `sid` is in it is refused at once, though it has not expired yet.
  An entry is forgotten once every access token of that session has expired anyway.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time

from contracts.common import Actor
from contracts.errors import Unauthorized
from gateway.rpc import RpcClient, ServiceUnavailable
from kit.tokens import ACCESS_TOKEN_SECONDS, InvalidToken, KeySet, UnknownSigningKey

log = logging.getLogger("wenyun.gateway")
KEY_REFETCH_SECONDS = 5.0
STARTUP_RETRY_SECONDS = 0.5


class TokenCheck:
    def __init__(self, rpc: RpcClient):
        self.rpc = rpc
        self.keys = KeySet()
        self.jwks: dict = {"keys": []}
        self._keys_fetched_at = 0.0
        self._revoked: dict[str, float] = {}  # sid -> when it can be forgotten (monotonic)
        self._revocations_loaded = False
        self._subscribed = False
        self._lock = asyncio.Lock()
        self._task: asyncio.Task | None = None

    # -- start ----------------------------------------------------------------------------------
    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._keep_trying_to_load())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def _keep_trying_to_load(self) -> None:
        while not (self._revocations_loaded and self.keys):
            try:
                await self._load()
            except Exception as exc:  # noqa: BLE001 - accounts or the broker not up yet: try again
                log.debug("token keys/revocations not loaded yet: %s", exc)
                await asyncio.sleep(STARTUP_RETRY_SECONDS)

    async def _load(self) -> None:
        async with self._lock:
            if not self._subscribed:
                # Listen first, then read the list: no revocation falls between the two.
                await self.rpc.subscribe("accounts.events", "account.session_revoked", self._on_revoked)
                self._subscribed = True
            if not self._revocations_loaded:
                for item in await self.rpc.call("accounts", "revoked_sessions", timeout=3):
                    self._remember(item["session_id"], item["seconds_left"])
                self._revocations_loaded = True
            if not self.keys:
                await self._fetch_keys()

    async def _fetch_keys(self) -> None:
        self._keys_fetched_at = time.monotonic()
        jwks = await self.rpc.call("accounts", "public_keys", timeout=3)
        self.keys, self.jwks = KeySet(jwks), jwks

    async def published_keys(self) -> dict:
        """The JWKS as accounts last published it (fetched now if not yet)."""
        if not self.keys:
            await self._load_or_unavailable(keys=True)
        return self.jwks

    async def _on_revoked(self, body: bytes) -> None:
        try:
            data = json.loads(body)["data"]
            self._remember(data["session_id"], ACCESS_TOKEN_SECONDS)
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("ignored a malformed account.session_revoked message: %s", exc)

    def _remember(self, session_id: str, seconds_left: float) -> None:
        now = time.monotonic()
        self._revoked[session_id] = now + seconds_left + 60  # a minute for clock drift
        for sid in [sid for sid, until in self._revoked.items() if until < now]:
            del self._revoked[sid]

    # -- per request ----------------------------------------------------------------------------
    async def actor(self, token: str) -> Actor:
        claims = await self._verified(token)
        sid = claims.get("sid")
        if sid:
            if not self._revocations_loaded:
                await self._load_or_unavailable()
            until = self._revoked.get(sid)
            if until is not None and until > time.monotonic():
                raise Unauthorized("This sign-in session has ended (signed out or revoked); sign in again.")
        try:
            return Actor(
                sub=claims["sub"], role=claims["role"], scopes=claims.get("scopes", []), name=claims.get("name")
            )
        except ValueError as exc:
            raise Unauthorized("The bearer token is invalid or expired.") from exc

    async def _verified(self, token: str) -> dict:
        try:
            return self.keys.verify(token)
        except UnknownSigningKey:
            if time.monotonic() - self._keys_fetched_at < KEY_REFETCH_SECONDS and self.keys:
                raise Unauthorized("The bearer token is signed with an unknown key.") from None
            await self._load_or_unavailable(keys=True)
        except InvalidToken as exc:
            raise Unauthorized("The bearer token is invalid or expired.") from exc
        try:
            return self.keys.verify(token)
        except InvalidToken as exc:
            raise Unauthorized("The bearer token is invalid or expired.") from exc

    async def _load_or_unavailable(self, keys: bool = False) -> None:
        try:
            if keys:
                async with self._lock:
                    await self._fetch_keys()
            await self._load()
        except ServiceUnavailable:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure to reach accounts
            raise ServiceUnavailable("accounts", f"cannot load the token keys ({exc.__class__.__name__})") from exc
