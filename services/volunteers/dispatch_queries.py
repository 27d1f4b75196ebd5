"""Dispatch and offer rows ↔ the contract views (the organiser's dispatch page, a volunteer's offers)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.volunteers import Dispatch, DispatchRole, DispatchTeamMember, Offer, RoleShortfall
from services.volunteers.dispatch_commands import names_of, offer_rows, state_of
from services.volunteers.domain import dispatch as rules
from services.volunteers.tables import checkins, dispatches, offers


def offer_view(orow, drow, names: dict[str, str]) -> Offer:
    return Offer(
        offer_id=orow.id,
        dispatch_id=orow.dispatch_id,
        event_id=orow.event_id,
        event_title=drow.title,
        volunteer_id=orow.volunteer_id,
        volunteer_name=names.get(orow.volunteer_id),
        role=orow.role,
        status=orow.status,
        start=drow.start,
        end=drow.end,
        place_name=drow.place_name,
        deadline=orow.deadline,
        offered_at=orow.offered_at,
        closed_at=orow.closed_at,
        closed_reason=orow.closed_reason,
        reminded=orow.reminded_at is not None,
    )


def one_offer(session: Session, orow) -> Offer:
    drow = session.execute(select(dispatches).where(dispatches.c.id == orow.dispatch_id)).first()
    return offer_view(orow, drow, names_of(session, [orow.volunteer_id]))


def dispatch_view(session: Session, drow, now: datetime) -> Dispatch:
    orows = offer_rows(session, drow.id)
    names = names_of(session, [o.volunteer_id for o in orows])
    state = state_of(drow, orows)
    progress = rules.outcome(state, now)
    arrived = {
        r.volunteer_id: r.checked_in_at
        for r in session.execute(select(checkins).where(checkins.c.event_id == drow.event_id)).all()
    }
    all_offers = [offer_view(o, drow, names) for o in orows]
    skills = {r.name: sorted(r.skills) for r in state.roles}
    return Dispatch(
        event_id=drow.event_id,
        dispatch_id=drow.id,
        title=drow.title,
        organiser_id=drow.organiser_id,
        start=drow.start,
        end=drow.end,
        place_name=drow.place_name,
        status=drow.status,
        cancelled_reason=drow.cancelled_reason,
        roles=[
            DispatchRole(
                role=p.role,
                needed=p.needed,
                skills=skills.get(p.role, []),
                accepted=p.accepted,
                pending=p.pending,
                untried=p.untried,
            )
            for p in progress.roles
        ],
        team=[
            DispatchTeamMember(
                volunteer_id=o.volunteer_id,
                name=names.get(o.volunteer_id, o.volunteer_id),
                role=o.role,
                offer_id=o.id,
                checked_in=o.volunteer_id in arrived,
                checked_in_at=arrived.get(o.volunteer_id),
            )
            for o in orows
            if o.status == "accepted"
        ],
        open_offers=[o for o in all_offers if o.status == "offered"],
        offers=all_offers,
        shortfall=[
            RoleShortfall(role=p.role, needed=p.needed, accepted=p.accepted)
            for p in progress.roles
            if p.role in progress.shortfall
        ],
        created_at=drow.created_at,
        updated_at=drow.updated_at,
    )


def offers_of_volunteer(session: Session, volunteer_id: str, status: str | None = None) -> list[Offer]:
    query = (
        select(offers, dispatches.c.title, dispatches.c.start, dispatches.c.end, dispatches.c.place_name)
        .join(dispatches, dispatches.c.id == offers.c.dispatch_id)
        .where(offers.c.volunteer_id == volunteer_id)
        .order_by(offers.c.offered_at.desc(), offers.c.id)
    )
    if status:
        query = query.where(offers.c.status == status)
    rows = session.execute(query).all()
    names = names_of(session, [volunteer_id])
    return [offer_view(r, r, names) for r in rows]
