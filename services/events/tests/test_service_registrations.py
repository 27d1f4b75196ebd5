"""Registrations on the real broker and database (SQLite and PostgreSQL): the two pools, groups all or none,
the waitlist promoted in order, the kept-back release (by hand and by the timer), no oversell under
concurrency, check-in, no-shows, completion and feedback."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
from nameko.standalone.rpc import ServiceRpcProxy

from contracts.errors import Conflict, Forbidden, Unprocessable
from services.events.tests.helpers import ORGANISER, Subscriber, at, call, resident, start_services
from tests.callers import signed_context

SITE = {"name": "石门村晒坝", "village": "石门村", "town": "嘉平镇", "coordinates": {"lat": 29.07, "lon": 106.21}}


def published(events, **fields) -> dict:
    event = {
        "title": "送戏下乡·川剧专场",
        "kind": "mobile_performance",
        "site": SITE,
        "start": at(timedelta(days=10)),
        "end": at(timedelta(days=10, hours=2)),
        **fields,
    }
    draft = call(events, "create_event", actor=ORGANISER, event=event)
    return call(events, "publish_event", actor=ORGANISER, event_id=draft["id"])


def register(events, who, event, **body):
    return call(events, "register", actor=who, event_id=event["id"], registration=body)


def test_pools_groups_promotion_and_release(container_factory, service_config, amqp_uri):
    events = start_services(container_factory, service_config, amqp_uri)
    outside = Subscriber(amqp_uri)
    show = published(events, capacity=7, kept_back=3)  # 4 general places, 3 kept for phone / desk / on behalf

    a = register(events, resident(1), show, party_size=2)
    b = register(events, resident(2), show)
    x = register(events, resident(3), show)
    assert [r["status"] for r in (a, b, x)] == ["confirmed"] * 3 and a["general_places"] == 2
    c = register(events, resident(4), show, party_size=3)
    d = register(events, resident(5), show, party_size=2)
    e = register(events, resident(6), show)
    assert [(r["status"], r["waitlist_position"]) for r in (c, d, e)] == [
        ("waitlisted", 1),
        ("waitlisted", 2),
        ("waitlisted", 3),
    ]  # e fits nowhere; nobody passes the queue
    assert outside.of_type("registration.waitlisted", registration_id=d["id"])[0]["data"]["waitlist_position"] == 2

    phone = register(
        events,
        ORGANISER,
        show,
        channel="phone",
        party_size=2,
        person_name="王秀英",
        contact={"name": "王秀英", "phone": "13800000001"},
    )
    assert (phone["status"], phone["kept_back_places"], phone["general_places"]) == ("confirmed", 2, 0)
    assert phone["registered_by"] == "org-1" and phone["person_name"] == "王秀英"
    with pytest.raises(Forbidden):  # residents register online; phone registrations are entered by staff
        register(events, resident(7), show, channel="phone", person_name="x")
    with pytest.raises(Conflict):
        register(events, resident(1), show)
    with pytest.raises(Unprocessable):
        register(events, resident(8), show, party_size=8)

    # a cancels: the first waitlisted group that fits (d, 2 people) gets both places; c (3) keeps its turn.
    call(events, "cancel_registration", actor=resident(1), registration_id=a["id"])
    [promoted] = outside.of_type("registration.promoted", event_id=show["id"])
    assert promoted["data"]["registration_id"] == d["id"] and promoted["data"]["party_size"] == 2
    assert outside.of_type("registration.cancelled", registration_id=a["id"])
    d_now = call(events, "get_registration", actor=resident(5), registration_id=d["id"])
    assert (d_now["status"], d_now["general_places"]) == ("confirmed", 2)
    assert call(events, "get_registration", actor=resident(6), registration_id=e["id"])["waitlist_position"] == 2

    # The phone party cancels: its places go back to the kept-back pool, which online waitlisters cannot use yet.
    call(events, "cancel_registration", actor=ORGANISER, registration_id=phone["id"])
    places = call(events, "get_event", event_id=show["id"])["places"]
    assert (places["free_kept_back"], places["free_general"], places["waitlisted_parties"]) == (3, 0, 2)

    # The release: unused kept-back places join the general pool and the waitlist moves up (c, all 3 of them).
    released = call(events, "release_kept_back", actor=ORGANISER, event_id=show["id"])
    assert released["released"] and released["promoted_registration_ids"] == [c["id"]]
    assert call(events, "release_kept_back", actor=ORGANISER, event_id=show["id"])["promoted_registration_ids"] == []
    late = register(events, ORGANISER, show, channel="desk", person_name="张大爷")
    assert (late["status"], late["waitlist_position"]) == ("waitlisted", 2)  # after the release: one pool, full

    # One more place (the organiser adds a chair): the first waitlisted entry that fits is promoted.
    bigger = call(events, "update_event", actor=ORGANISER, event_id=show["id"], changes={"capacity": 8})
    assert bigger["places"]["confirmed"] == 8
    assert outside.of_type("registration.promoted", registration_id=e["id"])
    view = {r["id"]: r for r in call(events, "list_registrations", actor=ORGANISER, event_id=show["id"])}
    assert view[late["id"]]["waitlist_position"] == 1 and view[a["id"]]["status"] == "cancelled"

    # The timer releases by itself once the release time has come (here: 2 s after publishing).
    soon = published(
        events,
        capacity=2,
        kept_back=1,
        release_lead_minutes=24 * 60,
        start=at(timedelta(days=1, seconds=2)),
        end=at(timedelta(days=1, hours=1)),
    )
    register(events, resident(1), soon)
    waiting = register(events, resident(2), soon)
    assert waiting["status"] == "waitlisted"
    assert outside.of_type("registration.promoted", registration_id=waiting["id"], timeout=8)
    assert call(events, "get_event", event_id=soon["id"])["released"] is True

    # Online, a person registers themself, or a dependant they act for (scope dependant:<id>, e.g. a parent).
    family = published(events, capacity=5)
    with pytest.raises(Forbidden):
        register(events, resident(9), family, person_id="elder-9")
    carer = {**resident(9), "scopes": ["dependant:elder-9"]}
    parent = register(events, carer, family, person_id="elder-9", person_name="刘奶奶", party_size=2)
    assert (parent["status"], parent["person_id"], parent["registered_by"]) == (
        "confirmed",
        "elder-9",
        resident(9)["sub"],
    )
    call(events, "cancel_registration", actor=resident(9), registration_id=parent["id"])
    outside.close()


def test_no_oversell_under_concurrency_then_attendance_and_feedback(container_factory, service_config, amqp_uri):
    events = start_services(container_factory, service_config, amqp_uri)
    outside = Subscriber(amqp_uri, routing_key="feedback.*")
    arrivals = Subscriber(amqp_uri, routing_key="registration.checked_in")
    crowded = published(events, capacity=50, kept_back=10)
    # 200 registrations in flight at once through the broker (10 workers take them concurrently).
    settings = events.config["WENYUN_SETTINGS"]
    with ServiceRpcProxy("events", {"AMQP_URI": amqp_uri, "serializer": "json"}, timeout=60) as rpc:
        replies = []
        for n in range(200):
            # each call carries its own resident's token (kit.callers), read when the request is published
            rpc.worker_ctx.data.update(signed_context(settings, resident(n)))
            replies.append(rpc.register.call_async(actor=resident(n), event_id=crowded["id"], registration={}))
        answers = [reply.result() for reply in replies]
    confirmed = [r for r in answers if r["status"] == "confirmed"]
    waiting = sorted((r for r in answers if r["status"] == "waitlisted"), key=lambda r: r["seq"])
    assert len(confirmed) == 40 and len(waiting) == 160
    assert [r["waitlist_position"] for r in waiting] == list(range(1, 161))  # arrival (commit) order
    places = call(events, "get_event", event_id=crowded["id"])["places"]
    assert (places["confirmed_general"], places["free_kept_back"], places["waitlisted_people"]) == (40, 10, 160)

    # Attendance: check-in opens an hour before the start; no-shows after it; complete after the end.
    start = datetime.fromisoformat(at(timedelta(seconds=2)))
    show = published(events, capacity=4, start=start.isoformat(), end=(start + timedelta(seconds=1)).isoformat())
    came = register(events, resident(1), show, party_size=2)
    absent = register(events, resident(2), show)
    with pytest.raises(Forbidden):
        call(events, "check_in", actor=resident(1), registration_id=came["id"])
    assert call(events, "check_in", actor=ORGANISER, registration_id=came["id"])["status"] == "checked_in"
    [arrived] = arrivals.of_type("registration.checked_in", registration_id=came["id"])  # reach, for the reports
    assert (arrived["data"]["event_id"], arrived["data"]["party_size"]) == (show["id"], 2)
    arrivals.close()
    with pytest.raises(Unprocessable):  # nobody is a no-show before the start
        call(events, "mark_no_show", actor=ORGANISER, registration_id=absent["id"])
    with pytest.raises(Unprocessable):  # feedback only from people who came
        call(events, "give_feedback", actor=resident(2), registration_id=absent["id"], feedback={"rating": 1})
    given = call(
        events,
        "give_feedback",
        actor=resident(1),
        registration_id=came["id"],
        feedback={"rating": 5, "comment": "  演得真好  "},
    )
    assert given["comment"] == "演得真好"
    with pytest.raises(Unprocessable):  # once
        call(events, "give_feedback", actor=resident(1), registration_id=came["id"], feedback={"rating": 4})
    assert outside.of_type("feedback.received")[0]["data"]["has_comment"] is True
    time.sleep(max(0.0, (start - datetime.now(start.tzinfo)).total_seconds()) + 0.1)
    assert call(events, "mark_no_show", actor=ORGANISER, registration_id=absent["id"])["status"] == "no_show"
    time.sleep(1.1)
    assert call(events, "complete_event", actor=ORGANISER, event_id=show["id"])["status"] == "completed"
    assert call(events, "get_registration", actor=resident(1), registration_id=came["id"])["status"] == "attended"
    figures = call(events, "satisfaction", scope="event", key=show["id"])
    assert (figures["count"], figures["average"], figures["satisfied_share"]) == (1, 5.0, 1.0)
    assert call(events, "satisfaction", scope="organiser", key="org-1")["count"] == 1
    outside.close()
