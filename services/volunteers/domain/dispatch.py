"""Dispatch state of one event: offers to ranked volunteers, answers, expiry, the next candidate.

Every function is pure: it takes a ``DispatchState`` and returns a new one plus a list of actions, each of
which maps to one domain event (``dispatch.offered|accepted|declined|expired|withdrawn|filled|unfilled``)
that the service writes to its outbox in the same transaction as the changed offer rows.

Rules:
- Each role wants ``count`` accepted volunteers. While a role has fewer accepted plus open offers than
  that, the next ranked volunteer who has not had an offer for this dispatch gets one.
- A volunteer gets at most one offer per dispatch, so at most one role per event: declining or letting an
  offer expire also takes them out of the other roles' queues (they told us they cannot come).
- The first offers all carry the given ``deadline``; later ones get ``now + response_window``, never
  past ``last_deadline`` (e.g. a few hours before the event). After ``last_deadline`` nobody new is asked.
- The first offers serve the scarcest role first (fewest spare candidates), so a volunteer ranked high
  for two roles is not used up by the role that had plenty of others.
- ``outcome``: ``filled`` when every role has its count accepted; ``unfilled`` as soon as some role is
  short and has neither open offers nor anyone left to ask (the shortfall per role is reported); else
  ``open``; ``cancelled`` after ``withdraw_all``.
- Answering an offer that is no longer open raises ``OfferClosed`` — that, not the signed link, is what
  makes a link single-use.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import ClassVar
from urllib.parse import quote

DEFAULT_RESPONSE_WINDOW = timedelta(hours=24)


class OfferStatus(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class DispatchStatus(StrEnum):
    OPEN = "open"
    FILLED = "filled"
    UNFILLED = "unfilled"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Role:
    name: str
    count: int
    skills: frozenset[str] = frozenset()  # what ranking needs; dispatch itself only counts


@dataclass(frozen=True)
class Offer:
    """One row of the offers table."""

    offer_id: str
    event_id: str
    volunteer_id: str
    role: str
    status: OfferStatus
    deadline: datetime
    offered_at: datetime | None = None
    closed_at: datetime | None = None  # when it stopped being 'offered': answer, expiry or withdrawal
    closed_reason: str | None = None  # withdrawals only: why

    def __post_init__(self) -> None:
        # Rows read back from a database carry plain strings; keep comparisons exact.
        object.__setattr__(self, "status", OfferStatus(self.status))


@dataclass(frozen=True)
class DispatchState:
    event_id: str
    dispatch_id: str  # = event_id, or e.g. "evt-7#2" for a fresh dispatch after a reschedule
    roles: tuple[Role, ...]
    ranked_by_role: Mapping[str, tuple[str, ...]]  # role -> volunteer ids, best first
    offers: tuple[Offer, ...] = ()
    response_window: timedelta = DEFAULT_RESPONSE_WINDOW
    last_deadline: datetime | None = None
    cancelled_reason: str | None = None

    def offer(self, offer_id: str) -> Offer:
        for o in self.offers:
            if o.offer_id == offer_id:
                return o
        raise UnknownOffer(offer_id)

    def offers_with(self, status: OfferStatus) -> list[Offer]:
        return [o for o in self.offers if o.status == status]


# ---------------------------------------------------------------------------------------------------
# Actions: what the service must do (publish, send) after storing the new state


@dataclass(frozen=True)
class SendOffer:
    event_type: ClassVar[str] = "dispatch.offered"
    offer: Offer


@dataclass(frozen=True)
class OfferAccepted:
    event_type: ClassVar[str] = "dispatch.accepted"
    offer: Offer


@dataclass(frozen=True)
class OfferDeclined:
    event_type: ClassVar[str] = "dispatch.declined"
    offer: Offer


@dataclass(frozen=True)
class OfferExpired:
    event_type: ClassVar[str] = "dispatch.expired"
    offer: Offer


@dataclass(frozen=True)
class OfferWithdrawn:
    event_type: ClassVar[str] = "dispatch.withdrawn"
    offer: Offer
    reason: str


@dataclass(frozen=True)
class DispatchFilled:
    event_type: ClassVar[str] = "dispatch.filled"
    event_id: str
    dispatch_id: str


@dataclass(frozen=True)
class DispatchUnfilled:
    event_type: ClassVar[str] = "dispatch.unfilled"
    event_id: str
    dispatch_id: str
    shortfall: Mapping[str, int]  # role -> how many are missing


Action = SendOffer | OfferAccepted | OfferDeclined | OfferExpired | OfferWithdrawn | DispatchFilled | DispatchUnfilled


# ---------------------------------------------------------------------------------------------------
# Errors


class UnknownOffer(LookupError):
    def __init__(self, offer_id: str) -> None:
        self.offer_id = offer_id
        super().__init__(f"no offer {offer_id!r} in this dispatch")


_CLOSED_MESSAGES_ZH = {
    OfferStatus.ACCEPTED: "您已接受过这份邀请，无需重复操作。",
    OfferStatus.DECLINED: "您已婉拒过这份邀请。",
    OfferStatus.EXPIRED: "这份邀请已过答复期限。",
    OfferStatus.WITHDRAWN: "这份邀请已被撤回（活动可能已取消或调整）。",
}


class OfferClosed(ValueError):
    """The offer can no longer be answered. ``code`` is its status: accepted|declined|expired|withdrawn."""

    def __init__(self, offer: Offer, code: OfferStatus, detail: str) -> None:
        self.offer_id = offer.offer_id
        self.code = code
        self.message_zh = _CLOSED_MESSAGES_ZH[code]
        super().__init__(f"offer {offer.offer_id!r} is closed ({code}): {detail}")


# ---------------------------------------------------------------------------------------------------
# Outcome


@dataclass(frozen=True)
class RoleProgress:
    role: str
    needed: int
    accepted: int
    pending: int  # offers still open
    untried: int  # ranked volunteers not asked yet (0 once nobody new may be asked)

    @property
    def missing(self) -> int:
        return max(0, self.needed - self.accepted)

    @property
    def exhausted(self) -> bool:
        """Short, with nobody being asked and nobody left to ask."""
        return self.missing > 0 and self.pending == 0 and self.untried == 0


@dataclass(frozen=True)
class DispatchOutcome:
    status: DispatchStatus
    roles: tuple[RoleProgress, ...]
    shortfall: Mapping[str, int] = field(default_factory=dict)  # exhausted roles -> missing count


def outcome(state: DispatchState, now: datetime | None = None) -> DispatchOutcome:
    """Where the dispatch stands. Pass ``now`` so that time past ``last_deadline`` counts as nobody left."""
    asked = _asked_volunteers(state)
    no_more_time = _no_more_time(state, now)
    progress = []
    for role in state.roles:
        accepted = pending = 0
        for o in state.offers:
            if o.role == role.name:
                if o.status == OfferStatus.ACCEPTED:
                    accepted += 1
                elif o.status == OfferStatus.OFFERED:
                    pending += 1
        untried = 0 if no_more_time else sum(1 for v in state.ranked_by_role.get(role.name, ()) if v not in asked)
        progress.append(RoleProgress(role.name, role.count, accepted, pending, untried))
    roles = tuple(progress)
    if state.cancelled_reason is not None:
        return DispatchOutcome(DispatchStatus.CANCELLED, roles)
    shortfall = {p.role: p.missing for p in roles if p.exhausted}
    if shortfall:
        return DispatchOutcome(DispatchStatus.UNFILLED, roles, shortfall)
    if all(p.missing == 0 for p in roles):
        return DispatchOutcome(DispatchStatus.FILLED, roles)
    return DispatchOutcome(DispatchStatus.OPEN, roles)


# ---------------------------------------------------------------------------------------------------
# Steps


def make_offer_id(dispatch_id: str, volunteer_id: str) -> str:
    """Deterministic, so a retried step produces the same row (one offer per volunteer per dispatch)."""
    return f"{quote(dispatch_id, safe='')}:{quote(volunteer_id, safe='')}"


def initial_offers(
    ranked_by_role: Mapping[str, Sequence[str]],
    counts: Mapping[str, int] | Iterable[Role],
    deadline: datetime,
    *,
    event_id: str,
    dispatch_id: str | None = None,
    now: datetime | None = None,
    response_window: timedelta = DEFAULT_RESPONSE_WINDOW,
    last_deadline: datetime | None = None,
) -> tuple[DispatchState, list[Action]]:
    """Offer the top N of each role's ranking (N = its count), one role per volunteer.

    ``counts`` is ``{role: count}`` or ``Role`` objects. Returns the state and the actions: a
    ``SendOffer`` per offer, plus ``DispatchFilled``/``DispatchUnfilled`` if that is already decided
    (every count 0, or a role with nobody to ask).
    """
    roles = tuple(Role(name, n) for name, n in counts.items()) if isinstance(counts, Mapping) else tuple(counts)
    names = [r.name for r in roles]
    if len(set(names)) != len(names):
        raise ValueError("role names must be unique")
    for r in roles:
        if r.count < 0:
            raise ValueError(f"role {r.name!r}: count must not be negative")
    unknown = sorted(set(ranked_by_role) - set(names))
    if unknown:
        raise ValueError(f"rankings given for roles that are not needed: {', '.join(unknown)}")
    if response_window <= timedelta(0):
        raise ValueError("response_window must be positive")
    if now is not None and deadline <= now:
        raise ValueError("deadline must be in the future")
    if last_deadline is not None and deadline > last_deadline:
        raise ValueError("deadline must not be after last_deadline")

    state = DispatchState(
        event_id=event_id,
        dispatch_id=dispatch_id or event_id,
        roles=roles,
        # dict.fromkeys drops repeated ids and keeps the ranking order
        ranked_by_role={r.name: tuple(dict.fromkeys(ranked_by_role.get(r.name, ()))) for r in roles},
        response_window=response_window,
        last_deadline=last_deadline,
    )
    state, actions = _fill(state, now, deadline)
    before = DispatchOutcome(DispatchStatus.OPEN, ())
    return state, actions + _outcome_actions(before, outcome(state, now), state)


def on_response(state: DispatchState, offer_id: str, accept: bool, now: datetime) -> tuple[DispatchState, list[Action]]:
    """Record an accept or decline; a decline offers the role to the next candidate."""
    offer = state.offer(offer_id)
    _require_open(state, offer, now)
    before = outcome(state, now)
    answered = replace(offer, status=OfferStatus.ACCEPTED if accept else OfferStatus.DECLINED, closed_at=now)
    state = _with_offers(state, {offer_id: answered})
    actions: list[Action] = [OfferAccepted(answered) if accept else OfferDeclined(answered)]
    if not accept:
        state, sent = _fill(state, now)
        actions += sent
    return state, actions + _outcome_actions(before, outcome(state, now), state)


def expire_due(state: DispatchState, now: datetime) -> tuple[DispatchState, list[Action]]:
    """Expire every open offer whose deadline has come, then ask the next candidates."""
    if state.cancelled_reason is not None:
        return state, []
    before = outcome(state, now)
    expired = {
        o.offer_id: replace(o, status=OfferStatus.EXPIRED, closed_at=now)
        for o in state.offers
        if o.status == OfferStatus.OFFERED and o.deadline <= now
    }
    state = _with_offers(state, expired)
    actions: list[Action] = [OfferExpired(o) for o in expired.values()]
    state, sent = _fill(state, now)
    return state, actions + sent + _outcome_actions(before, outcome(state, now), state)


def withdraw_offer(
    state: DispatchState, offer_id: str, now: datetime, reason: str
) -> tuple[DispatchState, list[Action]]:
    """Take back one open or accepted offer (e.g. the volunteer phoned to drop out) and ask the next one."""
    offer = state.offer(offer_id)
    if state.cancelled_reason is not None:
        raise OfferClosed(offer, OfferStatus.WITHDRAWN, f"the dispatch was cancelled: {state.cancelled_reason}")
    if offer.status not in (OfferStatus.OFFERED, OfferStatus.ACCEPTED):
        raise OfferClosed(offer, offer.status, "only an offered or accepted offer can be withdrawn")
    before = outcome(state, now)
    withdrawn = replace(offer, status=OfferStatus.WITHDRAWN, closed_at=now, closed_reason=reason)
    state = _with_offers(state, {offer_id: withdrawn})
    state, sent = _fill(state, now)
    actions: list[Action] = [OfferWithdrawn(withdrawn, reason), *sent]
    return state, actions + _outcome_actions(before, outcome(state, now), state)


def withdraw_all(state: DispatchState, reason: str, now: datetime | None = None) -> tuple[DispatchState, list[Action]]:
    """Cancel the dispatch (the event was cancelled): withdraw open and accepted offers alike.

    Calling it again changes nothing and returns no actions, so a redelivered cancellation is harmless.
    """
    if state.cancelled_reason is not None:
        return state, []
    withdrawn = {
        o.offer_id: replace(o, status=OfferStatus.WITHDRAWN, closed_at=now, closed_reason=reason)
        for o in state.offers
        if o.status in (OfferStatus.OFFERED, OfferStatus.ACCEPTED)
    }
    state = replace(_with_offers(state, withdrawn), cancelled_reason=reason)
    return state, [OfferWithdrawn(o, reason) for o in withdrawn.values()]


# ---------------------------------------------------------------------------------------------------
# Helpers


def _require_open(state: DispatchState, offer: Offer, now: datetime) -> None:
    if offer.status != OfferStatus.OFFERED:
        raise OfferClosed(offer, offer.status, f"it was already {offer.status}; each offer can be answered once")
    if state.cancelled_reason is not None:  # cannot happen after withdraw_all, kept as a guard
        raise OfferClosed(offer, OfferStatus.WITHDRAWN, f"the dispatch was cancelled: {state.cancelled_reason}")
    if now >= offer.deadline:
        # Not swept by expire_due yet, but the deadline is what the volunteer was told.
        raise OfferClosed(offer, OfferStatus.EXPIRED, f"the deadline {offer.deadline.isoformat()} has passed")


def _asked_volunteers(state: DispatchState) -> set[str]:
    return {o.volunteer_id for o in state.offers}


def _no_more_time(state: DispatchState, now: datetime | None) -> bool:
    return now is not None and state.last_deadline is not None and now >= state.last_deadline


def _with_offers(state: DispatchState, changed: Mapping[str, Offer]) -> DispatchState:
    if not changed:
        return state
    return replace(state, offers=tuple(changed.get(o.offer_id, o) for o in state.offers))


def _fill(
    state: DispatchState, now: datetime | None, deadline: datetime | None = None
) -> tuple[DispatchState, list[Action]]:
    """Offer open places to the next untried candidates; scarcest role first."""
    if state.cancelled_reason is not None or _no_more_time(state, now):
        return state, []
    if deadline is None:
        if now is None:
            raise ValueError("now is needed to set the deadline of a follow-up offer")
        deadline = now + state.response_window
        if state.last_deadline is not None:
            deadline = min(deadline, state.last_deadline)
    asked = _asked_volunteers(state)

    def open_places(role: Role) -> int:
        taken = sum(
            1 for o in state.offers if o.role == role.name and o.status in (OfferStatus.OFFERED, OfferStatus.ACCEPTED)
        )
        return role.count - taken

    def spare(indexed: tuple[int, Role]) -> tuple[int, int]:
        _, role = indexed
        untried = sum(1 for v in state.ranked_by_role.get(role.name, ()) if v not in asked)
        return untried - open_places(role), indexed[0]

    new_offers: list[Offer] = []
    for _, role in sorted(enumerate(state.roles), key=spare):
        places = open_places(role)
        if places <= 0:
            continue
        for volunteer_id in state.ranked_by_role.get(role.name, ()):
            if places == 0:
                break
            if volunteer_id in asked:
                continue
            asked.add(volunteer_id)
            places -= 1
            new_offers.append(
                Offer(
                    offer_id=make_offer_id(state.dispatch_id, volunteer_id),
                    event_id=state.event_id,
                    volunteer_id=volunteer_id,
                    role=role.name,
                    status=OfferStatus.OFFERED,
                    deadline=deadline,
                    offered_at=now,
                )
            )
    if not new_offers:
        return state, []
    return replace(state, offers=state.offers + tuple(new_offers)), [SendOffer(o) for o in new_offers]


def _outcome_actions(before: DispatchOutcome, after: DispatchOutcome, state: DispatchState) -> list[Action]:
    """Announce filled / unfilled once, on the step that decides it."""
    if after.status == before.status:
        return []
    if after.status == DispatchStatus.FILLED:
        return [DispatchFilled(state.event_id, state.dispatch_id)]
    if after.status == DispatchStatus.UNFILLED:
        return [DispatchUnfilled(state.event_id, state.dispatch_id, dict(after.shortfall))]
    return []
