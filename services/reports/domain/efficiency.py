"""服务效能: the figures of one period per venue (centre), village, town and the district, computed
from plain records of the read models. Pure: no database, no broker."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from services.reports.domain.opening import ExceptionRecord, HoursVersion, venue_weeks
from services.reports.domain.periods import LOCAL, Period, months_before
from services.reports.domain.volunteering import (
    STARS,
    StarChange,
    TeamRecord,
    VolunteerHoursRecord,
    stars_at,
    town_teams,
    training_figures,
    village_teams,
)

FESTIVALS = ("春节", "端午", "中秋", "国庆")  # seed 002: the festivals every centre marks
SPECIAL_GROUPS = ("elderly", "minors", "left_behind_children", "disabled", "migrant_workers")
VISITOR_GROUPS = ("elderly", "minors", "disabled", "migrant_workers", "general")  # the visit register's groups
MOBILE_PERFORMANCE = "mobile_performance"
DEFAULT_TARGETS = {"town": 52, "village": 12, "standing_free_activities": 4}
NOT_FROM_FACTS = [
    "opening hours of statutory holidays in a year chinese-calendar does not know (venues' entered years are "
    "not published: such days count as ordinary days)",
    "walk-in visitors of events who did not register (only the event's attended figure counts them)",
    "team standards at a past date (teams are counted as they stand now)",
]


@dataclass(frozen=True)
class VenueRecord:
    venue_id: str
    name: str
    kind: str
    level: str
    town: str | None
    village: str | None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class EventRecord:
    event_id: str
    title: str
    kind: str
    festival: str | None
    target_groups: tuple[str, ...]
    organiser_id: str
    organiser_name: str | None
    venue_id: str | None
    town: str | None
    village: str | None
    start: datetime
    end: datetime
    status: str
    attended: int


@dataclass(frozen=True)
class RegistrationRecord:
    event_id: str
    party_size: int
    status: str
    checked_in: bool = False
    person: str | None = None  # a pseudonym: the same person in every fact, not who they are


@dataclass(frozen=True)
class VisitRecord:
    """A line of a venue's visit register: visitors of each group on one day."""

    venue_id: str
    day: date
    total: int
    counts: dict


@dataclass(frozen=True)
class FeedbackRecord:
    event_id: str
    rating: int


@dataclass(frozen=True)
class OrderRecord:
    order_id: str
    offering_id: str
    offering_title: str
    venue_id: str
    placed_at: datetime
    status: str
    reason: str | None
    event_id: str | None
    performance_start: datetime | None


@dataclass(frozen=True)
class BookingRecord:
    venue_id: str
    room_id: str
    room_name: str
    start: datetime
    end: datetime
    status: str


@dataclass(frozen=True)
class ClosureRecord:
    venue_id: str
    start: datetime
    end: datetime
    room_id: str | None = None  # None: the whole venue


@dataclass(frozen=True)
class HoursRecord:
    event_id: str
    hours: float


@dataclass
class District:
    venues: list[VenueRecord] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)
    registrations: list[RegistrationRecord] = field(default_factory=list)
    feedback: list[FeedbackRecord] = field(default_factory=list)
    orders: list[OrderRecord] = field(default_factory=list)
    bookings: list[BookingRecord] = field(default_factory=list)
    closures: list[ClosureRecord] = field(default_factory=list)
    hours: list[HoursRecord] = field(default_factory=list)
    opening_hours: list[HoursVersion] = field(default_factory=list)
    opening_exceptions: list[ExceptionRecord] = field(default_factory=list)
    visits: list[VisitRecord] = field(default_factory=list)
    teams: list[TeamRecord] = field(default_factory=list)
    training: list[VolunteerHoursRecord] = field(default_factory=list)
    logged_hours: list[VolunteerHoursRecord] = field(default_factory=list)
    star_changes: list[StarChange] = field(default_factory=list)


def _round(value: float) -> float:
    return round(value, 2)


def _unit_keys(town: str | None, village: str | None, venue_id: str | None) -> list[tuple[str, str]]:
    keys = [("district", "")]
    if town:
        keys.append(("town", town))
    if village:
        keys.append(("village", f"{town or ''}/{village}"))
    if venue_id:
        keys.append(("venue", venue_id))
    return keys


class _Unit:
    def __init__(self):
        self.activities = 0
        self.festival = Counter()
        self.mobile_performances = 0
        self.registrations = 0
        self.places = 0
        self.attended = 0
        self.groups = Counter()
        self.people: set[str] = set()
        self.checked_in = 0
        self.checked_in_places = 0
        self.visits = 0
        self.visits_by_group: Counter = Counter()
        self.ratings = Counter()
        self.bookings = 0
        self.booked_hours = 0.0
        self.closures = 0
        self.closure_hours = 0.0
        self.opening_weeks = 0
        self.opening_weeks_compliant = 0
        self.open_hours = 0.0
        self.volunteer_hours = 0.0
        self.volunteer_hours_logged = 0.0
        self.training: list[VolunteerHoursRecord] = []
        self.stars: Counter = Counter()
        self.orders = Counter()
        self.days_to_performance: list[float] = []

    def figures(self, months: int) -> dict:
        rated = sum(self.ratings.values())
        return {
            "activities": self.activities,
            "festival_activities": {name: self.festival[name] for name in FESTIVALS},
            "festival_activities_total": sum(self.festival[name] for name in FESTIVALS),
            "mobile_performances": self.mobile_performances,
            "registrations": self.registrations,
            "registered_places": self.places,
            "people_registered": len(self.people),  # distinct people (pseudonyms) with a confirmed registration
            "attended": self.attended,
            "special_groups_attended": {group: self.groups[group] for group in SPECIAL_GROUPS},
            "checked_in": self.checked_in,
            "checked_in_places": self.checked_in_places,
            "visits": self.visits,
            "visits_by_group": {group: self.visits_by_group[group] for group in VISITOR_GROUPS},
            # people of each special group reached: at events for the group, and in the visit registers
            "special_groups_served": {
                group: self.groups[group] + self.visits_by_group[group] for group in SPECIAL_GROUPS
            },
            "feedback_count": rated,
            "satisfaction_mean": _round(sum(r * n for r, n in self.ratings.items()) / rated) if rated else None,
            "satisfaction_distribution": {str(r): self.ratings[r] for r in range(1, 6)},
            "bookings": self.bookings,
            "booked_hours": _round(self.booked_hours),
            "opening_weeks": self.opening_weeks,
            "opening_weeks_compliant": self.opening_weeks_compliant,
            "open_hours": _round(self.open_hours),
            # booked hours ÷ open hours (venues with no published hours add booked hours only)
            "utilisation": _round(self.booked_hours / self.open_hours) if self.open_hours else None,
            "closures": self.closures,
            "closure_hours": _round(self.closure_hours),
            "volunteer_hours": _round(self.volunteer_hours + self.volunteer_hours_logged),
            "volunteer_hours_logged": _round(self.volunteer_hours_logged),  # outside events, where volunteers live
            **training_figures(self.training, months),
            "volunteers_by_stars": {stars: self.stars[stars] for stars in STARS},
            "orders_placed": self.orders["placed"],
            "orders_scheduled": self.orders["scheduled"],
            "orders_declined": self.orders["declined"],
            "mean_days_order_to_performance": (
                _round(sum(self.days_to_performance) / len(self.days_to_performance))
                if self.days_to_performance
                else None
            ),
        }


def activity_target(level: str, period: Period, targets: dict) -> int | None:
    """The yearly standard (town ≥52, village ≥12 by default) pro-rated to the period, rounded up."""
    yearly = targets.get(level)
    return math.ceil(yearly * period.months / 12) if yearly is not None else None


def district_report(
    district: District,
    period: Period,
    *,
    as_of: datetime,
    targets: dict | None = None,
    unserved_months: int = 4,
    rare_orders: int = 1,
) -> dict:
    targets = {**DEFAULT_TARGETS, **(targets or {})}
    venues = {v.venue_id: v for v in district.venues}
    units: dict[tuple[str, str], _Unit] = defaultdict(_Unit)
    units[("district", "")]
    for venue in district.venues:
        for key in _unit_keys(venue.town, venue.village, venue.venue_id):
            units[key]

    events = {e.event_id: e for e in district.events}
    in_period = {e.event_id: e for e in district.events if period.contains(e.start)}

    # An event outdoors in a village (a 送文化下乡 performance on the threshing floor) counts for that
    # village's centre too.
    centres = {(v.town, v.village): v.venue_id for v in district.venues if v.level == "village" and v.village}

    def event_keys(event: EventRecord) -> list[tuple[str, str]]:
        venue_id = event.venue_id or centres.get((event.town, event.village))
        return _unit_keys(event.town, event.village, venue_id)

    for event in in_period.values():
        if event.status != "completed":
            continue
        for key in event_keys(event):
            unit = units[key]
            unit.activities += 1
            if event.festival in FESTIVALS:
                unit.festival[event.festival] += 1
            if event.kind == MOBILE_PERFORMANCE:
                unit.mobile_performances += 1
            unit.attended += event.attended
            for group in set(event.target_groups) & set(SPECIAL_GROUPS):
                unit.groups[group] += event.attended
    for registration in district.registrations:
        event = in_period.get(registration.event_id)
        if event is None or registration.status != "confirmed":
            continue
        for key in event_keys(event):
            units[key].registrations += 1
            units[key].places += registration.party_size
            if registration.person:
                units[key].people.add(registration.person)
            if registration.checked_in:
                units[key].checked_in += 1
                units[key].checked_in_places += registration.party_size

    by_kind, by_organiser, by_offering = defaultdict(Counter), defaultdict(Counter), defaultdict(Counter)
    offering_of_event = {o.event_id: o for o in district.orders if o.event_id}
    for feedback in district.feedback:
        event = in_period.get(feedback.event_id)
        if event is None:
            continue
        for key in event_keys(event):
            units[key].ratings[feedback.rating] += 1
        by_kind[event.kind][feedback.rating] += 1
        by_organiser[event.organiser_name or event.organiser_id][feedback.rating] += 1
        order = offering_of_event.get(event.event_id)
        if order is not None:
            by_offering[order.offering_title][feedback.rating] += 1

    for hours in district.hours:
        event = in_period.get(hours.event_id)
        if event is not None:
            for key in event_keys(event):
                units[key].volunteer_hours += hours.hours

    for visit in district.visits:
        if not period.contains(datetime.combine(visit.day, time(), LOCAL)):
            continue
        venue = venues.get(visit.venue_id)
        for key in _unit_keys(venue.town if venue else None, venue.village if venue else None, visit.venue_id):
            units[key].visits += visit.total
            units[key].visits_by_group.update(visit.counts)

    # Service logged outside events and training count where the volunteer is based, on the day they happened.
    for record in district.logged_hours:
        if period.contains(datetime.combine(record.day, time(), LOCAL)):
            for key in _unit_keys(record.town, record.village, None):
                units[key].volunteer_hours_logged += record.hours
    for record in district.training:
        if period.contains(datetime.combine(record.day, time(), LOCAL)):
            for key in _unit_keys(record.town, record.village, None):
                units[key].training.append(record)
    for change in stars_at(district.star_changes, period.end).values():
        if change.stars > 0:
            for key in _unit_keys(change.town, change.village, None):
                units[key].stars[str(change.stars)] += 1

    rooms: dict[tuple[str, str], dict] = {}
    for booking in district.bookings:
        if booking.status != "confirmed" or not period.contains(booking.start):
            continue
        venue = venues.get(booking.venue_id)
        hours = (booking.end - booking.start).total_seconds() / 3600
        for key in _unit_keys(venue.town if venue else None, venue.village if venue else None, booking.venue_id):
            units[key].bookings += 1
            units[key].booked_hours += hours
        room = rooms.setdefault(
            (booking.venue_id, booking.room_id),
            {
                "venue_id": booking.venue_id,
                "venue": venue.name if venue else None,
                "room_id": booking.room_id,
                "room": booking.room_name,
                "bookings": 0,
                "booked_hours": 0.0,
            },
        )
        room["bookings"] += 1
        room["booked_hours"] = _round(room["booked_hours"] + hours)

    for closure in district.closures:
        hours = period.overlap_hours(closure.start, closure.end)
        if hours <= 0:
            continue
        venue = venues.get(closure.venue_id)
        for key in _unit_keys(venue.town if venue else None, venue.village if venue else None, closure.venue_id):
            units[key].closures += 1
            units[key].closure_hours += hours

    open_hours_of = _opening(district, period, venues)
    for venue_id, weeks in open_hours_of.items():
        venue = venues[venue_id]
        for key in _unit_keys(venue.town, venue.village, venue_id):
            units[key].opening_weeks += weeks.weeks
            units[key].opening_weeks_compliant += weeks.weeks_compliant
            units[key].open_hours += weeks.open_hours
    for room in rooms.values():
        opened = open_hours_of.get(room["venue_id"])
        room["open_hours"] = opened.open_hours if opened else None
        room["utilisation"] = _round(room["booked_hours"] / opened.open_hours) if opened and opened.open_hours else None

    decline_reasons: Counter = Counter()
    offering_orders: Counter = Counter()
    offering_titles: dict[str, str] = {}
    for order in district.orders:
        offering_titles[order.offering_id] = order.offering_title
        if not period.contains(order.placed_at):
            continue
        offering_orders[order.offering_id] += 1
        venue = venues.get(order.venue_id)
        keys = _unit_keys(venue.town if venue else None, venue.village if venue else None, order.venue_id)
        if order.status == "declined":
            decline_reasons[order.reason or ""] += 1
        for key in keys:
            unit = units[key]
            unit.orders["placed"] += 1
            if order.status in ("scheduled", "declined"):
                unit.orders[order.status] += 1
            if order.status == "scheduled" and order.performance_start is not None:
                unit.days_to_performance.append((order.performance_start - order.placed_at).total_seconds() / 86400)

    rows = []
    for (scope, key), unit in sorted(units.items(), key=lambda item: (_SCOPE_ORDER[item[0][0]], item[0][1])):
        row = {"scope": scope, **_describe(scope, key, venues)}
        figures = unit.figures(period.months)
        figures.update(_team_figures(scope, key, district.teams))
        if scope == "venue":
            venue = venues.get(key)
            target = activity_target(venue.level, period, targets) if venue else None
            figures["activities_target"] = target
            figures["meets_activity_target"] = None if target is None else figures["activities"] >= target
        rows.append({**row, **figures})

    trend: dict[str, Counter] = {}
    for month_start in period.month_starts():
        trend[month_start.strftime("%Y-%m")] = Counter()
    for event in in_period.values():
        if event.status == "completed":
            month = trend[event.start.astimezone(LOCAL).strftime("%Y-%m")]
            month["activities"] += 1
            month["attended"] += event.attended

    coverage = village_coverage(district, period, as_of=as_of, months=unserved_months)
    return {
        "period": {
            "label": period.label,
            "kind": period.kind,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "as_of": as_of.isoformat(),
        "targets": targets,
        "units": rows,
        "rooms": sorted(rooms.values(), key=lambda r: (r["venue"] or "", r["room"])),
        "satisfaction": {
            "by_kind": _ratings_table(by_kind),
            "by_organiser": _ratings_table(by_organiser),
            "by_offering": _ratings_table(by_offering),
        },
        "orders": {
            "decline_reasons": [{"reason": r, "orders": n} for r, n in sorted(decline_reasons.items())],
            "rarely_ordered_offerings": sorted(
                (
                    {"offering_id": o, "offering": offering_titles[o], "orders": offering_orders[o]}
                    for o in offering_titles
                    if offering_orders[o] <= rare_orders
                ),
                key=lambda r: (r["orders"], r["offering"]),
            ),
        },
        "trend": [{"month": m, "activities": c["activities"], "attended": c["attended"]} for m, c in trend.items()],
        "villages": coverage,
        "unserved_villages": [v for v in coverage if v["unserved"]],
        "unserved_months": unserved_months,
        "not_available": NOT_FROM_FACTS,
        "events_known": len(events),
    }


def _team_figures(scope: str, key: str, teams: list[TeamRecord]) -> dict:
    """Seed 001's team standards for a town or a village (None elsewhere)."""
    if scope == "town":
        return town_teams(teams, key)
    if scope == "village":
        town, village = key.split("/", 1)
        return village_teams(teams, town or None, village)
    return {"qualifying_troupes": None, "qualifying_volunteer_teams": None, "team_standard_met": None}


def _opening(district: District, period: Period, venues: dict[str, VenueRecord]) -> dict:
    """Each venue's weeks against the opening standard and its open hours in the period."""
    versions: dict[str, list[HoursVersion]] = defaultdict(list)
    for version in district.opening_hours:
        versions[version.venue_id].append(version)
    exceptions: dict[str, list[ExceptionRecord]] = defaultdict(list)
    for exception in district.opening_exceptions:
        exceptions[exception.venue_id].append(exception)
    closed: dict[str, list] = defaultdict(list)
    for closure in district.closures:
        if closure.room_id is None:  # a room closed leaves the venue open
            closed[closure.venue_id].append(
                (
                    closure.start.astimezone(LOCAL).replace(tzinfo=None),
                    closure.end.astimezone(LOCAL).replace(tzinfo=None),
                )
            )
    return {
        venue_id: venue_weeks(period, versions[venue_id], exceptions[venue_id], closed[venue_id])
        for venue_id in versions
        if venue_id in venues
    }


_SCOPE_ORDER = {"district": 0, "town": 1, "village": 2, "venue": 3}


def _describe(scope: str, key: str, venues: dict[str, VenueRecord]) -> dict:
    if scope == "district":
        return {"name": "全区", "town": None, "village": None, "venue_id": None, "level": "district"}
    if scope == "town":
        return {"name": key, "town": key, "village": None, "venue_id": None, "level": "town"}
    if scope == "village":
        town, village = key.split("/", 1)
        return {"name": village, "town": town or None, "village": village, "venue_id": None, "level": "village"}
    venue = venues.get(key)
    return {
        "name": venue.name if venue else key,
        "town": venue.town if venue else None,
        "village": venue.village if venue else None,
        "venue_id": key,
        "level": venue.level if venue else None,
    }


def _ratings_table(groups: dict[str, Counter]) -> list[dict]:
    rows = []
    for name, ratings in sorted(groups.items()):
        count = sum(ratings.values())
        rows.append(
            {
                "name": name,
                "feedback_count": count,
                "satisfaction_mean": _round(sum(r * n for r, n in ratings.items()) / count),
                "satisfaction_distribution": {str(r): ratings[r] for r in range(1, 6)},
            }
        )
    return rows


def village_coverage(district: District, period: Period, *, as_of: datetime, months: int) -> list[dict]:
    """送文化下乡 per village: the last completed mobile performance, whether the village was served
    in the period, and whether nobody has served it for `months` months as of `as_of`."""
    since = months_before(as_of, months)
    villages: dict[tuple[str | None, str], VenueRecord] = {}
    for venue in district.venues:
        if venue.level == "village" and venue.village:
            villages.setdefault((venue.town, venue.village), venue)
    last: dict[tuple[str | None, str], datetime] = {}
    served_in_period: Counter = Counter()
    for event in district.events:
        if event.kind != MOBILE_PERFORMANCE or event.status != "completed" or not event.village:
            continue
        place = (event.town, event.village)
        if event.end <= as_of and (place not in last or event.end > last[place]):
            last[place] = event.end
        if period.contains(event.start):
            served_in_period[place] += 1
    rows = []
    for place, venue in sorted(villages.items(), key=lambda item: (item[0][0] or "", item[0][1])):
        latest = last.get(place)
        rows.append(
            {
                "town": place[0],
                "village": place[1],
                "venue_id": venue.venue_id,
                "lat": venue.lat,
                "lon": venue.lon,
                "last_performance": latest.isoformat() if latest else None,
                "performances_in_period": served_in_period[place],
                "unserved": latest is None or latest < since,
            }
        )
    return rows
