"""E-mail over SMTP with the standard library.

Local development talks plain SMTP to a loopback server; production can turn on STARTTLS
and login. One message is for one person: the Message-ID comes from the delivery's dedupe
key, so a retried send produces the same Message-ID and a receiving system can drop the copy.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from datetime import datetime, timezone
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

DEFAULT_MESSAGE_ID_DOMAIN = "wenyun.local"


def message_id_for(dedupe_key: str, domain: str = DEFAULT_MESSAGE_ID_DOMAIN) -> str:
    """'<hex@domain>': hashed because a dedupe key may hold characters a Message-ID may not."""
    if not dedupe_key:
        raise ValueError("dedupe_key must not be empty")
    digest = hashlib.sha256(dedupe_key.encode("utf-8")).hexdigest()[:40]
    return f"<{digest}@{domain}>"


def build_email(
    sender: str,
    to: str,
    subject: str,
    body: str,
    dedupe_key: str,
    *,
    date: datetime | None = None,
    message_id_domain: str | None = None,
) -> EmailMessage:
    """A UTF-8 text e-mail. Non-ASCII headers (a Chinese subject, a display name such as
    '文云 <noreply@…>') are encoded per RFC 2047 when the message is serialised; a non-ASCII
    body is sent base64 so it also passes servers without 8BITMIME."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(date or datetime.now(timezone.utc))
    domain = message_id_domain or parseaddr(sender)[1].rpartition("@")[2] or DEFAULT_MESSAGE_ID_DOMAIN
    message["Message-ID"] = message_id_for(dedupe_key, domain)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to notices
    message.set_content(body, charset="utf-8", cte=None if body.isascii() else "base64")
    return message


def send_email(
    host: str,
    port: int,
    message: EmailMessage,
    timeout: float = 10.0,
    *,
    starttls: bool = False,
    username: str | None = None,
    password: str | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> str:
    """Hand `message` to the SMTP server; returns its Message-ID.

    Raises smtplib.SMTPException (or OSError for connection problems) on any failure,
    including a refused recipient, so the caller can retry; with starttls=True a server
    that cannot upgrade the connection raises instead of carrying on in plain text.
    """
    with smtplib.SMTP(host, port, timeout=timeout) as smtp:
        if starttls:
            smtp.starttls(context=ssl_context or ssl.create_default_context())
        if username:
            smtp.login(username, password or "")
        refused = smtp.send_message(message)
        if refused:  # some, not all, recipients refused: still not delivered to everyone
            raise smtplib.SMTPRecipientsRefused(refused)
    return str(message["Message-ID"])
