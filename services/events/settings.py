"""Settings of the events service: environment variables WENYUN_EVENTS_* (kit.service_settings)."""

from __future__ import annotations

from kit.service_settings import ServiceSettings, service_settings_config


class EventsSettings(ServiceSettings):
    model_config = service_settings_config("events")

    # How often the timer looks for events whose kept-back places are due for release (seconds).
    release_interval: float = 5.0
    # Time allowed to the venues service to answer hold/move/release/get_room (seconds).
    venues_timeout: float = 5.0
    # Offerings ordered fewer times than this stand out in the menu demand report.
    rarely_ordered_threshold: int = 2
