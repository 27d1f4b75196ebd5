"""The events service container on the real broker and a real database (SQLite and PostgreSQL): the event
lifecycle with its room hold in venues (a stand-in service on the same broker), and venue closures."""

from __future__ import annotations

import pytest
from kombu import Connection
from nameko.testing.services import entrypoint_waiter

from contracts.envelope import to_cloudevent
from contracts.errors import Conflict, Forbidden, NotFound, Unprocessable
from contracts.venues import VenueClosed
from kit.bus import events_exchange
from services.events.tests.helpers import (
    BUSY_ROOM_ID,
    ORGANISER,
    OTHER_ORGANISER,
    ROOM_ID,
    VENUE_ID,
    FakeVenues,
    Subscriber,
    call,
    resident,
    start_services,
)

MID_AUTUMN = {
    "title": "中秋诗会",
    "kind": "festival",
    "festival": "中秋",
    "target_groups": ["elderly", "everyone"],
    "room_id": ROOM_ID,
    "start": "2027-09-14T14:30:00+08:00",
    "end": "2027-09-14T16:30:00+08:00",
    "capacity": 40,
    "kept_back": 10,
    "volunteer_needs": [{"role": "引导员", "count": 2, "skills": ["接待"]}],
}


def closure(*, booking_ids=(), room_id=ROOM_ID) -> bytes:
    fact = VenueClosed(
        closure_id="closure-1",
        venue_id=VENUE_ID,
        venue_name="嘉平镇文化服务中心",
        room_id=room_id,
        room_name="多功能活动室",
        start="2027-09-01T00:00:00+08:00",
        expected_reopening="2027-10-08T09:00:00+08:00",
        reason="屋顶漏水维修",
        cancelled_booking_ids=list(booking_ids),
    )
    return to_cloudevent(fact, subject="closure-1")


def publish_fact(amqp_uri, body: bytes, routing_key="venue.closed"):
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        conn.Producer().publish(
            body,
            exchange=events_exchange("venues"),
            routing_key=routing_key,
            content_type="application/cloudevents+json",
            content_encoding="utf-8",
            declare=[events_exchange("venues")],
        )


def test_lifecycle_room_holds_and_venue_closures(container_factory, service_config, amqp_uri):
    events = start_services(container_factory, service_config, amqp_uri)
    outside = Subscriber(amqp_uri)

    draft = call(events, "create_event", actor=ORGANISER, event=MID_AUTUMN)
    assert draft["status"] == "draft" and draft["festival_warning"] is None
    assert draft["place_name"] == "嘉平镇文化服务中心·多功能活动室" and draft["town"] == "嘉平镇"
    assert draft["organiser_name"] == "江津区文化馆" and draft["places"]["free_general"] == 30
    # Drafts are private; another organiser may not publish it.
    assert call(events, "list_events") == []
    with pytest.raises(Forbidden):
        call(events, "publish_event", actor=OTHER_ORGANISER, event_id=draft["id"])
    # To its organiser the draft exists, closed to registration (422, as a cancelled event); to anyone else it
    # does not (404). Schemathesis' stateful phase read a 404 to the organiser as "the event just created is not found".
    with pytest.raises(Unprocessable) as closed:
        call(events, "register", actor=ORGANISER, event_id=draft["id"], registration={})
    assert closed.value.extra["rule"] == "registration.closed"
    with pytest.raises(NotFound):
        call(events, "register", actor=resident(1), event_id=draft["id"], registration={})
    # No such room is a wrong field of an event that exists: 422 naming room_id, not the event's 404.
    with pytest.raises(Unprocessable) as no_room:
        call(events, "update_event", actor=ORGANISER, event_id=draft["id"], changes={"room_id": "no-such-room"})
    assert no_room.value.extra["field"] == "room_id"

    published = call(events, "publish_event", actor=ORGANISER, event_id=draft["id"])
    assert published["status"] == "published"
    assert published["hold_booking_id"] == FakeVenues.holds[draft["id"]]["booking_id"]
    [fact] = outside.of_type("event.published")
    assert fact["data"]["volunteer_needs"] == [{"role": "引导员", "count": 2, "skills": ["reception"]}]
    assert fact["data"]["room_id"] == ROOM_ID and fact["subject"] == draft["id"]
    [dispatch] = outside.of_type("dispatch.requested")
    assert dispatch["data"]["needs"][0]["role"] == "引导员"
    with pytest.raises(Conflict):  # published twice: the state machine refuses
        call(events, "publish_event", actor=ORGANISER, event_id=draft["id"])

    registration = call(events, "register", actor=resident(1), event_id=draft["id"], registration={})
    moved = call(
        events,
        "reschedule_event",
        actor=ORGANISER,
        event_id=draft["id"],
        change={"start": "2027-09-15T14:30:00+08:00", "end": "2027-09-15T16:00:00+08:00"},
    )
    assert moved["sequence"] == 1 and moved["start"].startswith("2027-09-15T06:30")
    assert FakeVenues.calls[-1][0] == "move_hold"
    assert FakeVenues.holds[draft["id"]]["start"] == "2027-09-15T14:30:00+08:00"
    assert outside.of_type("event.rescheduled")[0]["data"]["previous_start"].startswith("2027-09-14T06:30")
    assert outside.of_type("registration.rescheduled", registration_id=registration["id"])

    cancelled = call(events, "cancel_event", actor=ORGANISER, event_id=draft["id"], cancellation={"reason": "暴雨预警"})
    assert cancelled["status"] == "cancelled" and cancelled["hold_booking_id"] is None
    assert FakeVenues.calls[-1] == ("release_hold", draft["id"], "暴雨预警")
    assert draft["id"] not in FakeVenues.holds
    assert outside.of_type("event.cancelled")[0]["data"]["reason"] == "暴雨预警"
    [told] = outside.of_type("registration.cancelled", registration_id=registration["id"])
    assert told["data"]["reason"] == "暴雨预警" and told["data"]["person_id"] == "resident-1"

    # A room venues will not hold: publication fails with venues' reason and nothing changes.
    draft = call(events, "create_event", actor=ORGANISER, event={**MID_AUTUMN, "room_id": BUSY_ROOM_ID, "capacity": 30})
    with pytest.raises(Conflict) as refused:
        call(events, "publish_event", actor=ORGANISER, event_id=draft["id"])
    assert "booked" in refused.value.detail and refused.value.extra["conflicting_booking_ids"] == ["b-other"]
    assert call(events, "get_event", event_id=draft["id"], actor=ORGANISER)["status"] == "draft"
    assert outside.of_type("event.published", timeout=1.0, event_id=draft["id"]) == []
    # Bad input is a clear 422, never a 500; a room smaller than the capacity is refused by the rule.
    with pytest.raises(Unprocessable):
        call(events, "create_event", actor=ORGANISER, event={**MID_AUTUMN, "capacity": 80})
    with pytest.raises(Unprocessable):
        call(events, "create_event", actor=ORGANISER, event={**MID_AUTUMN, "start": "2027-09-14T14:30:00"})
    with pytest.raises(Forbidden):
        call(events, "create_event", actor=resident(1), event=MID_AUTUMN)
    # A festival tag far from its season is allowed, with a warning for the organiser.
    early = call(
        events,
        "create_event",
        actor=ORGANISER,
        event={**MID_AUTUMN, "start": "2027-06-01T14:30:00+08:00", "end": "2027-06-01T16:30:00+08:00"},
    )
    assert "中秋" in early["festival_warning"] and "2027-09-15" in early["festival_warning"]

    # ---- a closure of the room: events in it are cancelled (or kept for rescheduling), registrants told ----
    gala = call(events, "create_event", actor=ORGANISER, event=MID_AUTUMN)
    call(events, "publish_event", actor=ORGANISER, event_id=gala["id"])
    lecture = call(
        events,
        "create_event",
        actor=ORGANISER,
        event={
            **MID_AUTUMN,
            "title": "月饼文化讲座",
            "kind": "lecture",
            "festival": None,
            "volunteer_needs": [],
            "start": "2027-09-20T09:30:00+08:00",
            "end": "2027-09-20T11:00:00+08:00",
            "on_venue_closure": "reschedule",
        },
    )
    call(events, "publish_event", actor=ORGANISER, event_id=lecture["id"])
    later = call(
        events,
        "create_event",
        actor=ORGANISER,
        event={
            **MID_AUTUMN,
            "title": "重阳敬老会",
            "festival": "重阳",
            "start": "2027-10-09T09:30:00+08:00",
            "end": "2027-10-09T11:00:00+08:00",
            "volunteer_needs": [],
        },
    )
    call(events, "publish_event", actor=ORGANISER, event_id=later["id"])
    people = [call(events, "register", actor=resident(n), event_id=gala["id"], registration={}) for n in (1, 2)]
    desk = call(
        events,
        "register",
        actor=ORGANISER,
        event_id=gala["id"],
        registration={"channel": "desk", "party_size": 2, "person_name": "王秀英"},
    )
    assert desk["kept_back_places"] == 2 and desk["registered_by"] == "org-1"

    body = closure(booking_ids=[FakeVenues.holds[gala["id"]]["booking_id"]])
    with entrypoint_waiter(events, "on_venue_closed"):
        publish_fact(amqp_uri, body)
    assert call(events, "get_event", event_id=gala["id"])["status"] == "cancelled"
    marked = call(events, "get_event", event_id=lecture["id"])
    assert marked["status"] == "published" and marked["needs_reschedule"] and marked["hold_booking_id"] is None
    assert call(events, "get_event", event_id=later["id"])["status"] == "published"  # after the reopening
    told = outside.of_type("registration.cancelled", count=3, event_id=gala["id"])
    assert sorted(t["data"]["registration_id"] for t in told) == sorted([p["id"] for p in people] + [desk["id"]])
    assert all("屋顶漏水维修" in t["data"]["reason"] for t in told)
    assert outside.of_type("event.cancelled", event_id=gala["id"])
    assert outside.of_type("event.displaced", event_id=lecture["id"])[0]["data"]["reason"].startswith("嘉平镇")

    # The same CloudEvent delivered again changes nothing and tells nobody twice.
    with entrypoint_waiter(events, "on_venue_closed"):
        publish_fact(amqp_uri, body)
    assert len(outside.of_type("registration.cancelled", count=4, timeout=1.5, event_id=gala["id"])) == 3
    # Rescheduling the displaced event holds a room again.
    moved = call(
        events,
        "reschedule_event",
        actor=ORGANISER,
        event_id=lecture["id"],
        change={"start": "2027-10-12T09:30:00+08:00", "end": "2027-10-12T11:00:00+08:00"},
    )
    assert not moved["needs_reschedule"] and moved["hold_booking_id"] == FakeVenues.holds[lecture["id"]]["booking_id"]
    outside.close()
