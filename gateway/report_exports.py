"""The district report in the formats people use: CSV and XLSX tables (openpyxl) and a printable HTML
page with charts drawn on the server (matplotlib, SVG, no network; Jinja2 with autoescape). Only
presentation: every number comes from the reports service unchanged."""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from matplotlib import font_manager, rcParams
from matplotlib.figure import Figure
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

UNIT_KEYS = ("scope", "name", "level", "town", "village", "venue_id")
_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape(["html"])
)
_CJK_FONTS = ("WenQuanYi Zen Hei", "Noto Sans CJK SC", "Source Han Sans SC", "SimHei", "Microsoft YaHei")
_available = {font.name for font in font_manager.fontManager.ttflist}
rcParams["font.family"] = [name for name in _CJK_FONTS if name in _available] + ["DejaVu Sans"]
rcParams["svg.fonttype"] = "path"  # text as outlines: the page needs no font and no network
rcParams["svg.hashsalt"] = "wenyun"  # stable ids: the same report gives the same page


def flatten(row: dict) -> dict:
    """One flat row: nested figures become `festival_activities.春节`, `satisfaction_distribution.5`, …"""
    flat = {}
    for key, value in row.items():
        if isinstance(value, dict):
            for inner, inner_value in value.items():
                flat[f"{key}.{inner}"] = inner_value
        else:
            flat[key] = value
    return flat


def tables(report: dict) -> dict[str, list[dict]]:
    """The report as named flat tables (the sheets of the workbook)."""
    return {
        "units": [flatten(u) for u in report["units"]],
        "trend": report["trend"],
        "rooms": report["rooms"],
        "villages": report["villages"],
        "satisfaction": [
            {"by": by.removeprefix("by_"), **flatten(row)}
            for by, rows in report["satisfaction"].items()
            for row in rows
        ],
        "decline_reasons": report["orders"]["decline_reasons"],
        "rarely_ordered": report["orders"]["rarely_ordered_offerings"],
    }


def _columns(rows: list[dict]) -> list[str]:
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    return columns


def to_csv(report: dict) -> str:
    """The figures per unit (district, towns, villages, venues): one line each."""
    rows = tables(report)["units"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=_columns(rows), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return "\ufeff" + out.getvalue()  # BOM: spreadsheet programs then read the Chinese names right


def _cell(value):
    # A name may hold a control character a worksheet cannot (it came in through the API): drop it
    # instead of failing the whole export.
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def to_xlsx(report: dict) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in tables(report).items():
        sheet = workbook.create_sheet(name)
        columns = _columns(rows)
        sheet.append(columns)
        for row in rows:
            sheet.append([_cell(row.get(column)) for column in columns])
    period = workbook.create_sheet("period", 0)
    for key, value in report["period"].items():
        period.append([key, value])
    period.append(["as_of", report["as_of"]])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def evaluator_xlsx(export: dict) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "events"
    columns = _columns(export["events"])
    sheet.append(columns)
    for row in export["events"]:
        sheet.append([_cell(row.get(column)) for column in columns])
    workbook.create_sheet("about").append([export["period"], export["note"]])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _svg(figure: Figure) -> Markup:
    out = io.StringIO()
    # No drawing date in the metadata: the same figures give the same bytes (cached, ETag).
    figure.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = out.getvalue()
    return Markup(text[text.index("<svg") :])  # drawn by matplotlib from numbers only, not from user text


# Drawing the three charts is ~300 ms of a page whose figures change only when a fact arrives. Each chart is
# cached by exactly the values it draws (no invalidation to forget: new figures are a new key, and matplotlib
# with a fixed hash salt draws the same values into the same SVG), so a repeated page costs the template only.
CHART_CACHE = 64  # charts of each kind kept: a few periods × a few figures of the day


def trend_chart(report: dict) -> Markup:
    return _trend_svg(tuple((t["month"][5:], t["activities"]) for t in report["trend"]))


@lru_cache(maxsize=CHART_CACHE)
def _trend_svg(bars: tuple[tuple[str, int], ...]) -> Markup:
    figure = Figure(figsize=(7, 2.8))
    axes = figure.subplots()
    axes.bar([month for month, _ in bars], [count for _, count in bars], color="#b22222")
    axes.set_title("每月活动场次")
    axes.set_ylabel("场次")
    return _svg(figure)


def comparison_chart(report: dict) -> Markup:
    return _comparison_svg(
        tuple((u["name"], u["activities"]) for u in report["units"] if u["scope"] in ("town", "village"))
    )


@lru_cache(maxsize=CHART_CACHE)
def _comparison_svg(units: tuple[tuple[str, int], ...]) -> Markup:
    figure = Figure(figsize=(7, 0.45 * max(len(units), 3) + 1))
    axes = figure.subplots()
    axes.barh([name for name, _ in units], [count for _, count in units], color="#4a6fa5")
    axes.invert_yaxis()
    axes.set_title("镇、村活动场次比较")
    axes.set_xlabel("场次")
    return _svg(figure)


def village_map(report: dict) -> Markup:
    return _village_map_svg(
        tuple(
            (v["village"], v["lon"], v["lat"], bool(v["unserved"]))
            for v in report["villages"]
            if v["lat"] is not None and v["lon"] is not None
        ),
        report["unserved_months"],
    )


@lru_cache(maxsize=CHART_CACHE)
def _village_map_svg(villages: tuple[tuple[str, float, float, bool], ...], unserved_months: int) -> Markup:
    figure = Figure(figsize=(6, 4.5))
    axes = figure.subplots()
    for name, lon, lat, unserved in villages:
        axes.scatter(lon, lat, s=90, marker="x" if unserved else "o", color="#c0392b" if unserved else "#2e8b57")
        axes.annotate(name, (lon, lat), textcoords="offset points", xytext=(6, 4), fontsize=9)
    axes.set_title(f"送文化下乡：绿点为近{unserved_months}个月已服务，红叉为未服务")
    axes.set_xlabel("经度")
    axes.set_ylabel("纬度")
    return _svg(figure)


def to_html(report: dict) -> str:
    return _TEMPLATES.get_template("district_report.html").render(
        report=report,
        charts={"trend": trend_chart(report), "comparison": comparison_chart(report), "map": village_map(report)},
    )
