"""Season plans on the real broker and database (SQLite and PostgreSQL): a venue closure heard from venues
is honoured; draft, remove an item, re-solve, publish; a festival order lands on its festival; malformed
requests and the wrong caller are refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from nameko.testing.services import entrypoint_waiter

from contracts.envelope import to_cloudevent
from contracts.errors import Conflict, Forbidden, Unprocessable
from contracts.venues import VenueClosed
from kit.clock import day_start as local_day_start
from kit.clock import local_today as today
from services.events.domain.festivals import festival_season, festivals_between
from services.events.tests.helpers import (
    ORGANISER,
    OTHER_ORGANISER,
    RESIDENT,
    VILLAGE_VENUE_ID,
    Subscriber,
    call,
    start_services,
)
from services.events.tests.test_service_events import publish_fact


def test_draft_remove_resolve_publish(container_factory, service_config, amqp_uri):
    events = start_services(container_factory, service_config, amqp_uri)
    outside = Subscriber(amqp_uri)
    opera = call(
        events,
        "create_offering",
        actor=ORGANISER,
        offering={
            "title": "川剧《白蛇传》选段",
            "kind": "mobile_performance",
            "provider": "江津区川剧团",
            "duration_minutes": 90,
            "volunteer_needs": [{"role": "舞台搭建", "count": 2}],
        },
    )
    first_day = today() + timedelta(days=3)
    window = {"earliest": first_day.isoformat(), "latest": (first_day + timedelta(days=13)).isoformat()}
    order = call(
        events,
        "place_order",
        actor=ORGANISER,
        order={"offering_id": opera["id"], "venue_id": VILLAGE_VENUE_ID, **window},
    )
    reopening = first_day + timedelta(days=10)  # the village centre is closed for the first ten days
    closed = VenueClosed(
        closure_id="closure-shimen",
        venue_id=VILLAGE_VENUE_ID,
        venue_name="石门村文化室",
        start=local_day_start(first_day - timedelta(days=1)),
        expected_reopening=local_day_start(reopening),
        reason="村委会换届，场地暂停使用",
    )
    with entrypoint_waiter(events, "remember_site_closure"):
        publish_fact(amqp_uri, to_cloudevent(closed, subject="closure-shimen"))
    request = {
        "first_day": first_day.isoformat(),
        "last_day": (first_day + timedelta(days=27)).isoformat(),
        "time_limit_seconds": 2,
        "coverage_target": 0,
        "troupes": [
            {
                "troupe_id": "team-1",
                "name": "江津区川剧团",
                "base": {"lat": 29.0, "lon": 106.2},
                "offering_ids": [opera["id"]],
            }
        ],
    }
    with pytest.raises(Forbidden):
        call(events, "create_season_plan", actor=RESIDENT, plan=request)
    with pytest.raises(Unprocessable):  # a malformed payload is a 422, never a 500
        call(events, "create_season_plan", actor=ORGANISER, plan={**request, "troupes": "everyone"})
    with pytest.raises(Unprocessable):
        call(
            events,
            "create_season_plan",
            actor=ORGANISER,
            plan={**request, "troupes": [{**request["troupes"][0], "offering_ids": ["not-on-the-menu"]}]},
        )

    draft = call(events, "create_season_plan", actor=ORGANISER, plan=request)
    [item] = draft["items"]
    assert (item["order_id"], item["site_name"], item["village"]) == (order["id"], "石门村文化室", "石门村")
    assert item["travel_minutes"] > 0 and draft["score"]["orders_fulfilled"] == 1
    assert item["day"] >= reopening.isoformat()  # not while the centre is closed
    # Remove the proposed show: the re-solve puts the order on another half-day.
    with pytest.raises(Forbidden):  # another organiser's plan
        call(events, "get_season_plan", actor=OTHER_ORGANISER, plan_id=draft["id"])
    with pytest.raises(Forbidden):
        call(events, "publish_season_plan", actor=OTHER_ORGANISER, plan_id=draft["id"])
    removed = call(events, "remove_season_plan_item", actor=ORGANISER, plan_id=draft["id"], item_id=item["id"])
    assert [i["removed"] for i in removed["items"]] == [True]
    again = call(events, "resolve_season_plan", actor=ORGANISER, plan_id=draft["id"], resolve={"time_limit_seconds": 2})
    kept = [i for i in again["items"] if not i["removed"]]
    assert (
        again["revision"] == 2 and len(kept) == 1 and (kept[0]["day"], kept[0]["half"]) != (item["day"], item["half"])
    )
    assert kept[0]["day"] >= reopening.isoformat()

    published = call(events, "publish_season_plan", actor=ORGANISER, plan_id=draft["id"])
    assert published["status"] == "published"
    [show] = [i for i in published["items"] if not i["removed"]]
    event = call(events, "get_event", event_id=show["event_id"])
    assert (event["status"], event["offering_id"], event["order_id"], event["village"]) == (
        "published",
        opera["id"],
        order["id"],
        "石门村",
    )
    assert call(events, "get_order", actor=ORGANISER, order_id=order["id"])["status"] == "scheduled"
    assert outside.of_type("dispatch.requested", event_id=show["event_id"])[0]["data"]["needs"][0]["count"] == 2
    assert outside.of_type("order.scheduled")[0]["data"]["event_id"] == show["event_id"]
    with pytest.raises(Conflict):
        call(events, "publish_season_plan", actor=ORGANISER, plan_id=draft["id"])
    with pytest.raises(Conflict):
        call(events, "pin_season_plan_item", actor=ORGANISER, plan_id=draft["id"], item_id=show["id"])

    # A festival order (the next festival at least three weeks away) is played on the festival day itself.
    lantern = call(
        events,
        "create_offering",
        actor=ORGANISER,
        offering={"title": "猜灯谜·民乐合奏", "kind": "festival", "provider": "区民乐团", "duration_minutes": 120},
    )
    upcoming = festivals_between(today() + timedelta(days=21), today() + timedelta(days=400))[0]
    season = festival_season(upcoming.festival, upcoming.day.year)
    window = {
        "earliest": (season.first_day - timedelta(days=7)).isoformat(),
        "latest": (season.last_day + timedelta(days=7)).isoformat(),
    }
    order = call(
        events,
        "place_order",
        actor=ORGANISER,
        order={"offering_id": lantern["id"], "venue_id": VILLAGE_VENUE_ID, **window},
    )
    plan = call(
        events,
        "create_season_plan",
        actor=ORGANISER,
        plan={
            "first_day": window["earliest"],
            "last_day": window["latest"],
            "time_limit_seconds": 2,
            "coverage_target": 0,
            "festival_orders": {order["id"]: upcoming.festival.value},
            "troupes": [
                {
                    "troupe_id": "team-2",
                    "name": "区民乐团",
                    "base": {"lat": 29.0, "lon": 106.2},
                    "offering_ids": [lantern["id"]],
                }
            ],
        },
    )
    [item] = plan["items"]
    assert (item["day"], item["festival"]) == (upcoming.day.isoformat(), upcoming.festival.value)
    assert plan["score"]["festivals_hit"] == 1
    outside.close()
