import base64
import re
from datetime import datetime, timedelta, timezone

import pytest

from services.volunteers.domain.offer_links import (
    InvalidOfferToken,
    OfferAction,
    sign_offer_token,
    verify_offer_token,
)

CST = timezone(timedelta(hours=8))
SECRET = b"k" * 32
NOW = datetime(2025, 6, 1, 9, 0, tzinfo=CST)
EXPIRES = NOW + timedelta(hours=48)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def reason_of(token, *, secret=SECRET, now=NOW):
    with pytest.raises(InvalidOfferToken) as info:
        verify_offer_token(secret, token, now)
    assert isinstance(info.value, ValueError)
    return info.value.reason


def test_round_trip_accept_and_decline():
    for action in ("accept", "decline"):
        token = sign_offer_token(SECRET, "evt-1:v3", action, EXPIRES)
        assert verify_offer_token(SECRET, token, NOW) == ("evt-1:v3", OfferAction(action))


def test_token_is_url_safe_and_compact():
    token = sign_offer_token(SECRET, "evt-2025-0607:vol-004211", OfferAction.ACCEPT, EXPIRES)
    assert re.fullmatch(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+", token)
    assert len(token) < 80


def test_offer_ids_with_dots_and_chinese_survive():
    token = sign_offer_token(SECRET, "活动.7:v.1", "decline", EXPIRES)
    assert verify_offer_token(SECRET, token, NOW) == ("活动.7:v.1", OfferAction.DECLINE)


def test_tampered_payload_is_a_bad_signature():
    token = sign_offer_token(SECRET, "evt-1:v3", "decline", EXPIRES)
    payload, tag = token.split(".")
    forged = unb64(payload).replace(b".d.", b".a.")  # turn a decline link into an accept link
    assert reason_of(f"{b64(forged)}.{tag}") == "bad_signature"
    other_offer = unb64(payload).replace(b"v3", b"v4")
    assert reason_of(f"{b64(other_offer)}.{tag}") == "bad_signature"


def test_tampered_signature_or_wrong_key_is_a_bad_signature():
    token = sign_offer_token(SECRET, "evt-1:v3", "accept", EXPIRES)
    payload, tag = token.split(".")
    flipped = bytearray(unb64(tag))
    flipped[0] ^= 1
    assert reason_of(f"{payload}.{b64(bytes(flipped))}") == "bad_signature"
    assert reason_of(token, secret=b"x" * 32) == "bad_signature"


def test_expired_at_the_expiry_moment():
    token = sign_offer_token(SECRET, "evt-1:v3", "accept", EXPIRES)
    assert verify_offer_token(SECRET, token, EXPIRES - timedelta(seconds=1))[0] == "evt-1:v3"
    assert reason_of(token, now=EXPIRES) == "expired"
    assert reason_of(token, now=EXPIRES + timedelta(days=3)) == "expired"


def test_extending_the_expiry_breaks_the_signature():
    token = sign_offer_token(SECRET, "evt-1:v3", "accept", NOW - timedelta(hours=1))
    payload, tag = token.split(".")
    version, action, _, offer = unb64(payload).decode().split(".", 3)
    later = f"{version}.{action}.zzzzzzz.{offer}".encode()
    assert reason_of(f"{b64(later)}.{tag}") == "bad_signature"


@pytest.mark.parametrize(
    "token",
    ["", "abc", "a.b.c", "!!!.???", "YWJj.", ".YWJj", "YWJj.YWJj", "YWJj==.YWJjYWJjYWJjYWJjYWJjYQ", "路.径"],
)
def test_malformed_tokens(token):
    assert reason_of(token) == "malformed"


def test_padding_or_whitespace_is_malformed_not_accepted():
    token = sign_offer_token(SECRET, "evt-1:v3", "accept", EXPIRES)
    payload, tag = token.split(".")
    assert reason_of(f"{payload}=.{tag}") == "malformed"
    assert reason_of(f" {token}") == "malformed"


def test_key_rotation_accepts_the_previous_secret():
    old, new = b"o" * 32, b"n" * 32
    token = sign_offer_token(old, "evt-1:v3", "accept", EXPIRES)
    assert verify_offer_token([new, old], token, NOW) == ("evt-1:v3", OfferAction.ACCEPT)
    assert reason_of(token, secret=[new]) == "bad_signature"


def test_misuse_is_a_programming_error():
    with pytest.raises(ValueError, match="timezone-aware"):
        sign_offer_token(SECRET, "o", "accept", datetime(2025, 6, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        verify_offer_token(SECRET, sign_offer_token(SECRET, "o", "accept", EXPIRES), datetime(2025, 6, 1))
    with pytest.raises(ValueError, match="at least 16 bytes"):
        sign_offer_token(b"short", "o", "accept", EXPIRES)
    with pytest.raises(ValueError):
        sign_offer_token(SECRET, "o", "maybe", EXPIRES)
    with pytest.raises(ValueError):
        sign_offer_token(SECRET, "", "accept", EXPIRES)
