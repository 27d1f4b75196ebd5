"""Inspections (district inspectors) and self-inspections (a centre's manager), rectification items
tracked to closed, monthly progress; satisfaction surveys to a random sample of recent attendees."""

from __future__ import annotations

from contracts.errors import Forbidden, Unprocessable
from contracts.reports import InspectionCreate, RectificationClose, RectificationCreate, SurveyAnswer, SurveyCreate
from kit.boundary import actor_from, model_or_422
from kit.rpc import rpc
from services.reports import inspection_commands as commands
from services.reports import survey_commands


def _may_inspect(actor, venue_id: str, kind: str) -> None:
    if actor.role == "admin":
        return
    if kind == "self_inspection" and actor.role == "venue_manager" and actor.has_scope("venue", venue_id):
        return
    raise Forbidden(
        "District inspectors (administrators) inspect; a centre's own manager may self-inspect.", {"venue_id": venue_id}
    )


class InspectionEntrypoints:
    @rpc
    def open_inspection(self, actor: dict, inspection: dict) -> dict:
        actor = actor_from(actor)
        data = model_or_422(InspectionCreate, inspection, "inspection")
        _may_inspect(actor, data.venue_id, data.kind)
        with self.db.transaction() as tx:
            return commands.open_inspection(tx.session, actor.name or actor.sub, data)

    @rpc
    def get_inspection(self, actor: dict, inspection_id: str) -> dict:
        actor = actor_from(actor)
        with self.db.read() as session:
            row = commands.inspection_row(session, inspection_id)
            _may_inspect(actor, row["venue_id"], "self_inspection")
            return commands.inspection_view(session, inspection_id)

    @rpc
    def add_rectification(self, actor: dict, inspection_id: str, item: dict) -> dict:
        actor = actor_from(actor)
        data = model_or_422(RectificationCreate, item, "rectification item")
        with self.db.transaction() as tx:
            inspection = commands.inspection_row(tx.session, inspection_id)
            _may_inspect(actor, inspection["venue_id"], inspection["kind"])
            return commands.add_rectification(tx.session, inspection, data)

    @rpc
    def close_rectification(self, actor: dict, rectification_id: str, closing: dict) -> dict:
        actor = actor_from(actor)
        data = model_or_422(RectificationClose, closing, "closing note")
        with self.db.transaction() as tx:
            item = commands.rectification_row(tx.session, rectification_id)
            _may_inspect(actor, item["venue_id"], "self_inspection")  # the centre closes what it put right
            return commands.close_rectification(tx.session, item, data)

    @rpc
    def monthly_progress(self, actor: dict, year: int) -> list[dict]:
        actor = actor_from(actor)
        if actor.role not in ("admin", "organiser", "venue_manager"):
            raise Forbidden("Only district staff read the monthly progress.")
        if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
            raise Unprocessable("year must be a year like 2026.", {"field": "year", "value": str(year)})
        with self.db.read() as session:
            return commands.monthly_progress(session, year)


class SurveyEntrypoints:
    @rpc
    def start_survey(self, actor: dict, survey: dict) -> dict:
        actor = actor_from(actor)
        if actor.role != "admin":
            raise Forbidden("Only the district administrator starts a satisfaction survey.")
        data = model_or_422(SurveyCreate, survey, "survey")
        with self.db.transaction() as tx:
            return survey_commands.start_survey(tx, actor.sub, data)

    @rpc
    def answer_survey(self, actor: dict, invitation_id: str, answer: dict) -> dict:
        actor = actor_from(actor)
        data = model_or_422(SurveyAnswer, answer, "answer")
        with self.db.transaction() as tx:
            return survey_commands.answer(tx.session, actor.sub, invitation_id, data)

    @rpc
    def survey_results(self, actor: dict, survey_id: str) -> dict:
        actor = actor_from(actor)
        if actor.role not in ("admin", "organiser", "venue_manager"):
            raise Forbidden("Only district staff read the survey results.")
        with self.db.read() as session:
            return survey_commands.results(session, survey_id)
