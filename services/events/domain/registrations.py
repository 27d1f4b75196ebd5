"""Who gets a place at an event: capacity, kept-back places, groups and a fair waitlist.

The rules (seed 002 asks to keep phone, on-site and on-behalf booking for people who do not book
online; the design asks for a waitlist with automatic promotion and group registrations):

* **Two pools.** ``kept_back`` of the ``capacity`` places are kept for offline channels (phone,
  desk, on-behalf). Online requests use only the *general* places (``capacity - kept_back``).
  Offline requests draw on kept-back places first, then on general places.
* **Release.** At ``release_at`` the unused kept-back places become general, and the waitlist is
  promoted into them. After release there is one pool; offline requests use it like anyone else.
* **Groups are all or nothing.** A party (a family, an elder with a companion) gets all its places
  or waits as one entry. The accounting of an offline party may be split across the pools (e.g. 2
  kept-back + 1 general): the *people* are never split, and the split is recorded so that a later
  cancellation gives each place back to the pool it came from.
* **No newcomer passes the queue.** A new request is waitlisted when somebody who arrived earlier is
  waiting for the same places, even if the newcomer would fit: general places are contested by every
  waitlister, kept-back places (before release) only by offline waitlisters.
* **Promotion walks the waitlist in arrival order** and promotes every entry that fits the places
  still free, continuing past entries that do not fit; a group too big for what is free keeps its
  position for next time. Before release, online entries are only offered general places; offline
  entries may take kept-back places first.

Everything here works on an immutable :class:`EventPlaces` snapshot and returns a new one: the
service loads the snapshot under a row lock, calls one function, and writes the result back with
the outbox messages in the same transaction. That is what keeps the counters exact under concurrency.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from kit.rules import InvalidTransition, RuleViolation

from .lifecycle import EventStatus

# Seeds are silent on when kept-back places are released. One day ahead leaves time to tell the
# promoted people (SMS) and for them to arrange to come; organisers can set another time per event.
DEFAULT_RELEASE_LEAD = timedelta(hours=24)

# Check-in opens a while before the start (people queue at the door) and closes at the end.
CHECK_IN_OPENS_BEFORE_START = timedelta(hours=1)


class Channel(StrEnum):
    ONLINE = "online"
    PHONE = "phone"
    DESK = "desk"
    ON_BEHALF = "on_behalf"  # 代预约: staff or a relative books for someone

    @property
    def is_offline(self) -> bool:
        return self is not Channel.ONLINE


class Pool(StrEnum):
    GENERAL = "general"
    KEPT_BACK = "kept_back"


class RegistrationStatus(StrEnum):
    WAITLISTED = "waitlisted"
    CONFIRMED = "confirmed"
    CHECKED_IN = "checked_in"
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class RegistrationAction(StrEnum):
    CANCEL = "cancel"
    PROMOTE = "promote"
    CHECK_IN = "check_in"
    MARK_ATTENDED = "mark_attended"
    MARK_NO_SHOW = "mark_no_show"


@dataclass(frozen=True)
class WaitlistEntry:
    registration_id: str
    party_size: int
    seq: int  # arrival order; the waitlist is kept sorted by it
    channel: Channel = Channel.ONLINE

    def __post_init__(self) -> None:
        # Rows come back from the database with the channel as text.
        object.__setattr__(self, "channel", Channel(self.channel))


@dataclass(frozen=True)
class RegistrationRequest:
    registration_id: str
    party_size: int
    channel: Channel
    arrived_seq: int


@dataclass(frozen=True)
class EventPlaces:
    """The allocation state of one event. Invariants are checked on construction, so a snapshot
    that over-sells cannot exist."""

    capacity: int
    kept_back: int = 0
    confirmed_general: int = 0
    confirmed_kept_back: int = 0
    waitlist: tuple[WaitlistEntry, ...] = field(default=())
    released: bool = False
    release_at: datetime | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "waitlist", tuple(self.waitlist))
        for name in ("capacity", "kept_back", "confirmed_general", "confirmed_kept_back"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise RuleViolation(f"{name} must be a whole number ≥ 0", code="places.bad_number", field=name)
        if self.kept_back > self.capacity:
            raise RuleViolation(
                "cannot keep back more places than the event has", code="places.kept_back_too_large", field="kept_back"
            )
        if self.confirmed_kept_back > self.kept_back:
            raise RuleViolation("more kept-back places confirmed than kept back", code="places.oversold")
        if self.confirmed > self.capacity:
            raise RuleViolation("more places confirmed than the event has", code="places.oversold")
        if not self.released and self.confirmed_general > self.general_capacity:
            raise RuleViolation("more general places confirmed than there are", code="places.oversold")
        seen: set[str] = set()
        for before, after in zip(self.waitlist, self.waitlist[1:]):
            if after.seq <= before.seq:
                raise RuleViolation("the waitlist must be in arrival order", code="places.waitlist_order")
        for entry in self.waitlist:
            if entry.registration_id in seen:
                raise RuleViolation(
                    f"registration {entry.registration_id} is on the waitlist twice", code="places.duplicate"
                )
            seen.add(entry.registration_id)

    @property
    def confirmed(self) -> int:
        return self.confirmed_general + self.confirmed_kept_back

    @property
    def general_capacity(self) -> int:
        """Places online requests may use: all of them once the kept-back places are released."""
        return self.capacity if self.released else self.capacity - self.kept_back

    @property
    def free_general(self) -> int:
        if self.released:
            return self.capacity - self.confirmed
        return self.capacity - self.kept_back - self.confirmed_general

    @property
    def free_kept_back(self) -> int:
        return 0 if self.released else self.kept_back - self.confirmed_kept_back

    @property
    def free(self) -> int:
        return self.free_general + self.free_kept_back

    @property
    def waitlisted_people(self) -> int:
        return sum(entry.party_size for entry in self.waitlist)

    def waitlist_position(self, registration_id: str) -> int | None:
        """1-based position on the waitlist, ``None`` if not waiting."""
        for position, entry in enumerate(self.waitlist, start=1):
            if entry.registration_id == registration_id:
                return position
        return None


@dataclass(frozen=True)
class Decision:
    """The answer to one request. A confirmed party records how many of its places came from
    each pool (store both numbers on the registration: a cancellation gives them back)."""

    status: RegistrationStatus  # CONFIRMED or WAITLISTED
    general_places: int = 0
    kept_back_places: int = 0
    waitlist_position: int | None = None

    @property
    def confirmed(self) -> bool:
        return self.status is RegistrationStatus.CONFIRMED

    @property
    def pool(self) -> Pool | None:
        """The pool the party drew on first: kept-back if it used any kept-back place."""
        if not self.confirmed:
            return None
        return Pool.KEPT_BACK if self.kept_back_places else Pool.GENERAL


@dataclass(frozen=True)
class Promotion:
    """A waitlisted registration that now has its places."""

    registration_id: str
    party_size: int
    general_places: int
    kept_back_places: int

    @property
    def pool(self) -> Pool:
        return Pool.KEPT_BACK if self.kept_back_places else Pool.GENERAL


class Settlement(NamedTuple):
    """A new snapshot plus whoever was promoted, in waitlist order. Unpacks as a 2-tuple."""

    snapshot: EventPlaces
    promotions: list[Promotion]


# ---------------------------------------------------------------------------------------------
# Requests


def _check_request(places: EventPlaces, request: RegistrationRequest) -> None:
    size = request.party_size
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise RuleViolation(
            "a registration is for at least 1 person", code="registration.bad_party", field="party_size"
        )
    if size > places.capacity:
        # It could never be confirmed; waiting forever helps nobody.
        raise RuleViolation(
            f"a party of {size} is larger than the event ({places.capacity} places)",
            code="registration.party_too_large",
            field="party_size",
        )
    if request.channel not in set(Channel):
        raise RuleViolation(f"unknown channel {request.channel!r}", code="registration.bad_channel", field="channel")
    if places.waitlist_position(request.registration_id) is not None:
        raise RuleViolation(
            f"registration {request.registration_id} is already waitlisted", code="registration.duplicate"
        )
    if any(entry.seq == request.arrived_seq for entry in places.waitlist):
        raise RuleViolation("two requests cannot share an arrival number", code="registration.duplicate_seq")


def _split_for(places: EventPlaces, channel: Channel, party_size: int, free_kept_back: int) -> tuple[int, int]:
    """(general, kept_back) places a party of this channel would draw, kept-back first for offline."""
    if channel.is_offline and not places.released:
        from_kept_back = min(party_size, free_kept_back)
        return party_size - from_kept_back, from_kept_back
    return party_size, 0


def _decide(places: EventPlaces, request: RegistrationRequest, waiting_ahead: int, offline_ahead: bool) -> Decision:
    channel = Channel(request.channel)
    general, kept_back = _split_for(places, channel, request.party_size, places.free_kept_back)

    # Fairness: earlier arrivals waiting for the same places go first, even if the newcomer fits.
    blocked_on_kept_back = kept_back > 0 and offline_ahead
    blocked_on_general = general > 0 and (waiting_ahead > 0 or general > places.free_general)
    if blocked_on_kept_back or blocked_on_general:
        return Decision(RegistrationStatus.WAITLISTED, waitlist_position=waiting_ahead + 1)
    return Decision(RegistrationStatus.CONFIRMED, general_places=general, kept_back_places=kept_back)


def decide(places: EventPlaces, request: RegistrationRequest) -> Decision:
    """Confirm or waitlist ``request`` against ``places`` (which is not changed; see :func:`register`)."""
    _check_request(places, request)
    ahead = [entry for entry in places.waitlist if entry.seq < request.arrived_seq]
    return _decide(places, request, len(ahead), any(entry.channel.is_offline for entry in ahead))


@dataclass(frozen=True)
class WaitlistSummary:
    """What a request arriving after everyone on the waitlist needs to know about it: how many parties
    wait and how many of them came through an offline channel (phone, desk, on behalf)."""

    parties: int = 0
    offline_parties: int = 0

    def __post_init__(self) -> None:
        for name in ("parties", "offline_parties"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise RuleViolation(f"{name} must be a whole number ≥ 0", code="places.bad_number", field=name)
        if self.offline_parties > self.parties:
            raise RuleViolation("more offline parties than parties on the waitlist", code="places.bad_number")


def register_newcomer(
    places: EventPlaces, waiting: WaitlistSummary, request: RegistrationRequest
) -> tuple[EventPlaces, Decision]:
    """:func:`register` for a request that arrives after everyone waiting (a new registration, whose
    arrival number is the highest yet), decided from a :class:`WaitlistSummary` instead of the whole
    waitlist: the same rule, so the service need not load the waitlist under the event lock.

    ``places`` carries the counters; its own ``waitlist`` is not consulted (pass it empty). The new
    snapshot has the counters of a confirmed party added; a waitlisted party is the caller's to store.
    """
    _check_request(places, request)
    decision = _decide(places, request, waiting.parties, waiting.offline_parties > 0)
    if not decision.confirmed:
        return places, decision
    return _with_confirmed(places, decision), decision


def _with_confirmed(places: EventPlaces, decision: Decision) -> EventPlaces:
    return replace(
        places,
        confirmed_general=places.confirmed_general + decision.general_places,
        confirmed_kept_back=places.confirmed_kept_back + decision.kept_back_places,
    )


def register(places: EventPlaces, request: RegistrationRequest) -> tuple[EventPlaces, Decision]:
    """:func:`decide` and apply the decision: the new snapshot and the decision."""
    decision = decide(places, request)
    if decision.confirmed:
        return _with_confirmed(places, decision), decision
    entry = WaitlistEntry(request.registration_id, request.party_size, request.arrived_seq, Channel(request.channel))
    waitlist = list(places.waitlist)
    waitlist.insert(bisect.bisect_left([e.seq for e in waitlist], entry.seq), entry)
    return replace(places, waitlist=tuple(waitlist)), decision


# ---------------------------------------------------------------------------------------------
# Freeing places and promotion


def settle(places: EventPlaces) -> Settlement:
    """Promote, in arrival order, every waitlisted party that fits the places now free."""
    free_general, free_kept_back = places.free_general, places.free_kept_back
    still_waiting: list[WaitlistEntry] = []
    promotions: list[Promotion] = []
    for entry in places.waitlist:
        general, kept_back = _split_for(places, entry.channel, entry.party_size, free_kept_back)
        if general <= free_general:
            free_general -= general
            free_kept_back -= kept_back
            promotions.append(Promotion(entry.registration_id, entry.party_size, general, kept_back))
        else:
            still_waiting.append(entry)  # too big for now; keeps its place in the queue
    if not promotions:
        return Settlement(places, [])
    new_places = replace(
        places,
        confirmed_general=places.confirmed_general + sum(p.general_places for p in promotions),
        confirmed_kept_back=places.confirmed_kept_back + sum(p.kept_back_places for p in promotions),
        waitlist=tuple(still_waiting),
    )
    return Settlement(new_places, promotions)


def cancel_confirmed(places: EventPlaces, *, general_places: int, kept_back_places: int) -> Settlement:
    """Give a cancelled (or otherwise freed) confirmed party's places back, then promote.

    Pass the split recorded when the party was confirmed. Kept-back places go back to the
    kept-back pool while it exists, so they are offered to offline waitlisters only; after the
    release they are general places like any other.
    """
    for name, value, confirmed in (
        ("general_places", general_places, places.confirmed_general),
        ("kept_back_places", kept_back_places, places.confirmed_kept_back),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise RuleViolation(f"{name} must be a whole number ≥ 0", code="places.bad_number", field=name)
        if value > confirmed:
            raise RuleViolation(
                f"cannot free {value} {name.replace('_', ' ')}: only {confirmed} are confirmed",
                code="places.not_confirmed",
                field=name,
            )
    freed = replace(
        places,
        confirmed_general=places.confirmed_general - general_places,
        confirmed_kept_back=places.confirmed_kept_back - kept_back_places,
    )
    return settle(freed)


def cancel_waitlisted(places: EventPlaces, registration_id: str) -> Settlement:
    """Take a registration off the waitlist. Those behind it may now be first in line for
    places they fit, so the waitlist is settled again."""
    if places.waitlist_position(registration_id) is None:
        raise RuleViolation(f"registration {registration_id} is not on the waitlist", code="registration.not_waiting")
    remaining = tuple(entry for entry in places.waitlist if entry.registration_id != registration_id)
    return settle(replace(places, waitlist=remaining))


def promotions_after_cancel(places: EventPlaces, freed_places: int, freed_pool: Pool) -> list[str]:
    """Ids promoted when ``freed_places`` of ``freed_pool`` are given back.

    ``places`` is the snapshot *before* the cancellation. Shorthand for :func:`cancel_confirmed`
    when only the ids are wanted.
    """
    pool = Pool(freed_pool)
    settlement = cancel_confirmed(
        places,
        general_places=freed_places if pool is Pool.GENERAL else 0,
        kept_back_places=freed_places if pool is Pool.KEPT_BACK else 0,
    )
    return [promotion.registration_id for promotion in settlement.promotions]


def default_release_at(event_start: datetime, lead: timedelta = DEFAULT_RELEASE_LEAD) -> datetime:
    return event_start - lead


def release_kept_back(places: EventPlaces, now: datetime) -> Settlement:
    """At or after ``release_at``, unused kept-back places become general and the waitlist is
    promoted into them. Before then, when already released, or with no ``release_at`` set, nothing
    changes — so a periodic job may call it as often as it likes."""
    if places.released or places.release_at is None or now < places.release_at:
        return Settlement(places, [])
    return settle(replace(places, released=True))


def change_capacity(places: EventPlaces, capacity: int, kept_back: int | None = None) -> Settlement:
    """Resize (e.g. the event moved to another room). Confirmed people keep their places, so the
    new size may not be smaller than what is already confirmed; extra room promotes the waitlist."""
    new_kept_back = places.kept_back if kept_back is None else kept_back
    if isinstance(capacity, int) and capacity < places.confirmed:
        raise RuleViolation(
            f"{places.confirmed} places are already confirmed; capacity cannot go below that",
            code="places.capacity_below_confirmed",
            field="capacity",
        )
    if isinstance(new_kept_back, int) and new_kept_back < places.confirmed_kept_back:
        raise RuleViolation(
            f"{places.confirmed_kept_back} kept-back places are already taken",
            code="places.kept_back_below_confirmed",
            field="kept_back",
        )
    # The constructor checks the rest (general places still covering confirmed general ones).
    return settle(replace(places, capacity=capacity, kept_back=new_kept_back))


# ---------------------------------------------------------------------------------------------
# One registration's life


_REGISTRATION_TRANSITIONS: dict[RegistrationStatus, dict[RegistrationAction, RegistrationStatus]] = {
    RegistrationStatus.WAITLISTED: {
        RegistrationAction.PROMOTE: RegistrationStatus.CONFIRMED,
        RegistrationAction.CANCEL: RegistrationStatus.CANCELLED,
    },
    RegistrationStatus.CONFIRMED: {
        RegistrationAction.CHECK_IN: RegistrationStatus.CHECKED_IN,
        RegistrationAction.MARK_NO_SHOW: RegistrationStatus.NO_SHOW,
        RegistrationAction.CANCEL: RegistrationStatus.CANCELLED,
    },
    # Checked in at the door; marked attended when the event completes.
    RegistrationStatus.CHECKED_IN: {RegistrationAction.MARK_ATTENDED: RegistrationStatus.ATTENDED},
    RegistrationStatus.ATTENDED: {},
    RegistrationStatus.NO_SHOW: {},
    RegistrationStatus.CANCELLED: {},
}

# Statuses that prove the person came (feedback is only taken from them).
ATTENDED_STATUSES = frozenset({RegistrationStatus.CHECKED_IN, RegistrationStatus.ATTENDED})


def transition_registration(status: RegistrationStatus, action: RegistrationAction) -> RegistrationStatus:
    status, action = RegistrationStatus(status), RegistrationAction(action)
    try:
        return _REGISTRATION_TRANSITIONS[status][action]
    except KeyError:
        allowed = tuple(_REGISTRATION_TRANSITIONS[status])
        raise InvalidTransition("registration", status, action, allowed) from None


def check_registration_open(event_status: EventStatus, event_start: datetime, now: datetime) -> None:
    """People register for published events that have not started."""
    if EventStatus(event_status) is not EventStatus.PUBLISHED:
        raise RuleViolation(
            f"registration is closed: the event is {EventStatus(event_status).value}", code="registration.closed"
        )
    if now >= event_start:
        raise RuleViolation("registration is closed: the event has started", code="registration.closed")


def check_check_in_time(
    now: datetime, event_start: datetime, event_end: datetime, opens_before: timedelta = CHECK_IN_OPENS_BEFORE_START
) -> None:
    if now < event_start - opens_before:
        raise RuleViolation("check-in has not opened yet", code="registration.check_in_not_open")
    if now > event_end:
        raise RuleViolation("check-in has closed: the event is over", code="registration.check_in_closed")


def check_no_show_time(now: datetime, event_start: datetime) -> None:
    """Nobody is a no-show before the event has begun."""
    if now < event_start:
        raise RuleViolation("the event has not started yet", code="registration.too_early_for_no_show")
