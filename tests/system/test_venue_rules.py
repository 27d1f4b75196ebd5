"""Issue 17, through the gateway on one running platform (PostgreSQL): the booking rules that could
be walked around from outside — a checked-in room booked twice, bookings in the past, a year whose
statutory holidays the calendar library does not know, a day closed without the closure notice,
anyone claiming to be an organisation.

Every test works on its own venue (registered here, open around the clock on every day) so that it
can book "in ten minutes" whatever the time of day the suite runs."""
from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest

PROBLEM = "application/problem+json"
DISTRICT = ZoneInfo("Asia/Shanghai")
ALL_DAY = ["00:00-23:59"]


def local_now() -> dt.datetime:
    return dt.datetime.now(DISTRICT)


def soon(minutes: int = 5) -> dt.datetime:
    """A whole minute a few minutes from now (local time)."""
    return (local_now() + dt.timedelta(minutes=minutes)).replace(second=0, microsecond=0)


def slot_soon(length_minutes: int = 60) -> tuple[str, str]:
    """A slot starting in a few minutes, ending the same local day."""
    start = soon()
    end = min(start + dt.timedelta(minutes=length_minutes), start.replace(hour=23, minute=59))
    if end <= start + dt.timedelta(minutes=10):
        pytest.skip("too close to local midnight for a same-day slot starting now")
    return start.isoformat(), end.isoformat()


def at(day: dt.date, hhmm: str) -> str:
    return f"{day.isoformat()}T{hhmm}:00+08:00"


@pytest.fixture(scope="module")
def admin(shared_platform):
    with shared_platform.client("admin", sub="admin-17") as client:
        yield client


def open_venue(platform, admin, *, rooms: dict[str, dict], holiday_rule: str = "open") -> dict:
    """A fresh village venue open 00:00-23:59 every day (holidays too, unless `holiday_rule` says
    otherwise) with the given rooms, and a client of its manager."""
    created = admin.post("/api/v1/venues", json={"name": f"规则测试点-{uuid.uuid4().hex[:6]}", "kind": "village_centre",
                                                 "level": "village", "town": "嘉平镇"})
    assert created.status_code == 201, created.text
    venue_id = created.json()["id"]
    hours = admin.put(f"/api/v1/venues/{venue_id}/hours", json={
        "weekly": {day: ALL_DAY for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                                            "sunday")}, "holiday_rule": holiday_rule})
    assert hours.status_code == 200, hours.text
    room_ids = {}
    for name, room in rooms.items():
        made = admin.post(f"/api/v1/venues/{venue_id}/rooms", json={"name": name, "kind": "reading_room",
                                                                    "capacity": 30, **room})
        assert made.status_code == 201, made.text
        room_ids[name] = made.json()["id"]
    manager = platform.client("venue_manager", sub=f"mgr-{venue_id[:8]}", scopes=[f"venue:{venue_id}"], name="程必群")
    return {"venue_id": venue_id, "rooms": room_ids, "manager": manager}


def test_1_a_checked_in_booking_keeps_its_room_until_its_end(shared_platform, admin):
    place = open_venue(shared_platform, admin, rooms={"电子阅览室": {}})
    room = place["rooms"]["电子阅览室"]
    start, end = slot_soon()
    body = {"room_id": room, "start": start, "end": end, "attendees": 2}
    with shared_platform.client("resident", sub="resident-a", name="甲") as a, \
            shared_platform.client("resident", sub="resident-b", name="乙") as b, place["manager"] as manager:
        booked = a.post("/api/v1/bookings", json=body)
        assert booked.status_code == 201, booked.text
        assert b.post("/api/v1/bookings", json=body).status_code == 409
        checked_in = manager.post(f"/api/v1/bookings/{booked.json()['id']}/check-in")
        assert checked_in.status_code == 200 and checked_in.json()["status"] == "checked_in", checked_in.text
        again = b.post("/api/v1/bookings", json=body)
        assert again.status_code == 409, again.text
        assert again.json()["conflicting_booking_ids"] == [booked.json()["id"]]


def test_4_no_past_starts_and_the_rooms_limits_set_by_its_manager(shared_platform, admin):
    place = open_venue(shared_platform, admin, rooms={"多功能活动室": {}})
    room = place["rooms"]["多功能活动室"]
    day = local_now().date() + dt.timedelta(days=2)
    with shared_platform.client("resident", sub="resident-limits", name="丙") as resident, place["manager"] as manager:
        past = resident.post("/api/v1/bookings", json={"room_id": room, "start": "2020-01-07T09:00:00+08:00",
                                                       "end": "2020-01-07T10:00:00+08:00", "attendees": 3})
        assert past.status_code == 422 and past.json()["reason_code"] == "in_the_past", past.text
        assert past.headers["content-type"].startswith(PROBLEM)
        limits = {"advance_days": 7, "max_minutes": 120, "weekly_quota": 2, "cancel_cutoff_hours": 72}
        set_limits = manager.patch(f"/api/v1/rooms/{room}", json={"booking_limits": limits})
        assert set_limits.status_code == 200 and set_limits.json()["booking_limits"] == limits, set_limits.text
        assert resident.patch(f"/api/v1/rooms/{room}", json={"booking_limits": limits}).status_code == 403

        def book(client, start_day, start, end):
            return client.post("/api/v1/bookings", json={"room_id": room, "start": at(start_day, start),
                                                         "end": at(start_day, end), "attendees": 3})

        far = book(resident, local_now().date() + dt.timedelta(days=10), "09:00", "10:00")
        assert far.status_code == 422 and far.json()["reason_code"] == "too_far_ahead", far.text
        long = book(resident, day, "09:00", "12:00")
        assert long.status_code == 422 and long.json()["reason_code"] == "too_long", long.text
        first, second = book(resident, day, "09:00", "10:00"), book(resident, day, "11:00", "12:00")
        assert first.status_code == 201 and second.status_code == 201, (first.text, second.text)
        third = book(resident, day, "13:00", "14:00")
        assert third.status_code == 422 and third.json()["reason_code"] == "weekly_quota_reached", third.text
        # the venue's own staff are held only to "not in the past"
        desk = manager.post("/api/v1/bookings", json={"room_id": room, "start": at(day, "13:00"),
                                                      "end": at(day, "17:00"), "attendees": 3, "channel": "desk",
                                                      "booker_name": "平安村村委会"})
        assert desk.status_code == 201, desk.text
        late = resident.post(f"/api/v1/bookings/{first.json()['id']}/cancel", json={})
        assert late.status_code == 422 and late.json()["reason_code"] == "cancellation_closed", late.text
        assert manager.post(f"/api/v1/bookings/{first.json()['id']}/cancel", json={}).status_code == 200
    # a weekly series counts against the window (and the quota) date by date
    with shared_platform.client("resident", sub="resident-series", name="丁") as other:
        series = other.post("/api/v1/bookings/recurring", json={
            "room_id": room, "start": at(day, "18:00"), "end": at(day, "19:00"), "attendees": 3, "weeks": 3})
        assert series.status_code == 201, series.text
        outcomes = series.json()["occurrences"]
        assert [o["accepted"] for o in outcomes] == [True, False, False]
        assert {o["reason_code"] for o in outcomes[1:]} == {"too_far_ahead"}


def test_2_a_year_the_calendar_library_does_not_know(shared_platform, admin):
    """2031: no chinese-calendar release will know it for years, so this stays a machine "whose library
    does not know the year" after upgrades."""
    import chinese_calendar

    with pytest.raises(NotImplementedError):
        chinese_calendar.get_holiday_detail(dt.date(2031, 1, 1))
    place = open_venue(shared_platform, admin, rooms={"多功能活动室": {"booking_limits": {"advance_days": 3660}}},
                       holiday_rule="closed")
    venue_id, room = place["venue_id"], place["rooms"]["多功能活动室"]
    calendar_url = f"/api/v1/venues/{venue_id}/calendar"
    with shared_platform.client() as public, shared_platform.client("resident", sub="resident-2031") as resident:
        unknown = public.get(calendar_url, params={"from": "2031-01-01", "to": "2031-01-01"}).json()["days"][0]
        assert unknown["calendar_known"] is False and unknown["kind"] == "regular" and unknown["calendar_source"] is None
        assert public.get("/api/v1/statutory-calendar/2031").json()["source"] == "unknown"
        booked = resident.post("/api/v1/bookings", json={"room_id": room, "start": "2031-01-02T09:00:00+08:00",
                                                         "end": "2031-01-02T10:00:00+08:00", "attendees": 3})
        assert booked.status_code == 201, booked.text
        assert "2031" in booked.json()["calendar_warning"] and "尚未公布" in booked.json()["calendar_warning_zh"]
        # the administrator enters the notice; residents may not
        notice = {"notice": "国务院办公厅关于2031年部分节假日安排的通知",
                  "holidays": [{"name_zh": "元旦", "start": "2031-01-01", "end": "2031-01-01"},
                               {"name_zh": "春节", "start": "2031-01-22", "end": "2031-01-29"}],
                  "workdays": [{"date": "2031-01-19", "name_zh": "春节"}]}
        assert resident.put("/api/v1/statutory-calendar/2031", json=notice).status_code == 403
        entered = admin.put("/api/v1/statutory-calendar/2031", json=notice)
        assert entered.status_code == 200, entered.text
        assert entered.json()["source"] == "administrator" and len(entered.json()["holidays"]) == 9
        days = {d["date"]: d for d in public.get(calendar_url, params={"from": "2031-01-01", "to": "2031-01-22"})
                .json()["days"]}
        assert days["2031-01-01"]["kind"] == "statutory_holiday" and days["2031-01-01"]["holiday_name_zh"] == "元旦"
        assert days["2031-01-01"]["calendar_source"] == "administrator" and days["2031-01-01"]["intervals"] == []
        assert days["2031-01-19"]["kind"] == "adjusted_workday" and days["2031-01-22"]["holiday_name"] == "Spring Festival"
        holiday = resident.post("/api/v1/bookings", json={"room_id": room, "start": "2031-01-01T09:00:00+08:00",
                                                          "end": "2031-01-01T10:00:00+08:00", "attendees": 3})
        assert holiday.status_code == 422 and holiday.json()["reason_code"] == "outside_opening_hours", holiday.text
        known = resident.post("/api/v1/bookings", json={"room_id": room, "start": "2031-01-02T11:00:00+08:00",
                                                        "end": "2031-01-02T12:00:00+08:00", "attendees": 3})
        assert known.status_code == 201 and known.json()["calendar_warning"] is None, known.text
        bad = admin.put("/api/v1/statutory-calendar/2031", json={**notice, "workdays": [{"date": "2031-01-20",
                                                                                           "name_zh": "春节"}]})
        assert bad.status_code == 422 and "weekday" in bad.json()["detail"]  # 2031-01-20 is a Monday


def test_2_the_operator_is_warned_and_the_library_wins_where_it_knows(shared_platform, admin):
    import chinese_calendar

    today = local_now().date()
    next_year = today.year + 1
    try:
        chinese_calendar.get_holiday_detail(dt.date(next_year, 1, 1))
        library_knows_next = True
    except NotImplementedError:
        library_knows_next = False
    warnings = shared_platform.wait_healthy()["services"]["venues"]["warnings"]
    if today.month >= 10 and not library_knows_next:
        assert any(f"holidays of {next_year} are unknown" in w for w in warnings), warnings
        entered = admin.put(f"/api/v1/statutory-calendar/{next_year}", json={
            "notice": "test", "holidays": [{"name_zh": "元旦", "start": f"{next_year}-01-01", "end": f"{next_year}-01-01"}]})
        assert entered.status_code == 200, entered.text
        warnings = shared_platform.wait_healthy()["services"]["venues"]["warnings"]
    assert not any("unknown" in w for w in warnings), warnings
    # A year the library knows: it wins, and where the entered data differ the operator hears it.
    wrong = admin.put("/api/v1/statutory-calendar/2026", json={
        "notice": "mistyped", "holidays": [{"name_zh": "国庆节", "start": "2026-10-09", "end": "2026-10-09"}]})
    assert wrong.status_code == 200 and wrong.json()["source"] == "library", wrong.text
    assert any(d.startswith("2026-10-09") for d in wrong.json()["differences"])
    place = open_venue(shared_platform, admin, rooms={}, holiday_rule="closed")
    with shared_platform.client() as public:
        day = public.get(f"/api/v1/venues/{place['venue_id']}/calendar",
                         params={"from": "2026-10-09", "to": "2026-10-09"}).json()["days"][0]
    assert day["kind"] == "regular" and day["calendar_source"] == "library"
    warnings = shared_platform.wait_healthy()["services"]["venues"]["warnings"]
    assert any("2026 differ from chinese_calendar" in w for w in warnings), warnings


def test_5_a_day_is_not_closed_behind_the_notice_and_the_bookings(shared_platform, admin):
    place = open_venue(shared_platform, admin, rooms={"书画室": {}})
    venue_id, room = place["venue_id"], place["rooms"]["书画室"]
    day = local_now().date() + dt.timedelta(days=3)
    exception_url = f"/api/v1/venues/{venue_id}/hours/exceptions/{day}"
    with shared_platform.client("resident", sub="resident-5") as resident, place["manager"] as manager:
        booked = resident.post("/api/v1/bookings", json={"room_id": room, "start": at(day, "15:00"),
                                                         "end": at(day, "16:00"), "attendees": 4})
        assert booked.status_code == 201, booked.text
        silent = manager.put(exception_url, json={"intervals": []})
        assert silent.status_code == 422 and silent.json()["reason_code"] == "reason_required", silent.text
        stranding = manager.put(exception_url, json={"intervals": ["09:00-12:00"], "note": "设备检修"})
        assert stranding.status_code == 409, stranding.text
        assert stranding.json()["booking_ids"] == [booked.json()["id"]]
        assert stranding.json()["closure_path"] == f"/api/v1/venues/{venue_id}/closures"
        assert stranding.headers["content-type"].startswith(PROBLEM)
        around = manager.put(exception_url, json={"intervals": ["09:00-12:00", "14:00-18:00"], "note": "设备检修"})
        assert around.status_code == 200, around.text
        assert resident.get(f"/api/v1/bookings/{booked.json()['id']}").json()["status"] == "confirmed"
        # the closure path: announced, with a reopening, and the booking inside cancelled
        closure = manager.post(f"/api/v1/venues/{venue_id}/closures", json={
            "start": at(day, "14:00"), "expected_reopening": at(day, "18:00"), "reason": "设备检修"})
        assert closure.status_code == 201 and closure.json()["cancelled_booking_ids"] == [booked.json()["id"]]
