"""Staff passwords as argon2id hashes (argon2-cffi), and TOTP (pyotp).

Parameters: OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane); hashes made with other parameters
are re-hashed at the next sign-in. Hashing runs in a native thread (eventlet.tpool; the C code releases
the GIL), so a sign-in does not stall the service's other requests for its ~0.1 s of CPU.
"""

from __future__ import annotations

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from eventlet import tpool

_HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
# Verified when the user name is unknown, so that a wrong name takes as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("wenyun: no such account")


def hash_password(password: str) -> str:
    return tpool.execute(_HASHER.hash, password)


def password_matches(stored_hash: str | None, password: str) -> bool:
    try:
        return tpool.execute(_HASHER.verify, stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _HASHER.check_needs_rehash(stored_hash)


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name="文云 Wenyun")


def totp_matches(secret: str, code: str | None) -> bool:
    return bool(code) and pyotp.TOTP(secret).verify(code, valid_window=1)
