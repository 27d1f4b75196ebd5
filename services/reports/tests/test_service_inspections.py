"""Inspections and self-inspections of a centre (real container, SQLite and PostgreSQL): the checklist is
evaluated from the facts, rectification items are tracked to closed, the self-inspection report sums it up."""

from __future__ import annotations

import json
import re
import time
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, select

from contracts.accounts import AccountClosed
from contracts.errors import Conflict, Forbidden, Unprocessable
from contracts.events import EventCompleted, EventPublished, RegistrationConfirmed
from services.reports.tables import fact_log, rm_registrations, survey_contacts, survey_invitations
from services.reports.tests.conftest import ADMIN, publish_facts
from tests.district_year import LOCAL, expected_opening, generate


def test_a_self_inspection_from_the_facts_with_rectification_tracked_to_closed(reports):
    g = generate(months=2)
    publish_facts(reports.amqp_uri, g.facts)
    assert reports.wait_logged(len(g.facts), timeout=40) == len(g.facts)
    shimen = g.village_venues["石门村"]
    manager = {"sub": "m-1", "role": "venue_manager", "scopes": [f"venue:{shimen}"], "name": "程必群"}

    with pytest.raises(Forbidden):  # a manager self-inspects; inspections are the district's
        reports.open_inspection(actor=manager, inspection={"venue_id": shimen, "period": "2026"})
    report = reports.open_inspection(
        actor=manager,
        inspection={"venue_id": shimen, "period": "2026", "kind": "self_inspection", "findings": "图书室借阅登记不全"},
    )
    items = {i["code"]: i for i in report["checklist"]}
    done = [e for e in g.events if e["village"] == "石门村" and e["completed"]]
    assert items["activities"]["actual"] == len(done) and items["activities"]["required"] == 12
    assert items["activities"]["met"] is (len(done) >= 12)
    assert items["mobile_performance"]["met"] is False  # nothing since February: unserved for 4 months
    # Opening hours week by week from the published hours, exceptions and holidays (not checked on site now).
    year = (datetime(2026, 1, 1, tzinfo=LOCAL), datetime(2027, 1, 1, tzinfo=LOCAL))
    opening = expected_opening(g, *year, [shimen])
    assert items["opening_hours"]["required"] == opening["opening_weeks"] == 52
    assert items["opening_hours"]["actual"] == opening["opening_weeks_compliant"] < 52
    assert items["opening_hours"]["met"] is False
    assert items["visit_register"]["met"] is (any(v == shimen for v, _day, _c in g.visits))
    assert items["registers"]["met"] is None  # checked on site
    assert report["inspector"] == "程必群" and report["venue"] == "石门村综合文化服务中心"

    due = date.today() + timedelta(days=30)
    item = reports.add_rectification(
        actor=manager,
        inspection_id=report["id"],
        item={"description": "补齐借阅登记", "owner": "程必群", "due_on": due.isoformat()},
    )
    assert item["status"] == "open" and item["overdue"] is False
    with pytest.raises(Unprocessable):
        reports.add_rectification(
            actor=manager,
            inspection_id=report["id"],
            item={"description": "过期", "owner": "x", "due_on": (date.today() - timedelta(days=40)).isoformat()},
        )
    closed = reports.close_rectification(actor=manager, rectification_id=item["id"], closing={"note": "已补登"})
    assert closed["status"] == "closed" and closed["closing_note"] == "已补登"
    with pytest.raises(Conflict):
        reports.close_rectification(actor=manager, rectification_id=item["id"], closing={"note": "again"})
    summary = reports.get_inspection(actor=ADMIN, inspection_id=report["id"])["summary"]
    assert (summary["rectifications_open"], summary["rectifications_closed"]) == (0, 1)
    assert summary["standards_unmet"] >= 1 and summary["to_check_on_site"] == 2  # opening hours: from facts now

    progress = reports.monthly_progress(actor=ADMIN, year=2026)
    january = {u["name"]: u for u in progress[0]["units"]}
    assert january["全区"]["activities"] == len([e for e in g.events if e["completed"] and e["start"].month == 1])
    assert [m["month"] for m in progress] == [f"2026-{m:02d}" for m in range(1, 13)]
    with pytest.raises(Forbidden):
        reports.monthly_progress(actor={"sub": "r", "role": "resident", "scopes": []}, year=2026)

    # The evaluator's export: every completed activity of the period, nothing that identifies anyone.
    export = reports.evaluator_export(actor=ADMIN, period="2026")
    completed = [e for e in g.events if e["completed"]]
    assert len(export["events"]) == len(completed) and export["events"][0]["ref"] == "E001"
    assert sum(e["attended"] for e in export["events"]) == sum(e["attended"] for e in completed)
    assert sum(e["ratings"] for e in export["events"]) == len(g.ratings)
    text = json.dumps(export, ensure_ascii=False)
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", text) and "resident-" not in text and "organiser" not in text
    for e in g.events:
        assert e["organiser"] not in text
    with pytest.raises(Forbidden):
        reports.evaluator_export(actor=manager, period="2026")


def test_a_survey_asks_a_random_sample_of_recent_attendees_once_each_and_aggregates_per_venue(reports):
    g = generate(months=1)
    now = datetime.now(timezone.utc)
    village = "石门村"
    common = dict(
        event_id=str(uuid.uuid4()),
        title="送文化下乡·川剧",
        kind="mobile_performance",
        target_groups=["elderly"],
        organiser_id="organiser-1",
        place_name="石门村晒坝",
        town="嘉平镇",
        village=village,
        start=now - timedelta(days=2),
        end=now - timedelta(days=2) + timedelta(hours=2),
        sequence=0,
    )
    facts = [f for f in g.facts if f[0].event_type == "venue.registered"]
    facts.append((EventPublished(**common), now - timedelta(days=9)))
    for n in range(3):
        facts.append(
            (
                RegistrationConfirmed(
                    registration_id=str(uuid.uuid4()),
                    event_id=common["event_id"],
                    event_title=common["title"],
                    start=common["start"],
                    place_name=common["place_name"],
                    person_id=f"person-{n}",
                    person_name=f"居民{n}",
                    party_size=1,
                    channel="online",
                    registered_by=f"person-{n}",
                ),
                now - timedelta(days=5),
            )
        )
    facts.append((EventCompleted(**common, attended=3), now - timedelta(days=1)))
    publish_facts(reports.amqp_uri, facts)
    assert reports.wait_logged(len(facts), timeout=30) == len(facts)

    with pytest.raises(Forbidden):
        reports.start_survey(actor={"sub": "o", "role": "organiser", "scopes": []}, survey={})
    survey = reports.start_survey(actor=ADMIN, survey={"days": 7, "sample_size": 2})
    assert (survey["eligible_people"], survey["invited"]) == (3, 2)
    engine = create_engine(reports.database_url)
    with engine.connect() as conn:
        invited = conn.execute(select(survey_invitations.c.id, survey_invitations.c.person_id)).all()
    engine.dispose()
    assert len(invited) == 2 and {p for _i, p in invited} <= {"person-0", "person-1", "person-2"}
    (first, first_person), (second, second_person) = invited
    with pytest.raises(Forbidden):  # only the person invited answers
        reports.answer_survey(
            actor={"sub": second_person, "role": "resident", "scopes": []}, invitation_id=first, answer={"rating": 5}
        )
    reports.answer_survey(
        actor={"sub": first_person, "role": "resident", "scopes": []}, invitation_id=first, answer={"rating": 4}
    )
    with pytest.raises(Conflict):  # once
        reports.answer_survey(
            actor={"sub": first_person, "role": "resident", "scopes": []}, invitation_id=first, answer={"rating": 1}
        )
    results = reports.survey_results(actor=ADMIN, survey_id=survey["id"])
    assert (results["invited"], results["answered"]) == (2, 1)
    assert results["per_venue"] == [
        {
            "venue": "石门村综合文化服务中心",
            "invited": 2,
            "answered": 1,
            "satisfaction_mean": 4.0,
            "distribution": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0},
        }
    ]

    # The log and the read models hold pseudonyms, never the person's id or name; distinct people still count.
    engine = create_engine(reports.database_url)
    with engine.connect() as conn:
        logged = " ".join(conn.execute(select(fact_log.c.data)).scalars())
        people = set(conn.execute(select(rm_registrations.c.person_id)).scalars())
    assert "person-" not in logged and "居民" not in logged
    assert len(people) == 3 and all(p.startswith("p_") for p in people)
    report = reports.district_report(actor=ADMIN, period=str(now.astimezone(LOCAL).year))
    assert next(u for u in report["units"] if u["scope"] == "district")["people_registered"] == 3

    # A closed account (PIPL): no survey reaches them again; the answer they gave stays, under the pseudonym.
    publish_facts(
        reports.amqp_uri,
        [(AccountClosed(account_id=first_person, person_ids=[first_person], closed_at=now), now)],
    )
    deadline = time.time() + 20
    while time.time() < deadline:
        with engine.connect() as conn:
            contacts = set(conn.execute(select(survey_contacts.c.person_id)).scalars())
            invitees = set(conn.execute(select(survey_invitations.c.person_id)).scalars())
        if first_person not in contacts | invitees:
            break
        time.sleep(0.2)
    engine.dispose()
    assert first_person not in contacts and len(contacts) == 2
    assert first_person not in invitees and second_person in invitees
    assert reports.survey_results(actor=ADMIN, survey_id=survey["id"])["answered"] == 1
