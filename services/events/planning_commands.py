"""送文化下乡 season plans: ask for a draft, pin or remove items, re-solve, publish in one step.

Inputs are what events already holds — open orders (with their village's coordinates), the menu, the
venue directory (village sites), past events (when each village was last served) and the festival
calendar — plus what the organiser gives in the request: the troupes with their repertoire and
availability, site rules, a travel matrix. Solving (CP-SAT, ``domain.planner``) runs in a native
thread (``eventlet.tpool``) so the service keeps answering meanwhile; no transaction is open while it
runs, and the result is written only if the plan has not changed in between (its revision).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from eventlet import tpool
from sqlalchemy import delete, func, select, update

from contracts.access import organises
from contracts.errors import Conflict, Forbidden, NotFound, Unprocessable
from contracts.events import OrderScheduled
from contracts.season_plans import SeasonPlanRequest, SeasonPlanResolve, SeasonPlanView
from kit.boundary import domain_errors, model_or_422, signed_in
from kit.clock import day_start, local, local_today, utcnow
from services.events.domain import festivals, planner
from services.events.domain import orders as order_rules
from services.events.domain.lifecycle import validate_event_times
from services.events.event_commands import checked_plan, insert_draft, publish_in_tx, reload
from services.events.menu_commands import offering_plan
from services.events.rows import Place, order_fact
from services.events.tables import (
    events,
    offerings,
    orders,
    season_plan_items,
    season_plans,
    site_closures,
    venue_directory,
)

SERVED_STATUSES = ("published", "completed")


# ---- inputs ----------------------------------------------------------------------------------------


class _Inputs:
    """The planning problem built from the database and the request (plus the orders that cannot be planned
    at all, e.g. without coordinates)."""

    def __init__(self, session, request: SeasonPlanRequest, items: Iterable = ()):
        self.unplanned: list[dict] = []
        offering_rows = session.execute(select(offerings)).all()
        rules = {r.venue_id: r for r in request.site_rules}
        heard: dict[str, list] = {}  # whole-venue closures venues told us about
        for closure in session.execute(
            select(site_closures).where(
                site_closures.c.ends > day_start(request.first_day),
                site_closures.c.starts < day_start(request.last_day + timedelta(days=1)),
            )
        ).all():
            heard.setdefault(closure.venue_id, []).append(_closed_days(closure.starts, closure.ends))
        last_served = dict(
            session.execute(
                select(events.c.venue_id, func.max(events.c.start))
                .where(
                    events.c.status.in_(SERVED_STATUSES),
                    events.c.venue_id.is_not(None),
                    events.c.start < day_start(request.first_day),
                )
                .group_by(events.c.venue_id)
            ).all()
        )
        wanted = set(request.venue_ids) if request.venue_ids is not None else None
        sites: dict[str, planner.Site] = {}

        def add_site(venue_id, name, village, lat, lon):
            if venue_id in sites or lat is None or lon is None:
                return
            rule = rules.get(venue_id)
            served = last_served.get(venue_id)
            given = [planner.DayRange(c.first_day, c.last_day) for c in rule.closures] if rule else []
            sites[venue_id] = planner.Site(
                venue_id,
                name or venue_id,
                village or venue_id,
                planner.Point(lat, lon),
                open_weekdays=frozenset(rule.open_weekdays) if rule else frozenset(range(7)),
                closures=tuple(given + heard.get(venue_id, [])),
                last_served=served.date() if served else None,
            )

        for row in session.execute(
            select(venue_directory).where(venue_directory.c.level == "village").order_by(venue_directory.c.venue_id)
        ).all():
            if (wanted is None or row.venue_id in wanted) and row.status != "closed":
                add_site(row.venue_id, row.name, row.village, row.lat, row.lon)
        query = select(orders).where(
            orders.c.status == "placed", orders.c.latest >= request.first_day, orders.c.earliest <= request.last_day
        )
        if wanted is not None:  # the plan is for these villages: their orders only
            query = query.where(orders.c.venue_id.in_(wanted))
        open_orders = session.execute(query.order_by(orders.c.earliest, orders.c.id)).all()
        plan_orders = []
        for row in open_orders:
            add_site(row.venue_id, row.venue_name, row.village, row.lat, row.lon)
            if row.venue_id not in sites:
                self.unplanned.append(
                    dict(
                        order_id=row.id,
                        offering_id=row.offering_id,
                        venue_id=row.venue_id,
                        reason="no_coordinates",
                        detail="the ordering venue has no coordinates on record",
                    )
                )
                continue
            festival = request.festival_orders.get(row.id)
            plan_orders.append(
                planner.PlanOrder(
                    row.id,
                    row.venue_id,
                    row.offering_id,
                    planner.DayRange(row.earliest, row.latest),
                    _festival_date(festival, row.earliest, row.latest) if festival else None,
                )
            )
        self.order_ids = {o.order_id for o in plan_orders}
        menu = {r.id: planner.Offering(r.id, r.title, r.duration_minutes) for r in offering_rows}
        troupes = {}
        for t in request.troupes:
            unknown = [o for o in t.offering_ids if o not in menu]
            if unknown:
                raise Unprocessable(
                    f"{t.name} performs offerings that are not on the menu: {', '.join(unknown)}",
                    {"field": "troupes", "troupe_id": t.troupe_id},
                )
            troupes[t.troupe_id] = planner.Troupe(
                t.troupe_id,
                t.name,
                planner.Point(t.base.lat, t.base.lon),
                tuple(t.offering_ids),
                frozenset(t.available_weekdays),
                tuple(planner.DayRange(u.first_day, u.last_day) for u in t.unavailable),
                t.max_shows_per_week,
            )
        pinned, removed = [], set()
        for item in items:
            show = _show_of(item)
            if item.removed:
                removed.add(show.key)
            elif item.pinned and (item.order_id is None or item.order_id in self.order_ids):
                pinned.append(show)
        with domain_errors():
            self.season = planner.Season(
                request.first_day,
                request.last_day,
                coverage_weeks=request.coverage_weeks,
                coverage_target=request.coverage_target,
                min_weeks_between_visits=request.min_weeks_between_visits,
            )
            self.problem = planner.PlanProblem(
                self.season, sites, troupes, menu, tuple(plan_orders), pinned=tuple(pinned), removed=frozenset(removed)
            )
            matrix = planner.parse_matrix_csv(request.travel_matrix_csv) if request.travel_matrix_csv else {}
            self.travel = planner.TravelTimes(request.road_factor, request.speed_kmh, matrix)

    def solve(self, time_limit_seconds: float) -> planner.SeasonPlan:
        with domain_errors():
            return tpool.execute(planner.plan_season, self.problem, self.travel, time_limit_seconds=time_limit_seconds)


def _closed_days(starts: datetime, ends: datetime) -> planner.DayRange:
    """Local days touched by a closure; the reopening day too unless it reopens at midnight."""
    last = local(ends)
    last_day = last.date() if last.time() != datetime.min.time() else last.date() - timedelta(days=1)
    return planner.DayRange(local(starts).date(), max(local(starts).date(), last_day))


def remember_closure(tx, fact) -> None:
    """venue.closed of a whole venue (a closed room leaves the village square usable)."""
    if fact.room_id is not None:
        return
    values = dict(venue_id=fact.venue_id, starts=fact.start, ends=fact.expected_reopening)
    if tx.session.execute(
        select(site_closures.c.closure_id).where(site_closures.c.closure_id == fact.closure_id)
    ).first():
        tx.session.execute(update(site_closures).where(site_closures.c.closure_id == fact.closure_id).values(**values))
    else:
        tx.session.execute(site_closures.insert().values(closure_id=fact.closure_id, **values))


def remember_reopening(tx, fact) -> None:
    """venue.reopened: the closure ended (reopened_at) or its expected end moved."""
    ends = fact.reopened_at or fact.expected_reopening
    if ends is not None:
        tx.session.execute(update(site_closures).where(site_closures.c.closure_id == fact.closure_id).values(ends=ends))


def _festival_date(name: str, earliest: date, latest: date) -> planner.FestivalDate | None:
    """The occurrence of the festival nearest the order's window (a festival order is for that one)."""
    with domain_errors():
        seasons = [
            festivals.festival_season(festivals.Festival(name), year)
            for year in range(earliest.year - 1, latest.year + 2)
        ]
    middle = earliest + (latest - earliest) / 2
    season = min(seasons, key=lambda s: abs((s.festival_day - middle).days))
    return planner.FestivalDate(name, season.festival_day, planner.DayRange(season.first_day, season.last_day))


def _show_of(item) -> planner.Show:
    return planner.Show(
        item.troupe_id, item.venue_id, item.offering_id, item.day, planner.Half(item.half), item.order_id
    )


def _times(season: planner.Season, show: planner.Show, minutes: int) -> tuple[datetime, datetime]:
    start = day_start(show.day) + timedelta(minutes=season.start_minutes(show.half))
    return start, start + timedelta(minutes=minutes)


# ---- storing and showing a plan --------------------------------------------------------------------


def _plan_row(session, plan_id: str, *, lock: bool = False):
    query = select(season_plans).where(season_plans.c.id == plan_id)
    row = session.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFound(f"Season plan {plan_id} does not exist.", {"plan_id": plan_id})
    return row


def _items(session, plan_id: str) -> list:
    return session.execute(
        select(season_plan_items)
        .where(season_plan_items.c.plan_id == plan_id)
        .order_by(season_plan_items.c.start, season_plan_items.c.troupe_id)
    ).all()


def _result_columns(inputs: _Inputs, plan: planner.SeasonPlan) -> dict:
    s = plan.score
    unplanned = inputs.unplanned + [
        dict(order_id=u.order_id, offering_id=o.offering_id, venue_id=o.site_id, reason=u.reason.value, detail=u.detail)
        for u in plan.unplanned
        for o in inputs.problem.orders
        if o.order_id == u.order_id
    ]
    return dict(
        solve=dict(
            status=plan.solve.status,
            wall_seconds=plan.solve.wall_seconds,
            objective=plan.solve.objective,
            best_bound=plan.solve.best_bound,
            gap=plan.solve.gap,
        ),
        score=dict(
            orders_fulfilled=s.orders_fulfilled,
            villages_covered=s.villages_covered,
            festivals_hit=s.festivals_hit,
            travel_minutes=s.travel_minutes,
            shows=s.shows,
            busiest_troupe_shows=s.max_shows_per_troupe,
        ),
        unplanned=unplanned,
        updated_at=utcnow(),
    )


def _insert_shows(session, inputs: _Inputs, plan_id: str, plan: planner.SeasonPlan, skip: set) -> None:
    for show in plan.shows:
        if show.key in skip:
            continue
        start, end = _times(inputs.season, show, inputs.problem.offerings[show.offering_id].duration_minutes)
        session.execute(
            season_plan_items.insert().values(
                id=str(uuid.uuid4()),
                plan_id=plan_id,
                order_id=show.order_id,
                offering_id=show.offering_id,
                troupe_id=show.troupe_id,
                venue_id=show.site_id,
                day=show.day,
                half=show.half.value,
                start=start,
                end=end,
                travel_minutes=plan.travel_minutes.get(show.key, 0),
                pinned=False,
                removed=False,
            )
        )


def _view(session, plan_id: str) -> dict:
    row = _plan_row(session, plan_id)
    request = SeasonPlanRequest.model_validate(row.request)
    titles = dict(session.execute(select(offerings.c.id, offerings.c.title)).all())
    troupe_names = {t.troupe_id: t.name for t in request.troupes}
    item_rows = _items(session, plan_id)
    venue_ids = {i.venue_id for i in item_rows}
    places = (
        {
            r.venue_id: r
            for r in session.execute(select(venue_directory).where(venue_directory.c.venue_id.in_(venue_ids))).all()
        }
        if venue_ids
        else {}
    )
    order_places = (
        {
            r.venue_id: r
            for r in session.execute(
                select(orders.c.venue_id, orders.c.venue_name, orders.c.town, orders.c.village).where(
                    orders.c.venue_id.in_(venue_ids)
                )
            ).all()
        }
        if venue_ids
        else {}
    )
    items = []
    for i in item_rows:
        place = places.get(i.venue_id)
        name = place.name if place else getattr(order_places.get(i.venue_id), "venue_name", None)
        town = place.town if place else getattr(order_places.get(i.venue_id), "town", None)
        village = place.village if place else getattr(order_places.get(i.venue_id), "village", None)
        items.append(
            dict(
                id=i.id,
                kind="order" if i.order_id else "coverage",
                order_id=i.order_id,
                offering_id=i.offering_id,
                offering_title=titles.get(i.offering_id, i.offering_id),
                troupe_id=i.troupe_id,
                troupe_name=troupe_names.get(i.troupe_id, i.troupe_id),
                venue_id=i.venue_id,
                site_name=name or i.venue_id,
                town=town,
                village=village,
                day=i.day,
                half=i.half,
                start=i.start,
                end=i.end,
                travel_minutes=i.travel_minutes,
                festival=request.festival_orders.get(i.order_id) if i.order_id else None,
                pinned=i.pinned,
                removed=i.removed,
                event_id=i.event_id,
            )
        )
    return SeasonPlanView(
        id=row.id,
        status=row.status,
        first_day=row.first_day,
        last_day=row.last_day,
        organiser_id=row.organiser_id,
        items=items,
        unplanned=row.unplanned,
        score=row.score,
        solve=row.solve,
        revision=row.revision,
        created_at=row.created_at,
        updated_at=row.updated_at,
        published_at=row.published_at,
    ).model_dump(mode="json")


def _check_organiser(actor, row) -> None:
    if not organises(actor, row.organiser_id):
        raise Forbidden("Only the plan's organiser (or an administrator) may see or change it.", {"plan_id": row.id})


def _check_draft(row) -> None:
    if row.status != "draft":
        raise Conflict(
            f"The season plan is {row.status}; only a draft can change.", {"plan_id": row.id, "plan_status": row.status}
        )


# ---- commands --------------------------------------------------------------------------------------


def create(db, actor: dict, body: dict) -> dict:
    actor = signed_in(actor, "organiser")
    request = model_or_422(SeasonPlanRequest, body)
    with db.read() as session:
        inputs = _Inputs(session, request)
    plan = inputs.solve(request.time_limit_seconds)
    plan_id = str(uuid.uuid4())
    now = utcnow()
    with db.transaction() as tx:
        tx.session.execute(
            season_plans.insert().values(
                id=plan_id,
                status="draft",
                organiser_id=actor.sub,
                organiser_name=actor.name,
                first_day=request.first_day,
                last_day=request.last_day,
                request=request.model_dump(mode="json"),
                revision=1,
                created_at=now,
                **_result_columns(inputs, plan),
            )
        )
        _insert_shows(tx.session, inputs, plan_id, plan, skip=set())
        return _view(tx.session, plan_id)


def get(db, actor: dict, plan_id: str) -> dict:
    actor = signed_in(actor, "organiser")
    with db.read() as session:
        _check_organiser(actor, _plan_row(session, plan_id))
        return _view(session, plan_id)


def change_item(
    db, actor: dict, plan_id: str, item_id: str, *, pinned: bool | None = None, removed: bool | None = None
) -> dict:
    """Pin an item (a re-solve keeps it as it is) or remove it (a re-solve never proposes it again)."""
    actor = signed_in(actor, "organiser")
    with db.transaction() as tx:
        row = _plan_row(tx.session, plan_id, lock=True)
        _check_organiser(actor, row)
        _check_draft(row)
        item = tx.session.execute(
            select(season_plan_items).where(season_plan_items.c.id == item_id, season_plan_items.c.plan_id == plan_id)
        ).first()
        if item is None:
            raise NotFound(f"Season plan {plan_id} has no item {item_id}.", {"plan_id": plan_id, "item_id": item_id})
        values = {}
        if pinned is not None:
            values.update(pinned=pinned, removed=False if pinned else item.removed)
        if removed is not None:
            values.update(removed=removed, pinned=False if removed else item.pinned)
        tx.session.execute(update(season_plan_items).where(season_plan_items.c.id == item_id).values(**values))
        tx.session.execute(update(season_plans).where(season_plans.c.id == plan_id).values(updated_at=utcnow()))
        return _view(tx.session, plan_id)


def resolve(db, actor: dict, plan_id: str, body: dict | None) -> dict:
    """Plan again with the pinned items fixed and the removed ones excluded; everything else may move."""
    actor = signed_in(actor, "organiser")
    data = model_or_422(SeasonPlanResolve, body or {})
    with db.read() as session:
        row = _plan_row(session, plan_id)
        _check_organiser(actor, row)
        _check_draft(row)
        request = SeasonPlanRequest.model_validate(row.request)
        items = _items(session, plan_id)
        inputs = _Inputs(session, request, items)
    revision = row.revision
    plan = inputs.solve(data.time_limit_seconds)
    kept = {_show_of(i).key for i in items if i.pinned or i.removed}
    with db.transaction() as tx:
        row = _plan_row(tx.session, plan_id, lock=True)
        _check_draft(row)
        if row.revision != revision:
            raise Conflict(
                "The plan was solved again meanwhile; look at it before solving once more.",
                {"plan_id": plan_id, "revision": row.revision},
            )
        tx.session.execute(
            delete(season_plan_items).where(
                season_plan_items.c.plan_id == plan_id,
                season_plan_items.c.pinned.is_(False),
                season_plan_items.c.removed.is_(False),
            )
        )
        _insert_shows(tx.session, inputs, plan_id, plan, skip=kept)
        tx.session.execute(
            update(season_plans)
            .where(season_plans.c.id == plan_id)
            .values(revision=revision + 1, **_result_columns(inputs, plan))
        )
        return _view(tx.session, plan_id)


def publish(db, actor: dict, plan_id: str) -> dict:
    """Every item of the draft becomes a published event at its site in ONE transaction: its order is
    scheduled, volunteer needs are requested (dispatch.requested), and the usual facts go out."""
    actor = signed_in(actor, "organiser")
    now = utcnow()
    with db.transaction() as tx:
        row = _plan_row(tx.session, plan_id, lock=True)
        _check_organiser(actor, row)
        _check_draft(row)
        request = SeasonPlanRequest.model_validate(row.request)
        items = [i for i in _items(tx.session, plan_id) if not i.removed]
        menu = {r.id: r for r in tx.session.execute(select(offerings)).all()}
        sites = {r.venue_id: r for r in tx.session.execute(select(venue_directory)).all()}
        for item in items:
            offering = menu[item.offering_id]
            order = None
            if item.order_id:
                order = tx.session.execute(select(orders).where(orders.c.id == item.order_id).with_for_update()).first()
                if order is None or order.status != "placed":
                    raise Conflict(
                        f"Order {item.order_id} is no longer open; remove its item and solve again.",
                        {"plan_id": plan_id, "item_id": item.id, "order_id": item.order_id},
                    )
            with domain_errors():
                validate_event_times(item.start, item.end, now=now)
            place = _place(item, sites.get(item.venue_id), order)
            festival = request.festival_orders.get(item.order_id) if item.order_id else None
            plan = offering_plan(
                offering,
                start=item.start,
                end=item.end,
                capacity=None,
                kept_back=0,
                organiser_name=row.organiser_name or actor.name,
                festival=festival,
            )
            columns = checked_plan(plan, place)
            event_id = str(uuid.uuid4())
            insert_draft(
                tx.session, event_id, row.organiser_id, now, offering_id=offering.id, order_id=item.order_id, **columns
            )
            event = publish_in_tx(tx, reload(tx.session, event_id), None, now)
            if order is not None:
                with domain_errors():
                    scheduled = order_rules.VillageOrder(
                        order.id,
                        order.offering_id,
                        order.venue_id,
                        order_rules.OrderWindow(order.earliest, order.latest),
                        status=order_rules.OrderStatus(order.status),
                    ).schedule(item.day, local_today())
                tx.session.execute(
                    update(orders)
                    .where(orders.c.id == order.id)
                    .values(
                        status=scheduled.status.value,
                        scheduled_for=scheduled.scheduled_for,
                        event_id=event_id,
                        decided_by=actor.sub,
                        decided_at=now,
                    )
                )
                order = tx.session.execute(select(orders).where(orders.c.id == order.id)).first()
                tx.emit(
                    order_fact(OrderScheduled, order, offering.title, event_id=event_id, start=event.start),
                    subject=order.id,
                )
            tx.session.execute(
                update(season_plan_items).where(season_plan_items.c.id == item.id).values(event_id=event_id)
            )
        tx.session.execute(
            update(season_plans)
            .where(season_plans.c.id == plan_id)
            .values(status="published", published_at=now, updated_at=now)
        )
        return _view(tx.session, plan_id)


def _place(item, directory_row, order) -> Place:
    """The show is held outdoors at the village's site (its square or centre), at its coordinates."""
    source = directory_row if directory_row is not None else order
    name = (directory_row.name if directory_row is not None else order.venue_name) if source is not None else None
    return Place(
        kind="outdoor",
        place_name=name or item.venue_id,
        venue_id=item.venue_id,
        venue_name=name,
        town=getattr(source, "town", None),
        village=getattr(source, "village", None),
        lat=getattr(source, "lat", None),
        lon=getattr(source, "lon", None),
    )
