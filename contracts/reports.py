"""Reports (服务效能): the RPC/HTTP shapes of the district report. The report itself is a JSON
document of figures (see `services/reports/domain/efficiency.py` for each figure's meaning)."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ActivityTargets(BaseModel):
    """Activities per year per centre (seed 001; changeable by an administrator)."""

    model_config = ConfigDict(extra="forbid")
    town: int | None = Field(None, ge=0, le=10000, description="activities per year a town centre must hold (default 52)")
    village: int | None = Field(None, ge=0, le=10000, description="activities per year a village centre must hold (default 12)")


class RebuildResult(BaseModel):
    replayed_facts: int
