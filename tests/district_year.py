"""A year of activity in a seeded district (嘉平镇 and six villages), as the facts the services publish,
and every report figure computed independently from the same generated inputs.

The services' public API cannot backdate (events must start in the future, orders must be for later
dates), so the past year is published on the bus with the CloudEvent `time` it happened at; the
system test adds live activity through the API on top. Deterministic (seeded random)."""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

from contracts.common import Coordinates
from contracts.events import (
    EventCompleted,
    EventPublished,
    FeedbackReceived,
    OrderDeclined,
    OrderPlaced,
    OrderScheduled,
    RegistrationCancelled,
    RegistrationCheckedIn,
    RegistrationConfirmed,
)
from contracts.venues import (
    BookingCancelled,
    BookingConfirmed,
    OpeningExceptionRemoved,
    OpeningExceptionSet,
    OpeningHoursSet,
    OpeningStandardFact,
    VenueClosed,
    VenueRegistered,
    VenueReopened,
    VisitsRecorded,
)
from contracts.volunteers import (
    HoursCredited,
    HoursLogged,
    StarsChanged,
    TeamRegistered,
    TeamUpdated,
    TrainingRecorded,
)

LOCAL = ZoneInfo("Asia/Shanghai")
TOWN = "嘉平镇"
VILLAGES = {  # village: (lat, lon, last month served by a mobile performance, or None = never)
    "石门村": (29.07, 106.21, 11),
    "大坪村": (29.05, 106.25, 10),
    "双河村": (29.10, 106.18, 9),
    "龙凤村": (29.02, 106.30, 11),
    "高峰村": (29.12, 106.33, 6),
    "白沙村": (29.00, 106.15, None),
}
AS_OF = datetime(2026, 11, 30, 20, 0, tzinfo=LOCAL)
FESTIVAL_MONTHS = {2: "春节", 6: "端午", 9: "中秋", 10: "国庆"}
GROUPS = ("elderly", "minors", "left_behind_children", "disabled", "migrant_workers")
DECLINE_REASONS = ("档期已满", "场地条件不足")


def _id() -> str:
    return str(uuid.uuid4())


@dataclass
class Generated:
    facts: list = field(default_factory=list)  # (DomainEvent, happened_at)
    town_venue: str = ""
    village_venues: dict = field(default_factory=dict)  # village -> venue_id
    events: list = field(default_factory=list)  # dicts: the ground truth of each event
    registrations: list = field(default_factory=list)
    ratings: list = field(default_factory=list)  # (event_id, rating)
    orders: list = field(default_factory=list)
    bookings: list = field(default_factory=list)
    closures: list = field(default_factory=list)
    hours: list = field(default_factory=list)  # (event_id, hours)
    opening: list = field(default_factory=list)  # dicts: venue_id, effective_from, weekly {weekday: [(from, to)]}, ...
    exceptions: dict = field(default_factory=dict)  # (venue_id, date) -> [(from, to)] as finally standing
    volunteers: dict = field(default_factory=dict)  # volunteer_id -> village (None: the town)
    training: list = field(default_factory=list)  # (volunteer_id, day, hours)
    logged: list = field(default_factory=list)  # (volunteer_id, day, hours)
    stars: list = field(default_factory=list)  # (volunteer_id, at, stars)
    teams: dict = field(default_factory=dict)  # team_id -> dict(kind, village, active, members) as it stands
    visits: list = field(default_factory=list)  # (venue_id, day, {group: visitors})
    reach: random.Random = field(default_factory=lambda: random.Random(14))  # check-ins and visits

    def add(self, fact, at: datetime) -> None:
        self.facts.append((fact, at))


def generate(
    seed: int = 2026, *, months: int = 11, town_venue: str | None = None, village_venues: dict | None = None
) -> Generated:
    """January to `months` of 2026. With `town_venue`/`village_venues` (registered through the API) no
    venue facts are generated."""
    rng = random.Random(seed)
    g = Generated()
    if town_venue:
        g.town_venue, g.village_venues = town_venue, dict(village_venues)
    else:
        _venues(g)
    rooms = [(_id(), "多功能活动室"), (_id(), "图书阅览室")]
    for month in range(1, months + 1):
        for n in range(5):  # activities at the town centre
            day = 2 + n * 5
            festival = FESTIVAL_MONTHS.get(month) if n == 0 else None
            _event(
                g,
                rng,
                kind="festival" if festival else rng.choice(["lecture", "training", "film_screening"]),
                festival=festival,
                venue_id=g.town_venue,
                village=None,
                start=datetime(2026, month, day, 14, 30, tzinfo=LOCAL),
                cancel=(n == 4 and month % 3 == 0),
            )
        for village, (_lat, _lon, last) in VILLAGES.items():
            if last is not None and month <= last and (month + len(village)) % 2 == 0 or month == last:
                event = _event(
                    g,
                    rng,
                    kind="mobile_performance",
                    festival=None,
                    venue_id=None,
                    village=village,
                    start=datetime(2026, month, 12 + len(village) % 5, 19, 0, tzinfo=LOCAL),
                )
                _order(g, rng, village, event)
            elif rng.random() < 0.25:
                _order(g, rng, village, None)
        for room_id, room_name in rooms:
            for n in range(1):
                start = datetime(2026, month, 3 + n * 9, 9, 0, tzinfo=LOCAL)
                booking = dict(
                    booking_id=_id(),
                    room_id=room_id,
                    room_name=room_name,
                    start=start,
                    end=start + timedelta(hours=rng.choice([1, 2, 3])),
                    cancelled=rng.random() < 0.2,
                )
                g.bookings.append(booking)
                fact = dict(
                    booking_id=booking["booking_id"],
                    venue_id=g.town_venue,
                    venue_name="嘉平镇文化服务中心",
                    room_id=room_id,
                    room_name=room_name,
                    start=booking["start"],
                    end=booking["end"],
                    status="confirmed",
                    booked_by="resident-1",
                    channel="online",
                    purpose="排练",
                )
                g.add(BookingConfirmed(**fact), start - timedelta(days=7))
                if booking["cancelled"]:
                    g.add(BookingCancelled(**{**fact, "status": "cancelled"}), start - timedelta(days=2))
    _opening_hours(g)
    _volunteering(g, rng, months)
    _visit_registers(g, months)
    closure_start = datetime(2026, 3, 20, 0, 0, tzinfo=LOCAL)
    closure = dict(closure_id=_id(), start=closure_start, end=closure_start + timedelta(days=3))
    g.closures.append(closure)
    g.add(
        VenueClosed(
            closure_id=closure["closure_id"],
            venue_id=g.town_venue,
            venue_name="嘉平镇文化服务中心",
            start=closure_start,
            expected_reopening=closure_start + timedelta(days=5),
            reason="线路检修",
        ),
        closure_start - timedelta(days=1),
    )
    g.add(
        VenueReopened(
            closure_id=closure["closure_id"],
            venue_id=g.town_venue,
            venue_name="嘉平镇文化服务中心",
            reopened_at=closure["end"],
        ),
        closure["end"],
    )
    return g


TOWN_STANDARD = dict(min_weekly_hours=42.0, min_daily_hours=4.0, weekend_required=True, holidays_required=True)
VILLAGE_STANDARD = dict(min_weekly_hours=35.0, min_daily_hours=0.0, weekend_required=False, holidays_required=False)


def _opening_hours(g: Generated) -> None:
    """The town centre opens 42 h a week (Tuesday to Sunday), 36 h in July and August; the villages 35 h on
    weekdays except 白沙村 (15 h); a few dated exceptions (one set and removed again)."""
    town_full = {d: [(9, 12), (14, 18)] for d in range(1, 7)}
    town_summer = {d: [(9, 12), (14, 17)] for d in range(1, 7)}
    for effective, weekly in (
        (date(2026, 1, 1), town_full),
        (date(2026, 7, 1), town_summer),
        (date(2026, 9, 1), town_full),
    ):
        _hours_set(g, g.town_venue, "嘉平镇文化服务中心", "town", effective, weekly, "open", TOWN_STANDARD)
    for village, venue_id in g.village_venues.items():
        weekly = {d: [(14, 21)] for d in range(5)}
        if village == "白沙村":
            weekly = {0: [(18, 21)], 2: [(18, 21)], 4: [(18, 21)], 5: [(9, 12)], 6: [(9, 12)]}
        _hours_set(
            g,
            venue_id,
            f"{village}综合文化服务中心",
            "village",
            date(2026, 1, 1),
            weekly,
            "by_arrangement",
            VILLAGE_STANDARD,
        )
    _exception(g, g.town_venue, date(2026, 5, 12), [], "设备检修")
    _exception(g, g.town_venue, date(2026, 10, 12), [(9, 12)], "国庆后加开")
    _exception(g, g.village_venues["石门村"], date(2026, 3, 10), [], "村委会议")
    _exception(g, g.village_venues["大坪村"], date(2026, 2, 3), [], "停电")
    day = date(2026, 2, 3)
    g.exceptions.pop((g.village_venues["大坪村"], day))
    g.add(
        OpeningExceptionRemoved(
            venue_id=g.village_venues["大坪村"], venue_name="大坪村综合文化服务中心", date=day, removed_by="manager-1"
        ),
        datetime(2026, 1, 30, 9, tzinfo=LOCAL),
    )


def _volunteering(g: Generated, rng: random.Random, months: int) -> None:
    """Twelve volunteers (in the town and its villages) with training and hours logged outside events,
    star levels rising (and one withheld), and the town's and villages' teams, one growing to the standard."""
    places = [None, None, None, None, *VILLAGES.keys(), "石门村", "大坪村"]
    for n, village in enumerate(places):
        volunteer_id = f"volunteer-{n}"
        g.volunteers[volunteer_id] = village
        where = dict(town=TOWN, village=village)
        total = 0.0
        for month in range(1, months + 1):
            if rng.random() < 0.6:
                day, hours = date(2026, month, rng.randint(1, 28)), float(rng.choice([2, 4, 8]))
                g.training.append((volunteer_id, day, hours))
                g.add(
                    TrainingRecorded(
                        volunteer_id=volunteer_id, course="公共文化服务培训", hours=hours, on=day, **where
                    ),
                    datetime.combine(day, datetime.min.time(), LOCAL) + timedelta(hours=18),
                )
            if rng.random() < 0.5:
                day, hours = date(2026, month, rng.randint(1, 28)), float(rng.choice([2, 3, 40, 60, 80]))
                total += hours
                g.logged.append((volunteer_id, day, hours))
                at = datetime.combine(day, datetime.min.time(), LOCAL) + timedelta(hours=20)
                g.add(HoursLogged(volunteer_id=volunteer_id, hours=hours, on=day, total_hours=total, **where), at)
                stars = sum(1 for threshold in (100, 300, 600) if total >= threshold)
                previous = ([s for v, _, s in g.stars if v == volunteer_id] or [0])[-1]
                if stars != previous:
                    g.stars.append((volunteer_id, at + timedelta(minutes=1), stars))
                    g.add(
                        StarsChanged(
                            volunteer_id=volunteer_id,
                            stars=stars,
                            previous_stars=previous,
                            total_hours=total,
                            **where,
                        ),
                        at + timedelta(minutes=1),
                    )
    withheld = next((v for v, _, s in g.stars if s == 1), None)
    if withheld is not None:  # three poor ratings withhold the star again
        at = datetime(2026, months, 28, 21, tzinfo=LOCAL)
        previous = [s for v, _, s in g.stars if v == withheld][-1]
        g.stars.append((withheld, at, 0))
        g.add(
            StarsChanged(
                volunteer_id=withheld,
                stars=0,
                previous_stars=previous,
                total_hours=0,
                town=TOWN,
                village=g.volunteers[withheld],
            ),
            at,
        )
    teams = [  # kind, village, members, active
        ("amateur_troupe", None, 25, True),
        ("amateur_troupe", None, 20, True),
        ("amateur_troupe", None, 31, True),
        ("amateur_troupe", None, 22, True),
        ("amateur_troupe", None, 18, True),  # grows to 20 in March
        ("professional_troupe", None, 40, True),  # not an amateur troupe: does not count
        ("volunteer_team", None, 6, True),
        ("amateur_troupe", "石门村", 12, True),
        ("amateur_troupe", "大坪村", 9, True),
        ("amateur_troupe", "双河村", 15, False),
        ("volunteer_team", "龙凤村", 12, True),
    ]
    for n, (kind, village, members, active) in enumerate(teams):
        team_id = f"team-{n}"
        record = dict(
            team_id=team_id,
            name=f"队伍{n}",
            kind=kind,
            specialty=None if kind == "volunteer_team" else "dance",
            town=TOWN,
            village=village,
            active=active,
            member_count=members,
        )
        g.teams[team_id] = record
        g.add(TeamRegistered(**record), datetime(2026, 1, 5, 10, tzinfo=LOCAL))
    g.teams["team-4"] = {**g.teams["team-4"], "member_count": 20}
    g.add(TeamUpdated(**g.teams["team-4"]), datetime(2026, 3, 2, 10, tzinfo=LOCAL))


VISITOR_GROUPS = ("elderly", "minors", "disabled", "migrant_workers", "general")


def _visit_registers(g: Generated, months: int) -> None:
    """A few lines of each centre's visit register each month (some for the whole venue, some per room)."""
    for venue_id in [g.town_venue, *g.village_venues.values()]:
        for month in range(1, months + 1):
            for _ in range(g.reach.randint(0, 3)):
                day = date(2026, month, g.reach.randint(1, 28))
                counts = {
                    group: g.reach.randint(0, 30) for group in g.reach.sample(VISITOR_GROUPS, g.reach.randint(1, 5))
                }
                g.visits.append((venue_id, day, counts))
                g.add(
                    VisitsRecorded(
                        entry_id=_id(),
                        venue_id=venue_id,
                        venue_name="",
                        date=day,
                        counts=counts,
                        total=sum(counts.values()),
                        recorded_by="manager-1",
                    ),
                    _midnight(day) + timedelta(hours=21),
                )


def _text(span: tuple[int, int]) -> str:
    return f"{span[0]:02d}:00-{span[1]:02d}:00"


WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _hours_set(g: Generated, venue_id, name, level, effective, weekly, rule, standard) -> None:
    g.opening.append(dict(venue_id=venue_id, effective_from=effective, weekly=weekly, rule=rule, standard=standard))
    g.add(
        OpeningHoursSet(
            venue_id=venue_id,
            venue_name=name,
            level=level,
            weekly={WEEKDAY_NAMES[d]: [_text(s) for s in spans] for d, spans in weekly.items()},
            holiday_rule=rule,
            weekly_open_hours=sum(b - a for spans in weekly.values() for a, b in spans),
            effective_from=effective,
            standard=OpeningStandardFact(**standard),
            set_by="manager-1",
        ),
        datetime.combine(effective, datetime.min.time(), LOCAL) - timedelta(days=2),
    )


def _exception(g: Generated, venue_id, day: date, spans, note: str) -> None:
    g.exceptions[(venue_id, day)] = spans
    g.add(
        OpeningExceptionSet(
            venue_id=venue_id,
            venue_name="",
            date=day,
            intervals=[_text(s) for s in spans],
            note=note,
            set_by="manager-1",
        ),
        datetime.combine(day, datetime.min.time(), LOCAL) - timedelta(days=5),
    )


def _venues(g: Generated) -> None:
    g.town_venue = _id()
    g.add(
        VenueRegistered(
            venue_id=g.town_venue,
            name="嘉平镇文化服务中心",
            kind="town_service_centre",
            level="town",
            town=TOWN,
            address="嘉平镇正街1号",
            coordinates=Coordinates(lat=29.06, lon=106.23),
            registered_by="admin-1",
        ),
        datetime(2026, 1, 1, 9, tzinfo=LOCAL),
    )
    for village, (lat, lon, _last) in VILLAGES.items():
        venue_id = _id()
        g.village_venues[village] = venue_id
        g.add(
            VenueRegistered(
                venue_id=venue_id,
                name=f"{village}综合文化服务中心",
                kind="village_centre",
                level="village",
                parent_id=g.town_venue,
                town=TOWN,
                village=village,
                address=f"{TOWN}{village}",
                coordinates=Coordinates(lat=lat, lon=lon),
                registered_by="admin-1",
            ),
            datetime(2026, 1, 1, 9, 30, tzinfo=LOCAL),
        )


def _event(g: Generated, rng: random.Random, *, kind, festival, venue_id, village, start, cancel=False) -> dict:
    end = start + timedelta(hours=2)
    groups = sorted(rng.sample(GROUPS, rng.randint(0, 2))) or ["everyone"]
    organiser = rng.choice([("organiser-1", "江津区文化馆"), ("organiser-2", "嘉平镇文化站")])
    event = dict(
        event_id=_id(),
        kind=kind,
        festival=festival,
        groups=groups,
        organiser=organiser[1],
        venue_id=venue_id,
        town=TOWN,
        village=village,
        start=start,
        completed=not cancel,
        attended=0,
    )
    common = dict(
        event_id=event["event_id"],
        title=f"{kind}-{start:%m%d}",
        kind=kind,
        festival=festival,
        target_groups=groups,
        organiser_id=organiser[0],
        organiser_name=organiser[1],
        venue_id=venue_id,
        place_name=village or "嘉平镇文化服务中心",
        town=TOWN,
        village=village,
        start=start,
        end=end,
        capacity=60,
        sequence=0,
    )
    g.add(EventPublished(**common), start - timedelta(days=14))
    for n in range(rng.randint(1, 2)):
        registration = dict(
            registration_id=_id(),
            event_id=event["event_id"],
            party_size=rng.randint(1, 3),
            cancelled=rng.random() < 0.2,
            person=f"resident-{n}",
        )
        g.registrations.append(registration)
        fact = dict(
            registration_id=registration["registration_id"],
            event_id=event["event_id"],
            event_title=common["title"],
            start=start,
            place_name=common["place_name"],
            person_id=f"resident-{n}",
            party_size=registration["party_size"],
            channel="online",
            registered_by=f"resident-{n}",
        )
        g.add(RegistrationConfirmed(**fact), start - timedelta(days=10, hours=-n))
        if registration["cancelled"]:
            g.add(RegistrationCancelled(**fact, reason="有事"), start - timedelta(days=3, hours=-n))
        registration["checked_in"] = not registration["cancelled"] and not cancel and g.reach.random() < 0.6
        if registration["checked_in"]:
            g.add(RegistrationCheckedIn(**fact), start + timedelta(minutes=5 + n))
    if cancel:
        from contracts.events import EventCancelled

        g.add(EventCancelled(**common, reason="天气"), start - timedelta(days=1))
    else:
        attended = sum(
            r["party_size"] for r in g.registrations if r["event_id"] == event["event_id"] and not r["cancelled"]
        ) + rng.randint(5, 40)
        event["attended"] = attended
        g.add(EventCompleted(**common, attended=attended), end + timedelta(hours=1))
        for registration in [r for r in g.registrations if r["event_id"] == event["event_id"] and not r["cancelled"]]:
            if rng.random() < 0.7:
                rating = rng.randint(2, 5)
                g.ratings.append((event["event_id"], rating))
                g.add(
                    FeedbackReceived(
                        event_id=event["event_id"],
                        registration_id=registration["registration_id"],
                        rating=rating,
                        has_comment=False,
                        organiser_id=common["organiser_id"],
                    ),
                    end + timedelta(days=1),
                )
        if rng.random() < 0.5:
            hours = rng.choice([1.5, 2.0, 3.0])
            g.hours.append((event["event_id"], hours))
            g.add(
                HoursCredited(volunteer_id=_id(), event_id=event["event_id"], hours=hours, total_hours=hours),
                end + timedelta(hours=1),
            )
    g.events.append(event)
    return event


OFFERINGS = [
    ("offering-chuanju", "川剧《白蛇传》"),
    ("offering-film", "露天电影"),
    ("offering-opera", "京剧折子戏"),
    ("offering-puppet", "木偶戏"),
]


def _order(g: Generated, rng: random.Random, village: str, event: dict | None) -> None:
    offering_id, title = OFFERINGS[0] if event else rng.choice(OFFERINGS[1:3])
    placed = (event["start"] if event else datetime(2026, 6, 1, tzinfo=LOCAL)) - timedelta(days=rng.randint(10, 30))
    if event is None:
        placed = placed.replace(month=rng.randint(1, 11), day=rng.randint(1, 28))
    order = dict(
        order_id=_id(),
        offering_id=offering_id,
        offering=title,
        village=village,
        placed=placed,
        status="placed",
        reason=None,
        performance=None,
    )
    common = dict(
        order_id=order["order_id"],
        offering_id=offering_id,
        offering_title=title,
        venue_id=g.village_venues[village],
        requested_by="manager-1",
        earliest=placed + timedelta(days=5),
        latest=placed + timedelta(days=60),
    )
    g.add(OrderPlaced(**common), placed)
    if event is not None:
        order.update(status="scheduled", performance=event["start"])
        g.add(OrderScheduled(**common, event_id=event["event_id"], start=event["start"]), placed + timedelta(days=2))
    elif rng.random() < 0.6:
        order.update(status="declined", reason=rng.choice(DECLINE_REASONS))
        g.add(OrderDeclined(**common, reason=order["reason"]), placed + timedelta(days=3))
    g.orders.append(order)


# ---- the expected figures, from the generated inputs ---------------------------------------------------


def in_period(moment: datetime, start: datetime, end: datetime) -> bool:
    return start <= moment < end


def expected_unit(
    g: Generated, start: datetime, end: datetime, *, village: str | None = None, venue_id: str | None = None
) -> dict:
    """The figures of the district (no arguments), a village, or a venue, for [start, end)."""

    def event_matches(e):
        if venue_id is not None:
            return e["venue_id"] == venue_id
        return village is None or e["village"] == village

    events = [e for e in g.events if event_matches(e) and in_period(e["start"], start, end)]
    done = [e for e in events if e["completed"]]
    ids = {e["event_id"] for e in events}
    regs = [r for r in g.registrations if r["event_id"] in ids and not r["cancelled"]]
    ratings = [rating for event_id, rating in g.ratings if event_id in ids]
    orders = [
        o
        for o in g.orders
        if in_period(o["placed"], start, end)
        and (village is None or o["village"] == village)
        and (venue_id is None or g.village_venues[o["village"]] == venue_id)
    ]
    at_town = venue_id in (None, g.town_venue) and village is None
    bookings = [b for b in g.bookings if at_town and not b["cancelled"] and in_period(b["start"], start, end)]
    days = [(o["performance"] - o["placed"]).total_seconds() / 86400 for o in orders if o["status"] == "scheduled"]
    visit_venues = (
        [venue_id]
        if venue_id is not None
        else [g.village_venues[village]]
        if village is not None
        else [g.town_venue, *g.village_venues.values()]
    )
    visits = [c for v, day, c in g.visits if v in visit_venues and in_period(_midnight(day), start, end)]
    logged = sum(
        h
        for v, day, h in g.logged
        if (village is None or g.volunteers[v] == village) and in_period(_midnight(day), start, end)
    )
    figures = {
        "activities": len(done),
        "festival_activities_total": len([e for e in done if e["festival"]]),
        "mobile_performances": len([e for e in done if e["kind"] == "mobile_performance"]),
        "registrations": len(regs),
        "people_registered": len({r["person"] for r in regs}),
        "checked_in": len([r for r in regs if r["checked_in"]]),
        "checked_in_places": sum(r["party_size"] for r in regs if r["checked_in"]),
        "visits": sum(sum(c.values()) for c in visits),
        "visits_by_group": {grp: sum(c.get(grp, 0) for c in visits) for grp in VISITOR_GROUPS},
        "special_groups_served": {
            grp: sum(e["attended"] for e in done if grp in e["groups"]) + sum(c.get(grp, 0) for c in visits)
            for grp in GROUPS
        },
        "registered_places": sum(r["party_size"] for r in regs),
        "attended": sum(e["attended"] for e in done),
        "special_groups_attended": {grp: sum(e["attended"] for e in done if grp in e["groups"]) for grp in GROUPS},
        "feedback_count": len(ratings),
        "satisfaction_mean": round(sum(ratings) / len(ratings), 2) if ratings else None,
        "satisfaction_distribution": {str(r): ratings.count(r) for r in range(1, 6)},
        "bookings": len(bookings),
        "booked_hours": round(sum((b["end"] - b["start"]).total_seconds() / 3600 for b in bookings), 2),
        "volunteer_hours": round(
            sum(h for event_id, h in g.hours if event_id in {e["event_id"] for e in done})
            + (0 if venue_id is not None else logged),
            2,
        ),
        "orders_placed": len(orders),
        "orders_scheduled": len([o for o in orders if o["status"] == "scheduled"]),
        "orders_declined": len([o for o in orders if o["status"] == "declined"]),
        "mean_days_order_to_performance": round(sum(days) / len(days), 2) if days else None,
    }
    if at_town:
        hours = sum(max((min(c["end"], end) - max(c["start"], start)).total_seconds(), 0) / 3600 for c in g.closures)
        figures["closure_hours"] = round(hours, 2)
    if venue_id is not None:
        yearly = 52 if venue_id == g.town_venue else 12
        months = round((end - start).days / 30.4)
        figures["activities_target"] = math.ceil(yearly * months / 12)
    return figures


def expected_unserved(g: Generated, as_of: datetime, months: int = 4) -> set[str]:
    year, month = as_of.year, as_of.month - months
    while month < 1:
        year, month = year - 1, month + 12
    since = as_of.replace(year=year, month=month)
    last = {}
    for e in g.events:
        if e["kind"] == "mobile_performance" and e["completed"]:
            end = e["start"] + timedelta(hours=2)
            last[e["village"]] = max(last.get(e["village"], end), end)
    return {v for v in VILLAGES if v not in last or last[v] < since}


def _statutory(day: date) -> tuple[bool, bool]:
    """(a statutory holiday, an adjusted working day); a year chinese_calendar does not know: neither."""
    try:
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return False, False
    return bool(is_holiday and name), not is_holiday and day.weekday() >= 5


def _open_minutes(g: Generated, venue_id: str, day: date) -> set[int]:
    """The minutes of `day` the venue was open, counted minute by minute from the generated inputs."""
    versions = [v for v in g.opening if v["venue_id"] == venue_id and v["effective_from"] <= day]
    if not versions:
        return set()
    version = max(versions, key=lambda v: v["effective_from"])
    if (venue_id, day) in g.exceptions:
        spans = g.exceptions[(venue_id, day)]
    else:
        holiday, workday = _statutory(day)
        if holiday:  # Saturday's hours, or closed
            spans = version["weekly"].get(5, []) if version["rule"] == "open" else []
        elif workday:  # Monday's hours
            spans = version["weekly"].get(0, [])
        else:
            spans = version["weekly"].get(day.weekday(), [])
    minutes = {h * 60 + m for a, b in spans for h in range(a, b) for m in range(60)}
    if venue_id == g.town_venue:
        for c in g.closures:
            for minute in list(minutes):
                moment = datetime.combine(day, datetime.min.time(), LOCAL) + timedelta(minutes=minute)
                if c["start"] <= moment < c["end"]:
                    minutes.discard(minute)
    return minutes


def expected_opening(g: Generated, start: datetime, end: datetime, venue_ids: list[str]) -> dict:
    """Weeks meeting the opening standard, weeks with hours published, and open hours, for [start, end):
    a week counts when its Monday is in the period."""
    weeks = compliant = 0
    minutes = 0
    first, last = start.date(), (end - timedelta(seconds=1)).date()
    for venue_id in venue_ids:
        versions = [v for v in g.opening if v["venue_id"] == venue_id]
        day = first
        while day <= last:
            minutes += len(_open_minutes(g, venue_id, day))
            if day.weekday() == 0 and any(v["effective_from"] <= day for v in versions):
                standard = max(
                    (v for v in versions if v["effective_from"] <= day + timedelta(days=6)),
                    key=lambda v: v["effective_from"],
                )["standard"]
                week = [
                    (day + timedelta(days=n), len(_open_minutes(g, venue_id, day + timedelta(days=n))) / 60)
                    for n in range(7)
                ]
                ok = sum(h for _, h in week) >= standard["min_weekly_hours"]
                ok &= all(h == 0 or h >= standard["min_daily_hours"] for _, h in week)
                if standard["weekend_required"]:
                    ok &= all(h > 0 for d, h in week if d.weekday() >= 5)
                if standard["holidays_required"]:
                    ok &= all(h > 0 for d, h in week if _statutory(d)[0])
                weeks += 1
                compliant += ok
            day += timedelta(days=1)
    return {"opening_weeks": weeks, "opening_weeks_compliant": compliant, "open_hours": round(minutes / 60, 2)}


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), LOCAL)


def expected_volunteering(g: Generated, start: datetime, end: datetime, village: str | None = None) -> dict:
    """Hours logged outside events, training against one week a year (pro-rated), star levels at the
    period's end: of the volunteers based in `village`, or all of them (the district and the town)."""
    mine = {v for v, place in g.volunteers.items() if village is None or place == village}
    months = round((end - start).days / 30.4)
    trained: dict[str, float] = {}
    for v, day, hours in g.training:
        if v in mine and in_period(_midnight(day), start, end):
            trained[v] = trained.get(v, 0) + hours
    stars = {}
    for v, at, level in sorted(g.stars, key=lambda s: s[1]):
        if v in mine and at < end:
            stars[v] = level
    return {
        "volunteer_hours_logged": round(
            sum(h for v, day, h in g.logged if v in mine and in_period(_midnight(day), start, end)), 2
        ),
        "training_hours": round(sum(trained.values()), 2),
        "trained_volunteers": len(trained),
        "volunteers_meeting_training": len([v for v, h in trained.items() if h >= 40 * months / 12]),
        "volunteers_by_stars": {str(n): len([v for v, s in stars.items() if s == n]) for n in range(1, 6)},
    }


def expected_teams(g: Generated, village: str | None = None) -> dict:
    """Seed 001 as it reads: a town 5 amateur troupes of 20 or more and 1 volunteer team of 5 or more of
    its own; a village 1 amateur troupe of 10 or more (active teams only)."""
    teams = [t for t in g.teams.values() if t["active"] and t["village"] == village]
    if village is None:
        troupes = len([t for t in teams if t["kind"] == "amateur_troupe" and t["member_count"] >= 20])
        volunteer_teams = len([t for t in teams if t["kind"] == "volunteer_team" and t["member_count"] >= 5])
        return {
            "qualifying_troupes": troupes,
            "qualifying_volunteer_teams": volunteer_teams,
            "team_standard_met": troupes >= 5 and volunteer_teams >= 1,
        }
    troupes = len([t for t in teams if t["kind"] == "amateur_troupe" and t["member_count"] >= 10])
    return {"qualifying_troupes": troupes, "qualifying_volunteer_teams": None, "team_standard_met": troupes >= 1}
