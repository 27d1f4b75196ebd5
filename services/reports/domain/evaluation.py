"""The export for a third-party evaluator (seeds 001–003): the period's activities, reach and ratings
with nothing that identifies a person or links back to the platform's records — no ids, no titles, no
names of people; events are numbered E001… in time order. Pure."""

from __future__ import annotations

from collections import Counter, defaultdict

from services.reports.domain.efficiency import District
from services.reports.domain.periods import LOCAL, Period


def anonymised_export(district: District, period: Period) -> dict:
    venues = {v.venue_id: v for v in district.venues}
    places = defaultdict(int)
    ratings = defaultdict(list)
    for registration in district.registrations:
        if registration.status == "confirmed":
            places[registration.event_id] += registration.party_size
    for feedback in district.feedback:
        ratings[feedback.event_id].append(feedback.rating)
    events = sorted(
        (e for e in district.events if period.contains(e.start) and e.status == "completed"),
        key=lambda e: (e.start, e.event_id),
    )
    rows = []
    for number, event in enumerate(events, start=1):
        venue = venues.get(event.venue_id) if event.venue_id else None
        given = ratings.get(event.event_id, [])
        rows.append(
            {
                "ref": f"E{number:03d}",
                "month": event.start.astimezone(LOCAL).strftime("%Y-%m"),
                "kind": event.kind,
                "festival": event.festival,
                "town": event.town,
                "village": event.village,
                "level": venue.level if venue else ("village" if event.village else None),
                "target_groups": ",".join(sorted(event.target_groups)),
                "registered_places": places[event.event_id],
                "attended": event.attended,
                "ratings": len(given),
                **{f"rating_{r}": Counter(given)[r] for r in range(1, 6)},
            }
        )
    return {
        "period": period.label,
        "events": rows,
        "note": "匿名数据：不含个人信息、记录编号和活动名称；活动按时间编号。",
    }
