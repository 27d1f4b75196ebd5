"""Settings of the accounts service (environment variables WENYUN_ACCOUNTS_*), beside the platform's own.

Staff sign-in through the district's OpenID Connect provider is on when an issuer is set, e.g. the
reference Keycloak of docker-compose.yml: WENYUN_ACCOUNTS_OIDC_ISSUER=http://keycloak:8080/realms/wenyun,
WENYUN_ACCOUNTS_OIDC_CLIENT_ID=wenyun, WENYUN_ACCOUNTS_OIDC_CLIENT_SECRET=… (infra/keycloak/)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class AccountsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WENYUN_ACCOUNTS_", extra="ignore")

    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_timeout: float = 5.0
    # How long a started provider sign-in may take to come back (seconds).
    oidc_login_seconds: int = 600


def accounts_settings() -> AccountsSettings:
    return AccountsSettings()
