"""Settings of the venues service: environment variables WENYUN_VENUES_* (kit.service_settings)."""
from __future__ import annotations

from kit.service_settings import ServiceSettings, service_settings_config
from services.venues.domain.compliance import DEFAULT_VILLAGE_WEEKLY_HOURS


class VenuesSettings(ServiceSettings):
    # WENYUN_VILLAGE_WEEKLY_HOURS, the name of earlier releases, still works.
    model_config = service_settings_config("venues", old_prefixes=("WENYUN_",))

    # The village standard of weekly opening hours (seed 001 sets none).
    village_weekly_hours: float = DEFAULT_VILLAGE_WEEKLY_HOURS
