"""nameko plumbing of the notifications service: its settings and adapters (SMTP, SMS) as a dependency."""
from __future__ import annotations

from nameko.extensions import DependencyProvider

from kit.settings import get_settings
from services.notifications.sender import Outlets
from services.notifications.settings import NotificationSettings


class Runtime(DependencyProvider):
    """`self.runtime.settings` (NotificationSettings), `.outlets` (SMTP/SMS adapters), `.fault`."""

    def setup(self):
        config = self.container.config
        self.platform = config.get("WENYUN_SETTINGS") or get_settings()
        self.settings = NotificationSettings.from_config(config)
        self.outlets = Outlets(self.settings, self.platform.resolved_var_dir())

    @property
    def fault(self) -> str | None:
        return self.platform.fault

    def get_dependency(self, worker_ctx):
        return self
