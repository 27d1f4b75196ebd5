"""Staff sign in with user name and password (locked for a while after repeated failures) and may add a
TOTP second factor."""

from __future__ import annotations

from contracts.accounts import PasswordSignIn, TotpConfirm, TotpSetup
from contracts.errors import TooManyRequests, Unauthorized, Unprocessable
from kit.boundary import actor_from, model_or_422
from kit.clock import utcnow
from kit.rpc import rpc
from services.accounts import inputs, staff_commands

WHY_NOT = {
    "wrong": "The user name or password (or TOTP code) is wrong.",
    "totp_required": "This account needs a TOTP code from the authenticator app (totp_code).",
}


class StaffEntrypoints:
    @rpc
    def password_sign_in(self, sign_in: dict, client_ip: str | None = None) -> dict:
        data = model_or_422(PasswordSignIn, sign_in, "sign-in")
        with self.db.transaction() as tx:
            outcome = staff_commands.sign_in(
                tx, self.keys, data.username, data.password, data.totp_code, inputs.client_ip(client_ip), utcnow()
            )
        if isinstance(outcome, staff_commands.Refusal):
            if outcome.reason == "locked":
                raise TooManyRequests(
                    f"Too many failed sign-ins: this account is locked; try again in {outcome.retry_after} s.",
                    {"retry_after": outcome.retry_after, "reason": "locked"},
                )
            raise Unauthorized(WHY_NOT[outcome.reason], {"reason": outcome.reason})
        return outcome

    @rpc
    def offer_totp(self, actor: dict) -> dict:
        who = actor_from(actor)
        with self.db.transaction() as tx:
            offer = staff_commands.offer_totp(tx, who.sub, utcnow())
        return TotpSetup.model_validate(offer).model_dump(mode="json")

    @rpc
    def confirm_totp(self, actor: dict, confirmation: dict, client_ip: str | None = None) -> None:
        who = actor_from(actor)
        data = model_or_422(TotpConfirm, confirmation, "confirmation")
        with self.db.transaction() as tx:
            confirmed = staff_commands.confirm_totp(tx, who.sub, data.code, inputs.client_ip(client_ip), utcnow())
        if not confirmed:
            raise Unprocessable(
                "The code does not match the offered TOTP secret (or none was offered).", {"field": "code"}
            )
