"""One-time texts (sign-in codes from accounts): handed straight to the SMS channel.

Unlike messages caused by facts they are never written to the delivery log, the inbox or a webhook:
a sign-in code must not be readable anywhere but on the phone it was sent to. Only the accounts service
may send them (its service token, kit.callers): no one else on the bus can text any number."""

from __future__ import annotations

from contracts.errors import Unavailable, Unprocessable
from kit.boundary import text_or_422
from kit.callers import require_service
from kit.rpc import rpc
from services.notifications.channels.sms import InvalidPhoneNumber


class OneTimeSmsEntrypoints:
    @rpc
    def send_one_time_sms(self, phone: str, text: str, dedupe_key: str) -> dict:
        require_service("accounts", what="send one-time texts")
        text_or_422(phone, "phone", 20)
        text_or_422(text, "text", 200)
        text_or_422(dedupe_key, "dedupe_key", 100)
        provider = self.runtime.outlets.sms
        if provider is None:
            raise Unavailable("No SMS provider is configured.")
        try:
            provider.send(phone, text, dedupe_key)
        except InvalidPhoneNumber as exc:
            raise Unprocessable("Not a usable mobile number.", {"field": "phone"}) from exc
        return {"sent": True}  # the provider's id is not needed: nothing is logged here
