"""The menu (菜单) of offerings and the orders (点单) villages place from it (seeds 001, 003).

An order asks for an offering some time in a date window; the district either schedules it on a
day inside the window or declines it with a reason the village can read. The village may withdraw
an order while it is still open.

    placed ──schedule──▶ scheduled
       ├────decline───▶ declined   (reason required)
       └───withdraw───▶ withdrawn
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from kit.rules import InvalidTransition, RuleViolation

from .lifecycle import EventKind, TargetGroup

MAX_DECLINE_REASON_LENGTH = 500


class OrderStatus(StrEnum):
    PLACED = "placed"
    SCHEDULED = "scheduled"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class OrderAction(StrEnum):
    SCHEDULE = "schedule"
    DECLINE = "decline"
    WITHDRAW = "withdraw"


_ORDER_TRANSITIONS: dict[OrderStatus, dict[OrderAction, OrderStatus]] = {
    OrderStatus.PLACED: {
        OrderAction.SCHEDULE: OrderStatus.SCHEDULED,
        OrderAction.DECLINE: OrderStatus.DECLINED,
        OrderAction.WITHDRAW: OrderStatus.WITHDRAWN,
    },
    OrderStatus.SCHEDULED: {},
    OrderStatus.DECLINED: {},
    OrderStatus.WITHDRAWN: {},
}


def transition_order(status: OrderStatus, action: OrderAction) -> OrderStatus:
    status, action = OrderStatus(status), OrderAction(action)
    try:
        return _ORDER_TRANSITIONS[status][action]
    except KeyError:
        raise InvalidTransition("order", status, action, tuple(_ORDER_TRANSITIONS[status])) from None


@dataclass(frozen=True)
class MenuOffering:
    """Something a troupe or provider can deliver on request (a performance, a lecture, a film)."""

    offering_id: str
    title: str
    kind: EventKind
    provider: str
    duration_minutes: int
    target_groups: tuple[TargetGroup, ...] = (TargetGroup.EVERYONE,)
    description: str = ""
    available: bool = True  # withdrawn from the menu: existing orders stand, new ones are refused

    def __post_init__(self) -> None:
        if not self.title.strip():
            raise RuleViolation("an offering needs a title", code="offering.no_title", field="title")
        if not self.provider.strip():
            raise RuleViolation("an offering needs a provider", code="offering.no_provider", field="provider")
        minutes = self.duration_minutes
        if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 1:
            raise RuleViolation(
                "duration must be at least 1 minute", code="offering.bad_duration", field="duration_minutes"
            )
        object.__setattr__(self, "kind", EventKind(self.kind))
        object.__setattr__(self, "target_groups", tuple(TargetGroup(g) for g in self.target_groups))


@dataclass(frozen=True)
class OrderWindow:
    earliest: date
    latest: date

    def __contains__(self, day: date) -> bool:
        return self.earliest <= day <= self.latest


def validate_order_window(earliest: date, latest: date, today: date) -> OrderWindow:
    """The window must lie in the future (from tomorrow: nothing can be arranged for today) and
    ``earliest <= latest``."""
    if latest < earliest:
        raise RuleViolation("the latest date is before the earliest", code="order.bad_window", field="latest")
    if earliest <= today:
        raise RuleViolation("the earliest date must be after today", code="order.window_in_past", field="earliest")
    return OrderWindow(earliest, latest)


@dataclass(frozen=True)
class VillageOrder:
    order_id: str
    offering_id: str
    ordered_by: str  # the village / community centre placing the order
    window: OrderWindow
    status: OrderStatus = OrderStatus.PLACED
    note: str = ""
    scheduled_for: date | None = None
    decline_reason: str | None = None

    def schedule(self, on: date, today: date) -> VillageOrder:
        status = transition_order(self.status, OrderAction.SCHEDULE)  # a closed order says so first
        if on not in self.window:
            raise RuleViolation(
                f"{on.isoformat()} is outside the requested window "
                f"{self.window.earliest.isoformat()}–{self.window.latest.isoformat()}",
                code="order.date_outside_window",
                field="scheduled_for",
            )
        if on <= today:
            raise RuleViolation(
                "the performance date must be in the future", code="order.date_in_past", field="scheduled_for"
            )
        return replace(self, status=status, scheduled_for=on)

    def decline(self, reason: str) -> VillageOrder:
        status = transition_order(self.status, OrderAction.DECLINE)
        cleaned = (reason or "").strip()
        if not cleaned:
            # The village is owed an explanation (seed 001: demand collection and feedback).
            raise RuleViolation("declining an order needs a reason", code="order.no_reason", field="reason")
        if len(cleaned) > MAX_DECLINE_REASON_LENGTH:
            raise RuleViolation(
                f"the reason is longer than {MAX_DECLINE_REASON_LENGTH} characters",
                code="order.reason_too_long",
                field="reason",
            )
        return replace(self, status=status, decline_reason=cleaned)

    def withdraw(self) -> VillageOrder:
        return replace(self, status=transition_order(self.status, OrderAction.WITHDRAW))

    def is_overdue(self, today: date) -> bool:
        """Still unanswered although no day of the window can be scheduled any more — a missed
        order, worth flagging in the efficiency report rather than silently expiring."""
        return self.status is OrderStatus.PLACED and self.window.latest <= today


def place_order(
    order_id: str,
    offering: MenuOffering,
    ordered_by: str,
    earliest: date,
    latest: date,
    today: date,
    note: str = "",
) -> VillageOrder:
    if not offering.available:
        raise RuleViolation(f"'{offering.title}' is no longer on the menu", code="order.offering_unavailable")
    if not ordered_by.strip():
        raise RuleViolation("say which village or community orders", code="order.no_orderer", field="ordered_by")
    window = validate_order_window(earliest, latest, today)
    return VillageOrder(order_id, offering.offering_id, ordered_by.strip(), window, note=note.strip())


@dataclass(frozen=True)
class RarelyOrdered:
    offering_id: str
    count: int


def rarely_ordered(
    offering_counts: Mapping[str, int], threshold: int, all_offerings: Iterable[str] = ()
) -> list[RarelyOrdered]:
    """Offerings ordered fewer than ``threshold`` times, least ordered first (then by id).

    Offerings nobody ordered are often missing from a count query; list them in ``all_offerings``
    so they show up with 0 — they are the most interesting line of the report.
    """
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise RuleViolation("threshold must be a whole number ≥ 1", code="report.bad_threshold", field="threshold")
    counts = {offering_id: 0 for offering_id in all_offerings}
    for offering_id, count in offering_counts.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise RuleViolation(f"count for {offering_id} must be a whole number ≥ 0", code="report.bad_count")
        counts[offering_id] = count
    rare = [RarelyOrdered(offering_id, count) for offering_id, count in counts.items() if count < threshold]
    return sorted(rare, key=lambda item: (item.count, item.offering_id))
