"""No-shows (issue 17.6): the sweep that marks them once the check-in window has closed, and the
no-show ledger (a person's no-shows, pause, exemption; managers exempt and lift)."""

from __future__ import annotations

import logging
import os

from nameko.timer import timer

from contracts.venues import NoShowExemptionIn, PauseLiftIn
from kit.boundary import actor_from, model_or_422
from kit.rpc import rpc
from services.venues import no_show_commands as no_shows

log = logging.getLogger(__name__)
SWEEP_SECONDS = float(os.environ.get("WENYUN_NO_SHOW_SWEEP_SECONDS", "10"))


class NoShowEntrypoints:
    @timer(interval=SWEEP_SECONDS)
    def sweep_no_shows(self):
        """Every few seconds: bookings nobody checked in for become no-shows, freeing the rest of the slot."""
        marked = no_shows.sweep(self.db)
        if marked:
            log.info("marked %d booking(s) as no-shows: %s", len(marked), ", ".join(marked))

    @rpc
    def no_show_ledger(self, actor: dict, person_id: str) -> dict:
        actor = actor_from(actor)
        if actor.sub != person_id:
            no_shows.require_ledger_keeper(actor)
        with self.db.read() as session:
            return no_shows.ledger(session, person_id)

    @rpc
    def exempt_from_no_show_pause(self, actor: dict, person_id: str, body: dict) -> dict:
        """E.g. an elderly resident: no-shows never pause their online booking."""
        actor = actor_from(actor)
        no_shows.require_ledger_keeper(actor)
        data = model_or_422(NoShowExemptionIn, body, "exemption")
        with self.db.transaction() as tx:
            no_shows.exempt(tx, person_id, data.reason, actor.sub)
        with self.db.read() as session:
            return no_shows.ledger(session, person_id)

    @rpc
    def lift_booking_pause(self, actor: dict, person_id: str, body: dict | None = None) -> dict:
        """No-shows before now no longer count for this person."""
        actor = actor_from(actor)
        no_shows.require_ledger_keeper(actor)
        data = model_or_422(PauseLiftIn, body, "request")
        with self.db.transaction() as tx:
            no_shows.lift(tx, person_id, data.reason or "", actor.sub)
        with self.db.read() as session:
            return no_shows.ledger(session, person_id)
