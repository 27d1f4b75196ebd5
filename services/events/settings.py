"""Settings of the events service (environment variables WENYUN_EVENTS_*), beside the platform's own."""
from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class EventsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WENYUN_EVENTS_", extra="ignore")

    # How often the timer looks for events whose kept-back places are due for release (seconds).
    release_interval: float = 5.0
    # Time allowed to the venues service to answer hold/move/release/get_room (seconds).
    venues_timeout: float = 5.0
    # Offerings ordered fewer times than this stand out in the menu demand report.
    rarely_ordered_threshold: int = 2


SETTINGS = EventsSettings()
