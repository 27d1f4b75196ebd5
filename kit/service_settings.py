"""One settings pattern for every service: a pydantic-settings class per service whose variables are
`WENYUN_<SERVICE>_<FIELD>`, handed to workers by one dependency and to timers by one decorator.

    class EventsSettings(ServiceSettings):
        model_config = service_settings_config("events")
        release_interval: float = 5.0

    class EventsService:
        settings = SettingsDependency(EventsSettings)     # self.settings in a worker

        @every(EventsSettings, "release_interval")         # a timer whose interval is a setting
        def release_due(self): ...

Tests hand their own instance to a container in the nameko config under `<SERVICE>_SETTINGS`
(e.g. `EVENTS_SETTINGS`). Variables of older releases keep working as aliases (`old_prefixes`, `bare`).
"""

from __future__ import annotations

from typing import Any

from nameko.extensions import DependencyProvider
from nameko.timer import Timer
from pydantic import AliasChoices, AliasGenerator
from pydantic_settings import BaseSettings, SettingsConfigDict


def env_prefix(service: str) -> str:
    return f"WENYUN_{service.upper()}_"


def service_settings_config(
    service: str, *, old_prefixes: tuple[str, ...] = (), bare: tuple[str, ...] = ()
) -> SettingsConfigDict:
    """Variables WENYUN_<SERVICE>_<FIELD>; also <OLD_PREFIX><FIELD>, and <FIELD> alone for fields in `bare`."""
    prefixes = (env_prefix(service), *old_prefixes)

    def names(field: str) -> AliasChoices:
        return AliasChoices(*(f"{p}{field}".upper() for p in prefixes), *((field.upper(),) if field in bare else ()))

    return SettingsConfigDict(
        env_prefix=env_prefix(service),
        extra="ignore",
        populate_by_name=True,
        alias_generator=AliasGenerator(validation_alias=names),
    )


class ServiceSettings(BaseSettings):
    """Base of a service's own settings (beside the platform's, kit.settings.PlatformSettings)."""

    @classmethod
    def config_key(cls) -> str:
        """Where a test puts its own instance in the nameko config, e.g. EVENTS_SETTINGS."""
        return f"{cls.model_config['env_prefix'].removeprefix('WENYUN_')}SETTINGS"

    @classmethod
    def from_config(cls, config: dict[str, Any]):
        return config.get(cls.config_key()) or cls()


class SettingsDependency(DependencyProvider):
    """`self.<attribute>` in a worker: the service's settings (from the nameko config, else the environment)."""

    def __init__(self, settings_cls: type[ServiceSettings]):
        self.settings_cls = settings_cls

    def setup(self):
        self.value = self.settings_cls.from_config(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.value


class SettingsTimer(Timer):
    """A nameko timer whose interval (seconds) is a field of the service's settings."""

    def __init__(self, settings_cls: type[ServiceSettings], field: str, eager: bool = False, **kwargs):
        self.settings_cls, self.field = settings_cls, field
        super().__init__(interval=1.0, eager=eager, **kwargs)

    def setup(self):
        self.interval = float(getattr(self.settings_cls.from_config(self.container.config), self.field))


every = SettingsTimer.decorator
