"""Every fact of every other service, as it is published: one queue per producing service, bound to
all its fact types. Each fact is logged (pseudonymised) and projected once (inbox); a closed account is
forgotten (the survey contacts).

Facts come in batches (kit.events `handle_events`: one transaction, one inbox insert per batch) and
the batches are applied one at a time in this process, each in delivery order: the log's order is then
exactly the order the read models saw, so a rebuild replays the same history (and no two projections
race on one row)."""

from __future__ import annotations

import eventlet

from contracts.envelope import Envelope
from kit.events import handle_events
from kit.forgetting import ForgetsClosedAccounts
from services.reports import fact_commands

_ONE_AT_A_TIME = eventlet.semaphore.Semaphore()


class FactEntrypoints(ForgetsClosedAccounts):
    def forget_people(self, tx, person_ids: list[str]) -> set[str]:
        fact_commands.forget_people(tx.session, person_ids, self.settings.pseudonym_secret())
        return set()  # no phone numbers are kept here (domain/privacy.py)

    @handle_events("venues", "#")
    def on_venues_fact(self, events: list[Envelope]):
        self._consume(events)

    @handle_events("events", "#")
    def on_events_fact(self, events: list[Envelope]):
        self._consume(events)

    @handle_events("volunteers", "#")
    def on_volunteers_fact(self, events: list[Envelope]):
        self._consume(events)

    def _consume(self, events: list[Envelope]) -> None:
        with _ONE_AT_A_TIME:
            with self.db.transaction() as tx:
                for event in tx.unapplied:
                    fact_commands.record_fact(tx.session, event, self.settings.pseudonym_secret())
