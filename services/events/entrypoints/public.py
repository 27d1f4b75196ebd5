"""What anyone may read: the notice board, the calendar feeds, festival dates."""

from __future__ import annotations

from kit.boundary import domain_errors
from kit.rpc import rpc
from kit.settings import get_settings
from services.events import queries
from services.events.domain import festivals


class PublicEntrypoints:
    @rpc
    def notice_board(
        self,
        venue_id: str | None = None,
        town: str | None = None,
        village: str | None = None,
    ) -> dict:
        with self.db.read() as session:
            return queries.notice_board_view(session, venue_id=venue_id, town=town, village=village)

    @rpc
    def calendar_feed(self, scope: str, key: str) -> str:
        """RFC 5545 text of the feed of a venue, town or village."""
        settings = self.config.get("WENYUN_SETTINGS") or get_settings()
        with self.db.read() as session:
            return queries.calendar_ics(session, scope, key, settings.event_page_url)

    @rpc
    def festival_days(self, year: int) -> list:
        """The festivals of a year with their dates (lunar ones computed) and seasons."""
        with domain_errors():
            seasons = sorted(
                (festivals.festival_season(f, year) for f in festivals.Festival),
                key=lambda s: s.festival_day,
            )
        return [
            {
                "festival": s.festival.value,
                "day": s.festival_day.isoformat(),
                "season_first_day": s.first_day.isoformat(),
                "season_last_day": s.last_day.isoformat(),
            }
            for s in seasons
        ]
