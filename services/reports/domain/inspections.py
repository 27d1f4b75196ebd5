"""Inspections and self-inspections of a centre: a checklist built from the standards (seeds 001,
002, 004) and evaluated against the centre's report figures, and rectification items. Pure."""

from __future__ import annotations

from datetime import date

from services.reports.domain.efficiency import FESTIVALS

KINDS = ("inspection", "self_inspection")


class InspectionError(ValueError):
    pass


def checklist(venue_row: dict, village_row: dict | None) -> list[dict]:
    """One item per standard: what is required, what the figures show, and whether it is met
    (None when the facts cannot tell — the inspector checks it on site)."""
    items = [
        {
            "code": "activities",
            "standard": "每年活动场次达标（镇≥52，村≥12，按统计区间折算）",
            "required": venue_row.get("activities_target"),
            "actual": venue_row["activities"],
            "met": venue_row.get("meets_activity_target"),
        },
        {
            "code": "festivals",
            "standard": "春节、端午、中秋、国庆等传统节日开展主题活动",
            "required": len(FESTIVALS),
            "actual": sum(1 for n in venue_row["festival_activities"].values() if n),
            "met": all(venue_row["festival_activities"].values()),
        },
    ]
    if village_row is not None:
        items.append(
            {
                "code": "mobile_performance",
                "standard": "送文化下乡：近4个月内至少一场演出",
                "required": 1,
                "actual": village_row["performances_in_period"],
                "met": not village_row["unserved"],
            }
        )
    weeks = venue_row.get("opening_weeks") or 0
    items.append(
        {
            "code": "opening_hours",
            "standard": "每周开放时间达标、双休日和节假日照常开放（按公布的开放时间、例外与闭馆逐周核算）",
            "required": weeks or None,
            "actual": venue_row.get("opening_weeks_compliant") if weeks else None,
            "met": (venue_row["opening_weeks_compliant"] == weeks) if weeks else None,  # no hours published: on site
        }
    )
    items.append(
        {
            "code": "visit_register",
            "standard": "到馆登记（五簿一册）在统计区间内有记录",
            "required": 1,
            "actual": venue_row.get("visits", 0),
            "met": venue_row.get("visits", 0) > 0,
        }
    )
    items.extend(
        {"code": code, "standard": text, "required": None, "actual": None, "met": None}
        for code, text in (
            ("standing_free_activities", "常态化免费开放活动不少于4项（现场核查）"),
            ("registers", "五簿一册其余簿册、资产登记齐全（现场核查）"),
        )
    )
    return items


def check_rectification(description: str, owner: str, due_on: date, today: date) -> None:
    if not description.strip() or not owner.strip():
        raise InspectionError("a rectification item needs a description and an owner")
    if due_on < today:
        raise InspectionError("the due date of a rectification item cannot be in the past")


def check_close(status: str) -> None:
    if status != "open":
        raise InspectionError("the rectification item is already closed")
