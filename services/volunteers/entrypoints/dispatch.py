"""Dispatch to events: requests, cancellations and reschedules from the events service, the clock that
expires and reminds, answers by signed link or by API, the organiser's view, check-in, hours on completion."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

from contracts.envelope import Envelope
from contracts.errors import Forbidden, Unprocessable
from kit.boundary import actor_from, row_or_404
from kit.clock import DISTRICT_TZ, utcnow
from kit.events import handle_event
from kit.rpc import rpc
from kit.service_settings import every
from services.volunteers import credit_commands, dispatch_commands, links
from services.volunteers.access import require_event_organiser, require_self_or_staff
from services.volunteers.dispatch_commands import EventInfo
from services.volunteers.dispatch_queries import dispatch_view, offers_of_volunteer, one_offer
from services.volunteers.settings import VolunteersSettings

log = logging.getLogger(__name__)


def _event_info(fact, title: str | None = None) -> EventInfo:
    site = (fact.coordinates.lat, fact.coordinates.lon) if fact.coordinates else None
    return EventInfo(fact.event_id, title or fact.title, fact.organiser_id, fact.start, fact.end, fact.place_name, site)


class DispatchEntrypoints:
    # -- facts from the events service ---------------------------------------------------------------
    @handle_event("events", "dispatch.requested")
    def on_dispatch_requested(self, event: Envelope):
        fact = event.typed()
        with self.db.transaction() as tx:
            dispatch_commands.request_dispatch(
                tx,
                self.settings,
                _event_info(fact),
                [n.model_dump() for n in fact.needs],
                utcnow(),
                replaced_because="The event's volunteer needs changed; a new offer follows if you still match. "
                "活动的志愿者需求已调整。",
            )

    @handle_event("events", "event.cancelled")
    def on_event_cancelled(self, event: Envelope):
        fact = event.typed()
        with self.db.transaction() as tx:
            dispatch_commands.cancel_event(tx, self.settings, fact.event_id, fact.reason, utcnow())

    @handle_event("events", "event.rescheduled")
    def on_event_rescheduled(self, event: Envelope):
        fact = event.typed()
        with self.db.transaction() as tx:
            drow = dispatch_commands.current_dispatch(tx.session, fact.event_id, lock=True)
            if drow is None or drow.status == "cancelled":
                return
            info = _event_info(fact)
            if info.site is None and drow.lat is not None:  # moved in time only: the place stays known
                info = replace(info, site=(drow.lat, drow.lon))
            local = fact.start.astimezone(DISTRICT_TZ).strftime("%Y-%m-%d %H:%M")
            dispatch_commands.request_dispatch(
                tx,
                self.settings,
                info,
                drow.needs,
                utcnow(),
                replaced_because=f"The event moved to {local}; a renewed offer follows if you are free then. "
                f"活动改期至 {local}。",
            )

    @handle_event("events", "event.completed")
    def on_event_completed(self, event: Envelope):
        fact = event.typed()
        with self.db.transaction() as tx:
            credit_commands.complete_event(
                tx,
                event_id=fact.event_id,
                title=fact.title,
                start=fact.start,
                end=fact.end,
                now=utcnow(),
                thresholds=self.settings.volunteers.star_thresholds,
            )

    @handle_event("events", "feedback.received")
    def on_feedback_received(self, event: Envelope):
        fact = event.typed()
        with self.db.transaction() as tx:
            credit_commands.record_feedback(tx.session, fact.event_id, fact.rating, utcnow())

    # -- the clock -----------------------------------------------------------------------------------
    @every(VolunteersSettings, "tick_seconds")  # the dispatch clock
    def process_due_offers(self):
        """Expire offers past their deadline (the next candidates are asked) and send reminders once."""
        now = utcnow()
        lead = timedelta(seconds=self.settings.volunteers.reminder_lead_seconds)
        with self.db.read() as session:
            due = dispatch_commands.due_dispatch_ids(session, now)
            reminders = dispatch_commands.due_reminders(session, now, lead)
        for dispatch_id in due:
            self._each(dispatch_commands.expire, dispatch_id, now)
        for offer_id in reminders:
            self._each(dispatch_commands.remind, offer_id, now)

    def _each(self, step, key, now):
        try:
            with self.db.transaction() as tx:
                step(tx, self.settings, key, now)
        except Exception:  # noqa: BLE001 - one bad dispatch must not stop the others; the next tick retries
            log.exception("dispatch clock: %s(%s) failed; will retry", step.__name__, key)

    # -- answers -------------------------------------------------------------------------------------
    @rpc
    def offer_link(self, token: str) -> dict:
        """What a signed link shows (no login): the offer and the action it grants. Changes nothing."""
        now = utcnow()
        offer_id, action = links.read_token(self.settings, token, now)
        with self.db.read() as session:
            orow = dispatch_commands.existing_offer(session, offer_id)
            view = one_offer(session, orow)
        accept_url, decline_url = links.offer_urls(self.settings, offer_id, orow.deadline)
        return {
            "action": action.value,
            "offer": view.model_dump(mode="json"),
            "accept_url": accept_url,
            "decline_url": decline_url,
        }

    @rpc
    def answer_offer_link(self, token: str) -> dict:
        """Accept or decline through a signed link (no login); a link works once."""
        now = utcnow()
        offer_id, action = links.read_token(self.settings, token, now)
        with self.db.transaction() as tx:
            orow = dispatch_commands.answer(tx, self.settings, offer_id, action.value == "accept", now)
            return one_offer(tx.session, orow).model_dump(mode="json")

    @rpc
    def answer_offer(self, actor: dict, offer_id: str, action: str) -> dict:
        """Accept or decline as the logged-in volunteer (own offers only; staff may record a phoned answer)."""
        actor = actor_from(actor)
        if action not in ("accept", "decline"):
            raise Unprocessable(f"Unknown answer {action!r}: accept or decline.", {"action": action})

        def may_answer(orow):
            if orow.volunteer_id != actor.sub and actor.role != "admin":
                raise Forbidden("This offer was made to someone else. 这不是发给您的邀请。", {"offer_id": offer_id})

        with self.db.transaction() as tx:
            orow = dispatch_commands.answer(
                tx, self.settings, offer_id, action == "accept", utcnow(), may_answer=may_answer
            )
            return one_offer(tx.session, orow).model_dump(mode="json")

    @rpc
    def volunteer_offers(self, actor: dict, volunteer_id: str, status: str | None = None) -> list[dict]:
        require_self_or_staff(actor_from(actor), volunteer_id, "see the offers of")
        with self.db.read() as session:
            return [o.model_dump(mode="json") for o in offers_of_volunteer(session, volunteer_id, status)]

    # -- the organiser -------------------------------------------------------------------------------
    @rpc
    def get_dispatch(self, actor: dict, event_id: str) -> dict:
        with self.db.read() as session:
            drow = self._dispatch_of(session, event_id)
            require_event_organiser(actor_from(actor), event_id, drow.organiser_id, "see its dispatch")
            return dispatch_view(session, drow, utcnow()).model_dump(mode="json")

    @rpc
    def check_in(self, actor: dict, event_id: str, volunteer_id: str) -> dict:
        """The organiser checks a volunteer of the team in at the event; only they are credited hours."""
        actor = actor_from(actor)
        with self.db.transaction() as tx:
            drow = self._dispatch_of(tx.session, event_id, lock=True)
            require_event_organiser(actor, event_id, drow.organiser_id, "check volunteers in")
            return credit_commands.check_in(
                tx, drow, volunteer_id, by=actor.sub, now=utcnow(), thresholds=self.settings.volunteers.star_thresholds
            ).model_dump(mode="json")

    # -- helpers -------------------------------------------------------------------------------------
    def _dispatch_of(self, session, event_id, lock=False):
        row = dispatch_commands.current_dispatch(session, event_id, lock=lock)
        return row_or_404(
            row,
            f"Event {event_id} has no volunteer dispatch.",
            {"event_id": event_id},
            detail_zh="该活动没有志愿者派遣。",
        )
