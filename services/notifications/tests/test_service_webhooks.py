"""Webhooks against a real HTTP receiver on loopback: Standard Webhooks signatures, retries, dead
letters, replay, disabling a failing endpoint, and subscribers seeing only their own."""

from __future__ import annotations

import ipaddress
import json
import socket
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import standardwebhooks
from nameko.testing.services import entrypoint_waiter
from sqlalchemy import select

from contracts.errors import Conflict, Forbidden, NotFound, Unprocessable
from contracts.events import RegistrationConfirmed
from contracts.venues import BookingConfirmed, VenueClosed, VenueRegistered
from services.notifications.domain.webhook_targets import inward_kind
from services.notifications.tables import webhook_subscriptions
from services.notifications.tests.helpers import WebhookReceiver, publish_fact, wait_for
from tests.callers import signed_hook

ARCHIVE = {"sub": "district-archive", "role": "subscriber", "scopes": []}
STATS = {"sub": "district-stats", "role": "subscriber", "scopes": []}
ADMIN = {"sub": "admin-1", "role": "admin", "scopes": []}


def rpc(container, method, **kwargs):
    with signed_hook(container, method) as call:
        return call(**kwargs)


def venue_registered():
    return VenueRegistered(
        venue_id=str(uuid.uuid4()),
        name="石门村文化活动室",
        kind="village_centre",
        level="village",
        registered_by="admin-1",
    )


def in_state(container, owner, subscription_id, state, count):
    rows = rpc(container, "webhook_deliveries", actor=owner, subscription_id=subscription_id)
    return rows if len(rows) == count and all(r["state"] == state for r in rows) else None


@pytest.fixture
def receiver():
    running = WebhookReceiver().start()
    yield running
    running.stop()


def test_signed_deliveries_retry_dead_letter_replay_and_stay_private(notifications, amqp_uri, receiver):
    running = notifications(webhook_retry_delays=(0, 0.2, 0.4))
    container = running.container
    container.start()
    started = datetime.now(timezone.utc) - timedelta(seconds=1)
    archive = rpc(
        container,
        "create_webhook",
        actor=ARCHIVE,
        subscription={"url": receiver.url("/archive"), "event_types": ["venue.*"], "description": "区档案馆"},
    )
    stats = rpc(
        container,
        "create_webhook",
        actor=STATS,
        subscription={"url": receiver.url("/stats"), "event_types": ["booking.confirmed"]},
    )
    assert archive["secret"].startswith("whsec_") and "secret" not in rpc(
        container, "get_webhook", actor=ARCHIVE, subscription_id=archive["id"]
    )
    with running.engine.connect() as db:  # encrypted at rest: a copy of the database cannot sign deliveries
        stored = db.execute(
            select(webhook_subscriptions.c.secret).where(webhook_subscriptions.c.id == archive["id"])
        ).scalar_one()
    assert stored.startswith("enc1:") and archive["secret"].removeprefix("whsec_") not in stored

    # A subscriber sees only its own subscriptions and deliveries.
    assert [s["id"] for s in rpc(container, "list_webhooks", actor=STATS)] == [stats["id"]]
    for method, args in (
        ("get_webhook", {}),
        ("webhook_deliveries", {}),
        ("delete_webhook", {}),
        ("update_webhook", {"changes": {"description": "mine now"}}),
    ):
        with pytest.raises(NotFound):
            rpc(container, method, actor=STATS, subscription_id=archive["id"], **args)
    with pytest.raises(Forbidden):
        rpc(container, "list_webhooks", actor={"sub": "res-1", "role": "resident", "scopes": []})
    for bad in (["venue.paintd"], ["book*"], ["*.*.*"]):
        with pytest.raises(Unprocessable):
            rpc(container, "create_webhook", actor=ARCHIVE, subscription={"url": receiver.url(), "event_types": bad})

    receiver.statuses["/archive"] = 500  # the archive's receiver is broken for now
    registered = publish_fact(amqp_uri, venue_registered())
    closed = publish_fact(
        amqp_uri,
        VenueClosed(
            closure_id="c-1",
            venue_id="v-1",
            venue_name="嘉平镇文化站",
            start=datetime.now(timezone.utc),
            expected_reopening=datetime.now(timezone.utc) + timedelta(days=7),
            reason="设备检修",
        ),
    )
    booked = publish_fact(
        amqp_uri,
        BookingConfirmed(
            booking_id="b-1",
            venue_id="v-1",
            venue_name="嘉平镇文化站",
            room_id="r-1",
            room_name="多功能厅",
            start=datetime.now(timezone.utc) + timedelta(days=1),
            end=datetime.now(timezone.utc) + timedelta(days=1, hours=2),
            status="confirmed",
            booker_id="org-1",
            booked_by="org-1",
        ),
    )

    failed = wait_for(lambda: in_state(container, ARCHIVE, archive["id"], "failed", 2))
    assert failed, rpc(container, "webhook_deliveries", actor=ARCHIVE, subscription_id=archive["id"])
    assert {d["event_id"] for d in failed} == {registered["id"], closed["id"]}
    assert [a["status_code"] for a in failed[0]["log"]] == [500, 500, 500]  # the whole schedule, then dead
    assert rpc(container, "webhook_deliveries", actor=ARCHIVE, subscription_id=archive["id"], state="pending") == []
    [ok] = wait_for(lambda: in_state(container, STATS, stats["id"], "succeeded", 1))
    assert ok["event_id"] == booked["id"] and ok["attempts"] == 1

    receiver.statuses["/archive"] = 200  # fixed: replay every failure since the start
    replayed = rpc(
        container,
        "replay_webhook_failures",
        actor=ARCHIVE,
        subscription_id=archive["id"],
        replay={"since": started.isoformat()},
    )
    assert replayed["replayed"] == 2
    assert wait_for(lambda: in_state(container, ARCHIVE, archive["id"], "succeeded", 2))
    accepted = receiver.accepted("/archive")
    assert sorted(r["headers"]["webhook-id"] for r in accepted) == sorted([registered["id"], closed["id"]])
    for request in accepted + receiver.seen("/stats"):
        secret = archive["secret"] if request["path"] == "/archive" else stats["secret"]
        standardwebhooks.Webhook(secret).verify(request["body"], request["headers"])
        body = json.loads(request["body"])
        assert body["id"] == request["headers"]["webhook-id"] and body["specversion"] == "1.0"
        assert request["headers"]["content-type"] == "application/cloudevents+json"
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        standardwebhooks.Webhook(stats["secret"]).verify(accepted[0]["body"], accepted[0]["headers"])

    # Replay one delivery: one more attempt, same webhook-id; a pending one cannot be replayed.
    one = failed[0]["id"]
    rpc(container, "replay_webhook_delivery", actor=ARCHIVE, subscription_id=archive["id"], delivery_id=one)
    assert wait_for(lambda: len(receiver.accepted("/archive")) == 3)
    assert sum(r["headers"]["webhook-id"] == failed[0]["event_id"] for r in receiver.accepted("/archive")) == 2
    with pytest.raises(NotFound):
        rpc(container, "replay_webhook_delivery", actor=STATS, subscription_id=archive["id"], delivery_id=one)
    rpc(container, "delete_webhook", actor=STATS, subscription_id=stats["id"])
    assert rpc(container, "list_webhooks", actor=STATS) == []


def test_without_outside_parties_endpoints_are_disabled_and_email_skipped(notifications, amqp_uri):
    """An endpoint failing for "days" (shrunk to 0.3 s: two refused attempts 0.5 s apart) is disabled
    and its owner told; with no SMTP server configured (development) e-mail is skipped, not failed."""
    running = notifications(webhook_retry_delays=(0, 0.5), webhook_disable_after_days=0.3 / 86400, smtp_host=None)
    container = running.container
    container.start()
    receiver = WebhookReceiver()  # not listening: connections are refused
    subscription = rpc(container, "create_webhook", actor=ARCHIVE, subscription={"url": receiver.url()})
    first = publish_fact(amqp_uri, venue_registered())

    disabled = wait_for(
        lambda: (
            (s := rpc(container, "get_webhook", actor=ARCHIVE, subscription_id=subscription["id"]))["status"]
            == "disabled"
            and s
        )
    )
    assert disabled and "failing since" in disabled["disabled_reason"]
    [told] = [m for m in rpc(container, "inbox", actor=ARCHIVE) if m["event_type"] == "webhook.disabled"]
    assert receiver.url() in told["body"] and "已停用" in told["subject"]
    [dead] = rpc(container, "webhook_deliveries", actor=ARCHIVE, subscription_id=subscription["id"])
    assert dead["state"] == "failed" and "ConnectError" in dead["log"][0]["error"]
    with entrypoint_waiter(container, "on_venue_registered"):
        publish_fact(amqp_uri, venue_registered())  # a disabled endpoint gets no new deliveries
    with pytest.raises(Conflict):
        rpc(
            container,
            "replay_webhook_delivery",
            actor=ARCHIVE,
            subscription_id=subscription["id"],
            delivery_id=dead["id"],
        )

    receiver.start()
    try:
        assert (
            rpc(
                container,
                "update_webhook",
                actor=ARCHIVE,
                subscription_id=subscription["id"],
                changes={"enabled": True},
            )["status"]
            == "active"
        )
        rpc(
            container,
            "replay_webhook_delivery",
            actor=ARCHIVE,
            subscription_id=subscription["id"],
            delivery_id=dead["id"],
        )
        [done] = wait_for(lambda: in_state(container, ARCHIVE, subscription["id"], "succeeded", 1))
        assert done["event_id"] == first["id"]
        assert [r["headers"]["webhook-id"] for r in receiver.accepted()] == [first["id"]]
    finally:
        receiver.stop()

    registered = publish_fact(
        amqp_uri,
        RegistrationConfirmed(
            registration_id="r-1",
            event_id="e-1",
            event_title="讲座",
            start=datetime.now(timezone.utc) + timedelta(days=2),
            place_name="文化站",
            person_id="p-dev",
            registered_by="p-dev",
            contact={"email": "dev@example.cn"},
        ),
    )
    [skipped] = wait_for(
        lambda: [
            d
            for d in rpc(container, "message_deliveries", actor=ADMIN, event_id=registered["id"])
            if d["status"] not in ("pending", "sending")
        ]
    )
    assert skipped["status"] == "skipped" and "SMTP_HOST" in skipped["last_error"]  # logged, not failed
    assert [m["event_id"] for m in rpc(container, "inbox", actor={"sub": "p-dev", "role": "resident"})] == [
        registered["id"]
    ]


def test_inward_targets_are_refused_at_registration_and_again_at_delivery(notifications, amqp_uri, receiver):
    """By default loopback, link-local and intranet targets are refused (422 with the reason), a DNS name
    resolving there too; a name that resolves inward only by the time of delivery is not called."""
    running = notifications(webhook_allowed_networks=())
    container = running.container
    container.start()
    # This machine's own name: a DNS name (not a literal IP, not the platform's "localhost") that resolves
    # inward (loopback here; a private address in most containers).
    inward_name = socket.gethostname()
    inward = inward_kind(ipaddress.ip_address(socket.gethostbyname(inward_name)))
    assert inward, f"{inward_name} resolves outward on this machine; the test needs a name resolving inward"
    for url in (
        f"http://localhost:{receiver.port}/hook",
        f"http://{inward_name}:{receiver.port}/hook",
        receiver.url(),
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]:15672/api/overview",
        "http://10.0.0.7/",
    ):
        with pytest.raises(Unprocessable) as refused:
            rpc(container, "create_webhook", actor=ARCHIVE, subscription={"url": url})
        assert "refused" in str(refused.value) and refused.value.extra["reason"]
    assert "loopback" in refused.value.extra["reason"] or "private" in refused.value.extra["reason"]

    # Registered while the name pointed outward (written as the API would have): today it resolves to loopback.
    now = datetime.now(timezone.utc)
    with running.engine.begin() as db:
        db.execute(
            webhook_subscriptions.insert().values(
                id="sub-rebound",
                owner=ARCHIVE["sub"],
                url=f"http://{inward_name}:{receiver.port}/rebound",
                description="",
                event_types=["venue.registered"],
                secret="whsec_" + "A" * 32,
                status="active",
                created_at=now,
                updated_at=now,
            )
        )
    publish_fact(amqp_uri, venue_registered())
    [attempt] = wait_for(
        lambda: [
            a
            for d in rpc(container, "webhook_deliveries", actor=ARCHIVE, subscription_id="sub-rebound")
            for a in d["log"]
        ][:1]
    )
    assert attempt["status_code"] is None and "webhook target policy" in attempt["error"]
    assert inward in attempt["error"] and receiver.seen() == []
