"""Settings of the reports service: environment variables WENYUN_REPORTS_* (kit.service_settings)."""

from __future__ import annotations

import hashlib
import hmac

from pydantic import SecretStr

from kit.service_settings import ServiceSettings, service_settings_config
from kit.settings import get_settings


class ReportsSettings(ServiceSettings):
    model_config = service_settings_config("reports")

    # The key of the person pseudonyms in the fact log (keyed hash). Keep it for as long as the log: a new
    # key makes the same person two people across the change. Default: derived from WENYUN_SECRET_KEY.
    pseudonym_key: SecretStr | None = None

    def pseudonym_secret(self) -> bytes:
        if self.pseudonym_key is not None:
            return self.pseudonym_key.get_secret_value().encode()
        return hmac.new(get_settings().signing_key(), b"wenyun.reports.pseudonyms", hashlib.sha256).digest()
