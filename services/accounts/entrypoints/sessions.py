"""Tokens and sessions: the public keys, refresh (rotation), sign-out, the gateway's refusal list."""

from __future__ import annotations

from contracts.accounts import PublicKeys
from contracts.errors import Unauthorized
from kit.boundary import text_or_422
from kit.clock import utcnow
from kit.rpc import rpc
from services.accounts import audit, inputs, session_commands

WHY_NOT = {
    "unknown": "This refresh token is not valid.",
    "revoked": "This sign-in session has ended; sign in again.",
    "expired": "This refresh token has expired; sign in again.",
    "reused": "This refresh token was already used: the session is ended for safety; sign in again.",
}


class SessionEntrypoints:
    @rpc
    def public_keys(self) -> dict:
        """The JWKS that verifies access tokens (served by the gateway at /.well-known/jwks.json)."""
        return PublicKeys.model_validate(self.keys.signer.jwks()).model_dump(mode="json")

    @rpc
    def revoked_sessions(self) -> list[dict]:
        """Sessions ended within an access token's lifetime: [{session_id, seconds_left}]."""
        with self.db.read() as session:
            return session_commands.recently_revoked(session, utcnow())

    @rpc
    def refresh(self, refresh_token: str, client_ip: str | None = None) -> dict:
        token = text_or_422(refresh_token, "refresh_token")
        now = utcnow()
        with self.db.transaction() as tx:
            outcome = session_commands.rotate(
                tx, self.keys, session_commands.find(tx, self.keys, token), inputs.client_ip(client_ip), now
            )
        if isinstance(outcome, str):
            raise Unauthorized(WHY_NOT[outcome], {"reason": outcome})
        return outcome

    @rpc
    def sign_out(self, refresh_token: str, client_ip: str | None = None) -> None:
        token = text_or_422(refresh_token, "refresh_token")
        now = utcnow()
        with self.db.transaction() as tx:
            presented = session_commands.find(tx, self.keys, token)
            if presented.session is not None:
                ended = session_commands.revoke(
                    tx, presented.session.id, presented.session.account_id, "signed_out", now
                )
                if ended:
                    audit.record(
                        tx,
                        "sign_out",
                        at=now,
                        actor_id=presented.session.account_id,
                        account_id=presented.session.account_id,
                        client_ip=inputs.client_ip(client_ip),
                        session_id=presented.session.id,
                    )
        if presented.session is None:
            raise Unauthorized(WHY_NOT["unknown"], {"reason": "unknown"})
