"""reports: the district's view (服务效能), built only from the facts the other services publish.

Facts arrive through `entrypoints/facts.py` into an append-only log and the read models
(`projection.py`); the report is computed by `domain/efficiency.py` from the read models.
"""

from __future__ import annotations

from nameko.dependency_providers import Config

from kit.callers import Callers
from kit.database import Database
from kit.metrics import Metrics
from kit.request_context import RequestContext
from kit.rpc import rpc
from kit.service_settings import SettingsDependency
from services.reports.entrypoints.facts import FactEntrypoints
from services.reports.entrypoints.inspections import InspectionEntrypoints, SurveyEntrypoints
from services.reports.entrypoints.reports import ReportEntrypoints
from services.reports.settings import ReportsSettings
from services.reports.tables import metadata


class ReportsService(FactEntrypoints, ReportEntrypoints, InspectionEntrypoints, SurveyEntrypoints):
    name = "reports"
    db = Database(metadata)
    caller = Callers()  # who is calling: the verified tokens of the call, not its actor argument (kit.callers)
    metrics = Metrics()
    request = RequestContext()  # the request id of every worker, in its logs and facts (kit.request_ids)
    config = Config()
    settings = SettingsDependency(ReportsSettings)

    @rpc
    def health(self):
        return {"service": self.name, "status": "ok", **self.db.health()}


SERVICE = ReportsService
__all__ = ["SERVICE"]
