"""SMS behind one small interface, and the development provider that writes to a file.

A real provider plugs in as another class with the same `send(phone, text, dedupe_key)`:
- Aliyun SMS (dysmsapi `SendSms`) or Tencent Cloud SMS (`SendSms`) only send *approved
  templates*: the adapter maps our text to a template code plus parameters (or uses one
  generic approved template whose single parameter is the text), passes the registered
  signature (SignName), the phone number, and the dedupe key as the caller's reference
  (Aliyun `OutId`, Tencent `SessionContext`) so delivery receipts can be matched back;
- it returns the provider's id (Aliyun `BizId`, Tencent `SerialNo`) and raises on refusal,
  so the caller retries or records the failure.
Settings (keys, sign name, templates) come from the service settings, never from code.
The notifications service keeps one delivery row per dedupe key, so a provider is never
asked twice for the same message; the dev provider is idempotent on the key as well.

Length: carriers bill 70 characters for a single message; longer text goes as a
concatenated message of 67-character parts (the rest of each part carries the joining
header). The signature the provider adds counts towards the length.
"""

from __future__ import annotations

import json
import os
import re
import threading
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

try:  # serialise writers from several dev processes sharing one file (POSIX only)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

SINGLE_SEGMENT_CHARS = 70
MULTIPART_SEGMENT_CHARS = 67
DEFAULT_SIGNATURE = "【文云】"


class SmsProvider(Protocol):
    def send(self, phone: str, text: str, dedupe_key: str, *, kind: str | None = None, maybe_sent: bool = False) -> str:
        """Send `text` to `phone`; return the provider's message id. Raise on failure. `kind` is the
        message kind (a fact's type: the provider's template); `maybe_sent` says an earlier hand-over of
        this dedupe key may have gone out (the provider must not send it twice)."""
        ...


class InvalidPhoneNumber(ValueError):
    pass


def normalize_phone(phone: str) -> str:
    """'+8613812345678' for a mainland mobile in any usual spelling; other numbers must be
    international ('+' and 8–15 digits). Anything else is refused before it costs money."""
    compact = re.sub(r"[\s\-()]", "", phone or "")
    mainland = re.fullmatch(r"(?:\+86|0086|86)?(1[3-9]\d{9})", compact)
    if mainland:
        return "+86" + mainland.group(1)
    if re.fullmatch(r"\+[1-9]\d{7,14}", compact):
        return compact
    raise InvalidPhoneNumber(f"not a usable mobile number: {phone!r}")


def sms_length(text: str) -> int:
    """Length as carriers count it: UCS-2 units, so an emoji outside the BMP counts twice."""
    return len(text.encode("utf-16-le")) // 2


def split_sms(text: str) -> list[str]:
    """The parts a carrier sends: one part up to 70 characters, else parts of 67."""
    if sms_length(text) <= SINGLE_SEGMENT_CHARS:
        return [text] if text else []
    parts: list[str] = []
    current, current_len = [], 0
    for char in text:  # never split a surrogate pair
        char_len = sms_length(char)
        if current_len + char_len > MULTIPART_SEGMENT_CHARS:
            parts.append("".join(current))
            current, current_len = [], 0
        current.append(char)
        current_len += char_len
    parts.append("".join(current))
    return parts


def segment_count(text: str) -> int:
    return len(split_sms(text))


@dataclass(frozen=True)
class SentSms:
    provider_message_id: str
    phone: str  # normalised, e.g. '+8613812345678'
    text: str  # as handed to the provider, without the signature
    signature: str
    segments: int  # billed parts, signature included
    dedupe_key: str
    sent_at: str  # ISO-8601, UTC

    @property
    def full_text(self) -> str:
        """What the phone shows."""
        return self.signature + self.text


class DevSmsProvider:
    """Development/test provider: appends what it would send to a JSON-lines file.

    Nothing leaves the machine. `sent()` reads the file back, so tests and developers can
    see exactly which texts went to which numbers and how many parts each one would cost.
    """

    def __init__(self, path: str | os.PathLike[str], signature: str = DEFAULT_SIGNATURE) -> None:
        self.path = Path(path)
        self.signature = signature
        self._lock = threading.Lock()

    def send(self, phone: str, text: str, dedupe_key: str, *, kind: str | None = None, maybe_sent: bool = False) -> str:
        if not text or not text.strip():
            raise ValueError("refusing to send an empty SMS")
        if not dedupe_key:
            raise ValueError("dedupe_key must not be empty")
        number = normalize_phone(phone)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, open(self.path, "a+", encoding="utf-8") as store:
            if fcntl is not None:
                fcntl.flock(store, fcntl.LOCK_EX)  # released when the file closes
            store.seek(0)
            for earlier in _read_records(store.read()):
                if earlier.dedupe_key == dedupe_key:
                    return earlier.provider_message_id  # same message again: not sent twice
            record = SentSms(
                provider_message_id=f"dev-{uuid.uuid4().hex}",
                phone=number,
                text=text,
                signature=self.signature,
                segments=segment_count(self.signature + text),
                dedupe_key=dedupe_key,
                sent_at=datetime.now(timezone.utc).isoformat(),
            )
            store.write(json.dumps(asdict(record), ensure_ascii=False) + "\n")
            store.flush()
        return record.provider_message_id

    def sent(self) -> list[SentSms]:
        try:
            content = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        return list(_read_records(content))


def _read_records(content: str) -> list[SentSms]:
    return [SentSms(**json.loads(line)) for line in content.splitlines() if line.strip()]
