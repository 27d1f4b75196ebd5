"""The request id of every HTTP request: the client's `X-Request-Id` when it sends a usable one, else a
new one; current while the request is handled (so RPCs carry it, kit.request_ids), returned in the
response's `X-Request-Id`, and on the gateway's one log line per request.

Pure ASGI (no BaseHTTPMiddleware): the route runs in this task, so the context variable set here is the
one the RPC client reads, and nothing is copied between tasks or queued per request."""

from __future__ import annotations

import logging
import re
import time

from kit.request_ids import new_request_id, set_current_request_id

HEADER = "X-Request-Id"
_HEADER_KEY = HEADER.lower().encode()
_USABLE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
log = logging.getLogger("wenyun.gateway.requests")


class RequestIds:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        given = next((v.decode("latin-1") for k, v in scope.get("headers", ()) if k == _HEADER_KEY), "")
        request_id = given if _USABLE.match(given) else new_request_id()
        set_current_request_id(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != _HEADER_KEY]
                message = {**message, "headers": [*headers, (_HEADER_KEY, request_id.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            log.info(
                "%s %s %s",
                scope["method"],
                scope.get("path", ""),
                status,
                extra={
                    "request_id": request_id,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )


def install_request_ids(app) -> None:
    app.add_middleware(RequestIds)
