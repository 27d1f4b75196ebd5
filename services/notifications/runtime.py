"""nameko plumbing of the notifications service: its settings and adapters as a dependency, a timer
whose interval comes from the settings, and contract validation that answers 422 instead of 500."""
from __future__ import annotations

from typing import Any, TypeVar
from urllib.parse import urlsplit

from nameko.extensions import DependencyProvider
from nameko.timer import Timer
from pydantic import BaseModel, ValidationError

from contracts.errors import NotFound, Unprocessable
from kit.settings import get_settings
from services.notifications.sender import Outlets
from services.notifications.settings import notification_settings

M = TypeVar("M", bound=BaseModel)


class Runtime(DependencyProvider):
    """`self.runtime.settings` (NotificationSettings), `.outlets` (SMTP/SMS adapters), `.fault`."""

    def setup(self):
        config = self.container.config
        self.platform = config.get("WENYUN_SETTINGS") or get_settings()
        self.settings = with_platform_hosts(notification_settings(config), self.platform)
        self.outlets = Outlets(self.settings, self.platform.resolved_var_dir())

    @property
    def fault(self) -> str | None:
        return self.platform.fault

    def get_dependency(self, worker_ctx):
        return self


def with_platform_hosts(settings, platform):
    """The platform's own hosts (broker, public address) are never webhook targets."""
    own = {urlsplit(platform.amqp_uri).hostname, urlsplit(platform.public_base_url).hostname}
    hosts = tuple(dict.fromkeys([*settings.webhook_refused_hosts, *sorted(h for h in own if h)]))
    # Webhook secrets are encrypted with a key derived from the platform secret unless one is set.
    key = settings.webhook_secret_key or platform.signing_key().decode("utf-8", "replace")
    return settings.model_copy(update={"webhook_refused_hosts": hosts, "webhook_secret_key": key})


class SettingsTimer(Timer):
    """`@every("send_interval")`: a nameko timer whose interval is a NotificationSettings field."""

    def __init__(self, setting: str, **kwargs):
        self.setting = setting
        super().__init__(interval=1.0, eager=True, **kwargs)

    def setup(self):
        self.interval = float(getattr(notification_settings(self.container.config), self.setting))


every = SettingsTimer.decorator


def validated(model: type[M], value: Any, what: str = "request") -> M:
    """Validate an RPC argument with its contract model (RPC is a public interface too)."""
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        raise Unprocessable(f"The {what} is not valid.", {"errors": errors}) from None


def identifier(value: Any, name: str, max_length: int = 150, *, optional: bool = False) -> str | None:
    """An id or filter given to an RPC: a non-empty string, not too long, no NUL (PostgreSQL refuses it)."""
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value or len(value) > max_length or "\x00" in value:
        raise Unprocessable(f"{name} must be a text of 1 to {max_length} characters.", {"field": name})
    return value


def bounded(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Unprocessable(f"{name} must be a whole number from {low} to {high}.", {"field": name})
    return value


def one_of(value: Any, name: str, allowed: tuple[str, ...]) -> str | None:
    if value is not None and value not in allowed:
        raise Unprocessable(f"{name} must be one of: {', '.join(allowed)}.", {"field": name, "allowed": list(allowed)})
    return value


def lookup(value: Any, what: str, max_length: int = 64) -> str:
    """An id to look up: one that cannot exist (too long, NUL, not text) is simply not found."""
    if not isinstance(value, str) or not value or len(value) > max_length or "\x00" in value:
        raise NotFound(f"No such {what}.", {"id": value if isinstance(value, str) and len(value) < 200 else None})
    return value
