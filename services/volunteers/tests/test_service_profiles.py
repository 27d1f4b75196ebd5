"""Volunteers, teams, training, hours and ratings through the real service container (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from contracts.errors import Conflict, Forbidden, Unprocessable
from services.volunteers.tests.helpers import ADMIN, ORGANISER, REVIEWER, Subscriber, application, person, start_service
from tests.callers import signed_hook


def call(container, method, **kwargs):
    with signed_hook(container, method) as hook:
        return hook(**kwargs)


def test_volunteers_teams_training_hours(container_factory, service_config, amqp_uri):
    outside = Subscriber(amqp_uri)
    container, _ = start_service(container_factory, service_config, star_thresholds=(3, 10, 20, 30, 40))
    me, other = person("v-li"), person("v-wang")

    created = call(
        container,
        "apply",
        actor=me,
        application=application(email="li@Example.com", tags=["二胡"], languages=["zh", "csl"]),
    )
    assert created["id"] == "v-li" and created["status"] == "applied" and created["phone"] == "13800138000"
    assert created["email"] == "li@example.com" and created["languages"] == ["zh", "csl"]
    assert created["availability"] == [{"day": "saturday", "start": "08:00", "end": "20:00"}]
    assert created["stars"]["stars"] == 0 and created["stars"]["label_zh"] == "志愿者"

    with pytest.raises(Unprocessable) as bad:
        call(container, "apply", actor=other, application=application(phone="12345", skills=["juggling"]))
    assert {e["loc"][-1] for e in bad.value.extra["errors"]} == {"phone", "skills"}
    with pytest.raises(Conflict):
        call(container, "apply", actor=me, application=application())
    with pytest.raises(Forbidden):  # only staff apply for someone else
        call(container, "apply", actor=other, application=application(volunteer_id="v-li"))

    # A volunteer sees and edits only their own record.
    assert call(container, "get_volunteer", actor=me, volunteer_id="v-li")["name"] == "李明"
    call(container, "apply", actor=other, application=application(name="王芳", phone="13900139000"))
    with pytest.raises(Forbidden):
        call(container, "get_volunteer", actor=me, volunteer_id="v-wang")
    with pytest.raises(Forbidden):
        call(container, "update_volunteer", actor=me, volunteer_id="v-wang", changes={"name": "x"})
    with pytest.raises(Forbidden):
        call(container, "list_volunteers", actor=me)
    changed = call(
        container,
        "update_volunteer",
        actor=me,
        volunteer_id="v-li",
        changes={"skills": ["sound", "lighting"], "availability": []},
    )
    assert changed["skills"] == ["lighting", "sound"] and changed["availability"] == []
    with pytest.raises(Unprocessable):
        call(
            container, "update_volunteer", actor=me, volunteer_id="v-li", changes={"channels": ["email"], "email": None}
        )

    # Review by staff only; approval carries contact and channels for notifications.
    with pytest.raises(Forbidden):
        call(container, "review_volunteer", actor=me, volunteer_id="v-li", review={"decision": "approve"})
    with pytest.raises(Forbidden):  # an organiser is not the volunteer reviewer (docs/authorisation.md)
        call(container, "review_volunteer", actor=ORGANISER, volunteer_id="v-li", review={"decision": "approve"})
    assert (
        call(container, "review_volunteer", actor=REVIEWER, volunteer_id="v-li", review={"decision": "approve"})[
            "status"
        ]
        == "active"
    )
    with pytest.raises(Unprocessable):
        call(container, "review_volunteer", actor=ADMIN, volunteer_id="v-wang", review={"decision": "reject"})
    assert (
        call(
            container,
            "review_volunteer",
            actor=ADMIN,
            volunteer_id="v-wang",
            review={"decision": "reject", "reason": "不在本区"},
        )["status"]
        == "rejected"
    )
    with pytest.raises(Conflict):  # a final status does not change again
        call(container, "review_volunteer", actor=ADMIN, volunteer_id="v-wang", review={"decision": "approve"})
    assert (
        call(
            container,
            "change_volunteer_status",
            actor=ADMIN,
            volunteer_id="v-li",
            action="suspend",
            note={"reason": "未按时到岗"},
        )["status"]
        == "suspended"
    )
    assert (
        call(container, "change_volunteer_status", actor=ADMIN, volunteer_id="v-li", action="reinstate")["status"]
        == "active"
    )
    with pytest.raises(Forbidden):
        call(container, "change_volunteer_status", actor=other, volunteer_id="v-li", action="retire")
    assert [v["id"] for v in call(container, "list_volunteers", actor=ADMIN, status="active", skill="sound")] == [
        "v-li"
    ]

    facts = outside.take(7)
    assert [f["type"] for f in facts] == [
        "volunteer.applied",
        "volunteer.applied",
        "volunteer.updated",
        "volunteer.approved",
        "volunteer.rejected",
        "volunteer.suspended",
        "volunteer.approved",
    ]
    approved = [f for f in facts if f["type"] == "volunteer.approved"]
    assert approved[0]["data"]["contact"]["phone"] == "13800138000"
    assert set(approved[0]["data"]["channels"]) == {"sms", "inbox"}
    assert approved[0]["subject"] == "v-li"
    outside.close()
    teams_standards_training_hours_and_stars(container)


def teams_standards_training_hours_and_stars(container):
    """Part two on the same container (one start per database keeps the suite quick): v-li is active."""

    # Teams: a village needs one amateur troupe of 10 or more (seed 001).
    def troupe(name, members, **extra):
        return {
            "name": name,
            "kind": "amateur_troupe",
            "specialty": "dance",
            "village": "龙溪村",
            "members": [{"name": f"队员{i}", "leader": i == 0} for i in range(members)],
            **extra,
        }

    with pytest.raises(Unprocessable):
        call(container, "create_team", actor=ADMIN, team=troupe("无专长", 3, specialty=None))
    with pytest.raises(Forbidden):
        call(container, "create_team", actor=person("v-li"), team=troupe("舞蹈队", 3))
    small = call(container, "create_team", actor=ORGANISER, team=troupe("龙溪村腰鼓队", 9))
    assert small["member_count"] == 9 and small["leader"]["name"] == "队员0" and len(small["members"]) == 9
    report = call(container, "team_standards", village="龙溪村")
    assert report["met"] is False and report["findings"][0]["code"] == "rule_unmet"
    assert any(f["code"] == "team_too_small" and f["team_id"] == small["id"] for f in report["findings"])
    bigger = call(
        container, "add_team_member", actor=ADMIN, team_id=small["id"], member={"name": "李明", "volunteer_id": "v-li"}
    )
    assert bigger["member_count"] == 10
    with pytest.raises(Conflict):
        call(
            container,
            "add_team_member",
            actor=ADMIN,
            team_id=small["id"],
            member={"name": "李明", "volunteer_id": "v-li"},
        )
    assert call(container, "team_standards", village="龙溪村")["met"] is True
    town = call(container, "team_standards", town="嘉平镇")
    assert town["met"] is False and [r["code"] for r in town["rules"]] == [
        "town_amateur_troupes",
        "town_volunteer_team",
    ]
    assert call(container, "get_team", team_id=small["id"])["members"] is None  # rosters for staff only
    with pytest.raises(Unprocessable):
        call(container, "team_standards", town="嘉平镇", village="龙溪村")

    # Training: yearly total against 40 h.
    for hours in (16, 16):
        call(
            container,
            "record_training",
            actor=ADMIN,
            volunteer_id="v-li",
            training={"course": "舞台音响", "provider": "区文化馆", "hours": hours, "on": "2026-03-02"},
        )
    summary = call(container, "training_summary", actor=person("v-li"), volunteer_id="v-li", year=2026)
    assert summary["hours"] == 32 and summary["met"] is False and summary["missing_hours"] == 8
    report = call(container, "training_report", actor=ADMIN, year=2026)
    assert report["people"] == [
        {"volunteer_id": "v-li", "name": "李明", "hours": 32.0, "met": False, "missing_hours": 8.0}
    ]

    # Hours and stars (thresholds lowered for the test: 3 h → one star).
    call(
        container,
        "log_hours",
        actor=ADMIN,
        volunteer_id="v-li",
        entry={"hours": 3.5, "on": "2026-11-01", "note": "农家书屋值守"},
    )
    log = call(container, "hours_log", actor=person("v-li"), volunteer_id="v-li")
    assert log["total_hours"] == 3.5 and log["stars"]["stars"] == 1 and log["entries"][0]["source"] == "manual"
    with pytest.raises(Conflict):  # only service at an event can be rated
        call(container, "rate_service", actor=ORGANISER, volunteer_id="v-li", rating={"event_id": "e-x", "rating": 5})
    with pytest.raises(Forbidden):
        call(container, "hours_log", actor=person("v-other"), volunteer_id="v-li")
