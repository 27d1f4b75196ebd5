"""Accept / decline links of an offer: signed tokens (domain/offer_links.py) under the public base URL.

A link's token expires with the offer's deadline; answering twice is refused by the offer's state.
Errors name a `reason` the gateway turns into the right status: bad or tampered link → 400,
expired link or closed offer (expired / withdrawn) → 410, already answered → 409.
"""

from __future__ import annotations

from datetime import datetime

from contracts.errors import BadRequest, Conflict
from services.volunteers.domain.dispatch import OfferClosed, OfferStatus
from services.volunteers.domain.offer_links import InvalidOfferToken, OfferAction, sign_offer_token, verify_offer_token
from services.volunteers.settings import ServiceSettings

# Reasons the gateway answers with 410 Gone (the rest of the Conflicts stay 409).
GONE_REASONS = ("link_expired", "offer_expired", "offer_withdrawn")


def offer_urls(settings: ServiceSettings, offer_id: str, deadline: datetime) -> tuple[str, str]:
    base = f"{settings.public_base_url}/offers"
    accept = sign_offer_token(settings.link_key, offer_id, OfferAction.ACCEPT, deadline)
    decline = sign_offer_token(settings.link_key, offer_id, OfferAction.DECLINE, deadline)
    return f"{base}/{accept}", f"{base}/{decline}"


def read_token(settings: ServiceSettings, token: str, now: datetime) -> tuple[str, OfferAction]:
    try:
        return verify_offer_token(settings.link_key, token, now)
    except InvalidOfferToken as exc:
        if exc.reason == InvalidOfferToken.EXPIRED:
            raise Conflict(
                "This link has expired: the time to answer the offer is over. 该链接已过期，答复期限已过。",
                {"reason": "link_expired", "detail_zh": "该链接已过期，答复期限已过。"},
            ) from exc
        raise BadRequest(
            "This link is not valid (it was changed or cut short). 链接无效，请使用短信或邮件中的完整链接。",
            {"reason": "invalid_link", "detail_zh": "链接无效，请使用短信或邮件中的完整链接。"},
        ) from exc


def closed_error(exc: OfferClosed) -> Conflict:
    reason = {
        OfferStatus.ACCEPTED: "already_accepted",
        OfferStatus.DECLINED: "already_declined",
        OfferStatus.EXPIRED: "offer_expired",
        OfferStatus.WITHDRAWN: "offer_withdrawn",
    }[exc.code]
    return Conflict(
        f"{exc} {exc.message_zh}",
        {"reason": reason, "offer_id": exc.offer_id, "offer_status": exc.code.value, "detail_zh": exc.message_zh},
    )
