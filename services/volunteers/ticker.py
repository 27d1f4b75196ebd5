"""nameko's timer entrypoint with its interval taken from the service settings at start-up
(`WENYUN_VOLUNTEERS_TICK_SECONDS`), so tests can run the dispatch clock every second."""
from __future__ import annotations

from nameko.timer import Timer

from services.volunteers.settings import VolunteersSettings


class SettingsTimer(Timer):
    def __init__(self, **kwargs):
        super().__init__(interval=30.0, **kwargs)

    def setup(self):
        settings = self.container.config.get("VOLUNTEERS_SETTINGS") or VolunteersSettings()
        self.interval = settings.tick_seconds


tick = SettingsTimer.decorator
