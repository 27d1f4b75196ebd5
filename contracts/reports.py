"""Reports (服务效能): the RPC/HTTP shapes of the district report. The report itself is a JSON
document of figures (see `services/reports/domain/efficiency.py` for each figure's meaning)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.common import JSON_INTEGER, IsoDate, StrictInt
from contracts.envelope import DomainEvent


class ActivityTargets(BaseModel):
    """Activities per year per centre (seed 001; changeable by an administrator)."""

    model_config = ConfigDict(extra="forbid")
    town: Annotated[int, Field(ge=0, le=10000), JSON_INTEGER] | None = Field(
        None, description="activities per year a town centre must hold (default 52)"
    )
    village: Annotated[int, Field(ge=0, le=10000), JSON_INTEGER] | None = Field(
        None, description="activities per year a village centre must hold (default 12)"
    )


class RebuildResult(BaseModel):
    replayed_facts: int


# A year (2000–2100, the reporting years of services/reports/domain/periods.py), a quarter or a month.
PERIOD_PATTERN = r"^(20[0-9]{2}|2100)(-Q[1-4]|-(0[1-9]|1[0-2]))?$"


class InspectionCreate(BaseModel):
    """An inspection (by the district, twice a year) or a centre's self-inspection (自查)."""

    model_config = ConfigDict(extra="forbid")
    venue_id: str = Field(min_length=1, max_length=36)
    kind: Literal["inspection", "self_inspection"] = "inspection"
    period: str = Field(pattern=PERIOD_PATTERN, examples=["2026", "2026-Q3"])
    findings: str = Field("", max_length=4000, description="What the inspector found (free text).")


class RectificationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: str = Field(min_length=1, max_length=1000)
    owner: str = Field(min_length=1, max_length=100, description="Who puts it right.")
    due_on: IsoDate


class RectificationClose(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(min_length=1, max_length=1000, description="What was done.")


class SurveyCreate(BaseModel):
    """A satisfaction survey (seed 002: third-party satisfaction survey) to a random sample of the people
    who attended completed events recently; they are asked through notifications (their consented channels)."""

    model_config = ConfigDict(extra="forbid")
    days: StrictInt = Field(30, ge=1, le=365, description="Events completed in the last N days.")
    sample_size: StrictInt = Field(50, ge=1, le=2000)


class SurveyAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rating: StrictInt = Field(ge=1, le=5, description="1 (very dissatisfied) … 5 (very satisfied)")


class SurveyInvited(DomainEvent):
    source_service = "reports"
    event_type = "survey.invited"
    summary = "A person who attended an event is asked to rate it (a random sample; one invitation each)."

    survey_id: str
    invitation_id: str
    person_id: str
    event_title: str
    place_name: str | None = None
    answer_path: str = Field(description="POST a rating (1–5) here, signed in as the person.")
