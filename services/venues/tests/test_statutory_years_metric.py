"""The operator's metric for the statutory calendar (a real SQLite database, no broker)."""

from prometheus_client import REGISTRY
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from kit.clock import local_today as today
from services.venues import statutory_years
from services.venues.domain.statutory_calendar import library_knows, years_to_watch
from services.venues.tables import statutory_years as statutory_years_table


def test_the_unknown_years_metric_follows_the_warnings(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'venues.db'}")
    statutory_years_table.create(engine)
    with Session(engine) as session:
        warnings = statutory_years.operator_warnings(session)
    unknown = [year for year in years_to_watch(today()) if not library_knows(year)]
    for year in unknown:
        assert REGISTRY.get_sample_value("wenyun_statutory_calendar_unknown", {"year": str(year)}) == 1
    assert REGISTRY.get_sample_value("wenyun_statutory_calendar_warnings") == len(warnings) == len(unknown)
    engine.dispose()
