"""Contracts of the volunteers service: volunteers, dispatch offers and their outcome, hours."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.common import (
    PYTHON_SPACE,
    Changes,
    ContactPoint,
    Coordinates,
    IsoDate,
    StrictBool,
    StrictFloat,
    StrictInt,
    TimeOfDay,
    ecma_pattern,
)
from contracts.envelope import DomainEvent

ContactChannel = Literal["sms", "email", "inbox"]


class VolunteerApplied(DomainEvent):
    source_service = "volunteers"
    event_type = "volunteer.applied"
    summary = "Someone applied to volunteer."
    volunteer_id: str
    name: str
    town: str | None = None
    village: str | None = None
    skills: list[str] = []


class VolunteerApproved(DomainEvent):
    source_service = "volunteers"
    event_type = "volunteer.approved"
    summary = "An application was accepted; carries the channels the volunteer agreed to be contacted on."
    volunteer_id: str
    name: str
    contact: ContactPoint
    channels: list[ContactChannel] = ["inbox"]


class DispatchOfferFact(DomainEvent):
    offer_id: str
    event_id: str
    event_title: str
    volunteer_id: str
    volunteer_name: str | None = None
    role: str
    start: datetime
    end: datetime
    place_name: str


class DispatchOffered(DispatchOfferFact):
    source_service = "volunteers"
    event_type = "dispatch.offered"
    summary = "A volunteer is offered a role at an event, with accept/decline links and a deadline."
    deadline: datetime
    # Signed links that answer the offer without signing in: for the volunteer's own channels only, so
    # webhook deliveries leave them out (optional for that reason; volunteers always sets them).
    accept_url: str | None = Field(None, description="The volunteer's signed accept link; never in webhook deliveries.")
    decline_url: str | None = Field(
        None, description="The volunteer's signed decline link; never in webhook deliveries."
    )
    reminder: bool = False


class DispatchAccepted(DispatchOfferFact):
    source_service = "volunteers"
    event_type = "dispatch.accepted"
    summary = "A volunteer accepted an offer."


class DispatchDeclined(DispatchOfferFact):
    source_service = "volunteers"
    event_type = "dispatch.declined"
    summary = "A volunteer declined an offer."


class DispatchExpired(DispatchOfferFact):
    source_service = "volunteers"
    event_type = "dispatch.expired"
    summary = "An offer passed its deadline unanswered."


class DispatchWithdrawn(DispatchOfferFact):
    source_service = "volunteers"
    event_type = "dispatch.withdrawn"
    summary = "An offer (or an accepted place) was withdrawn: the event was cancelled or moved."
    reason: str


class TeamMember(BaseModel):
    model_config = ConfigDict(extra="forbid")
    volunteer_id: str
    name: str
    role: str


class RoleShortfall(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: str
    needed: int
    accepted: int


class DispatchFilled(DomainEvent):
    source_service = "volunteers"
    event_type = "dispatch.filled"
    summary = "Every volunteer role of an event is filled."
    event_id: str
    event_title: str
    organiser_id: str
    team: list[TeamMember]


class DispatchUnfilled(DomainEvent):
    source_service = "volunteers"
    event_type = "dispatch.unfilled"
    summary = "Candidates ran out before every role was filled; the organiser must act."
    event_id: str
    event_title: str
    organiser_id: str
    shortfall: list[RoleShortfall]
    team: list[TeamMember] = []


class HoursCredited(DomainEvent):
    source_service = "volunteers"
    event_type = "hours.credited"
    summary = "Service hours were credited to a volunteer for an event they served."
    volunteer_id: str
    event_id: str
    hours: float
    total_hours: float


# ---------------------------------------------------------------------------------------------------
# More facts about volunteers (DESIGN §4's list, refined)


class VolunteerStatusFact(DomainEvent):
    volunteer_id: str
    name: str
    reason: str | None = None
    changed_by: str


class VolunteerRejected(VolunteerStatusFact):
    source_service = "volunteers"
    event_type = "volunteer.rejected"
    summary = "An application was turned down (reason given)."


class VolunteerSuspended(VolunteerStatusFact):
    source_service = "volunteers"
    event_type = "volunteer.suspended"
    summary = (
        "An active volunteer is suspended: no dispatch offers until reinstated (reinstatement is volunteer.approved)."
    )


class VolunteerRetired(VolunteerStatusFact):
    source_service = "volunteers"
    event_type = "volunteer.retired"
    summary = "A volunteer stopped volunteering (final; they may apply again later)."


class VolunteerUpdated(DomainEvent):
    source_service = "volunteers"
    event_type = "volunteer.updated"
    summary = "A volunteer changed their record; carries the current contact and consented channels."
    volunteer_id: str
    name: str
    status: str
    contact: ContactPoint
    channels: list[ContactChannel] = ["inbox"]


class HoursLogged(DomainEvent):
    source_service = "volunteers"
    event_type = "hours.logged"
    summary = "Staff logged service hours outside a dispatched event (e.g. a reading-point shift)."
    volunteer_id: str
    hours: float
    on: date
    total_hours: float
    town: str | None = None  # where the volunteer is based
    village: str | None = None


class TrainingRecorded(DomainEvent):
    source_service = "volunteers"
    event_type = "training.recorded"
    summary = "Training a volunteer took part in (seed 001: at least one week, 40 h, a year)."
    volunteer_id: str
    course: str
    provider: str = ""
    hours: float
    on: date
    town: str | None = None  # where the volunteer is based
    village: str | None = None


class StarsChanged(DomainEvent):
    source_service = "volunteers"
    event_type = "volunteer.stars_changed"
    summary = "A volunteer's star level (星级) changed, after hours credited or logged or a rating."
    volunteer_id: str
    stars: int
    previous_stars: int
    total_hours: float
    town: str | None = None
    village: str | None = None


class TeamRecord(DomainEvent):
    """A team as it stands (the common part of team.registered and team.updated); no member names."""

    team_id: str
    name: str
    kind: Literal["volunteer_team", "amateur_troupe", "professional_troupe"]
    specialty: str | None = None
    town: str | None = None
    village: str | None = None  # a team with a village is a village team; one with only a town, a town team
    active: bool
    member_count: int


class TeamRegistered(TeamRecord):
    source_service = "volunteers"
    event_type = "team.registered"
    summary = "A volunteer team or an amateur or professional troupe was registered (seed 001 team standards)."


class TeamUpdated(TeamRecord):
    source_service = "volunteers"
    event_type = "team.updated"
    summary = "A team changed: its details, its members (the count) or whether it is active."


# ---------------------------------------------------------------------------------------------------
# RPC / HTTP payloads: volunteers

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[str, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# A person's id as used in offer links (letters, digits, . _ @ -; at most 64).
VOLUNTEER_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$"
VolunteerStatusName = Literal["applied", "active", "rejected", "suspended", "retired"]
# What the volunteers' domain accepts (services/volunteers/domain/profiles.py), so the schema says it too:
# a mainland mobile number, separators and a +86 / 0086 prefix allowed; an e-mail address or nothing.
# The domain checks them in Python, so a space in these patterns is what Python calls one (PYTHON_SPACE).
MOBILE_PATTERN = ecma_pattern(r"^[\s()-]*(\+86|0086)?[\s()-]*1[\s()-]*[3-9]([\s()-]*[0-9]){9}[\s()-]*$", PYTHON_SPACE)
OPTIONAL_EMAIL_PATTERN = ecma_pattern(r"^\s*([^@\s]+@[^@\s.]+(\.[^@\s.]+)+\s*)?$", PYTHON_SPACE)
# In the schema only: the domain checks them itself and answers with the field and a Chinese message.
MOBILE: dict[str, Any] = {"pattern": MOBILE_PATTERN}
OPTIONAL_EMAIL: dict[str, Any] = {"pattern": OPTIONAL_EMAIL_PATTERN}
VISIBLE: dict[str, Any] = {"pattern": ecma_pattern(r"\S", PYTHON_SPACE)}
LanguageTag = Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", examples=["zh", "yue", "csl"])]
Tag = Annotated[str, Field(min_length=1, max_length=20)]
AreaName = Annotated[str, Field(min_length=1, max_length=100)]


class AvailabilityWindow(BaseModel):
    """A weekly window of local time (Asia/Shanghai). An end of 00:00 means midnight at the end of the day."""

    model_config = ConfigDict(extra="forbid")
    day: Weekday
    start: TimeOfDay = Field(examples=["08:00"])
    end: TimeOfDay = Field(examples=["20:00"])


class VolunteerApplication(BaseModel):
    """What a person gives when applying. Skills come from the controlled list
    (`GET /api/v1/volunteers/skills`); anything else goes into free `tags`."""

    model_config = ConfigDict(extra="forbid")
    volunteer_id: str | None = Field(
        None,
        pattern=VOLUNTEER_ID_PATTERN,
        description="Staff entering a paper application give the person's id; otherwise it is the caller's own id.",
    )
    name: str = Field(min_length=1, max_length=50, json_schema_extra=VISIBLE)
    phone: str = Field(
        min_length=1, max_length=30, json_schema_extra=MOBILE, description="A mainland China mobile number."
    )
    email: str | None = Field(None, max_length=200, json_schema_extra=OPTIONAL_EMAIL)
    skills: list[str] = Field([], max_length=30)
    tags: list[Tag] = Field([], max_length=20)
    languages: list[LanguageTag] = Field(
        ["zh"],
        max_length=10,
        description="BCP 47 / ISO 639 codes: zh (普通话), yue (粤语), en, csl (中国手语, Chinese Sign Language), …",
    )
    availability: list[AvailabilityWindow] = Field([], max_length=50)
    town: AreaName | None = None
    village: AreaName | None = None
    coordinates: Coordinates | None = Field(None, description="Home, for the distance part of dispatch ranking.")
    channels: list[ContactChannel] = Field(
        min_length=1, max_length=3, description="Where the volunteer agrees to be contacted."
    )


class VolunteerUpdate(BaseModel):
    """The fields to change; the ones left out stay as they are."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, min_length=1, max_length=50, json_schema_extra=VISIBLE)
    phone: str | None = Field(None, min_length=1, max_length=30, json_schema_extra=MOBILE)
    email: str | None = Field(None, max_length=200, json_schema_extra=OPTIONAL_EMAIL)
    skills: list[str] | None = Field(None, max_length=30)
    tags: list[Tag] | None = Field(None, max_length=20)
    languages: list[LanguageTag] | None = Field(None, max_length=10)
    availability: list[AvailabilityWindow] | None = Field(None, max_length=50)
    town: AreaName | None = None
    village: AreaName | None = None
    coordinates: Coordinates | None = None
    channels: list[ContactChannel] | None = Field(None, min_length=1, max_length=3)


class VolunteerReview(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["approve", "reject"]
    reason: str | None = Field(None, max_length=500)


class StatusNote(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str | None = Field(None, max_length=500)


class StarLevel(BaseModel):
    """Commendation level (星级): see services/volunteers/README.md for the rule."""

    stars: int
    label_zh: str
    stars_by_hours: int
    withheld: bool
    total_hours: float
    rating_count: int
    average_rating: float | None = None
    next_star_at_hours: float | None = None


class Volunteer(BaseModel):
    id: str
    name: str
    phone: str
    email: str | None = None
    status: VolunteerStatusName
    status_reason: str | None = None
    skills: list[str]
    tags: list[str]
    languages: list[str]
    availability: list[AvailabilityWindow]
    town: str | None = None
    village: str | None = None
    coordinates: Coordinates | None = None
    channels: list[ContactChannel]
    applied_at: datetime
    reviewed_at: datetime | None = None
    reviewed_by: str | None = None
    updated_at: datetime
    stars: StarLevel


class SkillOption(BaseModel):
    code: str
    label_zh: str


# ---------------------------------------------------------------------------------------------------
# Teams

TeamKindName = Literal["volunteer_team", "amateur_troupe", "professional_troupe"]
TroupeSpecialtyName = Literal["dance", "choir", "quyi", "instruments", "calligraphy_painting", "drama", "other"]


class TeamMemberInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=50)
    volunteer_id: str | None = Field(None, max_length=100, description="When the member is a registered volunteer.")
    leader: StrictBool = False


class TeamCreate(BaseModel):
    """A volunteer team, an amateur troupe (业余文艺团队) or a professional troupe, based in a town or a village.
    A team with a village is a village team; one with only a town is a town team."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    kind: TeamKindName
    specialty: TroupeSpecialtyName | None = Field(None, description="Troupes only: dance, choir, 曲艺, …")
    town: AreaName | None = None
    village: AreaName | None = None
    members: list[TeamMemberInput] = Field([], max_length=500)


class TeamUpdate(Changes):
    """The fields of a team to change; `specialty` and `leader_member_id` may be cleared with null."""

    nullable = frozenset({"specialty", "leader_member_id"})
    name: str | None = Field(None, min_length=1, max_length=100)
    specialty: TroupeSpecialtyName | None = None
    active: StrictBool | None = None
    leader_member_id: str | None = Field(
        None, description="The `member_id` of one of the team's members; null: no leader."
    )


class TeamRosterMember(BaseModel):
    member_id: str
    name: str
    volunteer_id: str | None = None
    leader: bool = False


class Team(BaseModel):
    id: str
    name: str
    kind: TeamKindName
    kind_zh: str
    specialty: TroupeSpecialtyName | None = None
    town: str | None = None
    village: str | None = None
    active: bool
    member_count: int
    leader: TeamRosterMember | None = None
    members: list[TeamRosterMember] | None = Field(None, description="Shown to staff only.")
    created_at: datetime


class StandardRule(BaseModel):
    code: str
    kind: TeamKindName
    min_teams: int
    min_members: int
    text_zh: str
    text_en: str
    qualifying: int
    qualifying_team_ids: list[str]
    met: bool
    missing: int


class StandardFinding(BaseModel):
    code: str
    message_zh: str
    message_en: str
    rule: str | None = None
    team_id: str | None = None


class TeamStandards(BaseModel):
    """Seed 001: town ≥5 amateur troupes of ≥20 and ≥1 volunteer team of ≥5; village ≥1 troupe of ≥10."""

    level: Literal["town", "village"]
    area: str
    met: bool
    rules: list[StandardRule]
    findings: list[StandardFinding]


# ---------------------------------------------------------------------------------------------------
# Training, hours, ratings


class TrainingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    course: str = Field(min_length=1, max_length=200)
    provider: str = Field("", max_length=200, description="e.g. 区文化馆")
    hours: StrictFloat = Field(gt=0, le=24)
    on: IsoDate


class TrainingRecord(TrainingCreate):
    id: str
    volunteer_id: str
    recorded_by: str


class TrainingSummary(BaseModel):
    """One person's training in a calendar year against the standard (≥1 week = 40 h a year)."""

    volunteer_id: str
    year: int
    hours: float
    required_hours: float
    met: bool
    missing_hours: float
    records: list[TrainingRecord]


class TrainingReportRow(BaseModel):
    volunteer_id: str
    name: str
    hours: float
    met: bool
    missing_hours: float


class TrainingReport(BaseModel):
    year: int
    required_hours: float
    met_count: int
    people: list[TrainingReportRow]


class HoursEntryCreate(BaseModel):
    """Service outside a dispatched event (e.g. a reading-point shift), logged by staff."""

    model_config = ConfigDict(extra="forbid")
    hours: StrictFloat = Field(gt=0, le=24)
    on: IsoDate
    note: str = Field(min_length=1, max_length=300)


class HoursEntry(BaseModel):
    id: str
    volunteer_id: str
    event_id: str | None = None
    event_title: str | None = None
    hours: float
    on: date
    source: Literal["event", "manual"]
    note: str | None = None
    recorded_by: str
    created_at: datetime


class Satisfaction(BaseModel):
    """Residents' ratings of the event (from feedback.received)."""

    average: float | None = None
    count: int = 0


class ServedEvent(BaseModel):
    event_id: str
    event_title: str | None = None
    on: date
    hours: float
    organiser_rating: int | None = Field(None, description="The organiser's 1–5 rating of this volunteer's service.")
    satisfaction: Satisfaction


class HoursLog(BaseModel):
    volunteer_id: str
    total_hours: float
    recent_hours: float = Field(description="Hours in the fair-share window used by dispatch ranking.")
    recent_days: int
    entries: list[HoursEntry]
    served_events: list[ServedEvent]
    stars: StarLevel


class RatingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    event_id: str = Field(min_length=1, max_length=100)
    rating: StrictInt = Field(ge=1, le=5)
    comment: str | None = Field(None, max_length=500)


class ServiceRating(RatingCreate):
    volunteer_id: str
    rated_by: str
    rated_at: datetime


# ---------------------------------------------------------------------------------------------------
# Dispatch views

OfferStatusName = Literal["offered", "accepted", "declined", "expired", "withdrawn"]
DispatchStatusName = Literal["open", "filled", "unfilled", "cancelled"]


class Offer(BaseModel):
    offer_id: str
    dispatch_id: str
    event_id: str
    event_title: str
    volunteer_id: str
    volunteer_name: str | None = None
    role: str
    status: OfferStatusName
    start: datetime
    end: datetime
    place_name: str
    deadline: datetime
    offered_at: datetime | None = None
    closed_at: datetime | None = None
    closed_reason: str | None = None
    reminded: bool = False


class OfferLink(BaseModel):
    """What a signed link grants: one action on one offer."""

    action: Literal["accept", "decline"]
    offer: Offer
    accept_url: str
    decline_url: str


class DispatchRole(BaseModel):
    role: str
    needed: int
    skills: list[str]
    accepted: int
    pending: int
    untried: int


class DispatchTeamMember(TeamMember):
    offer_id: str
    checked_in: bool = False
    checked_in_at: datetime | None = None


class Dispatch(BaseModel):
    """The organiser's view of an event's dispatch: the team, the open offers, every offer made."""

    event_id: str
    dispatch_id: str
    title: str
    organiser_id: str
    start: datetime
    end: datetime
    place_name: str
    status: DispatchStatusName
    cancelled_reason: str | None = None
    roles: list[DispatchRole]
    team: list[DispatchTeamMember]
    open_offers: list[Offer]
    offers: list[Offer]
    shortfall: list[RoleShortfall]
    created_at: datetime
    updated_at: datetime


class CheckIn(BaseModel):
    event_id: str
    volunteer_id: str
    checked_in_at: datetime
    checked_in_by: str
    credited_hours: float | None = Field(None, description="Set when the event had already completed.")
