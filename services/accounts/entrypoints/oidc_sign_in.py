"""Staff sign in through the district's OpenID Connect provider (when one is configured)."""

from __future__ import annotations

from nameko.extensions import DependencyProvider

from contracts.errors import NotFound, Unauthorized
from kit.boundary import text_or_422
from kit.clock import utcnow
from kit.rpc import rpc
from kit.settings import get_settings
from services.accounts import audit, inputs, oidc_commands
from services.accounts.oidc import OidcRelyingParty, ProviderRefused
from services.accounts.settings import accounts_settings

CALLBACK_PATH = "/api/v1/auth/oidc/callback"


class RelyingParty(DependencyProvider):
    def setup(self):
        platform = self.container.config.get("WENYUN_SETTINGS") or get_settings()
        self.party = OidcRelyingParty(accounts_settings(), platform.public_base_url.rstrip("/") + CALLBACK_PATH)

    def get_dependency(self, worker_ctx):
        return self.party


class OidcSignInEntrypoints:
    def _party(self) -> OidcRelyingParty:
        if not self.oidc.enabled:
            raise NotFound("No OpenID Connect provider is configured for this district.")
        return self.oidc

    @rpc
    def oidc_start(self) -> dict:
        party = self._party()
        try:
            start = party.start()
        except ProviderRefused as exc:
            raise Unauthorized("The identity provider cannot be reached.", {"reason": "provider_unreachable"}) from exc
        with self.db.transaction() as tx:
            oidc_commands.remember(tx, start, utcnow(), party.settings.oidc_login_seconds)
        return {"authorization_url": start.authorization_url}

    @rpc
    def oidc_finish(self, code: str, state: str, client_ip: str | None = None) -> dict:
        party = self._party()
        code, state, ip = text_or_422(code, "code", 2000), text_or_422(state, "state", 100), inputs.client_ip(client_ip)
        with self.db.transaction() as tx:
            started = oidc_commands.take(tx, state, utcnow(), party.settings.oidc_login_seconds)
        if started is None:
            raise Unauthorized(
                "This sign-in was not started here or took too long; start again.", {"reason": "unknown_state"}
            )
        try:
            identity = party.finish(code, started.code_verifier, started.nonce)
        except ProviderRefused as exc:
            with self.db.transaction() as tx:
                audit.record(tx, "sign_in_failed", at=utcnow(), client_ip=ip, method="oidc", reason=str(exc)[:200])
            raise Unauthorized(
                "The identity provider's answer could not be verified.", {"reason": "provider_refused"}
            ) from exc
        with self.db.transaction() as tx:
            pair = oidc_commands.sign_in(tx, self.keys, identity, ip, utcnow())
        if pair is None:
            raise Unauthorized(
                "No Wenyun account belongs to this district identity; ask an administrator.", {"reason": "no_account"}
            )
        return pair
