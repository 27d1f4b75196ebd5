"""Notifications with every process running, driven over HTTP and AMQP only (PostgreSQL):
- a webhook receiver that is down, then failing, then back gets every event once per delivery id,
  each verifying with `standardwebhooks`;
- a volunteer with SMS consent gets the dispatch offer by SMS with working links, one with e-mail
  only gets it by e-mail;
- the example subscriber (examples/subscriber.py, started as docs/subscribing.md says) prints the
  venue.registered CloudEvent of a venue created through the gateway;
- killing notifications mid-send and restarting it sends no duplicate e-mail (counted at a real SMTP
  server) or SMS (counted in the development SMS store).
The volunteers' and events' facts are published onto their exchanges with kombu, as those services'
relays would. One platform for the module (the kill test comes last)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from datetime import datetime, timedelta, timezone

import httpx
import pytest
import standardwebhooks

from contracts.events import RegistrationConfirmed
from contracts.volunteers import DispatchOffered, VolunteerApproved
from services.notifications.tests.helpers import SmtpSink, WebhookReceiver, publish_fact, sms_lines, wait_for
from tests.platform import ROOT, Platform

SETTINGS = {
    "NOTIFICATIONS_SEND_INTERVAL": "0.2",
    "NOTIFICATIONS_WEBHOOK_INTERVAL": "0.2",
    "NOTIFICATIONS_SEND_LEASE": "2",
    "NOTIFICATIONS_WEBHOOK_RETRY_DELAYS": "0,0.3,0.5,0.5,1,1,2,2,3,3",
    "NOTIFICATIONS_WEBHOOK_TIMEOUT": "2",
}
NO_QUIET_HOURS = {"start": "00:00", "end": "00:00"}


@pytest.fixture(scope="module")
def smtp(tmp_path_factory):
    sink = SmtpSink(tmp_path_factory.mktemp("smtp")).start()
    yield sink
    sink.stop()


@pytest.fixture(scope="module")
def platform(module_amqp_uri, tmp_path_factory, smtp):  # overrides the function-scoped one, for this module
    """Like `shared_platform`, with notifications pointed at the test's SMTP server and short schedules."""
    running = Platform(
        module_amqp_uri,
        tmp_path_factory.mktemp("platform"),
        extra_env={"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp.port), **SETTINGS},
    ).start_all()
    yield running
    running.stop_all()


def venue(name: str) -> dict:
    return {"name": name, "kind": "village_centre", "level": "village", "town": "嘉平镇", "village": name[:3]}


def later(**delta) -> datetime:
    return datetime.now(timezone.utc) + timedelta(**delta)


def deliveries(platform, event_id: str) -> list[dict]:
    with platform.client("admin") as admin:
        response = admin.get("/api/v1/notifications/deliveries", params={"event_id": event_id})
        assert response.status_code == 200, response.text
        return response.json()


def settled(platform, event_id: str, count: int):
    rows = deliveries(platform, event_id)
    return rows if len(rows) == count and all(r["status"] not in ("pending", "sending") for r in rows) else None


def test_a_webhook_receiver_that_was_down_gets_every_event_once(platform):
    receiver = WebhookReceiver()  # not listening yet: connection refused
    archive = platform.client("subscriber", sub="district-archive")
    created = archive.post(
        "/api/v1/webhooks",
        json={
            "url": receiver.url("/hook"),
            "description": "区档案馆",
            "event_types": ["venue.registered", "dispatch.offered"],
        },
    )
    assert created.status_code == 201, created.text
    subscription = created.json()
    assert subscription["secret"].startswith("whsec_")
    log_url = f"/api/v1/webhooks/{subscription['id']}/deliveries"
    with platform.client("subscriber", sub="district-stats") as other:  # only one's own
        assert other.get(f"/api/v1/webhooks/{subscription['id']}").status_code == 404
        assert other.get(log_url).status_code == 404
        assert other.get("/api/v1/webhooks").json() == []
    with platform.client("resident") as resident:
        assert resident.post("/api/v1/webhooks", json={"url": receiver.url()}).status_code == 403
    assert archive.post("/api/v1/webhooks", json={"url": "ftp://x.example.cn/"}).status_code == 422
    assert (
        archive.post("/api/v1/webhooks", json={"url": receiver.url(), "event_types": ["venue.paintd"]}).status_code
        == 422
    )

    with platform.client("admin") as admin:
        venue_ids = [
            admin.post("/api/v1/venues", json=venue(f"{n}村文化活动室")).json()["id"] for n in ("石门", "龙池", "清溪")
        ]

    def log():
        return archive.get(log_url).json()

    # Down: every delivery has been refused at least once.
    assert wait_for(lambda: len(rows := log()) == 3 and all(r["log"] and r["log"][0]["error"] for r in rows)), log()
    receiver.statuses["/hook"] = 500
    receiver.start()
    try:
        # Failing: every delivery reached the receiver and got a 500.
        assert wait_for(lambda: len({r["headers"]["webhook-id"] for r in receiver.seen("/hook")}) == 3, timeout=20)
        receiver.statuses["/hook"] = 200  # back
        assert wait_for(lambda: all(r["state"] == "succeeded" for r in log()), timeout=30), log()
    finally:
        receiver.stop()

    accepted = receiver.accepted("/hook")
    ids = [r["headers"]["webhook-id"] for r in accepted]
    assert len(ids) == len(set(ids)) == 3  # every event, once per delivery id
    received = []
    for request in accepted:
        standardwebhooks.Webhook(subscription["secret"]).verify(request["body"], request["headers"])
        received.append(json.loads(request["body"]))
    assert sorted(e["data"]["venue_id"] for e in received) == sorted(venue_ids)
    assert all(e["type"] == "venue.registered" and e["id"] == h for e, h in zip(received, ids))
    for row in log():
        statuses = [a["status_code"] for a in row["log"]]
        assert statuses[0] is None and 500 in statuses and statuses[-1] == 200, row["log"]
    archive.close()


def test_dispatch_offer_reaches_each_volunteer_on_the_channel_they_agreed_to(platform, smtp):
    link_server = WebhookReceiver().start()  # where the offer links lead (the volunteers service's pages)
    sms_store = platform.workdir / "var" / "sms-dev.jsonl"
    texter, mailer = f"vol-sms-{uuid.uuid4().hex[:6]}", f"vol-mail-{uuid.uuid4().hex[:6]}"
    try:
        for volunteer, contact, channels in (
            (texter, {"phone": "13512345678"}, ["sms", "inbox"]),
            (mailer, {"email": f"{mailer}@example.cn"}, ["email", "inbox"]),
        ):
            publish_fact(
                platform.amqp_uri,
                VolunteerApproved(
                    volunteer_id=volunteer, name="志愿者", channels=channels, contact={"name": "志愿者", **contact}
                ),
            )
        with platform.client("admin") as admin:
            assert wait_for(
                lambda: all(
                    "inbox" in admin.get(f"/api/v1/people/{v}").json()["channels"]
                    and len(admin.get(f"/api/v1/people/{v}").json()["channels"]) == 2
                    for v in (texter, mailer)
                )
            )
        offers = {}
        for volunteer in (texter, mailer):
            token = uuid.uuid4().hex
            links = {
                "accept_url": link_server.url(f"/o/{token}/accept"),
                "decline_url": link_server.url(f"/o/{token}/decline"),
            }
            # The answer is due in 5 hours: urgent, so the SMS goes out even at night.
            offers[volunteer] = (
                links,
                publish_fact(
                    platform.amqp_uri,
                    DispatchOffered(
                        offer_id=f"offer-{token}",
                        event_id="e-moon",
                        event_title="中秋送戏下乡",
                        volunteer_id=volunteer,
                        role="舞台协助",
                        start=later(days=1),
                        end=later(days=1, hours=3),
                        place_name="石门村文化广场",
                        deadline=later(hours=5),
                        **links,
                    ),
                ),
            )

        links, event = offers[texter]
        [row] = wait_for(lambda: settled(platform, event["id"], 1))
        assert (row["channel"], row["status"], row["recipient"]) == ("sms", "sent", texter)
        [sms] = [s for s in sms_lines(sms_store) if s["dedupe_key"] == row["dedupe_key"]]
        assert sms["phone"] == "+8613512345678"
        found = re.findall(r"https?://\S+", sms["text"])
        assert found == [links["accept_url"], links["decline_url"]]
        for url in found:  # the links work: they lead to the offer's page, token intact
            assert httpx.get(url, timeout=5).status_code == 200
        assert [r["path"] for r in link_server.seen(method="GET")] == [
            links["accept_url"].split(str(link_server.port))[1],
            links["decline_url"].split(str(link_server.port))[1],
        ]

        links, event = offers[mailer]
        [row] = wait_for(lambda: settled(platform, event["id"], 1))
        assert (row["channel"], row["status"]) == ("email", "sent")
        [mail] = wait_for(lambda: [m for m in smtp.to(f"{mailer}@example.cn") if "志愿服务邀请" in m["Subject"]])
        assert mail["Subject"] == "志愿服务邀请：「中秋送戏下乡」"
        assert links["accept_url"] in mail.get_content() and links["decline_url"] in mail.get_content()
        assert not [s for s in sms_lines(sms_store) if s["dedupe_key"].startswith(event["id"])]

        with platform.client("volunteer", sub=texter) as volunteer:  # and both are in the inbox
            inbox = volunteer.get("/api/v1/inbox", params={"unread": True}).json()
            offer = next(m for m in inbox if m["event_id"] == offers[texter][1]["id"])
            assert volunteer.post(f"/api/v1/inbox/{offer['id']}/read").json()["read"] is True
            assert volunteer.post("/api/v1/inbox/read-all").json()["marked"] == len(inbox) - 1
            assert volunteer.post("/api/v1/inbox/no-such-message/read").status_code == 404
    finally:
        link_server.stop()


def test_the_example_subscriber_prints_a_venue_registered_cloudevent(platform, tmp_path):
    output = tmp_path / "subscriber.out"
    env = {**os.environ, "AMQP_URI": platform.amqp_uri, "WENYUN_SUBSCRIBER_QUEUE": f"example-{uuid.uuid4().hex[:6]}"}
    with open(output, "wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "examples/subscriber.py"], cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT
        )
    try:
        assert wait_for(lambda: "listening on queue" in output.read_text(), timeout=20), output.read_text()
        with platform.client("admin") as admin:
            created = admin.post("/api/v1/venues", json=venue("白沙村文化活动室"))
            assert created.status_code == 201
        venue_id = created.json()["id"]
        text = wait_for(lambda: venue_id in (t := output.read_text()) and t, timeout=20)
        assert text, output.read_text()
        block = text[text.index("venue.registered") :]
        assert "source=/wenyun/venues" in block and f"subject={venue_id}" in block
        assert re.search(r"venue\.registered  id=[0-9a-f-]{36}", block)
        assert '"name": "白沙村文化活动室"' in block
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_killing_notifications_mid_send_sends_no_duplicate(platform, smtp):
    """Killed right after handing over an e-mail (before recording it), then right after handing over an
    SMS, then restarted: every person gets each message once at the SMTP server and the SMS store."""
    sms_store = platform.workdir / "var" / "sms-dev.jsonl"
    people = [f"resident-{uuid.uuid4().hex[:6]}" for _ in range(2)]
    with platform.client("admin") as admin:
        for person in people:
            response = admin.put(
                f"/api/v1/people/{person}",
                json={
                    "name": "王秀英",
                    "phone": "13900001111",
                    "email": f"{person}@example.cn",
                    "channels": ["sms", "email"],
                    "quiet_hours": NO_QUIET_HOURS,
                },
            )
            assert response.status_code == 200, response.text
    platform.kill("notifications")
    platform.start("notifications", WENYUN_FAULT="notifications_crash_after_send:email")
    platform.wait_service("notifications")
    events = [
        publish_fact(
            platform.amqp_uri,
            RegistrationConfirmed(
                registration_id=str(uuid.uuid4()),
                event_id="e-chongyang",
                event_title="重阳节文艺汇演",
                start=later(days=4),
                place_name="嘉平镇文化站多功能厅",
                person_id=person,
                registered_by="desk-1",
                channel="desk",
            ),
        )
        for person in people
    ]
    assert platform.wait_exit("notifications", timeout=30) == 17  # died after an e-mail went out
    platform.start("notifications", WENYUN_FAULT="notifications_crash_after_send:sms")
    assert platform.wait_exit("notifications", timeout=30) == 17  # died after an SMS went out
    platform.start("notifications")
    platform.wait_service("notifications")

    rows = [wait_for(lambda e=e: settled(platform, e["id"], 2), timeout=30) for e in events]
    assert all(rows), [deliveries(platform, e["id"]) for e in events]
    statuses = sorted((r["channel"], r["status"]) for pair in rows for r in pair)
    # The e-mail in flight at the first kill is `unconfirmed` (not sent again); the SMS in flight at the
    # second was handed over again after the lease and the provider dropped the repeat.
    assert statuses == [("email", "sent"), ("email", "unconfirmed"), ("sms", "sent"), ("sms", "sent")]
    for person in people:
        assert len(smtp.to(f"{person}@example.cn")) == 1
    keys = [s["dedupe_key"] for s in sms_lines(sms_store) if s["dedupe_key"].split(":")[0] in {e["id"] for e in events}]
    assert len(keys) == len(set(keys)) == 2
