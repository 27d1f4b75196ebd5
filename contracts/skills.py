"""The one skill vocabulary: what a volunteer can offer and what an event's volunteer need asks for.

Volunteers pick skills from this list (anything else is a free tag, which matching never uses) and
organisers enter needs from it, so a need can always be matched. A need may name a skill by its code
(`sound`) or its Chinese label (「音响」); it is stored and published as the code. Anything else is
refused where it is entered (422 listing the known skills) instead of silently ending unfilled.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

SKILLS: Mapping[str, str] = MappingProxyType(
    {
        "sound": "音响",
        "lighting": "灯光",
        "stage": "舞台",
        "photography": "摄影",
        "first_aid": "急救",
        "sign_language": "手语",
        "guide": "引导讲解",
        "reception": "接待",
        "carrying": "搬运",
        "reading": "阅读推广",
        "dance": "舞蹈",
        "choir": "合唱",
        "quyi": "曲艺",
        "instruments": "器乐",
        "calligraphy_painting": "书画",
        "driving": "驾驶",
        "it_support": "电脑辅导",
        "elderly_care": "助老",
    }
)
_BY_LABEL = {label: code for code, label in SKILLS.items()}
SKILL_LABELS = frozenset(_BY_LABEL)


def known_skills_text() -> str:
    return ", ".join(f"{code} ({label})" for code, label in SKILLS.items())


def skill_code(name: str) -> str:
    """The code of a skill given by code or Chinese label; ValueError (listing the known ones) otherwise."""
    text = name.strip()
    if text in SKILLS:
        return text
    if text in _BY_LABEL:
        return _BY_LABEL[text]
    raise ValueError(f"unknown skill {name!r}; known skills: {known_skills_text()}")
