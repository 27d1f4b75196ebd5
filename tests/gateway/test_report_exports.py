"""The printable district report (gateway/report_exports.py): the charts are drawn once per set of figures and
the page stays exactly what it was — pure, no platform."""

from __future__ import annotations

import copy
from datetime import datetime, timezone

import pytest

from gateway import report_exports
from services.reports.domain.efficiency import District, VenueRecord, district_report
from services.reports.domain.periods import parse_period

pytestmark = pytest.mark.filterwarnings("ignore:Glyph:UserWarning")  # no CJK font here: boxes drawn
CHARTS = (report_exports._trend_svg, report_exports._comparison_svg, report_exports._village_map_svg)


@pytest.fixture
def report() -> dict:
    venues = [
        VenueRecord("d", "江津区文化馆", "culture_centre", "district", None, None, 29.3, 106.25),
        VenueRecord("t", "嘉平镇文化服务中心", "town_centre", "town", "嘉平镇", None, 29.05, 106.2),
        *(
            VenueRecord(f"v{n}", f"{name}文化活动室", "village_centre", "village", "嘉平镇", name, 29.0 + n / 50, 106.1)
            for n, name in enumerate(("石门村", "高峰村", "白沙村"))
        ),
    ]
    district = District(
        venues=venues, events=[], registrations=[], feedback=[], orders=[], bookings=[], closures=[], hours=[]
    )
    return district_report(
        district, parse_period("2026"), as_of=datetime(2026, 12, 3, 8, tzinfo=timezone.utc), targets={}
    )


@pytest.fixture(autouse=True)
def fresh_charts():
    for chart in CHARTS:
        chart.cache_clear()


def test_the_same_figures_are_drawn_once_and_give_the_same_page(report):
    first = report_exports.to_html(report)
    assert [chart.cache_info().misses for chart in CHARTS] == [1, 1, 1]
    again = report_exports.to_html(copy.deepcopy(report))
    assert again == first  # byte for byte: no drawing date in the SVGs either
    assert "<dc:date>" not in first and first.count("<svg") == 3
    assert [chart.cache_info().hits for chart in CHARTS] == [1, 1, 1]


def test_a_changed_figure_is_drawn_anew_and_only_its_chart(report):
    before = report_exports.to_html(report)
    served = copy.deepcopy(report)
    served["villages"][0]["unserved"] = not served["villages"][0]["unserved"]  # a performance came, or time passed
    after = report_exports.to_html(served)
    assert after != before
    assert [chart.cache_info().misses for chart in CHARTS] == [1, 1, 2]
    assert report_exports.village_map(served) == report_exports._village_map_svg.__wrapped__(
        tuple((v["village"], v["lon"], v["lat"], v["unserved"]) for v in served["villages"]),
        served["unserved_months"],
    )
