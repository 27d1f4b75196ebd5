"""Volunteer profiles: status lifecycle, skills vocabulary, contact consent, weekly availability.

Seed 003 asks for volunteer "招募、培训、服务管理、评价考核"; this module is the 招募 (recruitment) part:
what an application must contain before staff review it, and which status changes are allowed.

Decisions where the seeds are silent (see the service docs as well):
- A mobile number is required: dispatch notices and the staff's phone calls need it. E-mail is optional
  unless the e-mail channel is chosen. Only mainland mobiles ``1[3-9]\\d{9}`` are accepted; spaces,
  hyphens and a ``+86`` / ``0086`` prefix are stripped first.
- Skills are optional (general helpers such as crowd guidance need none), but every skill must come
  from ``SKILLS``; anything else goes into free ``tags``, which ranking never uses.
- Availability is optional at application time; a volunteer without any is simply never ranked.
- Weekly windows are wall-clock local time (Asia/Shanghai). A window ending at 00:00 ends at midnight
  (24:00), so "Fri 18:00–00:00" plus "Sat 00:00–02:00" covers an event across midnight.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import IntEnum, StrEnum
from types import MappingProxyType

from contracts.skills import SKILLS as VOCABULARY
from kit.rules import InvalidTransition

from .geo import LatLon, validate_lat_lon

# --------------------------------------------------------------------------------------------------
# Status lifecycle


class VolunteerStatus(StrEnum):
    APPLIED = "applied"
    ACTIVE = "active"
    REJECTED = "rejected"
    SUSPENDED = "suspended"
    RETIRED = "retired"


ALLOWED_TRANSITIONS: Mapping[VolunteerStatus, frozenset[VolunteerStatus]] = MappingProxyType(
    {
        VolunteerStatus.APPLIED: frozenset({VolunteerStatus.ACTIVE, VolunteerStatus.REJECTED}),
        VolunteerStatus.ACTIVE: frozenset({VolunteerStatus.SUSPENDED, VolunteerStatus.RETIRED}),
        VolunteerStatus.SUSPENDED: frozenset({VolunteerStatus.ACTIVE, VolunteerStatus.RETIRED}),
        # Terminal: a rejected or retired person applies again as a new application.
        VolunteerStatus.REJECTED: frozenset(),
        VolunteerStatus.RETIRED: frozenset(),
    }
)

# Only active volunteers may receive dispatch offers.
DISPATCHABLE_STATUSES = frozenset({VolunteerStatus.ACTIVE})


def _refused(current: VolunteerStatus, target: VolunteerStatus) -> InvalidTransition:
    """A status change the lifecycle does not allow (including repeating the current status)."""
    allowed = sorted(ALLOWED_TRANSITIONS[current])
    allowed_text = ", ".join(allowed) or "none (final status)"
    return InvalidTransition(
        "volunteer",
        current,
        target,
        tuple(allowed),
        message=f"volunteer status cannot change from {current} to {target}; allowed: {allowed_text}",
        message_zh="当前状态不允许此操作。",
    )


def can_transition(current: VolunteerStatus | str, target: VolunteerStatus | str) -> bool:
    return VolunteerStatus(target) in ALLOWED_TRANSITIONS[VolunteerStatus(current)]


def transition(current: VolunteerStatus | str, target: VolunteerStatus | str) -> VolunteerStatus:
    """Return the new status, or raise ``InvalidTransition``.

    Repeating the current status is refused too, so a redelivered "approve" command is noticed
    rather than silently re-running its side effects.
    """
    current, target = VolunteerStatus(current), VolunteerStatus(target)
    if target not in ALLOWED_TRANSITIONS[current]:
        raise _refused(current, target)
    return target


# --------------------------------------------------------------------------------------------------
# Skills and contact channels

SKILLS: Mapping[str, str] = VOCABULARY  # the one vocabulary, shared with events (contracts.skills)


def skill_label(code: str) -> str:
    """Chinese label of a skill code, e.g. ``skill_label("sound") == "音响"``."""
    try:
        return SKILLS[code]
    except KeyError:
        raise ValueError(f"unknown skill {code!r}; known: {', '.join(SKILLS)}") from None


def unknown_skills(codes: Iterable[str]) -> list[str]:
    return sorted({c for c in codes if c not in SKILLS})


class Channel(StrEnum):
    """Ways a volunteer agreed to be contacted (consent is per channel)."""

    SMS = "sms"
    EMAIL = "email"
    INBOX = "inbox"


CHANNEL_LABELS: Mapping[Channel, str] = MappingProxyType(
    {Channel.SMS: "短信", Channel.EMAIL: "电子邮件", Channel.INBOX: "站内消息"}
)

MAX_TAGS = 20
MAX_TAG_LENGTH = 20


def normalize_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Trim, drop empties and duplicates (first spelling wins), keep the given order."""
    seen: set[str] = set()
    result: list[str] = []
    for raw in tags:
        tag = " ".join(str(raw).split())
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            result.append(tag)
    return tuple(result)


# --------------------------------------------------------------------------------------------------
# Weekly availability


class Weekday(IntEnum):
    """Same numbering as ``datetime.weekday()``: Monday is 0."""

    MON = 0
    TUE = 1
    WED = 2
    THU = 3
    FRI = 4
    SAT = 5
    SUN = 6

    @property
    def label_zh(self) -> str:
        return "周一 周二 周三 周四 周五 周六 周日".split()[self.value]


TimeWindow = tuple[time, time]
# weekday (0 = Monday) -> windows of local wall-clock time
WeeklyAvailability = Mapping[int, Sequence[TimeWindow]]

SECONDS_PER_DAY = 86_400


def window_seconds(start: time, end: time) -> tuple[int, int]:
    """Seconds from midnight for a window; an end of 00:00 means midnight at the end of the day."""
    s = start.hour * 3600 + start.minute * 60 + start.second
    e = end.hour * 3600 + end.minute * 60 + end.second
    if e == 0 and end.microsecond == 0:
        e = SECONDS_PER_DAY
    return s, e


def _time_of(seconds: int) -> time:
    if seconds >= SECONDS_PER_DAY:
        return time(0, 0)  # 24:00 is written as 00:00 (see window_seconds)
    return time(seconds // 3600, seconds % 3600 // 60, seconds % 60)


def normalize_availability(raw: Mapping[int, Iterable[TimeWindow]]) -> dict[int, tuple[TimeWindow, ...]]:
    """Validate weekly windows and merge overlapping or touching ones, sorted by start.

    Raises ``ValueError`` naming the weekday and window that is wrong.
    """
    result: dict[int, tuple[TimeWindow, ...]] = {}
    for day, windows in raw.items():
        try:
            weekday = Weekday(int(day))
        except (TypeError, ValueError):
            raise ValueError(f"weekday must be 0 (Monday) .. 6 (Sunday), got {day!r}") from None
        spans: list[list[int]] = []
        for window in windows:
            try:
                start, end = window
            except (TypeError, ValueError):
                raise ValueError(f"{weekday.name}: a window is a (start, end) pair, got {window!r}") from None
            if not isinstance(start, time) or not isinstance(end, time):
                raise ValueError(f"{weekday.name}: window times must be datetime.time values, got {window!r}")
            s, e = window_seconds(start, end)
            if e <= s:
                raise ValueError(
                    f"{weekday.name}: window {start:%H:%M}-{end:%H:%M} must end after it starts "
                    "(split a window across midnight into two days)"
                )
            spans.append([s, e])
        spans.sort()
        merged: list[list[int]] = []
        for s, e in spans:
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        if merged:
            result[int(weekday)] = tuple((_time_of(s), _time_of(e)) for s, e in merged)
    return result


def day_segments(start: datetime, end: datetime) -> list[tuple[int, int, int]]:
    """Split ``[start, end)`` into ``(weekday, start_second, end_second)`` pieces, one per local day."""
    if end <= start:
        raise ValueError(f"end ({end.isoformat()}) must be after start ({start.isoformat()})")
    segments: list[tuple[int, int, int]] = []
    day: date = start.date()
    while True:
        day_start = datetime.combine(day, time(0), tzinfo=start.tzinfo)
        seg_start = max(start, day_start)
        seg_end = min(end, day_start + timedelta(days=1))
        s = int((seg_start - day_start).total_seconds())
        e = int(-(-(seg_end - day_start).total_seconds() // 1))  # round a partial second up
        segments.append((day.weekday(), s, e))
        if seg_end >= end:
            return segments
        day += timedelta(days=1)


def covers_segments(availability: WeeklyAvailability, segments: Sequence[tuple[int, int, int]]) -> bool:
    """True when every day segment lies inside the union of that weekday's windows."""
    for weekday, s, e in segments:
        windows = availability.get(weekday)
        if not windows:
            return False
        if len(windows) == 1:  # the common case: no merging, no sorting
            start, end = windows[0]
            if start.hour * 3600 + start.minute * 60 + start.second > s:
                return False
            we = end.hour * 3600 + end.minute * 60 + end.second
            if e > (we or SECONDS_PER_DAY):  # an end of 00:00 is midnight (see window_seconds)
                return False
            continue
        reach = s  # sweep: how far from s the sorted windows cover without a gap
        for ws, we in sorted(window_seconds(a, b) for a, b in windows):
            if ws > reach:
                break
            if we > reach:
                reach = we
                if reach >= e:
                    break
        if reach < e:
            return False
    return True


def availability_covers(availability: WeeklyAvailability, start: datetime, end: datetime) -> bool:
    """True when the weekly availability covers the whole of ``[start, end)``."""
    return covers_segments(availability, day_segments(start, end))


# --------------------------------------------------------------------------------------------------
# Application validation

MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")  # ASCII digits, as the schema says (re's \d takes any script's)
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
MAX_NAME_LENGTH = 50
MAX_EMAIL_LENGTH = 254


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str  # stable, for the gateway's problem details: required | invalid | unknown | too_long
    message_zh: str
    message_en: str


class ApplicationInvalid(ValueError):
    """Raised by ``validate_application`` with every problem found, not only the first."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors: tuple[FieldError, ...] = tuple(errors)
        super().__init__("; ".join(f"{e.field}: {e.message_en}" for e in self.errors))


@dataclass(frozen=True)
class VolunteerApplication:
    """A validated, normalised application, ready to be stored with status ``applied``."""

    name: str
    phone: str  # 11 digits, no prefix
    email: str | None
    channels: frozenset[Channel]
    skills: frozenset[str]
    tags: tuple[str, ...] = ()
    availability: Mapping[int, tuple[TimeWindow, ...]] = field(default_factory=dict)
    home: LatLon | None = None
    home_area: str | None = None  # e.g. the town or village, for people who give no coordinates


def normalize_mobile(phone: str) -> str | None:
    """Return the bare 11-digit mainland mobile number, or ``None`` when it is not one."""
    digits = re.sub(r"[\s\-()]", "", phone)
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
            break
    return digits if MOBILE_RE.fullmatch(digits) else None


def normalize_email(email: str) -> str | None:
    """Trimmed address with a lower-cased domain, or ``None`` when it does not look like one."""
    email = email.strip()
    if len(email) > MAX_EMAIL_LENGTH or not EMAIL_RE.fullmatch(email):
        return None
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def validate_application(
    *,
    name: str,
    phone: str,
    channels: Iterable[Channel | str],
    skills: Iterable[str] = (),
    email: str | None = None,
    tags: Iterable[str] = (),
    availability: Mapping[int, Iterable[TimeWindow]] | None = None,
    home: LatLon | None = None,
    home_area: str | None = None,
) -> VolunteerApplication:
    """Check an application and return it normalised; raise ``ApplicationInvalid`` listing all errors."""
    errors: list[FieldError] = []

    def error(field_name: str, code: str, zh: str, en: str) -> None:
        errors.append(FieldError(field_name, code, zh, en))

    clean_name = " ".join((name or "").split())
    if not clean_name:
        error("name", "required", "请填写姓名", "name is required")
    elif len(clean_name) > MAX_NAME_LENGTH:
        error("name", "too_long", f"姓名不能超过 {MAX_NAME_LENGTH} 个字", f"name is longer than {MAX_NAME_LENGTH}")

    clean_phone = normalize_mobile(phone or "")
    if not (phone or "").strip():
        error("phone", "required", "请填写手机号码", "a mobile number is required")
    elif clean_phone is None:
        error(
            "phone",
            "invalid",
            "手机号码应为 11 位中国大陆手机号（1 开头，第二位 3-9）",
            "phone must be a mainland China mobile number: 11 digits, 1[3-9]xxxxxxxxx",
        )

    clean_email: str | None = None
    if email is not None and email.strip():
        clean_email = normalize_email(email)
        if clean_email is None:
            error("email", "invalid", "电子邮箱格式不正确", "e-mail address is not valid")

    chosen: set[Channel] = set()
    for raw in channels:
        try:
            chosen.add(Channel(raw))
        except ValueError:
            error("channels", "unknown", f"未知的联系方式：{raw}", f"unknown channel {raw!r}; use sms, email or inbox")
    if not chosen and not any(e.field == "channels" for e in errors):
        error("channels", "required", "请至少选择一种接收通知的方式", "agree to at least one contact channel")
    if Channel.EMAIL in chosen and not (email or "").strip():
        error("email", "required", "选择了邮件通知，请填写电子邮箱", "the e-mail channel needs an e-mail address")

    skill_set = frozenset(skills)
    unknown = unknown_skills(skill_set)
    if unknown:
        error(
            "skills",
            "unknown",
            f"未知的技能：{'、'.join(unknown)}（其他特长请填写在标签中）",
            f"unknown skills: {', '.join(unknown)} (use free tags for anything else)",
        )

    clean_tags = normalize_tags(tags)
    if len(clean_tags) > MAX_TAGS:
        error("tags", "too_long", f"标签最多 {MAX_TAGS} 个", f"at most {MAX_TAGS} tags")
    if any(len(t) > MAX_TAG_LENGTH for t in clean_tags):
        error("tags", "too_long", f"每个标签不超过 {MAX_TAG_LENGTH} 个字", f"a tag is longer than {MAX_TAG_LENGTH}")

    clean_availability: dict[int, tuple[TimeWindow, ...]] = {}
    if availability:
        try:
            clean_availability = normalize_availability(availability)
        except ValueError as exc:
            error("availability", "invalid", f"空闲时间有误：{exc}", str(exc))

    clean_home: LatLon | None = None
    if home is not None:
        try:
            clean_home = validate_lat_lon(home)
        except ValueError as exc:
            error("home", "invalid", "住址坐标无效", str(exc))

    if errors:
        raise ApplicationInvalid(errors)
    assert clean_phone is not None  # for the type checker: a missing phone is an error above
    return VolunteerApplication(
        name=clean_name,
        phone=clean_phone,
        email=clean_email,
        channels=frozenset(chosen),
        skills=skill_set,
        tags=clean_tags,
        availability=clean_availability,
        home=clean_home,
        home_area=(home_area or "").strip() or None,
    )
