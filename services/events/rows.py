"""Row ↔ contract mapping: views returned over RPC and the facts emitted, built from table rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from contracts.common import ContactPoint, Coordinates
from contracts.envelope import READING
from contracts.events import (
    EventFact,
    EventPlaces,
    EventView,
    OfferingView,
    OrderFact,
    OrderView,
    RegistrationFact,
    RegistrationView,
    VolunteerNeed,
)
from kit.clock import day_end, day_start
from services.events.domain import registrations as places_rules
from services.events.domain.lifecycle import EventKind


def _m(row) -> Mapping[str, Any]:
    return row._mapping if hasattr(row, "_mapping") else row


def coordinates(row) -> Coordinates | None:
    values = _m(row)
    if values.get("lat") is None or values.get("lon") is None:
        return None
    return Coordinates(lat=values["lat"], lon=values["lon"])


# ---- places ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where an event happens: a room (held through venues) or an outdoor site."""

    kind: str  # room | outdoor
    place_name: str
    room_id: str | None = None
    room_name: str | None = None
    room_capacity: int | None = None
    venue_id: str | None = None
    venue_name: str | None = None
    town: str | None = None
    village: str | None = None
    address: str = ""
    lat: float | None = None
    lon: float | None = None

    def columns(self) -> dict:
        return {
            "place_kind": self.kind,
            "place_name": self.place_name,
            "room_id": self.room_id,
            "room_name": self.room_name,
            "room_capacity": self.room_capacity,
            "venue_id": self.venue_id,
            "venue_name": self.venue_name,
            "town": self.town,
            "village": self.village,
            "address": self.address or "",
            "lat": self.lat,
            "lon": self.lon,
        }

    @classmethod
    def of_row(cls, row) -> "Place":
        v = _m(row)
        return cls(
            kind=v["place_kind"],
            place_name=v["place_name"],
            room_id=v["room_id"],
            room_name=v["room_name"],
            room_capacity=v["room_capacity"],
            venue_id=v["venue_id"],
            venue_name=v["venue_name"],
            town=v["town"],
            village=v["village"],
            address=v["address"] or "",
            lat=v["lat"],
            lon=v["lon"],
        )


def room_place(room: Mapping[str, Any]) -> Place:
    """From venues' get_room answer."""
    coords = room.get("coordinates") or {}
    venue_name = room.get("venue_name") or ""
    room_name = room.get("name") or room.get("room_name") or ""
    return Place(
        kind="room",
        place_name=f"{venue_name}·{room_name}".strip("·"),
        room_id=room.get("id") or room.get("room_id"),
        room_name=room_name,
        room_capacity=room.get("capacity"),
        venue_id=room.get("venue_id"),
        venue_name=venue_name or None,
        town=room.get("town"),
        village=room.get("village"),
        address=room.get("address") or "",
        lat=coords.get("lat"),
        lon=coords.get("lon"),
    )


def site_place(site) -> Place:
    return Place(
        kind="outdoor",
        place_name=site.name,
        venue_id=site.venue_id,
        town=site.town,
        village=site.village,
        address=site.address,
        lat=site.coordinates.lat,
        lon=site.coordinates.lon,
    )


# ---- events ----------------------------------------------------------------------------------------


def places_summary(row, waitlisted_parties: int = 0, waitlisted_people: int = 0) -> EventPlaces | None:
    v = _m(row)
    if v["capacity"] is None:
        return None
    snapshot = snapshot_of(row, ())
    return EventPlaces(
        confirmed=snapshot.confirmed,
        confirmed_general=snapshot.confirmed_general,
        confirmed_kept_back=snapshot.confirmed_kept_back,
        free_general=snapshot.free_general,
        free_kept_back=snapshot.free_kept_back,
        waitlisted_parties=waitlisted_parties,
        waitlisted_people=waitlisted_people,
    )


def event_view(row, waitlisted: tuple[int, int] = (0, 0)) -> EventView:
    v = dict(_m(row))
    return EventView(
        id=v["id"],
        status=v["status"],
        title=v["title"],
        description=v["description"] or "",
        kind=v["kind"],
        kind_label=EventKind(v["kind"]).label_zh,
        festival=v["festival"],
        festival_warning=v["festival_warning"],
        target_groups=v["target_groups"] or [],
        organiser_id=v["organiser_id"],
        organiser_name=v["organiser_name"],
        place_kind=v["place_kind"],
        place_name=v["place_name"],
        room_id=v["room_id"],
        room_name=v["room_name"],
        venue_id=v["venue_id"],
        venue_name=v["venue_name"],
        town=v["town"],
        village=v["village"],
        address=v["address"] or "",
        coordinates=coordinates(row),
        start=v["start"],
        end=v["end"],
        capacity=v["capacity"],
        kept_back=v["kept_back"],
        release_at=v["release_at"],
        released=v["released"],
        places=places_summary(row, *waitlisted),
        volunteer_needs=v["volunteer_needs"] or [],
        free=v["free"],
        recurrence=v["recurrence"],
        on_venue_closure=v["on_venue_closure"],
        needs_reschedule=v["needs_reschedule"],
        hold_booking_id=v["hold_booking_id"],
        sequence=v["sequence"],
        cancel_reason=v["cancel_reason"],
        offering_id=v["offering_id"],
        order_id=v["order_id"],
        created_at=v["created_at"],
        updated_at=v["updated_at"],
        published_at=v["published_at"],
    )


def event_fact(cls: type[EventFact], row, **extra) -> EventFact:
    v = _m(row)
    return cls(
        event_id=v["id"],
        title=v["title"],
        kind=v["kind"],
        festival=v["festival"],
        target_groups=v["target_groups"] or [],
        organiser_id=v["organiser_id"],
        organiser_name=v["organiser_name"],
        venue_id=v["venue_id"],
        room_id=v["room_id"],
        place_name=v["place_name"],
        town=v["town"],
        village=v["village"],
        coordinates=coordinates(row),
        start=v["start"],
        end=v["end"],
        capacity=v["capacity"],
        sequence=v["sequence"],
        **extra,
    )


def needs_of(row) -> list[VolunteerNeed]:
    return [VolunteerNeed.model_validate(n, context=READING) for n in (_m(row)["volunteer_needs"] or [])]


def snapshot_of(row, waitlist_rows) -> places_rules.EventPlaces:
    """The allocation snapshot of an event (its counters plus its waitlist in arrival order)."""
    v = _m(row)
    return places_rules.EventPlaces(
        capacity=v["capacity"],
        kept_back=v["kept_back"],
        confirmed_general=v["confirmed_general"],
        confirmed_kept_back=v["confirmed_kept_back"],
        released=bool(v["released"]),
        release_at=v["release_at"],
        waitlist=tuple(places_rules.WaitlistEntry(r.id, r.party_size, r.seq, r.channel) for r in waitlist_rows),
    )


def snapshot_columns(snapshot: places_rules.EventPlaces) -> dict:
    return {
        "confirmed_general": snapshot.confirmed_general,
        "confirmed_kept_back": snapshot.confirmed_kept_back,
        "released": snapshot.released,
        "capacity": snapshot.capacity,
        "kept_back": snapshot.kept_back,
    }


# ---- registrations ---------------------------------------------------------------------------------


def contact_of(value) -> ContactPoint | None:
    return ContactPoint.model_validate(value) if value else None


def registration_view(row, waitlist_position: int | None = None) -> RegistrationView:
    v = _m(row)
    return RegistrationView(
        id=v["id"],
        event_id=v["event_id"],
        seq=v["seq"],
        status=v["status"],
        party_size=v["party_size"],
        channel=v["channel"],
        person_id=v["person_id"],
        person_name=v["person_name"],
        registered_by=v["registered_by"],
        general_places=v["general_places"],
        kept_back_places=v["kept_back_places"],
        waitlist_position=waitlist_position,
        contact=contact_of(v["contact"]),
        cancel_reason=v["cancel_reason"],
        created_at=v["created_at"],
        updated_at=v["updated_at"],
        checked_in_at=v["checked_in_at"],
    )


def registration_fact(cls: type[RegistrationFact], registration, event, **extra) -> RegistrationFact:
    r, e = _m(registration), _m(event)
    return cls(
        registration_id=r["id"],
        event_id=e["id"],
        event_title=e["title"],
        start=e["start"],
        place_name=e["place_name"],
        person_id=r["person_id"],
        person_name=r["person_name"],
        party_size=r["party_size"],
        channel=r["channel"],
        registered_by=r["registered_by"],
        contact=contact_of(r["contact"]),
        **extra,
    )


# ---- menu and orders -------------------------------------------------------------------------------


def offering_view(row, order_count: int = 0) -> OfferingView:
    v = dict(_m(row))
    v["order_count"] = order_count
    return OfferingView.model_validate(v)


def order_view(row, offering_title: str) -> OrderView:
    v = dict(_m(row))
    v.pop("lat", None)
    v.pop("lon", None)
    v["offering_title"] = offering_title
    v["note"] = v.get("note") or ""
    return OrderView.model_validate(v)


def order_fact(cls: type[OrderFact], order, offering_title: str, **extra) -> OrderFact:
    o = _m(order)
    return cls(
        order_id=o["id"],
        offering_id=o["offering_id"],
        offering_title=offering_title,
        venue_id=o["venue_id"],
        venue_name=o["venue_name"],
        requested_by=o["requested_by"],
        earliest=day_start(o["earliest"]),
        latest=day_end(o["latest"]),
        **extra,
    )
