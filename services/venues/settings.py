"""Settings of the venues service: environment variables WENYUN_VENUES_* (kit.service_settings)."""

from __future__ import annotations

from pydantic import Field

from kit.service_settings import ServiceSettings, service_settings_config
from services.venues.domain.compliance import DEFAULT_VILLAGE_WEEKLY_HOURS


class VenuesSettings(ServiceSettings):
    # WENYUN_VILLAGE_WEEKLY_HOURS, the name of earlier releases, still works.
    model_config = service_settings_config("venues", old_prefixes=("WENYUN_",))

    # The village standard of weekly opening hours (seed 001 sets none).
    village_weekly_hours: float = DEFAULT_VILLAGE_WEEKLY_HOURS

    # The no-show ledger (issue 17.6): this many online no-shows within this many days pause online
    # booking for this many days after the last one (WENYUN_VENUES_NO_SHOW_LIMIT and so on).
    no_show_limit: int = Field(3, ge=1)
    no_show_within_days: int = Field(30, ge=1)
    no_show_pause_days: int = Field(14, ge=0)
