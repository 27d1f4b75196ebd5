"""Jinja2 (autoescaping on) with the app's filters: district local time, zh-CN labels, the CSRF field."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from web import labels, session

DISTRICT = ZoneInfo("Asia/Shanghai")
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))  # autoescapes .html


def local(value) -> datetime | None:
    if value in (None, ""):
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(DISTRICT)


def when(value, fmt: str = "%Y年%m月%d日 %H:%M") -> str:
    """An API time as district local time, with the weekday: 2026年12月05日 周六 14:30."""
    moment = local(value)
    if moment is None:
        return ""
    date_part, _, time_part = moment.strftime(fmt).partition(" ")
    return f"{date_part} {labels.WEEKDAYS[moment.weekday()]} {time_part}".strip()


def clock(value) -> str:
    moment = local(value)
    return moment.strftime("%H:%M") if moment else ""


def label(value, kind: str) -> str:
    return labels.ALL[kind].get(value, value or "")


def csrf_field(request) -> Markup:
    return Markup('<input type="hidden" name="{}" value="{}">').format(session.CSRF_FIELD, session.csrf_token(request))


templates.env.filters.update(when=when, clock=clock, label=label)
templates.env.globals.update(
    csrf_field=csrf_field, current_account=session.account, flashes=session.pop_flashes, labels=labels
)


def render(request, name: str, context: dict | None = None, *, status_code: int = 200):
    return templates.TemplateResponse(request, name, context or {}, status_code=status_code)
