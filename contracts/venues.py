"""Contracts of the venues service: commands/queries (RPC payloads) and the facts it publishes."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.common import Coordinates
from contracts.envelope import DomainEvent

VenueKind = Literal[
    "library", "cultural_centre", "childrens_library", "science_museum", "stadium", "youth_centre", "theatre",
    "town_cultural_station", "town_service_centre", "village_centre", "community_centre", "farmhouse_library",
    "reading_point",
]
VenueLevel = Literal["district", "town", "village"]
Accessibility = Literal[
    "step_free_access", "accessible_toilet", "braille", "hearing_loop", "accessible_parking", "wheelchair_loan",
    "large_print", "audio_guide", "sign_language_service",
]


class VenueCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    kind: VenueKind
    level: VenueLevel
    parent_id: str | None = Field(None, description="The venue this one is a branch of (总分馆).")
    town: str | None = Field(None, max_length=100)
    village: str | None = Field(None, max_length=100)
    address: str = Field("", max_length=300)
    coordinates: Coordinates | None = None
    accessibility: list[Accessibility] = []
    contact_phone: str | None = Field(None, max_length=40)
    contact_email: str | None = Field(None, max_length=200)
    description: str = Field("", max_length=2000)


class Venue(VenueCreate):
    id: str
    status: Literal["open", "closed"] = "open"
    created_at: datetime


# ---- facts ---------------------------------------------------------------------------------------

class VenueRegistered(DomainEvent):
    source_service = "venues"
    event_type = "venue.registered"
    summary = "A venue joined the network (总分馆体系)."

    venue_id: str
    name: str
    kind: VenueKind
    level: VenueLevel
    parent_id: str | None = None
    town: str | None = None
    village: str | None = None
    address: str = ""
    coordinates: Coordinates | None = None
    accessibility: list[Accessibility] = []
    registered_by: str
