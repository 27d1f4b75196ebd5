"""Dispatch persistence around the pure rules of domain/dispatch.py.

Every step runs inside the caller's transaction: lock the dispatch row (PostgreSQL `FOR UPDATE`; on
SQLite writers are serialised by `BEGIN IMMEDIATE`), rebuild the `DispatchState` from the rows, call the
domain, then write what its actions say and emit one fact per action (outbox, same transaction).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.errors import Conflict
from contracts.volunteers import (
    DispatchAccepted,
    DispatchDeclined,
    DispatchExpired,
    DispatchFilled,
    DispatchOffered,
    DispatchUnfilled,
    DispatchWithdrawn,
    RoleShortfall,
    TeamMember,
)
from kit.boundary import row_or_404
from kit.clock import local_today
from kit.unit_of_work import Transaction
from services.volunteers import candidate_queries, links
from services.volunteers.domain import dispatch as rules
from services.volunteers.domain.ranking import find_conflict
from services.volunteers.settings import ServiceSettings
from services.volunteers.tables import cancelled_events, dispatches, offers, volunteers

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EventInfo:
    """What every fact about a dispatch repeats, so that nobody has to ask back."""

    event_id: str
    title: str
    organiser_id: str
    start: datetime
    end: datetime
    place_name: str
    site: tuple[float, float] | None = None


def info_of(row) -> EventInfo:
    site = (row.lat, row.lon) if row.lat is not None and row.lon is not None else None
    return EventInfo(row.event_id, row.title, row.organiser_id, row.start, row.end, row.place_name, site)


# --------------------------------------------------------------------------------------------------
# Reading the state


def dispatch_row(session: Session, dispatch_id: str, *, lock: bool = False):
    query = select(dispatches).where(dispatches.c.id == dispatch_id)
    return session.execute(query.with_for_update() if lock else query).first()


def current_dispatch(session: Session, event_id: str, *, lock: bool = False):
    query = select(dispatches).where(dispatches.c.event_id == event_id, dispatches.c.is_current.is_(True))
    return session.execute(query.with_for_update() if lock else query).first()


def latest_generation(session: Session, event_id: str) -> int:
    rows = session.execute(select(dispatches.c.generation).where(dispatches.c.event_id == event_id)).scalars().all()
    return max(rows, default=0)


def offer_rows(session: Session, dispatch_id: str):
    return session.execute(
        select(offers).where(offers.c.dispatch_id == dispatch_id).order_by(offers.c.offered_at, offers.c.id)
    ).all()


def existing_offer(session: Session, offer_id: str):
    row = session.execute(select(offers).where(offers.c.id == offer_id)).first()
    return row_or_404(row, f"Offer {offer_id} does not exist.", {"offer_id": offer_id}, detail_zh="没有这份邀请。")


def roles_from_needs(needs: list[dict]) -> tuple[rules.Role, ...]:
    """Roles of the request; a role named twice is one role (counts added, skills joined)."""
    merged: dict[str, tuple[int, frozenset]] = {}
    for need in needs:
        count, skills = merged.get(need["role"], (0, frozenset()))
        merged[need["role"]] = (count + int(need["count"]), skills | frozenset(need.get("skills") or ()))
    return tuple(rules.Role(name, count, skills) for name, (count, skills) in merged.items())


def needs_json(roles: tuple[rules.Role, ...]) -> list[dict]:
    return [{"role": r.name, "count": r.count, "skills": sorted(r.skills)} for r in roles]


def state_of(drow, orows) -> rules.DispatchState:
    return rules.DispatchState(
        event_id=drow.event_id,
        dispatch_id=drow.id,
        roles=roles_from_needs(drow.needs),
        ranked_by_role={role: tuple(ids) for role, ids in (drow.ranked or {}).items()},
        offers=tuple(
            rules.Offer(
                o.id,
                o.event_id,
                o.volunteer_id,
                o.role,
                o.status,
                o.deadline,
                o.offered_at,
                o.closed_at,
                o.closed_reason,
            )
            for o in orows
        ),
        response_window=timedelta(seconds=drow.response_seconds),
        last_deadline=drow.last_deadline,
        cancelled_reason=drow.cancelled_reason,
    )


def names_of(session: Session, volunteer_ids) -> dict[str, str]:
    ids = list(set(volunteer_ids))
    if not ids:
        return {}
    return dict(session.execute(select(volunteers.c.id, volunteers.c.name).where(volunteers.c.id.in_(ids))).all())


# --------------------------------------------------------------------------------------------------
# Writing a step: rows + facts


def apply(
    tx: Transaction,
    settings: ServiceSettings,
    dispatch_id: str,
    info: EventInfo,
    state: rules.DispatchState,
    actions: list,
    now: datetime,
) -> None:
    session = tx.session
    names = names_of(session, [o.volunteer_id for o in state.offers])

    def offer_fact(cls, offer: rules.Offer, **extra):
        return cls(
            offer_id=offer.offer_id,
            event_id=info.event_id,
            event_title=info.title,
            volunteer_id=offer.volunteer_id,
            volunteer_name=names.get(offer.volunteer_id),
            role=offer.role,
            start=info.start,
            end=info.end,
            place_name=info.place_name,
            **extra,
        )

    def team() -> list[TeamMember]:
        return [
            TeamMember(volunteer_id=o.volunteer_id, name=names.get(o.volunteer_id, o.volunteer_id), role=o.role)
            for o in state.offers
            if o.status == rules.OfferStatus.ACCEPTED
        ]

    def close(offer: rules.Offer) -> None:
        session.execute(
            offers.update()
            .where(offers.c.id == offer.offer_id)
            .values(status=offer.status.value, closed_at=offer.closed_at or now, closed_reason=offer.closed_reason)
        )

    closed_facts = {
        rules.OfferAccepted: DispatchAccepted,
        rules.OfferDeclined: DispatchDeclined,
        rules.OfferExpired: DispatchExpired,
    }
    for action in actions:
        if isinstance(action, rules.SendOffer):
            o = action.offer
            session.execute(
                offers.insert().values(
                    id=o.offer_id,
                    dispatch_id=dispatch_id,
                    event_id=o.event_id,
                    volunteer_id=o.volunteer_id,
                    role=o.role,
                    status=o.status.value,
                    deadline=o.deadline,
                    offered_at=o.offered_at or now,
                )
            )
            accept_url, decline_url = links.offer_urls(settings, o.offer_id, o.deadline)
            tx.emit(
                offer_fact(DispatchOffered, o, deadline=o.deadline, accept_url=accept_url, decline_url=decline_url),
                subject=o.offer_id,
            )
        elif type(action) in closed_facts:
            close(action.offer)
            tx.emit(offer_fact(closed_facts[type(action)], action.offer), subject=action.offer.offer_id)
        elif isinstance(action, rules.OfferWithdrawn):
            close(action.offer)
            tx.emit(offer_fact(DispatchWithdrawn, action.offer, reason=action.reason), subject=action.offer.offer_id)
        elif isinstance(action, rules.DispatchFilled):
            tx.emit(
                DispatchFilled(
                    event_id=info.event_id, event_title=info.title, organiser_id=info.organiser_id, team=team()
                ),
                subject=info.event_id,
            )
        elif isinstance(action, rules.DispatchUnfilled):
            progress = {p.role: p for p in rules.outcome(state, now).roles}
            tx.emit(
                DispatchUnfilled(
                    event_id=info.event_id,
                    event_title=info.title,
                    organiser_id=info.organiser_id,
                    team=team(),
                    shortfall=[
                        RoleShortfall(role=role, needed=progress[role].needed, accepted=progress[role].accepted)
                        for role in action.shortfall
                    ],
                ),
                subject=info.event_id,
            )
    session.execute(
        dispatches.update()
        .where(dispatches.c.id == dispatch_id)
        .values(status=rules.outcome(state, now).status.value, cancelled_reason=state.cancelled_reason, updated_at=now)
    )


# --------------------------------------------------------------------------------------------------
# Steps


def request_dispatch(
    tx: Transaction,
    settings: ServiceSettings,
    info: EventInfo,
    needs: list[dict],
    now: datetime,
    *,
    replaced_because: str,
) -> str | None:
    """Start the dispatch of an event. An event that already has one: the same request again changes
    nothing; a different one (time, place or needs) withdraws the old offers and starts afresh."""
    session = tx.session
    if session.execute(select(cancelled_events.c.event_id).where(cancelled_events.c.event_id == info.event_id)).first():
        log.warning("dispatch requested for %s, which was cancelled: ignored", info.event_id)
        return None
    roles = roles_from_needs(needs)
    current = current_dispatch(session, info.event_id, lock=True)
    if current is not None:
        unchanged = (
            current.start == info.start
            and current.end == info.end
            and current.status != "cancelled"
            and (current.lat, current.lon) == (info.site or (None, None))
            and current.needs == needs_json(roles)
        )
        if unchanged:
            log.info("dispatch of %s requested again with no change: nothing to do", info.event_id)
            return None
        withdraw(tx, settings, current, replaced_because, now, superseded=True)
    generation = latest_generation(session, info.event_id) + 1
    dispatch_id = info.event_id if generation == 1 else f"{info.event_id}#{generation}"
    vs = settings.volunteers
    response = timedelta(seconds=vs.offer_response_seconds)
    if info.start <= now:  # too late to ask anyone: report the whole need as unfilled
        ranked, last_deadline, deadline, step_now = {r.name: [] for r in roles}, None, info.start, None
    else:
        ranked = candidate_queries.rank_roles(
            session, roles, start=info.start, end=info.end, site=info.site, today=local_today(now), settings=vs
        )
        last_deadline = info.start - timedelta(seconds=vs.answers_close_before_start_seconds)
        if last_deadline <= now:
            last_deadline = info.start
        deadline, step_now = min(now + response, last_deadline), now
    state, actions = rules.initial_offers(
        ranked,
        roles,
        deadline,
        event_id=info.event_id,
        dispatch_id=dispatch_id,
        now=step_now,
        response_window=response,
        last_deadline=last_deadline,
    )
    lat, lon = info.site or (None, None)
    session.execute(
        dispatches.insert().values(
            id=dispatch_id,
            event_id=info.event_id,
            generation=generation,
            is_current=True,
            title=info.title,
            organiser_id=info.organiser_id,
            start=info.start,
            end=info.end,
            place_name=info.place_name,
            lat=lat,
            lon=lon,
            needs=needs_json(roles),
            ranked=ranked,
            response_seconds=response.total_seconds(),
            last_deadline=last_deadline,
            status="open",
            cancelled_reason=None,
            created_at=now,
            updated_at=now,
        )
    )
    apply(tx, settings, dispatch_id, info, state, actions, now)
    return dispatch_id


def cancel_event(tx: Transaction, settings: ServiceSettings, event_id: str, reason: str, now: datetime) -> None:
    """event.cancelled: withdraw the offers and places of its dispatch, and remember the cancellation
    (a dispatch request that arrives after it is ignored)."""
    session = tx.session
    if session.execute(select(cancelled_events.c.event_id).where(cancelled_events.c.event_id == event_id)).first():
        return
    session.execute(cancelled_events.insert().values(event_id=event_id, reason=reason[:500], cancelled_at=now))
    drow = current_dispatch(session, event_id, lock=True)
    if drow is not None and drow.status != "cancelled":
        withdraw(tx, settings, drow, f"The event was cancelled: {reason}. 活动已取消。", now)


def withdraw(
    tx: Transaction, settings: ServiceSettings, drow, reason: str, now: datetime, *, superseded: bool = False
) -> None:
    """Withdraw every open and accepted offer of a dispatch (the event was cancelled or moved)."""
    state = state_of(drow, offer_rows(tx.session, drow.id))
    state, actions = rules.withdraw_all(state, reason, now)
    apply(tx, settings, drow.id, info_of(drow), state, actions, now)
    if superseded:
        tx.session.execute(dispatches.update().where(dispatches.c.id == drow.id).values(is_current=False))


def answer(tx: Transaction, settings: ServiceSettings, offer_id: str, accept: bool, now: datetime, *, may_answer=None):
    """Accept or decline one offer; a decline (like an expiry) asks the next candidate. Returns the offer row."""
    session = tx.session
    orow = existing_offer(session, offer_id)
    if may_answer is not None:
        may_answer(orow)
    drow = dispatch_row(session, orow.dispatch_id, lock=True)
    state = state_of(drow, offer_rows(session, drow.id))
    try:
        new_state, actions = rules.on_response(state, offer_id, accept, now)
    except rules.OfferClosed as exc:
        raise links.closed_error(exc) from exc
    if accept:
        _check_can_serve(session, settings, orow, drow)
    apply(tx, settings, drow.id, info_of(drow), new_state, actions, now)
    return session.execute(select(offers).where(offers.c.id == offer_id)).first()


def _check_can_serve(session: Session, settings: ServiceSettings, orow, drow) -> None:
    vrow = session.execute(
        select(volunteers).where(volunteers.c.id == orow.volunteer_id).with_for_update(key_share=True)
    ).first()  # FOR NO KEY UPDATE: one accept at a time per person
    if vrow is None or vrow.status != "active":
        raise Conflict(
            "Only an active volunteer can accept an offer. 您的志愿者状态暂不能接受邀请。",
            {"reason": "volunteer_not_active", "volunteer_id": orow.volunteer_id},
        )
    info = info_of(drow)
    site = info.site or candidate_queries.NOWHERE
    mine = candidate_queries.commitments(session, info.start, info.end, site, volunteer_id=orow.volunteer_id)
    mine = mine.get(orow.volunteer_id, [])
    clash = find_conflict(mine, info.start, info.end, site, settings.volunteers.travel_speed_kmh)
    if clash is not None:
        raise Conflict(
            "You already accepted another event at a time that clashes with this one (travel counted). "
            "您已接受的另一项活动与此时间冲突。",
            {
                "reason": "schedule_conflict",
                "clash_start": clash.commitment.start.isoformat(),
                "clash_end": clash.commitment.end.isoformat(),
            },
        )


def due_dispatch_ids(session: Session, now: datetime) -> list[str]:
    return list(
        session.execute(
            select(offers.c.dispatch_id).where(offers.c.status == "offered", offers.c.deadline <= now).distinct()
        ).scalars()
    )


def expire(tx: Transaction, settings: ServiceSettings, dispatch_id: str, now: datetime) -> None:
    drow = dispatch_row(tx.session, dispatch_id, lock=True)
    state = state_of(drow, offer_rows(tx.session, dispatch_id))
    state, actions = rules.expire_due(state, now)
    if actions:
        apply(tx, settings, dispatch_id, info_of(drow), state, actions, now)


def due_reminders(session: Session, now: datetime, lead: timedelta) -> list[str]:
    """Open offers within `lead` of their deadline, not reminded yet, that were made before that point."""
    rows = session.execute(
        select(offers.c.id, offers.c.offered_at, offers.c.deadline).where(
            offers.c.status == "offered",
            offers.c.reminded_at.is_(None),
            offers.c.deadline > now,
            offers.c.deadline <= now + lead,
        )
    ).all()
    return [r.id for r in rows if r.offered_at is None or r.offered_at <= r.deadline - lead]


def remind(tx: Transaction, settings: ServiceSettings, offer_id: str, now: datetime) -> None:
    session = tx.session
    orow = session.execute(select(offers).where(offers.c.id == offer_id)).first()
    drow = dispatch_row(session, orow.dispatch_id, lock=True)
    orow = session.execute(select(offers).where(offers.c.id == offer_id)).first()  # again, under the lock
    if orow.status != "offered" or orow.reminded_at is not None or orow.deadline <= now:
        return
    session.execute(offers.update().where(offers.c.id == offer_id).values(reminded_at=now))
    info = info_of(drow)
    accept_url, decline_url = links.offer_urls(settings, offer_id, orow.deadline)
    tx.emit(
        DispatchOffered(
            offer_id=offer_id,
            event_id=info.event_id,
            event_title=info.title,
            volunteer_id=orow.volunteer_id,
            volunteer_name=names_of(session, [orow.volunteer_id]).get(orow.volunteer_id),
            role=orow.role,
            start=info.start,
            end=info.end,
            place_name=info.place_name,
            deadline=orow.deadline,
            accept_url=accept_url,
            decline_url=decline_url,
            reminder=True,
        ),
        subject=offer_id,
    )
