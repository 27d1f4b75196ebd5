"""The words of a message: Jinja2 templates under templates/<language>/<type>.<audience>.txt.

Each template has three blocks: `subject`, `body` (one line per fact; a line left empty by its
conditions is dropped) and `sms`. Autoescaping is on for HTML templates only (the texts are plain
text for e-mail, SMS and the inbox); StrictUndefined makes a misspelt field an error, not a blank.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Mapping

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape

from services.notifications.domain.messages import Audience, Message, audience_of, fields, tidy, wants_english

TEMPLATES = Path(__file__).parent / "templates"
# A line break inside a value (a reason typed on two lines) is not a new line of the body.
_VALUE_BREAK = "\ue000"


def _finalize(value: object) -> object:
    if value is None:
        return ""
    return value.replace("\n", _VALUE_BREAK) if isinstance(value, str) else value


_environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    finalize=_finalize,
    keep_trailing_newline=False,
)


@cache
def _template(language: str, event_type: str, audience: Audience) -> Template:
    return _environment.get_template(f"{language}/{event_type}.{audience.value}.txt")


def _block(template: Template, name: str, values: Mapping[str, Any]) -> str:
    return "".join(template.blocks[name](template.new_context(dict(values))))


def render(
    event_type: str,
    data: Mapping[str, Any] | None,
    language: str | None = "zh-CN",
    audience: Audience | str | None = None,
) -> Message | None:
    """The message for one audience of one fact, or None when that audience gets none."""
    chosen = audience_of(event_type, audience)
    if chosen is None:
        return None
    english = wants_english(language)
    template = _template("en" if english else "zh-CN", event_type, chosen)
    values = fields(data or {}, english)
    lines = (tidy(line) for line in _block(template, "body", values).split("\n"))
    return Message(
        subject=_restore(tidy(_block(template, "subject", values))),
        body=_restore("\n".join(line for line in lines if line)),
        sms_text=_restore(tidy(_block(template, "sms", values))),
    )


def _restore(text: str) -> str:
    return text.replace(_VALUE_BREAK, "\n")
