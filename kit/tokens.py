"""Access tokens: JWTs signed EdDSA (Ed25519) by the accounts service, verified with public keys only.

    signer = signer_from(settings.token_signing_pem())      # accounts and `wenyun token`
    token = signer.sign(sub=..., role=..., scopes=[...], sid=..., ttl_seconds=900)
    keys = KeySet(signer.jwks())                             # the gateway, from accounts' JWKS
    claims = keys.verify(token)

The private key is WENYUN_TOKEN_SIGNING_KEY (a PEM) or, when that is unset, derived from the
platform secret (WENYUN_SECRET_KEY or var/secret.key): a development machine and the tests need no
set-up, and `wenyun token` signs with the very key accounts uses. A key's id (`kid`) is its RFC 7638
thumbprint, so a rotated key is told apart without any bookkeeping.
"""

from __future__ import annotations

import base64
import copy
import functools
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "EdDSA"
VERIFIED_TOKENS_KEPT = 8192  # per key set (kit.tokens.KeySet)
ISSUER = "wenyun"
AUDIENCE = "wenyun"
ACCESS_TOKEN_SECONDS = 15 * 60
ROLES = ("admin", "venue_manager", "organiser", "volunteer", "subscriber", "resident")
# A service's own identity on the bus (kit.callers): never a person, so never accepted as one.
SERVICE_ROLE = "service"
SERVICE_PREFIX = "service:"
SERVICE_TOKEN_SECONDS = 60
_DERIVATION_LABEL = b"wenyun.accounts.access-token-signing-key.v1"


class InvalidToken(Exception):
    """Expired, malformed, wrongly signed, or for another audience."""


class UnknownSigningKey(InvalidToken):
    """Signed with a key id this key set does not hold (yet): fetch the published keys again."""

    def __init__(self, kid: str | None):
        super().__init__(f"unknown signing key {kid!r}")
        self.kid = kid


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def public_jwk(public_key: Ed25519PublicKey) -> dict:
    x = _b64url(public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
    # RFC 7638: the thumbprint of the required members, sorted, without white space.
    thumbprint = hashlib.sha256(
        json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":"), sort_keys=True).encode()
    ).digest()
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": _b64url(thumbprint), "alg": ALGORITHM, "use": "sig"}


@dataclass(frozen=True)
class TokenSigner:
    private_key: Ed25519PrivateKey

    @property
    def kid(self) -> str:
        return self.public_jwk()["kid"]

    def public_jwk(self) -> dict:
        return public_jwk(self.private_key.public_key())

    def jwks(self) -> dict:
        return {"keys": [self.public_jwk()]}

    def sign(
        self,
        *,
        sub: str,
        role: str,
        scopes: list[str] | None = None,
        name: str | None = None,
        sid: str | None = None,
        ttl_seconds: int = ACCESS_TOKEN_SECONDS,
        now: int | None = None,
    ) -> str:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
        issued = int(now if now is not None else time.time())
        claims = {
            "sub": sub,
            "role": role,
            "scopes": list(scopes or []),
            "iat": issued,
            "exp": issued + ttl_seconds,
            "iss": ISSUER,
            "aud": AUDIENCE,
            "jti": uuid.uuid4().hex,
        }
        if name:
            claims["name"] = name
        if sid:
            claims["sid"] = sid
        return self._encode(claims)

    def sign_service(self, service: str, *, ttl_seconds: int = SERVICE_TOKEN_SECONDS) -> str:
        """A short-lived token naming a service (sub "service:<name>", role "service") for its calls."""
        issued = int(time.time())
        claims = {
            "sub": f"{SERVICE_PREFIX}{service}",
            "role": SERVICE_ROLE,
            "scopes": [],
            "iat": issued,
            "exp": issued + ttl_seconds,
            "iss": ISSUER,
            "aud": AUDIENCE,
            "jti": uuid.uuid4().hex,
        }
        return self._encode(claims)

    def _encode(self, claims: dict) -> str:
        return jwt.encode(claims, self.private_key, algorithm=ALGORITHM, headers={"kid": self.kid})


def signer_from(key_material: bytes) -> TokenSigner:
    """A PEM private key as it is; any other bytes are a secret the key is derived from (HMAC-SHA256)."""
    if key_material.lstrip().startswith(b"-----BEGIN"):
        key = serialization.load_pem_private_key(key_material, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(
                "WENYUN_TOKEN_SIGNING_KEY must be an Ed25519 private key (openssl genpkey -algorithm ed25519)"
            )
        return TokenSigner(key)
    seed = hmac.new(key_material, _DERIVATION_LABEL, hashlib.sha256).digest()
    return TokenSigner(Ed25519PrivateKey.from_private_bytes(seed))


class KeySet:
    """Verifies access tokens with the public keys of a JWKS (no secret)."""

    def __init__(self, jwks: dict | None = None):
        self._keys: dict[str, jwt.PyJWK] = {}
        for jwk in (jwks or {}).get("keys", []):
            key = jwt.PyJWK(jwk, algorithm=ALGORITHM)
            self._keys[str(jwk.get("kid") or key.key_id)] = key
        # A person sends the same token for 15 minutes, and the gateway and then the service verify it on
        # every request (a write twice: kit.rpc's stored answers, then actor_from): an Ed25519 check is
        # ~0.2 ms (~2 ms on a loaded machine), a look-up here is not. Only tokens that verified are kept
        # (an error is never cached), and a kept token is still refused once it expires. Service tokens
        # are minted per call: nothing to keep.
        self._remembered = functools.lru_cache(maxsize=VERIFIED_TOKENS_KEPT)(self._decode)

    def __bool__(self) -> bool:
        return bool(self._keys)

    def verify(self, token: str) -> dict:
        """The claims of a person's access token (a service's token is refused here)."""
        claims = self._verified(token, remember=True)
        if claims.get("role") not in ROLES or not isinstance(claims.get("scopes", []), list):
            raise InvalidToken("the token carries no known role")
        return claims

    def verify_service(self, token: str) -> str:
        """The name of the service a service token names (a person's token is refused here)."""
        claims = self._verified(token, remember=False)
        sub = claims.get("sub")
        if claims.get("role") != SERVICE_ROLE or not isinstance(sub, str) or not sub.startswith(SERVICE_PREFIX):
            raise InvalidToken("not a service token")
        return sub.removeprefix(SERVICE_PREFIX)

    def _verified(self, token: str, *, remember: bool) -> dict:
        if not isinstance(token, str):
            raise InvalidToken("the token is not a text")
        if not remember:
            return self._decode(token)
        claims = self._remembered(token)
        if claims["exp"] <= time.time():
            raise InvalidToken("Signature has expired")
        return copy.deepcopy(claims)  # the caller may change its copy, never the kept one

    def _decode(self, token: str) -> dict:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError as exc:
            raise InvalidToken(str(exc)) from exc
        key = self._keys.get(kid) if kid else None
        if key is None:
            raise UnknownSigningKey(kid)
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=ISSUER,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(str(exc)) from exc
        return claims
