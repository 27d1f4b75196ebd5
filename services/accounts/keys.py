"""The keys of the accounts service, as a nameko dependency: `self.keys.signer` signs access tokens
(kit.tokens; its public half is the JWKS) and `self.keys.hashing` keys the hashes of SMS codes,
phone numbers in code rows and refresh tokens."""

from __future__ import annotations

import hashlib
import hmac

from nameko.extensions import DependencyProvider

from kit.settings import get_settings
from kit.tokens import TokenSigner, signer_from


class AccountKeys:
    def __init__(self, signer: TokenSigner, hashing: bytes):
        self.signer = signer
        self.hashing = hashing


class Keys(DependencyProvider):
    def setup(self):
        settings = self.container.config.get("WENYUN_SETTINGS") or get_settings()
        self.keys = AccountKeys(
            signer_from(settings.token_signing_pem()),
            hmac.new(settings.signing_key(), b"wenyun.accounts.hashing-key.v1", hashlib.sha256).digest(),
        )

    def get_dependency(self, worker_ctx):
        return self.keys
