"""Errors a service raises for bad requests; the gateway maps them to RFC 9457 problems.

The Chinese text of an error, when there is one, is always the extra member `detail_zh`
(`NotFound("Volunteer v1 does not exist.", detail_zh="没有这位志愿者。")`).

They cross the bus by name (nameko serialises `exc_type` and `exc_args`), so a service raises
`Conflict("…", {"conflicts": [...]})` and the gateway answers 409 with those extra members.
"""

from __future__ import annotations

from typing import Any


class WenyunError(Exception):
    status = 400
    title = "Bad request"
    code = "bad_request"

    def __init__(self, detail: str, extra: dict[str, Any] | None = None, detail_zh: str | None = None):
        extra = dict(extra or {})
        if detail_zh:
            extra["detail_zh"] = detail_zh
        super().__init__(detail, extra)
        self.detail = detail
        self.extra = extra

    def __str__(self) -> str:
        return self.detail


class BadRequest(WenyunError):
    pass


class Unauthorized(WenyunError):
    status, title, code = 401, "Unauthorized", "unauthorized"


class Forbidden(WenyunError):
    status, title, code = 403, "Forbidden", "forbidden"


class NotFound(WenyunError):
    status, title, code = 404, "Not found", "not_found"


class Conflict(WenyunError):
    status, title, code = 409, "Conflict", "conflict"


class Gone(WenyunError):
    """The thing existed but is over for good (an expired or withdrawn offer link)."""

    status, title, code = 410, "Gone", "gone"


class Unprocessable(WenyunError):
    status, title, code = 422, "Unprocessable request", "unprocessable"


class TooManyRequests(WenyunError):
    """Slow down: the extra member `retry_after` (seconds) becomes the Retry-After header."""

    status, title, code = 429, "Too many requests", "too_many_requests"


ERRORS_BY_NAME: dict[str, type[WenyunError]] = {
    cls.__name__: cls
    for cls in (
        WenyunError,
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        Conflict,
        Gone,
        Unprocessable,
        TooManyRequests,
    )
}


class Unavailable(WenyunError):
    status, title, code = 503, "Service unavailable", "service_unavailable"


ERRORS_BY_NAME["Unavailable"] = Unavailable
