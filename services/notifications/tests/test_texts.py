"""The Jinja2 templates of the notification texts: one per audience of each fact and language, no strays,
and a name a template does not know is an error, not a blank."""

import pytest
from jinja2 import UndefinedError

from services.notifications.domain.messages import AUDIENCES, Audience
from services.notifications.texts import TEMPLATES, _environment, render


def test_one_template_per_audience_and_language_and_no_others():
    expected = {f"{t}.{a.value}.txt" for t, audiences in AUDIENCES.items() for a in audiences}
    for language in ("zh-CN", "en"):
        assert {p.name for p in (TEMPLATES / language).glob("*")} == expected, language


def test_every_template_has_the_three_blocks():
    for path in TEMPLATES.glob("*/*.txt"):
        template = _environment.get_template(f"{path.parent.name}/{path.name}")
        assert set(template.blocks) == {"subject", "body", "sms"}, path


def test_a_misspelt_field_fails_loudly():
    template = _environment.from_string("{{ titel }}")
    with pytest.raises(UndefinedError):
        template.render(title="x")


def test_a_reason_on_two_lines_stays_one_line_of_the_body():
    message = render("event.cancelled", {"event_title": "讲座", "reason": "暴雨\n停电"}, "zh-CN", Audience.PARTICIPANT)
    assert "原因：暴雨\n停电。" in message.body
