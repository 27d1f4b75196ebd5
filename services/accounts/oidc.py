"""Staff sign-in through the district's OpenID Connect provider; authlib is the relying party.

Authorisation code flow with PKCE (S256), state and nonce kept in the accounts database between the
two legs; the ID token is verified with the provider's published keys (joserfc, authlib's JOSE). The
person must already have a Wenyun account: the first time, the provider's `preferred_username` (or
`sub`) must equal the account's user name, and the link (issuer + subject) is kept; afterwards the
link alone decides. They land with the roles and scopes their account holds."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import OAuth2Client
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from services.accounts.settings import AccountsSettings

SCOPE = "openid profile"


class ProviderRefused(Exception):
    """The provider's answer could not be trusted or used (bad code, bad ID token, unreachable)."""


@dataclass(frozen=True)
class Start:
    authorization_url: str
    state: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True)
class Identity:
    issuer: str
    subject: str
    username: str | None


class OidcRelyingParty:
    def __init__(self, settings: AccountsSettings, redirect_uri: str):
        self.settings = settings
        self.redirect_uri = redirect_uri
        self._metadata: dict | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.settings.oidc_issuer and self.settings.oidc_client_id)

    def _client(self) -> OAuth2Client:
        return OAuth2Client(
            self.settings.oidc_client_id,
            self.settings.oidc_client_secret,
            scope=SCOPE,
            redirect_uri=self.redirect_uri,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_post",
            timeout=self.settings.oidc_timeout,
        )

    def metadata(self) -> dict:
        if self._metadata is None:
            url = self.settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration"
            try:
                self._metadata = httpx.get(url, timeout=self.settings.oidc_timeout).raise_for_status().json()
            except (httpx.HTTPError, ValueError) as exc:
                raise ProviderRefused(f"discovery failed: {exc.__class__.__name__}") from exc
        return self._metadata

    def start(self) -> Start:
        verifier, nonce = generate_token(48), generate_token(24)
        with self._client() as client:
            url, state = client.create_authorization_url(
                self.metadata()["authorization_endpoint"], code_verifier=verifier, nonce=nonce
            )
        return Start(url, state, nonce, verifier)

    def finish(self, code: str, code_verifier: str, nonce: str) -> Identity:
        metadata = self.metadata()
        try:
            with self._client() as client:
                token = client.fetch_token(
                    metadata["token_endpoint"], grant_type="authorization_code", code=code, code_verifier=code_verifier
                )
                userinfo = {}
                if metadata.get("userinfo_endpoint"):
                    userinfo = client.get(metadata["userinfo_endpoint"]).raise_for_status().json()
            keys = KeySet.import_key_set(
                httpx.get(metadata["jwks_uri"], timeout=self.settings.oidc_timeout).raise_for_status().json()
            )
            id_token = jwt.decode(token["id_token"], keys)
            jwt.JWTClaimsRegistry(
                iss={"essential": True, "value": metadata["issuer"]},
                aud={"essential": True, "value": self.settings.oidc_client_id},
                nonce={"essential": True, "value": nonce},
                sub={"essential": True},
            ).validate(id_token.claims)
        except (AuthlibBaseError, httpx.HTTPError, JoseError, KeyError, ValueError, TypeError) as exc:
            raise ProviderRefused(f"{exc.__class__.__name__}: {str(exc)[:200]}") from exc
        subject = str(id_token.claims["sub"])
        if userinfo and str(userinfo.get("sub")) != subject:
            raise ProviderRefused("the userinfo belongs to another subject")
        username = id_token.claims.get("preferred_username") or userinfo.get("preferred_username")
        return Identity(metadata["issuer"], subject, username)
