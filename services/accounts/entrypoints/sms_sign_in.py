"""Residents and volunteers sign in with their mobile number and a one-time code sent by SMS.

The code goes to notifications' SMS channel by a direct call (never as a fact: facts reach webhooks
and outside subscribers), and is never returned by the API."""

from __future__ import annotations

from contracts.accounts import SmsCodeSent, SmsSignIn
from contracts.errors import TooManyRequests, Unauthorized, Unavailable, Unprocessable
from kit.boundary import model_or_422
from kit.clock import utcnow
from kit.rpc import rpc
from services.accounts import inputs, sms_commands
from services.accounts.domain.sms_codes import message_text

WHY_NOT = {
    "no_code": "No code was sent to this number; request one first.",
    "used": "This code was already used; request a new one.",
    "expired": "This code has expired (codes are valid 5 minutes); request a new one.",
    "locked": "Too many wrong tries for this code; request a new one.",
    "wrong": "The code is wrong.",
}


class SmsSignInEntrypoints:
    @rpc
    def request_sms_code(self, phone: str, client_ip: str | None = None) -> dict:
        number = inputs.phone(phone)
        ip = inputs.client_ip(client_ip)
        with self.db.transaction() as tx:
            issued = sms_commands.issue_code(tx, self.keys, number, ip, utcnow())
        if not issued.decision.allowed:
            wait = issued.decision.retry_after
            detail = (
                "A code was sent to this number less than a minute ago."
                if issued.decision.reason == "too_soon"
                else "Ten codes were sent to this number in the last 24 hours."
            )
            raise TooManyRequests(f"{detail} Try again in {wait} s.", {"retry_after": wait})
        try:
            self.notifications.send_one_time_sms(
                phone=number, text=message_text(issued.code), dedupe_key=f"sign-in-code:{issued.code_id}"
            )
        except Exception as exc:
            with self.db.transaction() as tx:
                sms_commands.forget_code(tx, issued.code_id)
            raise Unavailable("The SMS could not be sent; try again shortly.", {"retry_after_seconds": 5}) from exc
        return SmsCodeSent(retry_after=issued.decision.retry_after).model_dump(mode="json")

    @rpc
    def sms_sign_in(self, sign_in: dict, client_ip: str | None = None) -> dict:
        data = model_or_422(SmsSignIn, sign_in, "sign-in")
        with self.db.transaction() as tx:
            outcome = sms_commands.sign_in(
                tx,
                self.keys,
                inputs.phone(data.phone),
                data.code,
                data.accept_privacy_notice,
                inputs.client_ip(client_ip),
                utcnow(),
            )
        if outcome == "consent_needed":
            raise Unprocessable(
                "A first sign-in creates your account: accept the privacy notice (accept_privacy_notice: true).",
                {"reason": "privacy_notice_not_accepted"},
            )
        if isinstance(outcome, str):
            raise Unauthorized(WHY_NOT[outcome], {"reason": outcome})
        return outcome
