"""The request id of every HTTP request: the client's `X-Request-Id` when it sends a usable one, else a
new one; current while the request is handled (so RPCs carry it, kit.request_ids), returned in the
response's `X-Request-Id`, and on the gateway's one log line per request."""

from __future__ import annotations

import logging
import re
import time

from fastapi import Request

from kit.request_ids import new_request_id, set_current_request_id

HEADER = "X-Request-Id"
_USABLE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
log = logging.getLogger("wenyun.gateway.requests")


def install_request_ids(app) -> None:
    @app.middleware("http")
    async def request_id(request: Request, call_next):
        given = request.headers.get(HEADER, "")
        request_id = given if _USABLE.match(given) else new_request_id()
        set_current_request_id(request_id)  # this task's context; the route runs in a copy of it
        started = time.perf_counter()
        response = await call_next(request)
        response.headers[HEADER] = request_id
        log.info(
            "%s %s %s",
            request.method,
            request.url.path,
            response.status_code,
            extra={
                "request_id": request_id,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return response
