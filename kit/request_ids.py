"""One request id from the gateway to the last piece of work it causes, so `grep <id>` over the logs
shows the whole path.

- The gateway takes `X-Request-Id` (or makes one: 32 hex digits) and sends it with every RPC as the
  AMQP header `nameko.request_id`; nameko hands `nameko.*` headers to the worker as context data and
  passes them on with the RPCs that worker makes.
- A fact emitted while handling it carries the id as the W3C trace id of the CloudEvents `traceparent`
  extension; a handler of that fact continues with the same id (and so on).
- Every log line of a worker says which id it belongs to (kit.logs writes JSON lines).

The current id is a context variable: each greenthread (a nameko worker, made current by
kit.request_context.RequestContext) and each asyncio task (a gateway request) has its own.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from contextvars import ContextVar

REQUEST_ID = "request_id"  # the worker context key; on the wire the AMQP header "nameko.request_id"
_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")
_HEX32 = re.compile(r"^[0-9a-f]{32}$")
_current: ContextVar[str | None] = ContextVar("wenyun_request_id", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    return _current.get()


def set_current_request_id(request_id: str | None) -> None:
    _current.set(request_id)


def trace_id(request_id: str) -> str:
    """The W3C trace id of a request id: itself when it is 32 hex digits, else a digest of it."""
    lowered = request_id.lower()
    return (
        lowered
        if _HEX32.match(lowered) and set(lowered) != {"0"}
        else hashlib.sha256(request_id.encode()).hexdigest()[:32]
    )


def traceparent(request_id: str) -> str:
    return f"00-{trace_id(request_id)}-{uuid.uuid4().hex[:16]}-01"


def request_id_of_traceparent(value: str | None) -> str | None:
    match = _TRACEPARENT.match(value or "")
    return match.group(1) if match else None
