import base64
import json
import time
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from services.notifications.domain.webhook_signing import new_secret, signed_headers

BODY = json.dumps(
    {
        "specversion": "1.0",
        "id": "0b1c2d3e-aaaa-bbbb-cccc-000000000001",
        "source": "/wenyun/venues",
        "type": "venue.closed",
        "data": {"venue_name": "嘉平镇文化站", "reason": "设备检修"},
    },
    ensure_ascii=False,
)
MSG_ID = "0b1c2d3e-aaaa-bbbb-cccc-000000000001"


def test_new_secret_format_and_randomness():
    secret = new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 24
    assert len(base64.b64decode(new_secret(32).removeprefix("whsec_"))) == 32
    assert len({new_secret() for _ in range(20)}) == 20
    for bad in (16, 33):
        with pytest.raises(ValueError):
            new_secret(bad)


def test_receiver_accepts_our_signature():
    secret = new_secret()
    headers = signed_headers(secret, MSG_ID, datetime.now(timezone.utc), BODY)
    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert headers["webhook-id"] == MSG_ID
    assert headers["webhook-signature"].startswith("v1,")
    assert Webhook(secret).verify(BODY, headers)["data"]["venue_name"] == "嘉平镇文化站"
    assert Webhook(secret).verify(BODY.encode("utf-8"), headers)  # as bytes off the wire too


def test_tampered_body_wrong_secret_or_id_is_rejected():
    secret = new_secret()
    headers = signed_headers(secret, MSG_ID, time.time(), BODY)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace("设备检修", "停电"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY, {**headers, "webhook-id": "another-id"})


def test_old_timestamps_are_rejected_by_receivers():
    secret = new_secret()
    headers = signed_headers(secret, MSG_ID, time.time() - 3600, BODY)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY, headers)


def test_timestamp_in_any_zone_means_the_same_instant():
    secret = new_secret()
    utc = datetime(2025, 11, 24, 7, 0, 0, tzinfo=timezone.utc)
    shanghai = utc.astimezone(ZoneInfo("Asia/Shanghai"))
    assert signed_headers(secret, MSG_ID, utc, BODY) == signed_headers(secret, MSG_ID, shanghai, BODY)
    assert signed_headers(secret, MSG_ID, utc, BODY) == signed_headers(secret, MSG_ID, utc.timestamp(), BODY)
    assert signed_headers(secret, MSG_ID, utc, BODY)["webhook-timestamp"] == str(int(utc.timestamp()))
    # a live Shanghai-time signature verifies (the library alone would sign it 8 h off)
    now_shanghai = datetime.now(ZoneInfo("Asia/Shanghai"))
    assert Webhook(secret).verify(BODY, signed_headers(secret, MSG_ID, now_shanghai, BODY))


def test_rotation_signs_with_both_secrets():
    old, new = new_secret(), new_secret()
    headers = signed_headers(new, MSG_ID, time.time(), BODY, also_sign_with=[old])
    assert len(headers["webhook-signature"].split(" ")) == 2
    assert Webhook(old).verify(BODY, headers) and Webhook(new).verify(BODY, headers)


def test_empty_msg_id_is_refused():
    with pytest.raises(ValueError):
        signed_headers(new_secret(), "", time.time(), BODY)
