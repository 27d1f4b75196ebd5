"""What an event is (kind, audience, volunteer needs) and the states it moves through.

    draft ──publish──▶ published ──complete──▶ completed
      │  ▲ edit          │  ▲ reschedule
      │  └──┘            │  └──┘
      └──cancel──▶ cancelled ◀──cancel──┘

A draft is private, so any change to it is a plain edit. Once published, people have registered
and been told a time and place: changing either is a *reschedule*, which the service announces
(``event.rescheduled``) and which bumps the calendar SEQUENCE. Other corrections to a published
event (a typo in the description) stay edits. :func:`action_for_change` picks the right one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from kit.rules import InvalidTransition, RuleViolation

__all__ = [
    "EventAction",
    "action_for_change",
    "EventKind",
    "EventStatus",
    "InvalidTransition",
    "TargetGroup",
    "VolunteerNeed",
    "allowed_actions",
    "check_can_complete",
    "transition",
    "validate_event_times",
    "validate_volunteer_needs",
]


class EventKind(StrEnum):
    MOBILE_PERFORMANCE = "mobile_performance"
    FESTIVAL = "festival"
    LECTURE = "lecture"
    TRAINING = "training"
    EXHIBITION = "exhibition"
    FILM_SCREENING = "film_screening"
    READING_PROMOTION = "reading_promotion"
    OTHER = "other"

    @property
    def label_zh(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    EventKind.MOBILE_PERFORMANCE: "送文化下乡",
    EventKind.FESTIVAL: "我们的节日",
    EventKind.LECTURE: "讲座",
    EventKind.TRAINING: "培训",
    EventKind.EXHIBITION: "展览",
    EventKind.FILM_SCREENING: "电影放映",
    EventKind.READING_PROMOTION: "阅读推广",
    EventKind.OTHER: "其他",
}


class TargetGroup(StrEnum):
    ELDERLY = "elderly"
    MINORS = "minors"
    LEFT_BEHIND_CHILDREN = "left_behind_children"
    DISABLED = "disabled"
    MIGRANT_WORKERS = "migrant_workers"
    EVERYONE = "everyone"

    @property
    def label_zh(self) -> str:
        return _GROUP_LABELS[self]


_GROUP_LABELS = {
    TargetGroup.ELDERLY: "老年人",
    TargetGroup.MINORS: "未成年人",
    TargetGroup.LEFT_BEHIND_CHILDREN: "留守儿童",
    TargetGroup.DISABLED: "残疾人",
    TargetGroup.MIGRANT_WORKERS: "农民工",
    TargetGroup.EVERYONE: "全体群众",
}


class EventStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class EventAction(StrEnum):
    EDIT = "edit"
    PUBLISH = "publish"
    RESCHEDULE = "reschedule"
    COMPLETE = "complete"
    CANCEL = "cancel"


_EVENT_TRANSITIONS: dict[EventStatus, dict[EventAction, EventStatus]] = {
    EventStatus.DRAFT: {
        EventAction.EDIT: EventStatus.DRAFT,
        EventAction.PUBLISH: EventStatus.PUBLISHED,
        # Abandoning a plan before it went public; the service only announces it if it was published.
        EventAction.CANCEL: EventStatus.CANCELLED,
    },
    EventStatus.PUBLISHED: {
        EventAction.EDIT: EventStatus.PUBLISHED,  # details only; time or place is RESCHEDULE
        EventAction.RESCHEDULE: EventStatus.PUBLISHED,
        EventAction.COMPLETE: EventStatus.COMPLETED,
        EventAction.CANCEL: EventStatus.CANCELLED,
    },
    EventStatus.COMPLETED: {},
    EventStatus.CANCELLED: {},
}


def allowed_actions(status: EventStatus) -> tuple[EventAction, ...]:
    return tuple(_EVENT_TRANSITIONS[EventStatus(status)])


def transition(status: EventStatus, action: EventAction) -> EventStatus:
    """The status after ``action``; ``InvalidTransition`` if the action is not allowed now."""
    status, action = EventStatus(status), EventAction(action)
    try:
        return _EVENT_TRANSITIONS[status][action]
    except KeyError:
        raise InvalidTransition("event", status, action, allowed_actions(status)) from None


def action_for_change(status: EventStatus, *, moves_time_or_place: bool) -> EventAction:
    """The action a change amounts to: moving a *published* event is a reschedule, all else an edit.

    The returned action still goes through :func:`transition`, which refuses it for a completed or
    cancelled event.
    """
    if moves_time_or_place and EventStatus(status) is EventStatus.PUBLISHED:
        return EventAction.RESCHEDULE
    return EventAction.EDIT


def validate_event_times(start: datetime, end: datetime, *, now: datetime | None = None) -> None:
    """Start and end must be timezone-aware and ``end > start``; with ``now``, start must be ahead.

    Aware datetimes only: the platform spans services and a calendar feed, and a naive 19:30 is
    ambiguous the moment it leaves this process. Pass ``now`` when publishing or rescheduling
    (an event cannot be announced for the past); leave it out for edits to historic records.
    """
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, datetime):
            raise RuleViolation(f"{name} must be a date and time", code="event.bad_time", field=name)
        if value.tzinfo is None or value.utcoffset() is None:
            raise RuleViolation(
                f"{name} must carry a time zone (e.g. Asia/Shanghai)", code="event.naive_time", field=name
            )
    if end <= start:
        raise RuleViolation("the event must end after it starts", code="event.ends_before_start", field="end")
    if now is not None and start <= now:
        raise RuleViolation("the event must start in the future", code="event.in_past", field="start")


def check_can_complete(end: datetime, now: datetime) -> None:
    """An event is completed only once it is over: completing credits volunteer hours."""
    if now < end:
        raise RuleViolation(
            "the event has not finished yet; complete it after it ends", code="event.not_finished", field="end"
        )


@dataclass(frozen=True)
class VolunteerNeed:
    role: str
    count: int
    skills: tuple[str, ...] = ()


def _need_from(raw: VolunteerNeed | Mapping[str, Any], index: int) -> VolunteerNeed:
    if isinstance(raw, VolunteerNeed):
        role, count, skills = raw.role, raw.count, raw.skills
    elif isinstance(raw, Mapping):
        role, count, skills = raw.get("role"), raw.get("count"), raw.get("skills", ())
    else:
        raise RuleViolation(
            f"volunteer need #{index + 1} must be an object with role, count and skills",
            code="event.bad_volunteer_need",
            field=f"volunteer_needs[{index}]",
        )
    where = f"volunteer_needs[{index}]"
    if not isinstance(role, str) or not role.strip():
        raise RuleViolation(
            f"volunteer need #{index + 1} needs a role", code="event.bad_volunteer_need", field=f"{where}.role"
        )
    # bool is an int in Python; "count: true" is a client bug, not one volunteer.
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise RuleViolation(
            f"volunteer need '{role.strip()}' must ask for at least 1 person",
            code="event.bad_volunteer_need",
            field=f"{where}.count",
        )
    if skills is None:
        skills = ()
    if isinstance(skills, str) or not isinstance(skills, Iterable):
        raise RuleViolation(
            f"skills of '{role.strip()}' must be a list", code="event.bad_volunteer_need", field=f"{where}.skills"
        )
    cleaned: list[str] = []
    for skill in skills:
        if not isinstance(skill, str) or not skill.strip():
            raise RuleViolation(
                f"skills of '{role.strip()}' must be non-empty text",
                code="event.bad_volunteer_need",
                field=f"{where}.skills",
            )
        if skill.strip() not in cleaned:  # duplicates add nothing to matching
            cleaned.append(skill.strip())
    return VolunteerNeed(role=role.strip(), count=count, skills=tuple(cleaned))


def validate_volunteer_needs(needs: Iterable[VolunteerNeed | Mapping[str, Any]]) -> list[VolunteerNeed]:
    """Check and normalise the needs (trimmed text, de-duplicated skills); each role at most once,
    since dispatch fills a role by its count and two rows with one role would be filled twice."""
    result: list[VolunteerNeed] = []
    seen_roles: set[str] = set()
    for index, raw in enumerate(needs):
        need = _need_from(raw, index)
        if need.role in seen_roles:
            raise RuleViolation(
                f"role '{need.role}' is listed twice; give one row with the total count",
                code="event.duplicate_volunteer_role",
                field=f"volunteer_needs[{index}].role",
            )
        seen_roles.add(need.role)
        result.append(need)
    return result
