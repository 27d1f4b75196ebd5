"""Settings of the volunteers service (environment variables WENYUN_VOLUNTEERS_*, kit.service_settings),
and the dependency that hands them, with the platform settings and the link-signing key, to every worker.

Tests pass their own `VolunteersSettings` in the nameko config under `VOLUNTEERS_SETTINGS`.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from nameko.extensions import DependencyProvider

from kit.service_settings import ServiceSettings, service_settings_config
from kit.settings import PlatformSettings, get_settings


class VolunteersSettings(ServiceSettings):
    model_config = service_settings_config("volunteers")

    # How long a volunteer has to answer an offer.
    offer_response_seconds: float = 24 * 3600
    # A reminder (dispatch.offered with reminder=true) goes out this long before the deadline, once.
    reminder_lead_seconds: float = 4 * 3600
    # Nobody new is asked, and every answer is due, this long before the event starts.
    answers_close_before_start_seconds: float = 2 * 3600
    # How often the dispatch timer looks for offers past their deadline or due a reminder.
    tick_seconds: float = 30.0
    # Fair share: the service hours of the last N days count in ranking (fewer first).
    fair_share_days: int = 90
    # How many ranked candidates per role are kept for a dispatch (the rest are never asked).
    ranking_depth: int = 500
    travel_speed_kmh: float = 30.0
    distance_band_km: float = 5.0
    # Star levels (星级): cumulative hours for 1..5 stars (the national scale by default).
    star_thresholds: tuple[float, ...] = (100, 300, 600, 1000, 1500)


@dataclass(frozen=True)
class ServiceSettings:
    platform: PlatformSettings
    volunteers: VolunteersSettings
    link_key: bytes

    @property
    def public_base_url(self) -> str:
        return self.platform.public_base_url.rstrip("/")


def link_key(signing_key: bytes) -> bytes:
    """The key of accept/decline links: derived from the platform's signing key (settings.signing_key()),
    so a link signature can never be mistaken for a bearer token's and any length of secret works."""
    return hmac.new(signing_key, b"wenyun.volunteers.offer-links", hashlib.sha256).digest()


def settings_from_config(config: dict) -> ServiceSettings:
    platform = config.get("WENYUN_SETTINGS") or get_settings()
    volunteers = VolunteersSettings.from_config(config)
    return ServiceSettings(platform, volunteers, link_key(platform.signing_key()))


class Settings(DependencyProvider):
    """`self.settings` in a worker: a `ServiceSettings`."""

    def setup(self):
        self.value = settings_from_config(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.value
