"""RFC 9457 problem details for every error the gateway returns."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

PROBLEM_MEDIA_TYPE = "application/problem+json"
# Absent members are left out, never null (RFC 9457 §3.1: `detail` and `instance` are strings).
_ABSENT = Field(None, json_schema_extra=lambda schema: schema.pop("default", None))


class Problem(BaseModel):
    """RFC 9457 problem details; extra members (e.g. `errors`, `conflicts`) may follow."""

    model_config = ConfigDict(extra="allow")
    type: str
    title: str
    status: int
    detail: str | SkipJsonSchema[None] = _ABSENT
    instance: str | SkipJsonSchema[None] = _ABSENT


def problem(
    status: int,
    title: str,
    detail: str | None = None,
    *,
    code: str | None = None,
    instance: str | None = None,
    headers: dict | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {"type": f"urn:wenyun:problem:{code or title.lower().replace(' ', '_')}", "title": title, "status": status}
    body.update({k: v for k, v in (("detail", detail), ("instance", instance)) if v is not None})
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def problem_responses(*statuses: int) -> dict:
    """OpenAPI `responses` entries for the problem statuses a route can return."""
    titles = {
        400: "Malformed request",
        401: "Missing or invalid token",
        403: "Not allowed",
        404: "Not found",
        409: "Conflict",
        422: "Invalid request",
        429: "Too many requests (see Retry-After)",
        503: "A service is unavailable",
    }
    return {
        s: {
            "model": Problem,
            "description": titles.get(s, "Problem"),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for s in statuses
    }
