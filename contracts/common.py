"""Small value types shared by several contracts."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["admin", "venue_manager", "organiser", "volunteer", "subscriber", "resident"]


class Coordinates(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class Actor(BaseModel):
    """Who asks: passed by the gateway to every command so services can check object scopes."""

    model_config = ConfigDict(extra="forbid")
    sub: str
    role: Role
    scopes: list[str] = []
    name: str | None = None

    def has_scope(self, kind: str, object_id: str) -> bool:
        return self.role == "admin" or f"{kind}:{object_id}" in self.scopes or f"{kind}:*" in self.scopes


class ContactPoint(BaseModel):
    """Contact details a person gave for notices about this one thing (e.g. a phone booking)."""

    model_config = ConfigDict(extra="forbid")
    person_id: str | None = None
    name: str | None = Field(None, max_length=100)
    phone: str | None = Field(None, pattern=r"^\+?[0-9][0-9\- ]{5,19}$")
    email: str | None = Field(None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=200)
    language: Literal["zh-CN", "en"] = "zh-CN"
