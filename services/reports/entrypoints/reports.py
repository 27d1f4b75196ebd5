"""The district report (服务效能 and 送文化下乡 coverage), rebuilding the read models, and the targets."""

from __future__ import annotations

from datetime import datetime, timezone

from contracts.errors import Forbidden, Unprocessable
from contracts.reports import ActivityTargets, RebuildResult
from kit.boundary import actor_from, aware_or_422, model_or_422, number_or_422
from kit.rpc import rpc
from services.reports import fact_commands, queries
from services.reports.domain.efficiency import district_report
from services.reports.domain.evaluation import anonymised_export
from services.reports.domain.periods import BadPeriod, parse_period

READERS = ("admin", "organiser", "venue_manager")


def _require_reader(actor) -> None:
    if actor.role not in READERS:
        raise Forbidden("Only district staff (administrator, organisers, venue managers) may read the reports.")


def _require_admin(actor, what: str) -> None:
    if actor.role != "admin":
        raise Forbidden(f"Only the district administrator {what}.")


class ReportEntrypoints:
    @rpc
    def district_report(self, actor: dict, period: str, as_of: str | None = None, unserved_months: int = 4) -> dict:
        actor = actor_from(actor)
        _require_reader(actor)
        try:
            span = parse_period(period)
        except BadPeriod as exc:
            raise Unprocessable(str(exc), {"field": "period", "value": str(period)}) from exc
        moment = aware_or_422(as_of, "as_of") if as_of else datetime.now(timezone.utc)
        months = number_or_422(unserved_months, "unserved_months", 1, 36)
        with self.db.read() as session:
            district = queries.district(session)
            targets = queries.targets(session)
        return district_report(district, span, as_of=moment, targets=targets, unserved_months=months)

    @rpc
    def evaluator_export(self, actor: dict, period: str) -> dict:
        """The anonymised export for a third-party evaluator (administrators hand it over)."""
        actor = actor_from(actor)
        _require_admin(actor, "exports data for an outside evaluator")
        try:
            span = parse_period(period)
        except BadPeriod as exc:
            raise Unprocessable(str(exc), {"field": "period", "value": str(period)}) from exc
        with self.db.read() as session:
            district = queries.district(session)
        return anonymised_export(district, span)

    @rpc
    def set_activity_targets(self, actor: dict, targets: dict) -> dict:
        actor = actor_from(actor)
        _require_admin(actor, "changes the activity standards")
        data = model_or_422(ActivityTargets, targets, "activity targets")
        with self.db.transaction() as tx:
            saved = fact_commands.set_targets(tx.session, data.model_dump(exclude_none=True))
        return saved

    @rpc
    def rebuild(self, actor: dict) -> dict:
        actor = actor_from(actor)
        _require_admin(actor, "rebuilds the reports")
        with self.db.transaction() as tx:
            replayed = fact_commands.rebuild(tx.session)
        return RebuildResult(replayed_facts=replayed).model_dump(mode="json")
