"""The SMS-code rules: 6 digits, 5 minutes, single use, 5 wrong tries, 1 send per 60 s and 10 per 24 h."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from services.accounts.domain import phones, sms_codes

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=timezone.utc)


def test_codes_are_six_digits_and_hashed_with_a_key():
    codes = {sms_codes.new_code() for _ in range(200)}
    assert all(len(c) == 6 and c.isdigit() for c in codes) and len(codes) > 150
    assert sms_codes.keyed_hash(b"k1", "13800138000", "123456") != sms_codes.keyed_hash(b"k2", "13800138000", "123456")


def test_one_send_a_minute_and_ten_a_day():
    assert sms_codes.may_send([], NOW) == sms_codes.SendDecision(True, 60)
    too_soon = sms_codes.may_send([NOW - timedelta(seconds=20)], NOW)
    assert not too_soon.allowed and too_soon.retry_after == 40 and too_soon.reason == "too_soon"
    assert sms_codes.may_send([NOW - timedelta(seconds=61)], NOW).allowed
    day = [NOW - timedelta(hours=h) for h in range(1, 11)]  # ten in the last 24 hours
    full = sms_codes.may_send(day, NOW)
    assert not full.allowed and full.reason == "daily_limit" and full.retry_after == 14 * 3600
    assert sms_codes.may_send(day[:-1] + [NOW - timedelta(hours=25)], NOW).allowed


def state(**changes):
    values = dict(code_hash="h", expires_at=NOW + timedelta(minutes=5), wrong_tries=0, used=False) | changes
    return sms_codes.CodeState(**values)


@pytest.mark.parametrize(
    "code_state, given, verdict",
    [
        (None, "h", "no_code"),
        (state(), "h", "ok"),
        (state(), "x", "wrong"),
        (state(used=True), "h", "used"),
        (state(expires_at=NOW), "h", "expired"),
        (state(wrong_tries=4), "h", "ok"),
        (state(wrong_tries=5), "h", "locked"),
    ],
)
def test_checking_a_code(code_state, given, verdict):
    assert sms_codes.check(code_state, given, NOW) == verdict


def test_phone_numbers_one_spelling_and_masked():
    assert {phones.normalise(p) for p in ("13800138000", "+86 138 0013 8000", "8613800138000")} == {"13800138000"}
    assert phones.masked("13800138000") == "138****8000"
    with pytest.raises(phones.NotAMobileNumber):
        phones.normalise("12345")


def test_the_code_stands_alone_in_the_text():
    import re

    assert re.search(r"\b(\d{6})\b", sms_codes.message_text("012345")).group(1) == "012345"
