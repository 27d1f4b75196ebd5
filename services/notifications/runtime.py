"""nameko plumbing of the notifications service: its settings and adapters (SMTP, SMS) as a dependency."""

from __future__ import annotations

from urllib.parse import urlsplit

from nameko.extensions import DependencyProvider

from kit.bus import broker_addresses
from kit.settings import get_settings
from services.notifications.sender import Outlets
from services.notifications.settings import NotificationSettings


class Runtime(DependencyProvider):
    """`self.runtime.settings` (NotificationSettings), `.outlets` (SMTP/SMS adapters), `.fault`."""

    def setup(self):
        config = self.container.config
        self.platform = config.get("WENYUN_SETTINGS") or get_settings()
        self.settings = with_platform_hosts(NotificationSettings.from_config(config), self.platform)
        self.outlets = Outlets(self.settings, self.platform.resolved_var_dir())

    @property
    def fault(self) -> str | None:
        return self.platform.fault

    def get_dependency(self, worker_ctx):
        return self


def with_platform_hosts(settings, platform):
    """The platform's own hosts (broker, public address) are never webhook targets."""
    brokers = {urlsplit(address).hostname for address in broker_addresses(platform.amqp_uri)}  # every node
    own = {*brokers, urlsplit(platform.public_base_url).hostname}
    hosts = tuple(dict.fromkeys([*settings.webhook_refused_hosts, *sorted(h for h in own if h)]))
    # Webhook secrets are encrypted with a key derived from the platform secret unless one is set.
    key = settings.webhook_secret_key or platform.signing_key().decode("utf-8", "replace")
    return settings.model_copy(update={"webhook_refused_hosts": hosts, "webhook_secret_key": key})
