"""The lending register next to the asset ledger: lend, renew, return, the overdue list; a timer reports
loans that fell overdue (each once)."""

from __future__ import annotations

from types import SimpleNamespace

from nameko.timer import timer

from contracts.errors import Unprocessable
from contracts.lending import LoanCreate, LoanRenew
from kit.boundary import actor_from, model_or_422
from kit.rpc import rpc
from services.venues import lending_commands as commands
from services.venues import queries
from services.venues.access import require_manager

OVERDUE_CHECK_SECONDS = 600  # overdue is a matter of days; the overdue list also reports at once


class LendingEntrypoints:
    @rpc
    def lend_item(self, actor: dict, venue_id: str, loan: dict) -> dict:
        actor = actor_from(actor)
        data = model_or_422(LoanCreate, loan, "loan")
        with self.db.transaction() as tx:
            venue = queries.venue_or_404(tx.session, venue_id)
            require_manager(actor, venue.id, venue.name)
            return commands.lend(tx, actor.sub, venue, data)

    @rpc
    def renew_loan(self, actor: dict, loan_id: str, renewal: dict) -> dict:
        actor = actor_from(actor)
        data = model_or_422(LoanRenew, renewal, "renewal")
        with self.db.transaction() as tx:
            row = commands.loan_row(tx.session, loan_id, for_update=True)
            venue = queries.venue_row(tx.session, row.venue_id)
            require_manager(actor, venue.id, venue.name)
            return commands.renew(tx, row, data)

    @rpc
    def return_loan(self, actor: dict, loan_id: str) -> dict:
        actor = actor_from(actor)
        with self.db.transaction() as tx:
            row = commands.loan_row(tx.session, loan_id, for_update=True)
            venue = queries.venue_row(tx.session, row.venue_id)
            require_manager(actor, venue.id, venue.name)
            return commands.give_back(tx, row)

    @rpc
    def list_loans(self, actor: dict, venue_id: str, status: str | None = None) -> list[dict]:
        """The venue's lending record; status="lent" the items out, status="overdue" the overdue list
        (reporting any newly overdue loan first)."""
        actor = actor_from(actor)
        if status not in (None, "lent", "overdue"):
            raise Unprocessable("status is lent or overdue.", {"field": "status", "value": str(status)})
        with self.db.read() as session:
            venue = queries.venue_or_404(session, venue_id)
            require_manager(actor, venue.id, venue.name)
        if status == "overdue":
            with self.db.transaction() as tx:
                commands.report_overdue(tx, venue_id=venue.id)
        with self.db.read() as session:
            rows = commands.loan_rows(session, venue.id, overdue_only=status == "overdue", open_only=status == "lent")
            return [commands.loan_view(row, SimpleNamespace(number=row.number, name=row.name)) for row in rows]

    @timer(interval=OVERDUE_CHECK_SECONDS)
    def report_overdue_loans(self) -> int:
        with self.db.transaction() as tx:
            return commands.report_overdue(tx)
