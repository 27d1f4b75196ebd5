"""Against a real SMTP server (aiosmtpd) on loopback: what arrives is what we meant."""

import email
import smtplib
import socket
from datetime import datetime, timezone
from email import policy

import pytest
from aiosmtpd.controller import Controller

from services.notifications.channels.email_smtp import build_email, message_id_for, send_email
from services.notifications.domain.delivery_policy import dedupe_key

SUBJECT = "活动取消：「重阳节文艺汇演」"
BODY = "很抱歉，您预约的「重阳节文艺汇演」（11月24日 15:00-17:00）已取消。\n原因：设备检修。\n给您带来不便，敬请谅解。"
KEY = dedupe_key("0b1c2d3e-aaaa-bbbb-cccc-000000000001", "p-42", "email")


class CollectingHandler:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    handler = CollectingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), ready_timeout=5)
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


def test_chinese_subject_and_body_arrive_intact(smtp_server):
    controller, handler = smtp_server
    message = build_email("文云 <noreply@wenyun.example.cn>", "li.hua@example.cn", SUBJECT, BODY, KEY)

    message_id = send_email(controller.hostname, controller.port, message, timeout=5)

    [envelope] = handler.envelopes
    assert envelope.mail_from == "noreply@wenyun.example.cn"
    assert envelope.rcpt_tos == ["li.hua@example.cn"]
    raw = envelope.original_content or envelope.content
    assert raw.isascii()  # RFC 2047 headers and a base64 body: safe for any relay
    assert b"=?utf-8?" in raw.lower()
    received = email.message_from_bytes(raw, policy=policy.default)
    assert received["Subject"] == SUBJECT
    assert received["From"].addresses[0].display_name == "文云"
    assert received.get_content_charset() == "utf-8"
    assert received.get_content().replace("\r\n", "\n").rstrip("\n") == BODY
    assert received["Message-ID"] == message_id == message_id_for(KEY, "wenyun.example.cn")
    assert received["Auto-Submitted"] == "auto-generated"


def test_message_id_follows_the_dedupe_key():
    first = build_email("noreply@wenyun.example.cn", "a@example.cn", "s", "b", KEY)
    again = build_email("noreply@wenyun.example.cn", "a@example.cn", "s", "b", KEY)
    other = build_email("noreply@wenyun.example.cn", "a@example.cn", "s", "b", KEY.replace("email", "sms"))
    assert first["Message-ID"] == again["Message-ID"] != other["Message-ID"]
    assert first["Message-ID"].startswith("<") and first["Message-ID"].endswith("@wenyun.example.cn>")


def test_ascii_body_stays_readable_and_date_is_set():
    sent_at = datetime(2025, 11, 24, 7, 0, tzinfo=timezone.utc)
    message = build_email("noreply@x.cn", "a@x.cn", "Cancelled", "Sorry, it is cancelled.", KEY, date=sent_at)
    assert message["Content-Transfer-Encoding"] == "7bit"
    assert message["Date"] == "Mon, 24 Nov 2025 07:00:00 +0000"


def test_starttls_required_but_not_offered_fails_instead_of_sending_in_clear(smtp_server):
    controller, handler = smtp_server
    message = build_email("noreply@x.cn", "a@x.cn", SUBJECT, BODY, KEY)
    with pytest.raises(smtplib.SMTPNotSupportedError):
        send_email(controller.hostname, controller.port, message, timeout=5, starttls=True)
    assert handler.envelopes == []


def test_unreachable_server_raises():
    message = build_email("noreply@x.cn", "a@x.cn", SUBJECT, BODY, KEY)
    with pytest.raises(OSError):
        send_email("127.0.0.1", free_port(), message, timeout=2)


def test_a_skipped_email_is_logged_by_recipient_id_not_address(caplog):
    import logging

    from services.notifications.sender import _send_email
    from services.notifications.settings import NotificationSettings

    job = {
        "dedupe_key": "evt:p-1:email",
        "recipient": "p-1",
        "address": "someone@example.cn",
        "subject": "s",
        "body": "b",
    }
    with caplog.at_level(logging.INFO, logger="services.notifications.sender"):
        outcome = _send_email(NotificationSettings(smtp_host=None), job)
    assert outcome.status == "skipped" and "p-1" in caplog.text
    assert "someone@example.cn" not in caplog.text
