"""Webhook signing secrets at rest: encrypted (AES-256-GCM) with a key from the settings, so a copy of
the database (a backup, a replica, an export) does not let anyone forge deliveries.

The key is NOTIFICATIONS_WEBHOOK_SECRET_KEY or, when unset, derived from the platform secret
(WENYUN_SECRET_KEY). A stored value is `enc1:<base64url(nonce ‖ ciphertext)>`; a value without that
prefix is a secret stored before encryption and is read as it is.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "enc1:"
_LABEL = b"wenyun.notifications.webhook-secrets.v1"


class SecretBox:
    def __init__(self, key_material: bytes):
        self._aead = AESGCM(hmac.new(key_material, _LABEL, hashlib.sha256).digest())

    def seal(self, secret: str) -> str:
        nonce = os.urandom(12)
        sealed = nonce + self._aead.encrypt(nonce, secret.encode("utf-8"), _LABEL)
        return PREFIX + base64.urlsafe_b64encode(sealed).decode("ascii").rstrip("=")

    def open(self, stored: str) -> str:
        if not stored.startswith(PREFIX):
            return stored  # stored before encryption
        raw = base64.urlsafe_b64decode(stored[len(PREFIX) :] + "=" * (-len(stored) % 4))
        return self._aead.decrypt(raw[:12], raw[12:], _LABEL).decode("utf-8")
