"""Human messages for domain events: who hears about which fact, and the words the texts are filled with.

The wording itself lives in Jinja2 templates, `services/notifications/templates/<language>/<type>.<audience>.txt`
(zh-CN by default, English when a person asked for it), rendered by `services.notifications.texts`. A part
that needs a fact the event may not carry is wrapped in `{% if … %}`, so a message degrades gracefully
instead of printing "None"; every field below is always defined (None when the fact lacks it), so a
misspelt name in a template fails loudly (StrictUndefined) instead of vanishing.

SMS texts carry no signature (【文云】): SMS providers add the registered signature
themselves. They aim at 70 characters (one segment); offers with two links cannot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Mapping

from .district_time import format_en, format_range, format_zh, parse_instant


class Audience(StrEnum):
    """Who a message is written for; the service decides which people that is."""

    APPLICANT = "applicant"  # whoever asked: booked a room, registered, ordered
    PARTICIPANT = "participant"  # holders of bookings/registrations that a change affects
    ORGANISER = "organiser"  # organiser of the event or the dispatch
    VENUE_MANAGER = "venue_manager"
    VOLUNTEER = "volunteer"


@dataclass(frozen=True)
class Message:
    subject: str  # e-mail subject and inbox title
    body: str  # e-mail and inbox text, one fact per line
    sms_text: str  # short form for SMS, without the provider signature


_A = Audience

# Who gets a message about each fact, default audience first. Each pair has a template in every language.
AUDIENCES: dict[str, tuple[Audience, ...]] = {
    "venue.registered": (_A.VENUE_MANAGER,),
    "venue.closed": (_A.PARTICIPANT,),
    "venue.reopened": (_A.PARTICIPANT,),
    "booking.requested": (_A.APPLICANT, _A.VENUE_MANAGER),
    "booking.confirmed": (_A.APPLICANT,),
    "booking.rejected": (_A.APPLICANT,),
    "booking.cancelled": (_A.APPLICANT,),
    "booking.no_show": (_A.APPLICANT,),
    "booking.rescheduled": (_A.APPLICANT,),
    "event.displaced": (_A.PARTICIPANT, _A.ORGANISER),
    "event.published": (_A.ORGANISER,),
    "event.rescheduled": (_A.PARTICIPANT,),
    "event.cancelled": (_A.PARTICIPANT,),
    "event.completed": (_A.PARTICIPANT,),
    "registration.confirmed": (_A.APPLICANT,),
    "registration.waitlisted": (_A.APPLICANT,),
    "registration.promoted": (_A.APPLICANT,),
    "registration.cancelled": (_A.APPLICANT,),
    "registration.rescheduled": (_A.APPLICANT,),
    "order.placed": (_A.APPLICANT, _A.ORGANISER),
    "order.scheduled": (_A.APPLICANT,),
    "order.declined": (_A.APPLICANT,),
    "survey.invited": (_A.PARTICIPANT,),
    "loan.overdue": (_A.APPLICANT,),
    "volunteer.applied": (_A.VOLUNTEER,),
    "volunteer.approved": (_A.VOLUNTEER,),
    "volunteer.rejected": (_A.VOLUNTEER,),
    "volunteer.suspended": (_A.VOLUNTEER,),
    "volunteer.retired": (_A.VOLUNTEER,),
    "dispatch.offered": (_A.VOLUNTEER,),
    "dispatch.accepted": (_A.VOLUNTEER,),
    "dispatch.declined": (_A.VOLUNTEER,),
    "dispatch.expired": (_A.VOLUNTEER,),
    "dispatch.withdrawn": (_A.VOLUNTEER,),
    "dispatch.filled": (_A.ORGANISER,),
    "dispatch.unfilled": (_A.ORGANISER,),
    "hours.credited": (_A.VOLUNTEER,),
}

# Facts that are known but tell no person anything new (feedback is read in reports;
# dispatch.requested is the organiser's own request, answered by offered/filled/unfilled).
SILENT_EVENT_TYPES = frozenset({"feedback.received", "dispatch.requested"})

# Every name a template may use; `fields` gives each one (None when the fact does not say).
FIELDS = (
    "title", "venue", "place", "item", "when", "start_at", "previous_when", "expected_reopening", "deadline",
    "reason", "organiser", "role", "asset_number", "due_on", "accept_url", "decline_url", "feedback_url",
    "hours", "shortfall", "position",
)  # fmt: skip


def audiences_for(event_type: str) -> tuple[Audience, ...]:
    """Audiences that get a message for this type, default audience first; () when nobody does."""
    return AUDIENCES.get(event_type, ())


def audience_of(event_type: str, audience: Audience | str | None) -> Audience | None:
    """The audience asked for (the type's default when None), or None when it gets no message."""
    if audience is None:
        audiences = audiences_for(event_type)
        return audiences[0] if audiences else None
    try:
        chosen = Audience(audience)
    except ValueError:
        return None
    return chosen if chosen in audiences_for(event_type) else None


def wants_english(language: str | None) -> bool:
    return bool(language) and language.replace("_", "-").lower().split("-")[0] == "en"


def tidy(text: str) -> str:
    """One line of a rendered text: no doubled or outer spaces, an English sentence capitalised."""
    text = re.sub(r" {2,}", " ", text).strip()
    return text[:1].upper() + text[1:] if text[:1].islower() else text


def _text(value: object) -> str | None:
    """A clean string for a fact, without the closing punctuation the template adds itself."""
    if value is None:
        return None
    text = str(value).strip().rstrip("。.！!；;，,")
    return text or None


def _number(value: object) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return f"{value:g}"
    return _text(value)


def fields(data: Mapping[str, Any], english: bool) -> dict[str, str | None]:
    """The values the templates are filled with, from the fact's data (audience.template_values)."""
    fmt = format_en if english else format_zh
    values: dict[str, str | None] = dict.fromkeys(FIELDS)

    def put(name: str, value: str | None) -> None:
        if value:
            values[name] = value

    title = _text(data.get("event_title")) or _text(data.get("offering_title"))
    if title:
        values["title"] = f"“{title}”" if english else f"「{title}」"
    else:
        values["title"] = "the event" if english else "活动"

    venue_parts = [p for p in (_text(data.get("venue_name")), _text(data.get("room_name"))) if p]
    venue = (", " if english else "").join(venue_parts) or None
    put("place", _text(data.get("place")) or venue)
    values["venue"] = venue or _text(data.get("place")) or ("the venue" if english else "场馆")

    start = parse_instant(data.get("start"))
    end = parse_instant(data.get("end"))
    if start:
        put("when", format_range(start, end, english))
        put("start_at", fmt(start))
    previous_start = parse_instant(data.get("previous_start"))
    if previous_start:
        put("previous_when", format_range(previous_start, parse_instant(data.get("previous_end")), english))
    for name in ("expected_reopening", "deadline"):
        instant = parse_instant(data.get(name))
        if instant:
            put(name, fmt(instant))

    for name in ("reason", "organiser", "role", "asset_number", "due_on"):
        put(name, _text(data.get(name)))
    values["item"] = _text(data.get("item_name")) or ("the item" if english else "物品")
    for name in ("accept_url", "decline_url", "feedback_url"):
        # Links are used verbatim: trimming a trailing character could break them.
        put(name, str(data.get(name) or "").strip() or None)
    for name in ("hours", "shortfall", "position"):
        put(name, _number(data.get(name)))
    return values
