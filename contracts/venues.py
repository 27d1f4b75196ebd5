"""Contracts of the venues service: commands/queries (RPC payloads) and the facts it publishes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal, get_args

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from contracts.common import (
    JSON_INTEGER,
    PYTHON_SPACE,
    Changes,
    ContactPoint,
    Coordinates,
    IsoAwareDatetime,
    IsoDate,
    StrictBool,
    StrictFloat,
    StrictInt,
    ecma_pattern,
)
from contracts.envelope import DomainEvent

VenueKind = Literal[
    "library",
    "cultural_centre",
    "childrens_library",
    "science_museum",
    "stadium",
    "youth_centre",
    "theatre",
    "town_cultural_station",
    "town_service_centre",
    "village_centre",
    "community_centre",
    "farmhouse_library",
    "reading_point",
]
VenueLevel = Literal["district", "town", "village"]
Accessibility = Literal[
    "step_free_access",
    "accessible_toilet",
    "braille",
    "hearing_loop",
    "accessible_parking",
    "wheelchair_loan",
    "large_print",
    "audio_guide",
    "sign_language_service",
]


class VenueCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    kind: VenueKind
    level: VenueLevel
    parent_id: str | None = Field(
        None, min_length=1, max_length=36, description="The venue this one is a branch of (总分馆)."
    )
    town: str | None = Field(None, max_length=100)
    village: str | None = Field(None, max_length=100)
    address: str = Field("", max_length=300)
    coordinates: Coordinates | None = None
    accessibility: list[Accessibility] = []
    contact_phone: str | None = Field(None, max_length=40)
    contact_email: str | None = Field(None, max_length=200)
    description: str = Field("", max_length=2000)
    services: list[Annotated[str, Field(min_length=1, max_length=300)]] = Field(
        [], max_length=50, description="Service items published in the public notice (公示)."
    )
    asset_number_prefix: str | None = Field(
        None, pattern=r"^[A-Z][A-Z0-9]{0,9}$", description="Prefix of the asset ledger's numbers, e.g. JP → JP-0001."
    )


class Venue(VenueCreate):
    id: str
    status: Literal["open", "closed"] = "open"
    created_at: datetime


Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
HolidayRuleName = Literal["open", "closed", "by_arrangement"]
BookingPolicyName = Literal["public", "organisations_only", "approval_required"]
BookingStatusName = Literal["pending", "confirmed", "rejected", "cancelled", "checked_in", "no_show"]
BookerKind = Literal["individual", "organisation"]
BookingChannel = Literal["online", "phone", "desk", "on_behalf"]
VisitorGroupName = Literal["elderly", "minors", "disabled", "migrant_workers", "general"]
AssetConditionName = Literal["good", "faulty", "under_repair", "retired"]
IntervalText = Annotated[
    str,
    Field(
        pattern=ecma_pattern(r"^\s*\d{1,2}:\d{2}\s*[-–~]\s*\d{1,2}:\d{2}\s*$", PYTHON_SPACE),  # read in Python
        examples=["09:00-12:00"],
        description="An open period, local time: HH:MM-HH:MM.",
    ),
]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]


class VenueUpdate(Changes):
    """The fields of a venue to change; the ones left out stay as they are."""

    nullable = frozenset({"parent_id", "town", "village", "coordinates", "contact_phone", "contact_email"})
    name: str | None = Field(None, min_length=1, max_length=200)
    parent_id: str | None = Field(None, min_length=1, max_length=36)
    town: str | None = Field(None, max_length=100)
    village: str | None = Field(None, max_length=100)
    address: str | None = Field(None, max_length=300)
    coordinates: Coordinates | None = None
    accessibility: list[Accessibility] | None = None
    contact_phone: str | None = Field(None, max_length=40)
    contact_email: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=2000)
    services: list[Annotated[str, Field(min_length=1, max_length=300)]] | None = Field(None, max_length=50)
    asset_number_prefix: str | None = Field(None, pattern=r"^[A-Z][A-Z0-9]{0,9}$")


# ---- rooms ---------------------------------------------------------------------------------------


class BookingLimits(BaseModel):
    """A room's booking limits, set by its manager; the venue's own staff are held only to "not in the past"."""

    model_config = ConfigDict(extra="forbid")
    advance_days: StrictInt = Field(30, ge=1, le=3660, description="A start may be at most this many days ahead.")
    max_minutes: StrictInt = Field(480, ge=15, le=1440, description="The longest a single booking may be.")
    weekly_quota: Annotated[int, Field(ge=1, le=100), JSON_INTEGER] | None = Field(
        5,
        description="Bookings one person may hold in this room per "
        "week (a weekly series counts each week); null: none.",
    )
    cancel_cutoff_hours: StrictInt = Field(
        0, ge=0, le=336, description="The booker may cancel until this many hours before the start; 0: until the start."
    )
    check_in_opens_minutes: StrictInt = Field(
        15, ge=0, le=240, description="Check-in opens this long before the start."
    )
    check_in_closes_minutes: StrictInt = Field(
        15,
        ge=0,
        le=240,
        description="Check-in closes this long after the start; "
        "then the booking is a no-show and the rest "
        "of the slot is released.",
    )


class RoomCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    kind: str = Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$", examples=["multi_function_room"])
    code: str | None = Field(
        None, max_length=60, pattern=r"^[a-z0-9][a-z0-9\-]*$", description="A stable key of the room within its venue."
    )
    area_m2: Annotated[StrictFloat, Field(gt=0, le=1_000_000)] | None = None
    capacity: StrictInt = Field(ge=1, le=100_000)
    equipment: list[ShortText] = Field([], max_length=100, examples=[["10台电脑", "阅览椅20把"]])
    staff_on_duty: list[Annotated[str, Field(min_length=1, max_length=60)]] = Field([], max_length=30)
    purpose: str = Field("", max_length=1000)
    booking_policy: BookingPolicyName = "public"
    buffer_minutes: StrictInt = Field(
        0, ge=0, le=240, description="Setup and cleanup time kept free after each booking."
    )
    no_booking_needed: StrictBool = Field(False, description="Walk-in use needs no booking (seed 002).")
    booking_limits: BookingLimits | None = Field(None, description="None: the defaults.")


class RoomUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, min_length=1, max_length=100)
    kind: str | None = Field(None, min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")
    area_m2: Annotated[StrictFloat, Field(gt=0, le=1_000_000)] | None = None
    capacity: Annotated[int, Field(ge=1, le=100_000), JSON_INTEGER] | None = None
    equipment: list[ShortText] | None = Field(None, max_length=100)
    staff_on_duty: list[Annotated[str, Field(min_length=1, max_length=60)]] | None = Field(None, max_length=30)
    purpose: str | None = Field(None, max_length=1000)
    booking_policy: BookingPolicyName | None = None
    buffer_minutes: Annotated[int, Field(ge=0, le=240), JSON_INTEGER] | None = None
    no_booking_needed: StrictBool | None = None
    booking_limits: BookingLimits | None = None


class Room(RoomCreate):
    id: str
    venue_id: str
    venue_name: str
    status: Literal["open", "closed"] = "open"
    created_at: datetime


class RoomLookup(BaseModel):
    """What another service needs to know about a room (RPC `get_room`)."""

    id: str
    venue_id: str
    venue_name: str
    name: str
    capacity: int
    town: str | None = None
    village: str | None = None
    coordinates: Coordinates | None = None
    booking_policy: BookingPolicyName


# ---- opening hours, calendar, compliance ---------------------------------------------------------


class OpeningHours(BaseModel):
    """The weekly template: each weekday's open periods (a weekday left out is closed all day)."""

    model_config = ConfigDict(extra="forbid")
    weekly: dict[Weekday, list[IntervalText]] = Field(
        examples=[{"monday": ["09:00-12:00", "14:00-18:00"], "saturday": ["09:30-11:30", "14:30-17:30"]}]
    )
    holiday_rule: HolidayRuleName = Field(
        "by_arrangement",
        description="Statutory holidays: open (weekend hours), closed, or by arrangement "
        "(closed unless a dated exception opens the day).",
    )


class DateExceptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    intervals: list[IntervalText] = Field([], description="No intervals: closed all day.")
    note: str = Field("", max_length=300)


class DateExceptionView(DateExceptionIn):
    date: date


class OpeningHoursView(OpeningHours):
    venue_id: str
    notice_zh: str
    weekly_open_hours: float
    exceptions: list[DateExceptionView] = []


class CalendarDay(BaseModel):
    date: date
    weekday: str
    kind: Literal["regular", "statutory_holiday", "adjusted_workday", "exception", "closure"]
    intervals: list[str]
    open_hours: float
    holiday_name: str | None = None
    holiday_name_zh: str | None = None
    by_arrangement: bool = False
    note: str | None = None
    calendar_known: bool = True
    calendar_source: Literal["library", "administrator"] | None = "library"


class StatutoryHolidayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name_zh: str = Field(min_length=1, max_length=40, examples=["春节"])
    start: IsoDate = Field(examples=["2027-02-06"])
    end: IsoDate = Field(examples=["2027-02-13"], description="The last day off (inclusive).")


class AdjustedWorkdayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date: IsoDate
    name_zh: str = Field(min_length=1, max_length=40, description="The holiday it is worked for.", examples=["春节"])


class StatutoryYearIn(BaseModel):
    """A year's statutory holidays and adjusted working days (调休) from the State Council's notice, used
    while chinese-calendar does not know the year."""

    model_config = ConfigDict(extra="forbid")
    notice: str = Field(min_length=1, max_length=300, examples=["国务院办公厅关于2027年部分节假日安排的通知"])
    holidays: list[StatutoryHolidayIn] = Field(min_length=1, max_length=20)
    workdays: list[AdjustedWorkdayIn] = Field([], max_length=20)


class StatutoryDay(BaseModel):
    date: date
    name_zh: str


class StatutoryYear(BaseModel):
    year: int
    source: Literal["library", "administrator", "unknown"] = Field(
        description="Who decides the year's holidays: chinese-calendar when it knows the year, else the entered data."
    )
    library_knows: bool
    notice: str | None = None
    holidays: list[StatutoryDay] = []
    workdays: list[StatutoryDay] = []
    differences: list[str] = Field(
        [], description="Where the entered data disagrees with chinese-calendar (which wins)."
    )
    entered_by: str | None = None
    entered_at: datetime | None = None


class VenueCalendar(BaseModel):
    venue_id: str
    room_id: str | None = None
    start_date: date
    end_date: date
    days: list[CalendarDay]


class RoomOpenAt(BaseModel):
    room_id: str
    venue_id: str
    at: datetime
    open: bool
    interval: str | None = Field(None, description="The open period containing `at`.")
    day: CalendarDay


class ComplianceStandard(BaseModel):
    min_weekly_hours: float
    min_daily_hours: float
    weekend_required: bool
    holidays_required: bool


class ComplianceDay(BaseModel):
    date: date
    weekday: str
    kind: str
    open_hours: float
    holiday_name: str | None = None
    holiday_name_zh: str | None = None
    by_arrangement: bool = False


class ComplianceFinding(BaseModel):
    code: str
    message_zh: str
    message_en: str
    dates: list[date] = []


class ComplianceHoliday(BaseModel):
    date: date
    name: str
    name_zh: str | None = None
    open_hours: float


class ComplianceReport(BaseModel):
    venue_id: str
    venue_name: str
    level: VenueLevel
    week: str
    dates: list[date]
    standard: ComplianceStandard
    weekly_open_hours: float
    days: list[ComplianceDay]
    open_days: int
    open_dates: list[date]
    days_below_daily_minimum: list[date]
    weekend_open: bool
    statutory_holidays: list[ComplianceHoliday]
    calendar_known: bool
    compliant: bool
    findings: list[ComplianceFinding]


# ---- closures ------------------------------------------------------------------------------------


class ClosureCreate(BaseModel):
    """Close a venue (room_id left out) or one room. Seed 004: a reason and an expected reopening are
    required — the service refuses a closure without them, with the seed's wording."""

    model_config = ConfigDict(extra="forbid")
    room_id: str | None = None
    start: IsoAwareDatetime | None = Field(None, description="Default: now.")
    expected_reopening: IsoAwareDatetime | None = None
    reason: str = Field("", max_length=500)


class ClosureReopen(BaseModel):
    model_config = ConfigDict(extra="forbid")
    at: IsoAwareDatetime | None = Field(None, description="When it reopened (default: now).")


class ClosureExtend(BaseModel):
    model_config = ConfigDict(extra="forbid")
    expected_reopening: IsoAwareDatetime
    reason: str | None = Field(None, max_length=500)


class ClosureView(BaseModel):
    id: str
    venue_id: str
    venue_name: str
    room_id: str | None = None
    room_name: str | None = None
    start: datetime
    expected_reopening: datetime
    reopened_at: datetime | None = None
    reason: str
    status: Literal["scheduled", "active", "ended"]
    notice_zh: str
    cancelled_booking_ids: list[str] = []
    created_at: datetime


# ---- bookings ------------------------------------------------------------------------------------


class BookingCreate(BaseModel):
    """A room for a time (场地预订). Staff recording a phone, desk or on-behalf booking (代预约) give
    the name of the person it is for; residents and organisers book for themselves online."""

    model_config = ConfigDict(extra="forbid")
    room_id: str
    start: IsoAwareDatetime = Field(examples=["2026-11-24T15:00:00+08:00"])
    end: IsoAwareDatetime = Field(examples=["2026-11-24T16:00:00+08:00"])
    attendees: StrictInt = Field(ge=1, le=100_000)
    purpose: str = Field("", max_length=500)
    booker_kind: BookerKind = "individual"
    organisation_id: str | None = Field(
        None,
        max_length=100,
        description="The registered organisation booking: "
        "an organisation booking needs it, and the caller's token the scope "
        "org:<organisation_id> (the venue's desk may book for any organisation).",
    )
    booker_id: str | None = Field(None, max_length=100)
    booker_name: str | None = Field(None, max_length=100)
    channel: BookingChannel = "online"
    contact: ContactPoint | None = None


class RecurringBookingCreate(BookingCreate):
    weeks: StrictInt = Field(
        ge=1, le=52, description="The same slot on this many consecutive weeks, the first included."
    )


class NoShowLedgerEntry(BaseModel):
    booking_id: str
    at: datetime
    channel: BookingChannel
    counted: bool


class NoShowLedger(BaseModel):
    person_id: str
    no_shows: list[NoShowLedgerEntry]
    exempt: bool
    exemption_reason: str | None = None
    paused_until: datetime | None = Field(
        None, description="Online booking is paused until then (staff still book on the person's behalf)."
    )
    lifted_at: datetime | None = None
    policy: dict


class NoShowExemptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=200, examples=["elderly (75)"])


class PauseLiftIn(BaseModel):
    """Lifting a person's booking pause: why (kept in the ledger, at most 200 characters)."""

    model_config = ConfigDict(extra="forbid")
    reason: str | None = Field(None, max_length=200)


class BookingActionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str | None = Field(None, max_length=500)
    signed_off_by: str | None = Field(
        None,
        max_length=100,
        description="Approving an individual's request for an "
        "organisations-only room: the leader in charge who signed (分管领导).",
    )


class Booking(BaseModel):
    id: str
    room_id: str
    room_name: str
    venue_id: str
    venue_name: str
    start: datetime
    end: datetime
    attendees: int
    purpose: str = ""
    booker_kind: BookerKind
    organisation_id: str | None = None
    booker_id: str | None = None
    booker_name: str | None = None
    booked_by: str
    channel: BookingChannel
    needs_sign_off: bool = Field(
        False,
        description="An individual's request for an organisations-only room: "
        "approved only with the leader's signed consent.",
    )
    signed_off_by: str | None = None
    signed_off_at: datetime | None = None
    contact: ContactPoint | None = None
    status: BookingStatusName
    reason: str | None = None
    event_id: str | None = None
    series_id: str | None = None
    closure_id: str | None = None
    decided_by: str | None = None
    created_at: datetime
    updated_at: datetime
    calendar_warning: str | None = Field(
        None,
        description="On a new booking: the statutory holidays of that day "
        "are not known yet (the day may turn out a holiday).",
    )
    calendar_warning_zh: str | None = None


class OccurrenceReport(BaseModel):
    date: date
    start: datetime
    end: datetime
    accepted: bool
    status: str | None = None
    booking_id: str | None = None
    reason_code: str | None = None
    message: str | None = None
    message_zh: str | None = None
    conflicting_booking_ids: list[str] = []


class RecurringBookingResult(BaseModel):
    series_id: str
    all_accepted: bool
    refused_dates: list[date]
    occurrences: list[OccurrenceReport]
    bookings: list[Booking]


class HoldRoomRequest(BaseModel):
    """RPC `hold_room`: events holds a room for a cultural event."""

    model_config = ConfigDict(extra="forbid")
    room_id: str
    start: AwareDatetime
    end: AwareDatetime
    event_id: str = Field(min_length=1, max_length=100)
    title: str = Field("", max_length=500)


class MoveHoldRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    event_id: str = Field(min_length=1, max_length=100)
    start: AwareDatetime
    end: AwareDatetime


class ReleaseHoldRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    event_id: str = Field(min_length=1, max_length=100)
    reason: str = Field("", max_length=500)


class RoomHold(BaseModel):
    booking_id: str
    status: BookingStatusName
    room_id: str
    event_id: str
    start: datetime
    end: datetime
    calendar_warning: str | None = None
    calendar_warning_zh: str | None = None


# ---- registers -----------------------------------------------------------------------------------


MAX_VISITS = 1_000_000


def _one_property_per_group(schema: dict) -> None:
    # The same object as `propertyNames` + `additionalProperties`, said the way generators read it.
    schema.pop("additionalProperties", None)
    schema.pop("propertyNames", None)
    count = {"type": "integer", "minimum": 0, "maximum": MAX_VISITS}
    schema["properties"] = {group: count for group in get_args(VisitorGroupName)}
    schema["additionalProperties"] = False


class VisitEntryCreate(BaseModel):
    """One line of the visit register (五簿一册): visitors of each group on one day (in one room)."""

    model_config = ConfigDict(extra="forbid")
    date: IsoDate
    room_id: str | None = None
    counts: dict[VisitorGroupName, Annotated[StrictInt, Field(ge=0, le=MAX_VISITS)]] = Field(
        min_length=1, json_schema_extra=_one_property_per_group
    )


class VisitEntry(VisitEntryCreate):
    id: str
    venue_id: str
    total: int
    recorded_by: str
    created_at: datetime


class DailyFootfall(BaseModel):
    date: date
    total: int
    by_group: dict[str, int]
    by_room: dict[str, int] = Field(description="Room id → visitors; the key '' is the venue as a whole.")


class VisitsReport(BaseModel):
    venue_id: str
    start_date: date
    end_date: date
    total: int
    days: list[DailyFootfall]


class AssetCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    category: str = Field(min_length=1, max_length=60)
    room_id: str | None = None
    condition: AssetConditionName = "good"
    number: str | None = Field(None, max_length=30, description="Default: the next number of the venue's ledger.")
    note: str = Field("", max_length=500)


class AssetUpdate(Changes):
    """The fields of an asset to change; `room_id` may be cleared with null (kept by the venue itself)."""

    nullable = frozenset({"room_id"})
    name: str | None = Field(None, min_length=1, max_length=200)
    category: str | None = Field(None, min_length=1, max_length=60)
    room_id: str | None = None
    condition: AssetConditionName | None = None
    note: str | None = Field(None, max_length=500)


class Asset(BaseModel):
    id: str
    venue_id: str
    number: str
    name: str
    category: str
    room_id: str | None = None
    room_name: str | None = None
    condition: AssetConditionName
    note: str = ""
    created_at: datetime
    updated_at: datetime


class UtilisationDay(BaseModel):
    date: date
    open_hours: float
    booked_hours: float
    utilisation: float | None = None


class RoomUtilisation(BaseModel):
    room_id: str
    room_name: str
    open_hours: float
    booked_hours: float
    utilisation: float | None = Field(None, description="Booked hours ÷ open hours; null when never open.")
    per_day: list[UtilisationDay]


class UtilisationReport(BaseModel):
    venue_id: str
    week: str
    rooms: list[RoomUtilisation]


# ---- public notice (公示) -------------------------------------------------------------------------


class NoticeRoom(BaseModel):
    id: str
    name: str
    kind: str
    area_m2: float | None = None
    capacity: int
    equipment: list[str] = []
    staff_on_duty: list[str] = []
    purpose: str = ""
    booking_policy: BookingPolicyName
    no_booking_needed: bool = False
    status: Literal["open", "closed"] = "open"


class NoticeClosure(BaseModel):
    id: str
    room_id: str | None = None
    room_name: str | None = None
    start: datetime
    expected_reopening: datetime
    reason: str
    notice_zh: str


class PublicNotice(BaseModel):
    venue_id: str
    name: str
    address: str = ""
    contact_phone: str | None = None
    accessibility: list[str] = []
    status: Literal["open", "closed"] = "open"
    hours_notice_zh: str
    week: str
    this_week: list[CalendarDay]
    rooms: list[NoticeRoom]
    services: list[str]
    closures: list[NoticeClosure]
    generated_at: datetime


class SeedResult(BaseModel):
    venue_id: str
    parent_id: str
    rooms: dict[str, str]
    created: bool


# ---- facts ---------------------------------------------------------------------------------------


class VenueRecord(DomainEvent):
    """The venue as it stands: the common part of venue.registered and venue.updated."""

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


class VenueRegistered(VenueRecord):
    source_service = "venues"
    event_type = "venue.registered"
    summary = "A venue joined the network (总分馆体系)."

    registered_by: str


class VenueUpdated(VenueRecord):
    source_service = "venues"
    event_type = "venue.updated"
    summary = "A venue's details changed (the whole current record, and which fields changed)."

    changed: list[str] = []
    updated_by: str


class VenueClosed(DomainEvent):
    source_service = "venues"
    event_type = "venue.closed"
    summary = "A venue or one of its rooms is closed, with the reason and the expected reopening (seed 004)."

    closure_id: str
    venue_id: str
    venue_name: str
    room_id: str | None = None  # None: the whole venue
    room_name: str | None = None
    start: datetime
    expected_reopening: datetime
    reason: str
    cancelled_booking_ids: list[str] = []


class VenueReopened(DomainEvent):
    source_service = "venues"
    event_type = "venue.reopened"
    summary = "A closure ended (early, on time or late) or its expected reopening moved."

    closure_id: str
    venue_id: str
    venue_name: str
    room_id: str | None = None
    room_name: str | None = None
    reopened_at: datetime | None = None  # None while still closed but the expected reopening changed
    expected_reopening: datetime | None = None


class OpeningStandardFact(BaseModel):
    """The opening standard a venue is held to (seed 001; the village figure is the district's setting)."""

    min_weekly_hours: float
    min_daily_hours: float
    weekend_required: bool
    holidays_required: bool


class WeeklyOpening(BaseModel):
    """Each weekday's open intervals (HH:MM-HH:MM); an empty list: closed that day."""

    monday: list[str] = []
    tuesday: list[str] = []
    wednesday: list[str] = []
    thursday: list[str] = []
    friday: list[str] = []
    saturday: list[str] = []
    sunday: list[str] = []


class VisitorCounts(BaseModel):
    """Visitors of each group on one line of the visit register."""

    elderly: int = 0
    minors: int = 0
    disabled: int = 0
    migrant_workers: int = 0
    general: int = 0


class OpeningHoursSet(DomainEvent):
    source_service = "venues"
    event_type = "venue.hours_set"
    summary = (
        "A venue's weekly opening hours and statutory-holiday rule as published from a date, with the opening "
        "standard it is held to (seed 001, 004)."
    )

    venue_id: str
    venue_name: str
    level: VenueLevel
    weekly: WeeklyOpening
    holiday_rule: HolidayRuleName
    weekly_open_hours: float
    effective_from: date = Field(description="The local date from which these hours apply.")
    standard: OpeningStandardFact
    set_by: str


class OpeningExceptionSet(DomainEvent):
    source_service = "venues"
    event_type = "venue.hours_exception_set"
    summary = "The hours of one date differ from the weekly hours (no intervals: closed that day), with the reason."

    venue_id: str
    venue_name: str
    date: date
    intervals: list[str] = []
    note: str = ""
    set_by: str


class OpeningExceptionRemoved(DomainEvent):
    source_service = "venues"
    event_type = "venue.hours_exception_removed"
    summary = "A dated exception was removed: the weekly hours apply on that date again."

    venue_id: str
    venue_name: str
    date: date
    removed_by: str


class VisitsRecorded(DomainEvent):
    source_service = "venues"
    event_type = "visits.recorded"
    summary = "A line of the visit register (五簿一册): visitors of each group on one day (in one room)."

    entry_id: str
    venue_id: str
    venue_name: str
    date: date
    room_id: str | None = None
    counts: VisitorCounts
    total: int
    recorded_by: str


class BookingFact(DomainEvent):
    """Common shape of the booking.* facts."""

    booking_id: str
    venue_id: str
    venue_name: str
    room_id: str
    room_name: str
    start: datetime
    end: datetime
    status: str
    booker_id: str | None = None  # the person or organisation the room is for
    booker_name: str | None = None
    booked_by: str  # who entered it (differs from the booker for phone/desk/on-behalf bookings)
    channel: Literal["online", "phone", "desk", "on_behalf"] = "online"
    purpose: str = ""
    event_id: str | None = None  # set when the booking is a room hold for a cultural event
    reason: str | None = None
    contact: ContactPoint | None = None
    organisation_id: str | None = None  # the registered organisation it is for
    signed_off_by: str | None = None  # the leader whose consent let an individual use an organisations-only room
    closure_id: str | None = None  # set when a venue closure cancelled it (venue.closed says the rest)


class BookingRequested(BookingFact):
    source_service = "venues"
    event_type = "booking.requested"
    summary = "A booking waits for a venue manager's approval."


class BookingConfirmed(BookingFact):
    source_service = "venues"
    event_type = "booking.confirmed"
    summary = "A room is booked."


class BookingRejected(BookingFact):
    source_service = "venues"
    event_type = "booking.rejected"
    summary = "A venue manager refused a booking, with the reason."


class BookingCancelled(BookingFact):
    source_service = "venues"
    event_type = "booking.cancelled"
    summary = "A booking was cancelled (by its booker, a manager, or a closure — see reason)."


class BookingCheckedIn(BookingFact):
    source_service = "venues"
    event_type = "booking.checked_in"
    summary = "The booker arrived and was checked in; the room stays theirs until the end."


class BookingNoShow(BookingFact):
    source_service = "venues"
    event_type = "booking.no_show"
    summary = "The booker did not check in within the window; the rest of the slot is free again."

    automatic: bool = False


class BookingRescheduled(BookingFact):
    source_service = "venues"
    event_type = "booking.rescheduled"
    summary = "A booking (e.g. an event's room hold) moved to another time in the same room."

    previous_start: datetime
    previous_end: datetime
