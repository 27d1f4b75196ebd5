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

from tests.outside import OutsideSubscriber

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
    created = admin.post(
        "/api/v1/venues",
        json={
            "name": f"规则测试点-{uuid.uuid4().hex[:6]}",
            "kind": "village_centre",
            "level": "village",
            "town": "嘉平镇",
        },
    )
    assert created.status_code == 201, created.text
    venue_id = created.json()["id"]
    hours = admin.put(
        f"/api/v1/venues/{venue_id}/hours",
        json={
            "weekly": {
                day: ALL_DAY for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
            },
            "holiday_rule": holiday_rule,
        },
    )
    assert hours.status_code == 200, hours.text
    room_ids = {}
    for name, room in rooms.items():
        made = admin.post(
            f"/api/v1/venues/{venue_id}/rooms", json={"name": name, "kind": "reading_room", "capacity": 30, **room}
        )
        assert made.status_code == 201, made.text
        room_ids[name] = made.json()["id"]
    manager = platform.client("venue_manager", sub=f"mgr-{venue_id[:8]}", scopes=[f"venue:{venue_id}"], name="程必群")
    return {"venue_id": venue_id, "rooms": room_ids, "manager": manager}


def test_1_a_checked_in_booking_keeps_its_room_until_its_end(shared_platform, admin):
    outside = OutsideSubscriber(shared_platform.amqp_uri, "venues", "booking.checked_in", name="check-in-watch")
    place = open_venue(shared_platform, admin, rooms={"电子阅览室": {}})
    room = place["rooms"]["电子阅览室"]
    start, end = slot_soon()
    body = {"room_id": room, "start": start, "end": end, "attendees": 2}
    with (
        shared_platform.client("resident", sub="resident-a", name="甲") as a,
        shared_platform.client("resident", sub="resident-b", name="乙") as b,
        place["manager"] as manager,
    ):
        booked = a.post("/api/v1/bookings", json=body)
        assert booked.status_code == 201, booked.text
        assert b.post("/api/v1/bookings", json=body).status_code == 409
        checked_in = manager.post(f"/api/v1/bookings/{booked.json()['id']}/check-in")
        assert checked_in.status_code == 200 and checked_in.json()["status"] == "checked_in", checked_in.text
        outside.one(lambda e: e["type"] == "booking.checked_in" and e["data"]["booking_id"] == booked.json()["id"])
        again = b.post("/api/v1/bookings", json=body)
        assert again.status_code == 409, again.text
        assert again.json()["conflicting_booking_ids"] == [booked.json()["id"]]
    outside.conn.release()


def test_4_no_past_starts_and_the_rooms_limits_set_by_its_manager(shared_platform, admin):
    place = open_venue(shared_platform, admin, rooms={"多功能活动室": {}})
    room = place["rooms"]["多功能活动室"]
    day = local_now().date() + dt.timedelta(days=2)
    with shared_platform.client("resident", sub="resident-limits", name="丙") as resident, place["manager"] as manager:
        past = resident.post(
            "/api/v1/bookings",
            json={
                "room_id": room,
                "start": "2020-01-07T09:00:00+08:00",
                "end": "2020-01-07T10:00:00+08:00",
                "attendees": 3,
            },
        )
        assert past.status_code == 422 and past.json()["reason_code"] == "in_the_past", past.text
        assert past.headers["content-type"].startswith(PROBLEM)
        limits = {"advance_days": 7, "max_minutes": 120, "weekly_quota": 2, "cancel_cutoff_hours": 72}
        set_limits = manager.patch(f"/api/v1/rooms/{room}", json={"booking_limits": limits})
        assert set_limits.status_code == 200 and set_limits.json()["booking_limits"].items() >= limits.items()
        assert resident.patch(f"/api/v1/rooms/{room}", json={"booking_limits": limits}).status_code == 403

        def book(client, start_day, start, end):
            return client.post(
                "/api/v1/bookings",
                json={"room_id": room, "start": at(start_day, start), "end": at(start_day, end), "attendees": 3},
            )

        far = book(resident, local_now().date() + dt.timedelta(days=10), "09:00", "10:00")
        assert far.status_code == 422 and far.json()["reason_code"] == "too_far_ahead", far.text
        long = book(resident, day, "09:00", "12:00")
        assert long.status_code == 422 and long.json()["reason_code"] == "too_long", long.text
        first, second = book(resident, day, "09:00", "10:00"), book(resident, day, "11:00", "12:00")
        assert first.status_code == 201 and second.status_code == 201, (first.text, second.text)
        third = book(resident, day, "13:00", "14:00")
        assert third.status_code == 422 and third.json()["reason_code"] == "weekly_quota_reached", third.text
        # the venue's own staff are held only to "not in the past"
        desk = manager.post(
            "/api/v1/bookings",
            json={
                "room_id": room,
                "start": at(day, "13:00"),
                "end": at(day, "17:00"),
                "attendees": 3,
                "channel": "desk",
                "booker_name": "平安村村委会",
            },
        )
        assert desk.status_code == 201, desk.text
        late = resident.post(f"/api/v1/bookings/{first.json()['id']}/cancel", json={})
        assert late.status_code == 422 and late.json()["reason_code"] == "cancellation_closed", late.text
        assert manager.post(f"/api/v1/bookings/{first.json()['id']}/cancel", json={}).status_code == 200
    # a weekly series counts against the window (and the quota) date by date
    with shared_platform.client("resident", sub="resident-series", name="丁") as other:
        series = other.post(
            "/api/v1/bookings/recurring",
            json={"room_id": room, "start": at(day, "18:00"), "end": at(day, "19:00"), "attendees": 3, "weeks": 3},
        )
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
    place = open_venue(
        shared_platform,
        admin,
        rooms={"多功能活动室": {"booking_limits": {"advance_days": 3660}}},
        holiday_rule="closed",
    )
    venue_id, room = place["venue_id"], place["rooms"]["多功能活动室"]
    calendar_url = f"/api/v1/venues/{venue_id}/calendar"
    with shared_platform.client() as public, shared_platform.client("resident", sub="resident-2031") as resident:
        unknown = public.get(calendar_url, params={"from": "2031-01-01", "to": "2031-01-01"}).json()["days"][0]
        assert (
            unknown["calendar_known"] is False and unknown["kind"] == "regular" and unknown["calendar_source"] is None
        )
        assert public.get("/api/v1/statutory-calendar/2031").json()["source"] == "unknown"
        booked = resident.post(
            "/api/v1/bookings",
            json={
                "room_id": room,
                "start": "2031-01-02T09:00:00+08:00",
                "end": "2031-01-02T10:00:00+08:00",
                "attendees": 3,
            },
        )
        assert booked.status_code == 201, booked.text
        assert "2031" in booked.json()["calendar_warning"] and "尚未公布" in booked.json()["calendar_warning_zh"]
        with shared_platform.client("organiser", sub="org-2031", name="嘉平镇文化站") as organiser:
            draft = organiser.post(
                "/api/v1/events",
                json={
                    "title": "新年书法展",
                    "kind": "exhibition",
                    "room_id": room,
                    "start": "2031-01-02T14:00:00+08:00",
                    "end": "2031-01-02T16:00:00+08:00",
                },
            )
            assert draft.status_code == 201, draft.text
            published = organiser.post(f"/api/v1/events/{draft.json()['id']}/publish")
            assert published.status_code == 200 and "尚未公布" in published.json()["calendar_warning"], published.text
        # the administrator enters the notice; residents may not
        notice = {
            "notice": "国务院办公厅关于2031年部分节假日安排的通知",
            "holidays": [
                {"name_zh": "元旦", "start": "2031-01-01", "end": "2031-01-01"},
                {"name_zh": "春节", "start": "2031-01-22", "end": "2031-01-29"},
            ],
            "workdays": [{"date": "2031-01-19", "name_zh": "春节"}],
        }
        assert resident.put("/api/v1/statutory-calendar/2031", json=notice).status_code == 403
        entered = admin.put("/api/v1/statutory-calendar/2031", json=notice)
        assert entered.status_code == 200, entered.text
        assert entered.json()["source"] == "administrator" and len(entered.json()["holidays"]) == 9
        days = {
            d["date"]: d
            for d in public.get(calendar_url, params={"from": "2031-01-01", "to": "2031-01-22"}).json()["days"]
        }
        assert days["2031-01-01"]["kind"] == "statutory_holiday" and days["2031-01-01"]["holiday_name_zh"] == "元旦"
        assert days["2031-01-01"]["calendar_source"] == "administrator" and days["2031-01-01"]["intervals"] == []
        assert (
            days["2031-01-19"]["kind"] == "adjusted_workday" and days["2031-01-22"]["holiday_name"] == "Spring Festival"
        )
        holiday = resident.post(
            "/api/v1/bookings",
            json={
                "room_id": room,
                "start": "2031-01-01T09:00:00+08:00",
                "end": "2031-01-01T10:00:00+08:00",
                "attendees": 3,
            },
        )
        assert holiday.status_code == 422 and holiday.json()["reason_code"] == "outside_opening_hours", holiday.text
        known = resident.post(
            "/api/v1/bookings",
            json={
                "room_id": room,
                "start": "2031-01-02T11:00:00+08:00",
                "end": "2031-01-02T12:00:00+08:00",
                "attendees": 3,
            },
        )
        assert known.status_code == 201 and known.json()["calendar_warning"] is None, known.text
        bad = admin.put(
            "/api/v1/statutory-calendar/2031", json={**notice, "workdays": [{"date": "2031-01-20", "name_zh": "春节"}]}
        )
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
        entered = admin.put(
            f"/api/v1/statutory-calendar/{next_year}",
            json={
                "notice": "test",
                "holidays": [{"name_zh": "元旦", "start": f"{next_year}-01-01", "end": f"{next_year}-01-01"}],
            },
        )
        assert entered.status_code == 200, entered.text
        warnings = shared_platform.wait_healthy()["services"]["venues"]["warnings"]
    assert not any("unknown" in w for w in warnings), warnings
    # A year the library knows: it wins, and where the entered data differ the operator hears it.
    wrong = admin.put(
        "/api/v1/statutory-calendar/2026",
        json={"notice": "mistyped", "holidays": [{"name_zh": "国庆节", "start": "2026-10-09", "end": "2026-10-09"}]},
    )
    assert wrong.status_code == 200 and wrong.json()["source"] == "library", wrong.text
    assert any(d.startswith("2026-10-09") for d in wrong.json()["differences"])
    place = open_venue(shared_platform, admin, rooms={}, holiday_rule="closed")
    with shared_platform.client() as public:
        day = public.get(
            f"/api/v1/venues/{place['venue_id']}/calendar", params={"from": "2026-10-09", "to": "2026-10-09"}
        ).json()["days"][0]
    assert day["kind"] == "regular" and day["calendar_source"] == "library"
    warnings = shared_platform.wait_healthy()["services"]["venues"]["warnings"]
    assert any("2026 differ from chinese_calendar" in w for w in warnings), warnings


def test_5_a_day_is_not_closed_behind_the_notice_and_the_bookings(shared_platform, admin):
    place = open_venue(shared_platform, admin, rooms={"书画室": {}})
    venue_id, room = place["venue_id"], place["rooms"]["书画室"]
    day = local_now().date() + dt.timedelta(days=3)
    exception_url = f"/api/v1/venues/{venue_id}/hours/exceptions/{day}"
    with shared_platform.client("resident", sub="resident-5") as resident, place["manager"] as manager:
        booked = resident.post(
            "/api/v1/bookings",
            json={"room_id": room, "start": at(day, "15:00"), "end": at(day, "16:00"), "attendees": 4},
        )
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
        closure = manager.post(
            f"/api/v1/venues/{venue_id}/closures",
            json={"start": at(day, "14:00"), "expected_reopening": at(day, "18:00"), "reason": "设备检修"},
        )
        assert closure.status_code == 201 and closure.json()["cancelled_booking_ids"] == [booked.json()["id"]]


def test_6_check_in_window_automatic_no_show_and_the_ledger(shared_platform, admin):
    outside = OutsideSubscriber(shared_platform.amqp_uri, "venues", "booking.*", name="no-show-watch")
    quick = {"booking_limits": {"check_in_closes_minutes": 0}}  # a no-show as soon as the start passes
    place = open_venue(shared_platform, admin, rooms={"甲室": quick, "乙室": quick, "丙室": quick, "丁室": {}})
    rooms = place["rooms"]
    person = f"resident-{uuid.uuid4().hex[:6]}"
    start = local_now().replace(microsecond=0) + dt.timedelta(seconds=8)
    # A booking starts and ends on one local day: near midnight the slot ends at 23:59.
    end = min((start + dt.timedelta(hours=1)).replace(second=0), start.replace(hour=23, minute=59, second=0))
    if end <= start + dt.timedelta(minutes=10):
        pytest.skip("too close to local midnight for a same-day slot starting now")
    resident = shared_platform.client("resident", sub=person, name="戊")
    with resident, place["manager"] as manager:
        booked = []
        for name in ("甲室", "乙室", "丙室"):
            made = resident.post(
                "/api/v1/bookings",
                json={"room_id": rooms[name], "start": start.isoformat(), "end": end.isoformat(), "attendees": 2},
            )
            assert made.status_code == 201, made.text
            booked.append(made.json()["id"])
        later = soon(60)
        if (later + dt.timedelta(minutes=30)).date() != later.date():  # after midnight instead: still ahead
            later = (later + dt.timedelta(days=1)).replace(hour=0, minute=30)
        early = resident.post(
            "/api/v1/bookings",
            json={
                "room_id": rooms["丁室"],
                "start": later.isoformat(),
                "end": (later + dt.timedelta(minutes=30)).isoformat(),
                "attendees": 2,
            },
        )
        assert early.status_code == 201, early.text
        not_yet = manager.post(f"/api/v1/bookings/{early.json()['id']}/check-in")
        assert not_yet.status_code == 422 and not_yet.json()["reason_code"] == "check_in_not_open", not_yet.text
        too_early = manager.post(f"/api/v1/bookings/{early.json()['id']}/no-show")
        assert too_early.status_code == 422 and too_early.json()["reason_code"] == "check_in_still_open"
        facts = outside.wait_for(
            lambda e: e["type"] == "booking.no_show" and e["data"]["booking_id"] in booked, count=3, timeout=45
        )
        assert len(facts) == 3 and all(f["data"]["automatic"] is True for f in facts)
        assert {resident.get(f"/api/v1/bookings/{b}").json()["status"] for b in booked} == {"no_show"}
        # the rest of the slot is free again
        with shared_platform.client("resident", sub=f"{person}-neighbour") as neighbour:
            rest = neighbour.post(
                "/api/v1/bookings",
                json={"room_id": rooms["甲室"], "start": soon(2).isoformat(), "end": end.isoformat(), "attendees": 2},
            )
            assert rest.status_code == 201, rest.text
        # three no-shows within 30 days: online booking paused; the desk still books for them
        paused = resident.post(
            "/api/v1/bookings",
            json={
                "room_id": rooms["丁室"],
                "start": soon(120).isoformat(),
                "end": soon(150).isoformat(),
                "attendees": 2,
            },
        )
        assert paused.status_code == 403 and paused.json()["reason_code"] == "online_booking_paused", paused.text
        ledger = resident.get(f"/api/v1/no-show-ledger/{person}").json()
        assert ledger["paused_until"] and [n["counted"] for n in ledger["no_shows"]] == [True, True, True]
        assert shared_platform.client("resident", sub="nosy").get(f"/api/v1/no-show-ledger/{person}").status_code == 403
        desk = manager.post(
            "/api/v1/bookings",
            json={
                "room_id": rooms["丁室"],
                "start": soon(120).isoformat(),
                "end": soon(150).isoformat(),
                "attendees": 2,
                "channel": "phone",
                "booker_id": person,
                "booker_name": "戊",
            },
        )
        assert desk.status_code == 201, desk.text
        lifted = manager.post(f"/api/v1/no-show-ledger/{person}/lift", json={"reason": "已电话说明"})
        assert lifted.status_code == 200 and lifted.json()["paused_until"] is None, lifted.text
        again = resident.post(
            "/api/v1/bookings",
            json={
                "room_id": rooms["丁室"],
                "start": soon(180).isoformat(),
                "end": soon(210).isoformat(),
                "attendees": 2,
            },
        )
        assert again.status_code == 201, again.text
        exempt = manager.put(f"/api/v1/no-show-ledger/{person}/exemption", json={"reason": "elderly (78)"})
        assert exempt.status_code == 200 and exempt.json()["exempt"] is True, exempt.text
    outside.conn.release()


def test_3_organisation_bookings_need_membership_and_individuals_the_leaders_sign_off(shared_platform, admin):
    place = open_venue(shared_platform, admin, rooms={"文化活动室": {"booking_policy": "organisations_only"}})
    room = place["rooms"]["文化活动室"]
    day = local_now().date() + dt.timedelta(days=4)

    def body(start, end, **extra):
        return {"room_id": room, "start": at(day, start), "end": at(day, end), "attendees": 8, **extra}

    with shared_platform.client("resident", sub="resident-claims", name="己") as resident:
        claimed = resident.post(
            "/api/v1/bookings", json=body("09:00", "10:00", booker_kind="organisation", booker_name="随便一个单位")
        )
        assert claimed.status_code == 403 and claimed.json()["needed_scope"] == "org:<organisation_id>", claimed.text
        other = resident.post(
            "/api/v1/bookings",
            json=body("09:00", "10:00", booker_kind="organisation", organisation_id="pingan-village"),
        )
        assert other.status_code == 403 and other.json()["needed_scope"] == "org:pingan-village"
        asked = resident.post("/api/v1/bookings", json=body("10:00", "11:00", purpose="摄影作品布展（专业需要）"))
        assert asked.status_code == 201, asked.text
        assert asked.json()["status"] == "pending" and asked.json()["needs_sign_off"] is True
    with shared_platform.client("resident", sub="clerk-pingan", name="庚", scopes=["org:pingan-village"]) as member:
        member_booking = member.post(
            "/api/v1/bookings",
            json=body(
                "09:00",
                "10:00",
                booker_kind="organisation",
                organisation_id="pingan-village",
                booker_name="平安村村委会",
            ),
        )
        assert member_booking.status_code == 201 and member_booking.json()["status"] == "confirmed", member_booking.text
        assert member_booking.json()["organisation_id"] == "pingan-village"
    with place["manager"] as manager:
        unsigned = manager.post(f"/api/v1/bookings/{asked.json()['id']}/approve", json={})
        assert unsigned.status_code == 422 and unsigned.json()["field"] == "signed_off_by", unsigned.text
        signed = manager.post(f"/api/v1/bookings/{asked.json()['id']}/approve", json={"signed_off_by": "李副镇长"})
        assert signed.status_code == 200, signed.text
        assert signed.json()["status"] == "confirmed" and signed.json()["signed_off_by"] == "李副镇长"
        assert signed.json()["signed_off_at"] and signed.json()["decided_by"] == f"mgr-{place['venue_id'][:8]}"


def test_7_an_event_publishes_only_on_a_confirmed_hold_and_hears_when_the_venue_takes_it_back(shared_platform, admin):
    place = open_venue(shared_platform, admin, rooms={"排练厅": {"booking_policy": "approval_required"}})
    room = place["rooms"]["排练厅"]
    watch = OutsideSubscriber(shared_platform.amqp_uri, "events", "event.displaced", name="displaced-watch")
    # 45 days ahead: events plan further ahead than the room's 30-day booking window, which binds residents only
    start = (local_now() + dt.timedelta(days=45)).replace(hour=19, minute=0, second=0, microsecond=0)
    with (
        shared_platform.client("organiser", sub="org-hold", name="江津区文化馆") as organiser,
        place["manager"] as manager,
    ):
        draft = organiser.post(
            "/api/v1/events",
            json={
                "title": "川剧讲座",
                "kind": "lecture",
                "target_groups": ["everyone"],
                "room_id": room,
                "start": start.isoformat(),
                "end": (start + dt.timedelta(hours=2)).isoformat(),
            },
        )
        assert draft.status_code == 201, draft.text
        event_id = draft.json()["id"]
        waiting = organiser.post(f"/api/v1/events/{event_id}/publish")
        assert waiting.status_code == 409 and waiting.json()["reason_code"] == "hold_pending", waiting.text
        assert organiser.get(f"/api/v1/events/{event_id}").json()["status"] == "draft"
        hold_id = waiting.json()["hold_booking_id"]
        assert manager.post(f"/api/v1/bookings/{hold_id}/approve", json={}).status_code == 200
        published = organiser.post(f"/api/v1/events/{event_id}/publish")
        assert published.status_code == 200 and published.json()["hold_booking_id"] == hold_id, published.text
        taken_back = manager.post(f"/api/v1/bookings/{hold_id}/cancel", json={"reason": "舞台设备故障"})
        assert taken_back.status_code == 200, taken_back.text
        displaced = watch.one(lambda e: e["subject"] == event_id or e["data"].get("event_id") == event_id, timeout=20)
        assert "舞台设备故障" in displaced["data"]["reason"]
        after = organiser.get(f"/api/v1/events/{event_id}").json()
        assert after["needs_reschedule"] is True and after["hold_booking_id"] is None
    watch.conn.release()


def test_9_standing_activities_are_series_with_dates_not_a_weekly_label(shared_platform, admin):
    place = open_venue(shared_platform, admin, rooms={"活动室": {}})
    room = place["rooms"]["活动室"]
    first = (local_now() + dt.timedelta(days=2)).replace(hour=19, minute=0, second=0, microsecond=0)

    def publish(http, title, start, **extra):
        draft = http.post(
            "/api/v1/events",
            json={
                "title": title,
                "kind": "training",
                "room_id": room,
                "start": start.isoformat(),
                "end": (start + dt.timedelta(hours=1)).isoformat(),
                **extra,
            },
        )
        assert draft.status_code == 201, draft.text
        published = http.post(f"/api/v1/events/{draft.json()['id']}/publish")
        assert published.status_code == 200, published.text

    def standing():
        board = shared_platform.client().get("/api/v1/notice-board", params={"venue_id": place["venue_id"]}).json()
        [centre] = board["standing_free_activities"]
        return centre

    with shared_platform.client("organiser", sub="org-standing", name="嘉平镇文化站") as organiser:
        publish(organiser, "广场舞", first, recurrence="每周三晚")
        assert (standing()["count"], standing()["meets_standard"]) == (0, False)  # one date, a label
        for week in range(3):
            publish(organiser, "太极拳", first + dt.timedelta(days=1, weeks=week))
    centre = standing()
    assert (centre["count"], centre["items"], centre["required"], centre["meets_standard"]) == (1, ["太极拳"], 4, False)


def test_8_attendees_of_an_event_without_registration_rate_it_with_its_code(shared_platform):
    import time

    start = local_now().replace(microsecond=0) + dt.timedelta(seconds=15)
    site = {
        "name": "石门村晒坝",
        "village": "石门村",
        "town": "嘉平镇",
        "address": "石门村村委会旁",
        "coordinates": {"lat": 29.07, "lon": 106.21},
    }
    with shared_platform.client("organiser", sub="org-show", name="江津区川剧团") as organiser:
        draft = organiser.post(
            "/api/v1/events",
            json={
                "title": "川剧《白蛇传》选段",
                "kind": "mobile_performance",
                "site": site,
                "start": start.isoformat(),
                "end": (start + dt.timedelta(hours=2)).isoformat(),
            },
        )
        assert draft.status_code == 201, draft.text
        event_id = draft.json()["id"]
        assert organiser.post(f"/api/v1/events/{event_id}/publish").status_code == 200
        code = organiser.post(f"/api/v1/events/{event_id}/feedback-code").json()
        assert organiser.post(f"/api/v1/events/{event_id}/feedback-code").json()["code"] == code["code"]
        assert code["url"].endswith(f"/api/v1/feedback/{code['code']}")
    with shared_platform.client("organiser", sub="someone-else") as stranger:
        assert stranger.post(f"/api/v1/events/{event_id}/feedback-code").status_code == 403
    with shared_platform.client() as public:
        if local_now() < start - dt.timedelta(seconds=2):
            early = public.post(f"/api/v1/feedback/{code['code']}", json={"phone": "13800138000", "rating": 5})
            assert early.status_code == 422 and early.json()["rule"] == "feedback.not_started", early.text
        time.sleep(max(0.0, (start - local_now()).total_seconds() + 0.5))
        given = public.post(
            f"/api/v1/feedback/{code['code']}", json={"phone": "13800138000", "rating": 5, "comment": "演得好"}
        )
        assert given.status_code == 201, given.text
        again = public.post(f"/api/v1/feedback/{code['code'].lower()}", json={"phone": "13800138000", "rating": 1})
        assert again.status_code == 409 and again.json()["reason_code"] == "already_rated", again.text
        assert (
            public.post(f"/api/v1/feedback/{code['code']}", json={"phone": "13900139000", "rating": 4}).status_code
            == 201
        )
        assert public.post("/api/v1/feedback/ZZZZZZ", json={"phone": "13900139000", "rating": 4}).status_code == 404
        satisfaction = public.get(f"/api/v1/events/{event_id}/satisfaction").json()
        assert satisfaction["count"] == 2 and satisfaction["average"] == 4.5
