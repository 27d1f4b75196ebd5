"""The registers a venue keeps (五簿一册, seed 001; 登记造册, seed 004): daily visits per room and
visitor group, and the asset ledger where every item carries a unique number."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Iterable, Mapping

_ASSET_PREFIX = re.compile(r"^[A-Z][A-Z0-9]{0,9}$")
ASSET_NUMBER_DIGITS = 4


class RegisterError(ValueError):
    """A register entry that cannot be recorded as given."""


class VisitorGroup(StrEnum):
    """Groups the seeds ask to serve in particular (002, 003). Each visitor is counted once,
    in one group, so the groups add up to the day's footfall."""

    ELDERLY = "elderly"
    MINORS = "minors"
    DISABLED = "disabled"
    MIGRANT_WORKERS = "migrant_workers"
    GENERAL = "general"


@dataclass(frozen=True)
class VisitEntry:
    day: dt.date
    room_code: str | None  # None = the venue as a whole (e.g. counted at the entrance)
    counts: Mapping[VisitorGroup, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def validate_visit_entry(day: dt.date, room_code: str | None, counts: Mapping[str, int]) -> VisitEntry:
    """One register line: how many visitors of each group came on `day` (to `room_code`)."""
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise RegisterError(f"a visit entry needs a date, got {day!r}")
    if not counts:
        raise RegisterError("a visit entry needs at least one visitor group count")
    known = {group.value for group in VisitorGroup}
    cleaned: dict[VisitorGroup, int] = {}
    for group, count in counts.items():
        if group not in known:
            raise RegisterError(f"unknown visitor group {group!r}; expected one of {', '.join(sorted(known))}")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise RegisterError(f"the count for {group} must be a whole number of 0 or more, got {count!r}")
        cleaned[VisitorGroup(group)] = count
    return VisitEntry(day=day, room_code=room_code, counts=MappingProxyType(cleaned))


@dataclass(frozen=True)
class DailyFootfall:
    day: dt.date
    total: int
    by_group: Mapping[VisitorGroup, int]
    by_room: Mapping[str | None, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "total": self.total,
            "by_group": {group.value: count for group, count in self.by_group.items()},
            "by_room": {room or "": count for room, count in self.by_room.items()},
        }


def daily_footfall_summary(entries: Iterable[VisitEntry]) -> list[DailyFootfall]:
    """Totals per day (earliest first), per visitor group and per room; several entries for the same
    day and room (morning and afternoon counts) add up."""
    by_day: dict[dt.date, tuple[dict[VisitorGroup, int], dict[str | None, int]]] = {}
    for entry in entries:
        groups, rooms = by_day.setdefault(entry.day, ({group: 0 for group in VisitorGroup}, {}))
        for group, count in entry.counts.items():
            groups[group] += count
        rooms[entry.room_code] = rooms.get(entry.room_code, 0) + entry.total
    return [
        DailyFootfall(
            day=day,
            total=sum(groups.values()),
            by_group=MappingProxyType(groups),
            by_room=MappingProxyType(rooms),
        )
        for day, (groups, rooms) in sorted(by_day.items(), key=lambda item: item[0])
    ]


class AssetCondition(StrEnum):
    GOOD = "good"
    FAULTY = "faulty"
    UNDER_REPAIR = "under_repair"
    RETIRED = "retired"  # written off: stays in the ledger, never comes back


def change_asset_condition(current: AssetCondition | str, new: AssetCondition | str) -> AssetCondition:
    current, new = AssetCondition(current), AssetCondition(new)
    if current is AssetCondition.RETIRED and new is not AssetCondition.RETIRED:
        raise RegisterError("a retired asset stays retired; register a replacement under a new number")
    return new


def _validated_prefix(prefix: str) -> str:
    if not isinstance(prefix, str) or not _ASSET_PREFIX.match(prefix):
        raise RegisterError(
            f"asset number prefix {prefix!r} must be 1 to 10 capital letters or digits, starting with a letter"
        )
    return prefix


def next_asset_number(prefix: str, existing_numbers: Iterable[str]) -> str:
    """The next free number in the venue's ledger: 'JP' and ['JP-0001', 'JP-0007'] → 'JP-0008'.

    Numbers with another prefix or a hand-written suffix are left alone; gaps are not refilled,
    so a number once given (even to a retired item) is never given again.
    """
    prefix = _validated_prefix(prefix)
    pattern = re.compile(rf"^{prefix}-(\d+)$")
    highest = 0
    for number in existing_numbers:
        match = pattern.match(number.strip().upper())
        if match:
            highest = max(highest, int(match.group(1)))
    return f"{prefix}-{highest + 1:0{ASSET_NUMBER_DIGITS}d}"


def ensure_asset_number_unique(number: str, existing_numbers: Iterable[str]) -> str:
    """`number` normalised (trimmed, upper case) if no item of the venue carries it yet."""
    normalised = number.strip().upper()
    if not normalised:
        raise RegisterError("an asset needs a number")
    if any(existing.strip().upper() == normalised for existing in existing_numbers):
        raise RegisterError(f"asset number {normalised} is already in this venue's ledger")
    return normalised
