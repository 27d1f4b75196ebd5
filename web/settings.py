"""Settings of the web process, read from the environment like every other Wenyun process."""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from kit.settings import get_settings as platform_settings


class WebSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WENYUN_WEB_", extra="ignore")

    port: int = 8080
    # The gateway this app is a client of (its public HTTP API).
    api_url: str = Field("http://localhost:8000", validation_alias=AliasChoices("WENYUN_API_URL", "WENYUN_WEB_API_URL"))
    # Signs the session cookie; by default derived from the platform secret (never the token key itself).
    session_key: str | None = None
    # Send the cookie over HTTPS only (set in production behind TLS).
    secure_cookies: bool = False
    api_timeout: float = 10.0

    def resolved_session_key(self) -> str:
        if self.session_key:
            return self.session_key
        secret = platform_settings().signing_key()
        return hmac.new(secret, b"wenyun-web-session-cookie", hashlib.sha256).hexdigest()


@lru_cache(maxsize=1)
def get_web_settings() -> WebSettings:
    return WebSettings()
