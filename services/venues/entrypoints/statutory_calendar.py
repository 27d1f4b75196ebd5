"""The statutory calendar of a year the library does not know yet: entered by the district
administrator from the State Council's notice, shown with where it disagrees with the library."""

from __future__ import annotations

from contracts.errors import Unprocessable
from contracts.venues import StatutoryYearIn
from kit.boundary import actor_from, model_or_422
from kit.rpc import rpc
from services.venues import statutory_years
from services.venues.access import require_admin
from services.venues.domain.statutory_calendar import StatutoryCalendarError

FIRST_YEAR, LAST_YEAR = 2004, 2100


def _year(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = 0
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Unprocessable(f"The year must be {FIRST_YEAR} to {LAST_YEAR}.", {"field": "year", "value": str(value)})
    return year


class StatutoryCalendarEntrypoints:
    @rpc
    def set_statutory_year(self, actor: dict, year: int, calendar: dict) -> dict:
        """Enter (or replace) a year's holidays and adjusted working days."""
        actor = actor_from(actor)
        require_admin(actor, "enters the statutory holidays")
        year = _year(year)
        data = model_or_422(StatutoryYearIn, calendar, "statutory calendar")
        try:
            entered = statutory_years.entered_from_input(year, data)
        except StatutoryCalendarError as error:
            message = str(error)
            raise Unprocessable(message[:1].upper() + message[1:] + ".", {"year": year}) from error
        with self.db.transaction() as tx:
            statutory_years.store(tx, year, data, entered, actor.sub)
        with self.db.read() as session:
            statutory_years.operator_warnings(session)  # the metric follows at once
            return statutory_years.year_view(session, year)

    @rpc
    def get_statutory_year(self, year: int) -> dict:
        year = _year(year)
        with self.db.read() as session:
            return statutory_years.year_view(session, year)

    @rpc
    def calendar_warnings(self) -> list[str]:
        with self.db.read() as session:
            return statutory_years.operator_warnings(session)
