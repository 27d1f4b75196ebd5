"""Check-in, no-shows and the no-show ledger in the venues database (issue 17.6): the window checks,
the sweep that marks no-shows (releasing the rest of the slot), the pause of online booking and the
managers' exemptions and lifts."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import func, select

from contracts.errors import Forbidden, Unprocessable
from contracts.venues import NoShowLedger
from kit.clock import from_local, local_now, shown, to_local, utcnow
from services.venues import queries
from services.venues.booking_commands import change_status, lock_room, room_limits, sentence
from services.venues.domain.booking_rules import BookingAction
from services.venues.domain.no_shows import (
    COUNTED_CHANNELS,
    CheckInWindow,
    CountedNoShow,
    NoShowPolicy,
    check_in_refusal,
    counted,
    no_show_refusal,
    paused_until,
)
from services.venues.settings import VenuesSettings
from services.venues.tables import booking_pause_lifts, bookings, no_show_exemptions


def no_show_policy(settings: VenuesSettings) -> NoShowPolicy:
    return NoShowPolicy(
        limit=settings.no_show_limit, within_days=settings.no_show_within_days, pause_days=settings.no_show_pause_days
    )


POLICY = no_show_policy(VenuesSettings())  # read once at start, like the other venues settings
SWEEPER = "system:no-show-sweep"
SWEEP_BATCH = 100


def window(room) -> CheckInWindow:
    limits = room_limits(room)
    return CheckInWindow(limits.check_in_opens_minutes, limits.check_in_closes_minutes)


def _refused(refusal, booking) -> Unprocessable:
    return Unprocessable(
        sentence(refusal.message),
        {"reason_code": refusal.code, "detail_zh": refusal.message_zh, "booking_id": booking.id},
    )


def require_check_in_open(booking, room) -> None:
    refusal = check_in_refusal(to_local(booking.starts_at), local_now(), window(room))
    if refusal is not None:
        raise _refused(refusal, booking)


def require_no_show_due(booking, room) -> None:
    refusal = no_show_refusal(to_local(booking.starts_at), local_now(), window(room))
    if refusal is not None:
        raise _refused(refusal, booking)


def sweep(db) -> list[str]:
    """Confirmed bookings (not event holds) still running whose check-in window has closed → no-show,
    which frees the rest of the slot. One transaction per booking: the room is locked as for a booking."""
    moment = utcnow()
    with db.read() as session:
        candidates = session.execute(
            select(bookings.c.id, bookings.c.room_id)
            .where(
                bookings.c.status == "confirmed",
                bookings.c.event_id.is_(None),
                bookings.c.starts_at <= moment,
                bookings.c.ends_at > moment,
            )
            .order_by(bookings.c.starts_at)
            .limit(SWEEP_BATCH)
        ).all()
    marked = []
    for booking_id, room_id in candidates:
        with db.transaction() as tx:
            room, venue = lock_room(tx.session, room_id)
            booking = queries.booking_or_404(tx.session, booking_id, for_update=True)
            if booking.status != "confirmed":
                continue
            closes = window(room).closes(to_local(booking.starts_at))
            if local_now() < closes:
                continue
            change_status(
                tx,
                booking,
                room,
                venue,
                BookingAction.MARK_NO_SHOW,
                SWEEPER,
                reason=f"no check-in by {closes:%H:%M}; the rest of the slot is released",
                fact_extra={"automatic": True},
            )
            marked.append(booking_id)
    return marked


def _ledger_rows(session, person_id: str):
    rows = session.execute(
        select(bookings.c.id, bookings.c.updated_at, bookings.c.channel)
        .where(bookings.c.booker_id == person_id, bookings.c.status == "no_show")
        .order_by(bookings.c.updated_at)
    ).all()
    exemption = session.execute(select(no_show_exemptions).where(no_show_exemptions.c.person_id == person_id)).first()
    lifted_at = session.execute(
        select(booking_pause_lifts.c.lifted_at)
        .where(booking_pause_lifts.c.person_id == person_id)
        .order_by(booking_pause_lifts.c.lifted_at.desc())
    ).scalar()
    return rows, exemption, lifted_at


def ledger(session, person_id: str) -> dict:
    rows, exemption, lifted_at = _ledger_rows(session, person_id)
    moment = local_now()
    lifted_local = to_local(lifted_at) if lifted_at else None
    no_shows = [CountedNoShow(row.id, to_local(row.updated_at), row.channel) for row in rows]
    counting = {n.booking_id for n in counted(no_shows, moment, POLICY, lifted_local)}
    until = paused_until(no_shows, moment, POLICY, exempt=exemption is not None, lifted_at=lifted_local)
    return NoShowLedger(
        person_id=person_id,
        exempt=exemption is not None,
        exemption_reason=exemption.reason if exemption else None,
        paused_until=from_local(until) if until else None,
        lifted_at=shown(lifted_at),
        no_shows=[
            {
                "booking_id": n.booking_id,
                "at": from_local(n.at),
                "channel": n.channel,
                "counted": n.booking_id in counting,
            }
            for n in no_shows
        ],
        policy={
            "limit": POLICY.limit,
            "within_days": POLICY.within_days,
            "pause_days": POLICY.pause_days,
            "counted_channels": sorted(COUNTED_CHANNELS),
        },
    ).model_dump(mode="json")


def require_not_paused(session, person_id: str | None) -> None:
    """A person's own online booking, refused while their booking is paused (staff still book for them)."""
    if not person_id:
        return
    since = utcnow() - dt.timedelta(days=POLICY.within_days)
    recent = session.execute(
        select(func.count())
        .select_from(bookings)
        .where(
            bookings.c.booker_id == person_id,
            bookings.c.status == "no_show",
            bookings.c.updated_at > since,
            bookings.c.channel.in_(sorted(COUNTED_CHANNELS)),
        )
    ).scalar_one()
    if recent < POLICY.limit:
        return  # the common case, in one query
    view = ledger(session, person_id)
    if view["paused_until"]:
        raise Forbidden(
            f"Online booking is paused until {view['paused_until'][:16].replace('T', ' ')} after "
            f"{POLICY.limit} no-shows within {POLICY.within_days} days; the venue's desk can still book for you, "
            f"and a venue manager can lift the pause.",
            {
                "reason_code": "online_booking_paused",
                "paused_until": view["paused_until"],
                "detail_zh": f"近{POLICY.within_days}天内未到场{POLICY.limit}次，在线预约暂停至"
                f"{view['paused_until'][:10]}；可到场馆或电话预约，或请场馆管理员解除",
            },
        )


def exempt(tx, person_id: str, reason: str, actor_sub: str) -> None:
    tx.session.execute(no_show_exemptions.delete().where(no_show_exemptions.c.person_id == person_id))
    tx.session.execute(
        no_show_exemptions.insert().values(
            person_id=person_id, reason=reason.strip(), granted_by=actor_sub, granted_at=utcnow()
        )
    )


def lift(tx, person_id: str, reason: str, actor_sub: str) -> None:
    tx.session.execute(
        booking_pause_lifts.insert().values(
            id=str(uuid.uuid4()),
            person_id=person_id,
            reason=reason.strip() or "lifted by a venue manager",
            lifted_by=actor_sub,
            lifted_at=utcnow(),
        )
    )


def require_ledger_keeper(actor) -> None:
    if actor.role not in ("venue_manager", "admin"):
        raise Forbidden(
            "Only venue managers and administrators keep the no-show ledger.", {"needed_role": "venue_manager"}
        )
