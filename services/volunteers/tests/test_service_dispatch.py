"""Dispatch through the real service container and broker (SQLite and PostgreSQL): ranking, offers,
answers by link and by API, filled, cancellation, check-in and hours, expiry and reminders, reschedule,
and concurrent answers to one offer."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.services import entrypoint_waiter

import kit.rpc  # noqa: F401  (remote contracts.errors come back as the same classes)
from contracts.errors import BadRequest, Conflict, Forbidden, NotFound
from contracts.events import EventCancelled, EventCompleted, EventRescheduled, FeedbackReceived
from services.volunteers.tests.helpers import (
    ADMIN,
    ORGANISER,
    Subscriber,
    dispatch_requested,
    event_fact,
    next_saturday,
    person,
    publish,
    sound_volunteer,
    start_service,
)
from tests.callers import signed_hook

OFFERED = ("dispatch.offered",)


def call(container, method, **kwargs):
    with signed_hook(container, method) as hook:
        return hook(**kwargs)


def enlist(container, count: int, km_step: float = 6.0) -> list[str]:
    ids = []
    for i in range(count):
        v = call(container, "apply", actor=ADMIN, application=sound_volunteer(i, km=(i + 1) * km_step))
        call(container, "review_volunteer", actor=ADMIN, volunteer_id=v["id"], review={"decision": "approve"})
        ids.append(v["id"])
    return ids


def deliver(container, amqp_uri, handler, fact, event_id=None):
    with entrypoint_waiter(container, handler, timeout=10):
        return publish(amqp_uri, fact, event_id)


def token_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


def test_dispatch_offers_the_best_moves_on_and_fills(container_factory, service_config, amqp_uri):
    outside = Subscriber(amqp_uri, routing_key="#")
    container, _ = start_service(container_factory, service_config)
    ids = enlist(container, 10)
    start, end = next_saturday()
    request = dispatch_requested("e-1", 3, start, end)
    first_id = deliver(container, amqp_uri, "on_dispatch_requested", request)

    offered = outside.take(3, types=OFFERED)
    assert sorted(o["data"]["volunteer_id"] for o in offered) == ids[:3]  # the three nearest
    assert outside.rest(types=OFFERED, wait=0.3) == []
    by_volunteer = {o["data"]["volunteer_id"]: o["data"] for o in offered}
    first = by_volunteer["v-00"]
    assert first["accept_url"].startswith("http://localhost:8000/offers/") and first["reminder"] is False
    assert first["volunteer_name"] == "志愿者00" and first["role"] == "音响"

    # The same request again (redelivered, or re-sent with a new id) changes nothing.
    deliver(container, amqp_uri, "on_dispatch_requested", request, first_id)
    deliver(container, amqp_uri, "on_dispatch_requested", request)
    assert outside.rest(types=OFFERED, wait=0.3) == []

    # The link page shows the offer; a tampered link is refused.
    shown = call(container, "offer_link", token=token_of(first["decline_url"]))
    assert shown["action"] == "decline" and shown["offer"]["status"] == "offered"
    decline = token_of(first["decline_url"])
    tampered = decline[:-2] + ("AA" if not decline.endswith("AA") else "BB")
    with pytest.raises(BadRequest):
        call(container, "answer_offer_link", token=tampered)
    declined = call(container, "answer_offer_link", token=decline)
    assert declined["status"] == "declined"
    with pytest.raises(Conflict) as twice:
        call(container, "answer_offer_link", token=token_of(first["accept_url"]))
    assert twice.value.extra["reason"] == "already_declined"
    [fourth] = outside.take(1, types=OFFERED)
    assert fourth["data"]["volunteer_id"] == "v-03"

    # Accepting through the API: own offers only.
    offer_ids = {o["data"]["volunteer_id"]: o["data"]["offer_id"] for o in [*offered, fourth]}
    with pytest.raises(Forbidden):
        call(container, "answer_offer", actor=person("v-01"), offer_id=offer_ids["v-02"], action="accept")
    for vid in ("v-01", "v-02", "v-03"):
        assert (
            call(container, "answer_offer", actor=person(vid), offer_id=offer_ids[vid], action="accept")["status"]
            == "accepted"
        )
    [filled] = outside.take(1, types=("dispatch.filled",))
    assert sorted(m["volunteer_id"] for m in filled["data"]["team"]) == ["v-01", "v-02", "v-03"]
    assert filled["data"]["organiser_id"] == "org-1"

    view = call(container, "get_dispatch", actor=ORGANISER, event_id="e-1")
    assert view["status"] == "filled" and sorted(m["volunteer_id"] for m in view["team"]) == ["v-01", "v-02", "v-03"]
    assert view["open_offers"] == [] and view["roles"][0]["accepted"] == 3
    with pytest.raises(Forbidden):
        call(container, "get_dispatch", actor=person("org-2", "organiser"), event_id="e-1")

    # Check-in, then completion delivered twice (same id) and once more (new id): credited once.
    for vid in ("v-01", "v-02"):
        call(container, "check_in", actor=ORGANISER, event_id="e-1", volunteer_id=vid)
    with pytest.raises(Conflict):
        call(container, "check_in", actor=ORGANISER, event_id="e-1", volunteer_id="v-05")  # not on the team
    completed = event_fact(EventCompleted, "e-1", start, end, attended=80)
    completion_id = deliver(container, amqp_uri, "on_event_completed", completed)
    deliver(container, amqp_uri, "on_event_completed", completed, completion_id)
    deliver(container, amqp_uri, "on_event_completed", completed)
    credited = outside.take(2, types=("hours.credited",))
    assert sorted(c["data"]["volunteer_id"] for c in credited) == ["v-01", "v-02"]
    assert all(c["data"]["hours"] == 3.5 for c in credited)
    assert outside.rest(types=("hours.credited",), wait=0.5) == []
    # A late check-in after completion is credited at once, still only once.
    late = call(container, "check_in", actor=ORGANISER, event_id="e-1", volunteer_id="v-03")
    assert late["credited_hours"] == 3.5

    # Residents' satisfaction and the organiser's rating show next to the served event.
    for rating in (5, 4):
        deliver(
            container,
            amqp_uri,
            "on_feedback_received",
            FeedbackReceived(event_id="e-1", registration_id=f"r-{rating}", rating=rating),
        )
    call(container, "rate_service", actor=ORGANISER, volunteer_id="v-01", rating={"event_id": "e-1", "rating": 5})
    log = call(container, "hours_log", actor=person("v-01"), volunteer_id="v-01")
    assert log["total_hours"] == 3.5
    [served] = log["served_events"]
    assert served["satisfaction"] == {"average": 4.5, "count": 2} and served["organiser_rating"] == 5

    # Cancelling the event withdraws the places and tells the volunteers.
    deliver(container, amqp_uri, "on_event_cancelled", event_fact(EventCancelled, "e-1", start, end, reason="暴雨"))
    withdrawn = outside.take(3, types=("dispatch.withdrawn",))
    assert sorted(w["data"]["volunteer_id"] for w in withdrawn) == ["v-01", "v-02", "v-03"]
    assert call(container, "get_dispatch", actor=ADMIN, event_id="e-1")["status"] == "cancelled"
    outside.close()


def test_expiry_reminder_and_reschedule_by_the_clock(container_factory, service_config, amqp_uri):
    outside = Subscriber(amqp_uri, routing_key="dispatch.#")
    container, _ = start_service(
        container_factory, service_config, offer_response_seconds=1.5, reminder_lead_seconds=1.0, tick_seconds=0.2
    )
    enlist(container, 3)
    start, end = next_saturday()
    deliver(container, amqp_uri, "on_dispatch_requested", dispatch_requested("e-2", 1, start, end))
    [offer] = outside.take(1, types=OFFERED)
    assert offer["data"]["volunteer_id"] == "v-00"
    # Nobody answers: one reminder, then the offer expires and the next candidate is asked.
    reminder, expired, following = outside.take(3, timeout=8)
    assert reminder["type"] == "dispatch.offered" and reminder["data"]["reminder"] is True
    assert reminder["data"]["offer_id"] == offer["data"]["offer_id"]
    assert reminder["data"]["accept_url"] == offer["data"]["accept_url"]
    assert expired["type"] == "dispatch.expired" and expired["data"]["volunteer_id"] == "v-00"
    assert following["type"] == "dispatch.offered" and following["data"]["volunteer_id"] == "v-01"
    with pytest.raises(Conflict) as late:
        call(container, "answer_offer_link", token=token_of(offer["data"]["accept_url"]))
    assert late.value.extra["reason"] == "link_expired"

    # The event moves: open offers are withdrawn and renewed for the new time.
    moved = event_fact(
        EventRescheduled,
        "e-2",
        start + timedelta(days=7),
        end + timedelta(days=7),
        previous_start=start,
        previous_end=end,
        sequence=1,
    )
    deliver(container, amqp_uri, "on_event_rescheduled", moved)
    withdrawn = outside.take(1, types=("dispatch.withdrawn",))
    assert withdrawn and withdrawn[0]["data"]["volunteer_id"] in ("v-01", "v-02")
    renewed = outside.take(1, types=OFFERED)
    assert renewed and renewed[0]["data"]["offer_id"].startswith("e-2%232:")
    assert datetime.fromisoformat(renewed[0]["data"]["start"]) == start + timedelta(days=7)
    view = call(container, "get_dispatch", actor=ORGANISER, event_id="e-2")
    assert view["dispatch_id"] == "e-2#2" and view["status"] == "open"
    outside.close()


def test_concurrent_answers_to_one_offer_have_one_winner(container_factory, service_config, amqp_uri):
    outside = Subscriber(amqp_uri, routing_key="dispatch.#")
    container, _ = start_service(container_factory, service_config)
    enlist(container, 2)
    start, end = next_saturday()
    deliver(container, amqp_uri, "on_dispatch_requested", dispatch_requested("e-3", 1, start, end))
    [offer] = outside.take(1, types=OFFERED)
    tokens = [token_of(offer["data"]["accept_url"]), token_of(offer["data"]["decline_url"])] * 4
    # Real concurrent RPC calls (entrypoint_hook cannot run in parallel).
    with ClusterRpcProxy({"AMQP_URI": amqp_uri, "serializer": "json"}, timeout=20) as cluster:
        replies = [cluster.volunteers.answer_offer_link.call_async(token=t) for t in tokens]
        results = []
        for reply in replies:
            try:
                results.append(reply.result()["status"])
            except Conflict as exc:
                results.append(exc.extra["reason"])
    assert len([r for r in results if r in ("accepted", "declined")]) == 1, results
    assert all(r in ("accepted", "declined", "already_accepted", "already_declined") for r in results)
    answered = outside.take(2, types=("dispatch.accepted", "dispatch.declined"), timeout=2)
    assert len(answered) == 1

    # Candidates run out before the role is filled: dispatch.unfilled tells the organiser the shortfall.
    later_start, later_end = start + timedelta(days=7), end + timedelta(days=7)
    deliver(container, amqp_uri, "on_dispatch_requested", dispatch_requested("e-4", 3, later_start, later_end))
    offered = outside.take(2, types=OFFERED)
    assert sorted(o["data"]["volunteer_id"] for o in offered) == ["v-00", "v-01"]
    for o in offered:
        call(container, "answer_offer", actor=ADMIN, offer_id=o["data"]["offer_id"], action="decline")
    [unfilled] = outside.take(1, types=("dispatch.unfilled",))
    assert unfilled["data"]["organiser_id"] == "org-1"
    assert unfilled["data"]["shortfall"] == [{"role": "音响", "needed": 3, "accepted": 0}]
    assert call(container, "get_dispatch", actor=ORGANISER, event_id="e-4")["status"] == "unfilled"

    # A request that arrives after its event was cancelled is ignored.
    deliver(
        container,
        amqp_uri,
        "on_event_cancelled",
        event_fact(EventCancelled, "e-5", later_start, later_end, reason="场地维修"),
    )
    deliver(container, amqp_uri, "on_dispatch_requested", dispatch_requested("e-5", 1, later_start, later_end))
    with pytest.raises(NotFound):
        call(container, "get_dispatch", actor=ORGANISER, event_id="e-5")
    assert outside.rest(types=OFFERED, wait=0.3) == []
    outside.close()
