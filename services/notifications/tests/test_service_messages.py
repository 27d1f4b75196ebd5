"""From facts to messages, against a real broker, a real database, a real SMTP server (aiosmtpd in a
subprocess) and the development SMS store: audience, language, consent, quiet hours, exactly once."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from nameko.testing.services import entrypoint_waiter
from sqlalchemy import select, update

from contracts.errors import Forbidden, NotFound, Unprocessable
from contracts.events import RegistrationConfirmed, RegistrationWaitlisted
from contracts.venues import BookingConfirmed, BookingRequested
from contracts.volunteers import DispatchAccepted, DispatchOffered, VolunteerApproved
from services.notifications.channels.email_smtp import build_email, message_id_for, send_email
from services.notifications.channels.sms import DevSmsProvider
from services.notifications.domain.delivery_policy import dedupe_key
from services.notifications.tables import deliveries
from services.notifications.tests.helpers import WebhookReceiver, publish_fact, sms_lines, wait_for
from tests.callers import signed_hook

SHANGHAI = ZoneInfo("Asia/Shanghai")
ADMIN = {"sub": "admin-1", "role": "admin", "scopes": []}
NO_QUIET_HOURS = {"start": "00:00", "end": "00:00"}


def actor(sub, role="resident", scopes=()):
    return {"sub": sub, "role": role, "scopes": list(scopes)}


def rpc(container, method, **kwargs):
    with signed_hook(container, method) as call:
        return call(**kwargs)


def later(**delta):
    return datetime.now(timezone.utc) + timedelta(**delta)


def registration(fact=RegistrationConfirmed, person="p-li", **extra):
    return fact(
        registration_id=str(uuid.uuid4()),
        event_id="e-1",
        event_title="重阳节文艺汇演",
        start=later(days=3),
        place_name="嘉平镇文化站多功能厅",
        person_id=person,
        registered_by=person,
        **extra,
    )


def deliveries_of(engine, event_id):
    with engine.connect() as db:
        return db.execute(
            select(deliveries)
            .where(deliveries.c.event_id == event_id)
            .order_by(deliveries.c.recipient, deliveries.c.channel)
        ).all()


def settled(engine, event_id, count):
    rows = deliveries_of(engine, event_id)
    return rows if len(rows) == count and all(r.status not in ("pending", "sending") for r in rows) else None


def test_facts_become_one_message_per_person_and_channel(notifications, amqp_uri, smtp, db_kind):
    """A fact delivered twice is one message per person and channel; the audience comes from the fact's
    ids, roles and scopes; the language from the directory; a contact given with a booking is consent."""
    running = notifications()
    container, settings, engine = running.container, running.settings, running.engine
    container.start()
    li, en = f"li-{db_kind}-{uuid.uuid4().hex[:6]}", f"en-{db_kind}-{uuid.uuid4().hex[:6]}"
    rpc(
        container,
        "update_person",
        actor=actor(li),
        contact={
            "name": "李华",
            "phone": "138 1234 5678",
            "email": f"{li}@example.cn",
            "channels": ["sms", "email"],
            "quiet_hours": NO_QUIET_HOURS,
        },
    )
    rpc(
        container,
        "update_person",
        actor=ADMIN,
        person_id=en,
        contact={"email": f"{en}@example.cn", "channels": ["email"], "language": "en"},
    )

    confirmed = registration(person=li)
    event_id = str(uuid.uuid4())
    for _ in range(2):  # the same CloudEvent id twice: a redelivery
        with entrypoint_waiter(container, "on_registration_confirmed"):
            publish_fact(amqp_uri, confirmed, event_id=event_id)
    waitlisted = publish_fact(amqp_uri, registration(RegistrationWaitlisted, person=en, waitlist_position=3))

    rows = wait_for(lambda: settled(engine, event_id, 2))
    assert [(r.channel, r.status) for r in rows] == [("email", "sent"), ("sms", "sent")]
    [mail] = wait_for(lambda: smtp.to(f"{li}@example.cn"))
    assert mail["Subject"] == "预约成功：「重阳节文艺汇演」"
    assert "您已成功预约「重阳节文艺汇演」。" in mail.get_content()
    assert mail["Message-ID"] == message_id_for(dedupe_key(event_id, li, "email"), "wenyun.local")
    [sms] = [s for s in sms_lines(settings.sms_dev_path) if s["dedupe_key"] == dedupe_key(event_id, li, "sms")]
    assert sms["phone"] == "+8613812345678" and sms["text"].startswith("您已成功预约「重阳节文艺汇演」")

    [english] = wait_for(lambda: smtp.to(f"{en}@example.cn"))
    assert english["Subject"] == "On the waiting list: “重阳节文艺汇演”" and "position 3" in english.get_content()
    assert not [s for s in sms_lines(settings.sms_dev_path) if s["dedupe_key"].startswith(waitlisted["id"])]

    [message] = rpc(container, "inbox", actor=actor(li))
    assert message["event_id"] == event_id and message["read"] is False
    assert rpc(container, "read_message", actor=actor(li), message_id=message["id"])["read"] is True
    assert rpc(container, "inbox", actor=actor(li), unread_only=True) == []
    assert rpc(container, "mark_read", actor=actor(en)) == {"marked": 1}
    with pytest.raises(NotFound):
        rpc(container, "read_message", actor=actor(en), message_id=message["id"])  # not hers

    # Venue managers read booking requests through their scope; a phone booking for an elderly person
    # is texted to the phone given with it — consent for that booking only.
    rpc(container, "update_person", actor=ADMIN, person_id="elder-1", contact={"quiet_hours": NO_QUIET_HOURS})
    booking = dict(
        booking_id=str(uuid.uuid4()),
        venue_id="v-jp",
        venue_name="嘉平镇文化站",
        room_id="r-1",
        room_name="棋牌室",
        start=later(days=2),
        end=later(days=2, hours=2),
        status="confirmed",
        booker_id="elder-1",
        booked_by="desk-staff",
        channel="phone",
    )
    with entrypoint_waiter(container, "on_booking_requested"):
        requested = publish_fact(amqp_uri, BookingRequested(**{**booking, "status": "requested"}))
    booked = publish_fact(amqp_uri, BookingConfirmed(**booking, contact={"name": "王秀英", "phone": "13900001111"}))
    manager = rpc(container, "inbox", actor=actor("mgr-1", "venue_manager", ["venue:v-jp"]))
    assert [m["event_id"] for m in manager] == [requested["id"]] and "请及时审核" in manager[0]["body"]
    assert rpc(container, "inbox", actor=actor("mgr-2", "venue_manager", ["venue:v-other"])) == []
    [text] = wait_for(lambda: settled(engine, booked["id"], 1))
    assert (text.channel, text.address, text.status) == ("sms", "13900001111", "sent")
    assert "+8613900001111" in [s["phone"] for s in sms_lines(settings.sms_dev_path)]
    assert deliveries_of(engine, requested["id"]) == []  # no contact given with the request: inbox only
    assert rpc(container, "get_person", actor=ADMIN, person_id="elder-1")["channels"] == ["inbox"]

    # The directory: consent needs an address; only staff change someone else's entry.
    me = actor("res-1")
    assert rpc(container, "get_person", actor=me) == {
        "person_id": "res-1",
        "name": None,
        "phone": None,
        "email": None,
        "channels": ["inbox"],
        "language": "zh-CN",
        "quiet_hours": {"start": "22:00", "end": "08:00"},
        "updated_at": None,
        "updated_by": None,
    }
    saved = rpc(
        container,
        "update_person",
        actor=me,
        contact={
            "phone": "13800000000",
            "channels": ["sms"],
            "language": "en",
            "quiet_hours": {"start": "21:30", "end": "07:00"},
        },
    )
    assert saved["channels"] == ["inbox", "sms"] and saved["updated_by"] == "res-1"
    for bad in ({"channels": ["email"]}, {"quiet_hours": {"start": "25:00", "end": "07:00"}}, {"name": "a\x00"}):
        with pytest.raises(Unprocessable):
            rpc(container, "update_person", actor=me, contact=bad)
    with pytest.raises(Forbidden):
        rpc(container, "update_person", actor=me, person_id="someone-else", contact={})
    with pytest.raises(Forbidden):
        rpc(container, "get_person", actor=actor("vol-1", "volunteer"), person_id="res-1")
    for staff in (actor("org-1", "organiser"), actor("vm-1", "venue_manager")):  # docs/authorisation.md
        with pytest.raises(Forbidden):
            rpc(container, "get_person", actor=staff, person_id="res-1")
        with pytest.raises(Forbidden):
            rpc(container, "update_person", actor=staff, person_id="res-1", contact={"channels": ["inbox"]})
    assert rpc(container, "get_person", actor=ADMIN, person_id="res-1")["language"] == "en"


def test_dispatch_offers_follow_consent_and_quiet_hours(notifications, amqp_uri, smtp, db_kind):
    """SMS-only and e-mail-only volunteers get the offer (with its links) on their channel; a reminder
    and the confirmation follow; a non-urgent SMS waits for the end of quiet hours, an urgent one not."""
    running = notifications()
    container, settings, engine = running.container, running.settings, running.engine
    container.start()
    archive = WebhookReceiver().start()  # another district system subscribed to offers (issue #16 item 1)
    subscription = rpc(
        container,
        "create_webhook",
        actor=actor("district-archive", "subscriber"),
        subscription={"url": archive.url(), "event_types": ["dispatch.offered"]},
    )
    texter, mailer = f"vs-{uuid.uuid4().hex[:6]}", f"ve-{uuid.uuid4().hex[:6]}"
    for volunteer, contact, channels in (
        (texter, {"phone": "13500002222"}, ["sms"]),
        (mailer, {"email": f"{mailer}@example.cn", "phone": "13500003333"}, ["email"]),
    ):
        with entrypoint_waiter(container, "on_volunteer_approved"):
            publish_fact(
                amqp_uri,
                VolunteerApproved(
                    volunteer_id=volunteer, name="志愿者", channels=channels, contact={**contact, "name": "志愿者"}
                ),
            )
        known = rpc(container, "get_person", actor=actor(volunteer, "volunteer"))
        assert known["channels"] == sorted({"inbox", *channels}) and known["phone"] == contact["phone"]
        for field in ("person_id", "updated_at", "updated_by"):
            del known[field]
        rpc(
            container,
            "update_person",
            actor=actor(volunteer, "volunteer"),
            contact={**known, "quiet_hours": NO_QUIET_HOURS},
        )
    offers = {}
    for volunteer in (texter, mailer):
        links = {
            "accept_url": f"http://w.example.cn/o/{volunteer}.a/accept",
            "decline_url": f"http://w.example.cn/o/{volunteer}.d/decline",
        }
        offers[volunteer] = (
            links,
            publish_fact(
                amqp_uri,
                DispatchOffered(
                    offer_id=f"o-{volunteer}",
                    event_id="e-9",
                    event_title="中秋诗会",
                    volunteer_id=volunteer,
                    role="引导员",
                    start=later(days=6),
                    end=later(days=6, hours=2),
                    place_name="嘉平镇文化站",
                    deadline=later(days=2),
                    **links,
                ),
            ),
        )

    links, event = offers[texter]
    [row] = wait_for(lambda: settled(engine, event["id"], 1))
    assert (row.channel, row.status) == ("sms", "sent")
    [sms] = [s for s in sms_lines(settings.sms_dev_path) if s["dedupe_key"] == row.dedupe_key]
    assert f"接受：{links['accept_url']} " in sms["text"] and f"婉拒：{links['decline_url']}" in sms["text"]

    links, event = offers[mailer]
    [row] = wait_for(lambda: settled(engine, event["id"], 1))
    assert (row.channel, row.status) == ("email", "sent")  # a phone is known, but SMS was not agreed to
    [mail] = wait_for(lambda: [m for m in smtp.to(f"{mailer}@example.cn") if m["Subject"].startswith("志愿服务邀请")])
    assert links["accept_url"] in mail.get_content() and links["decline_url"] in mail.get_content()

    # The subscriber got both offers, without anything that answers them for the volunteer.
    delivered = wait_for(lambda: len(archive.accepted()) >= 2 and archive.accepted(), timeout=20)
    archive.stop()
    assert delivered and subscription["id"]
    for request in delivered:  # no link, token or its signature (all inside the URLs) in any delivery
        assert b"w.example.cn/o/" not in request["body"] and b"accept_url" not in request["body"]
        assert b".a/accept" not in request["body"] and b".d/decline" not in request["body"]

    reminder = publish_fact(
        amqp_uri,
        DispatchOffered(**{**DispatchOffered.model_validate(offers[texter][1]["data"]).model_dump(), "reminder": True}),
    )
    accepted = publish_fact(
        amqp_uri,
        DispatchAccepted(
            offer_id=f"o-{texter}",
            event_id="e-9",
            event_title="中秋诗会",
            volunteer_id=texter,
            role="引导员",
            start=later(days=6),
            end=later(days=6, hours=2),
            place_name="嘉平镇文化站",
        ),
    )
    wait_for(lambda: settled(engine, reminder["id"], 1) and settled(engine, accepted["id"], 1))
    texts = {s["dedupe_key"].split(":")[0]: s["text"] for s in sms_lines(settings.sms_dev_path)}
    assert texts[reminder["id"]].startswith("提醒：志愿服务邀请：「中秋诗会」")
    assert texts[accepted["id"]].startswith("您已确认参加「中秋诗会」志愿服务")

    # Quiet hours from an hour ago to an hour from now.
    now = datetime.now(SHANGHAI)
    quiet = {"start": (now - timedelta(hours=1)).strftime("%H:%M"), "end": (now + timedelta(hours=1)).strftime("%H:%M")}
    rpc(
        container,
        "update_person",
        actor=ADMIN,
        person_id="v-night",
        contact={
            "phone": "13700001111",
            "email": "night@example.cn",
            "channels": ["sms", "email"],
            "quiet_hours": quiet,
        },
    )
    calm = publish_fact(amqp_uri, registration(person="v-night"))  # three days ahead: can wait
    urgent = publish_fact(
        amqp_uri,
        DispatchOffered(
            **{**offers[texter][1]["data"], "volunteer_id": "v-night", "deadline": later(hours=3).isoformat()}
        ),
    )  # due soon
    rows = wait_for(
        lambda: (
            len(
                rs := [
                    r
                    for r in deliveries_of(engine, calm["id"])
                    if (r.channel, r.status) in (("sms", "pending"), ("email", "sent"))
                ]
            )
            == 2
            and rs
        )
    )
    assert {(r.channel, r.status) for r in rows} == {("email", "sent"), ("sms", "pending")}  # e-mail is never held
    [held] = [r for r in rows if r.channel == "sms"]
    morning = datetime.combine(now.date(), time.fromisoformat(quiet["end"]), tzinfo=SHANGHAI)
    morning += timedelta(days=1) if morning <= now else timedelta(0)
    assert held.not_before.astimezone(SHANGHAI).replace(second=0, microsecond=0) == morning
    rows = wait_for(lambda: settled(engine, urgent["id"], 2))
    assert {(r.channel, r.status) for r in rows} == {("email", "sent"), ("sms", "sent")}


def test_a_crash_between_sending_and_recording_sends_nothing_twice(notifications, amqp_uri, smtp, db_kind):
    """Stage what a process killed mid-send leaves behind — rows `sending` whose messages already went
    out — and restart: after the lease the SMS is handed over again and the provider drops the repeat;
    the e-mail becomes `unconfirmed` and is not sent again (at most once) until an operator resends it.
    (tests/system/test_notifications_flow.py kills a real process at that point.)"""
    first = notifications(send_interval=3600)  # sends once at start, then never: the "dead" process
    first.container.start()
    person = f"crash-{db_kind}-{uuid.uuid4().hex[:6]}"
    rpc(
        first.container,
        "update_person",
        actor=ADMIN,
        person_id=person,
        contact={
            "phone": "13600004444",
            "email": f"{person}@example.cn",
            "channels": ["sms", "email"],
            "quiet_hours": NO_QUIET_HOURS,
        },
    )
    with entrypoint_waiter(first.container, "on_registration_confirmed"):
        event = publish_fact(amqp_uri, registration(person=person))
    rows = deliveries_of(first.engine, event["id"])
    assert {(r.channel, r.status) for r in rows} == {("email", "pending"), ("sms", "pending")}
    for row in rows:  # claimed and handed over, then killed before recording
        if row.channel == "sms":
            DevSmsProvider(first.settings.sms_dev_path).send(row.address, row.body, row.dedupe_key)
        else:
            send_email(
                "127.0.0.1",
                smtp.port,
                build_email(first.settings.smtp_sender, row.address, row.subject, row.body, row.dedupe_key),
            )
    with first.engine.begin() as db:
        db.execute(
            update(deliveries)
            .where(deliveries.c.event_id == event["id"])
            .values(status="sending", claimed_at=later(seconds=-30), attempts=1)
        )
    first.container.stop()

    second = notifications(same_database_as=first)
    second.container.start()
    rows = wait_for(lambda: settled(second.engine, event["id"], 2))
    assert {(r.channel, r.status) for r in rows} == {("email", "unconfirmed"), ("sms", "sent")}
    assert len([s for s in sms_lines(second.settings.sms_dev_path) if s["dedupe_key"].startswith(event["id"])]) == 1
    assert len(smtp.to(f"{person}@example.cn")) == 1
    unconfirmed = rpc(second.container, "message_deliveries", actor=ADMIN, status="unconfirmed", event_id=event["id"])
    assert [d["channel"] for d in unconfirmed] == ["email"] and "interrupted" in unconfirmed[0]["last_error"]
    with pytest.raises(Forbidden):
        rpc(second.container, "message_deliveries", actor=actor(person))
    rpc(second.container, "resend_message", actor=ADMIN, delivery_id=unconfirmed[0]["id"])  # the operator's call
    mails = wait_for(lambda: len(smtp.to(f"{person}@example.cn")) == 2 and smtp.to(f"{person}@example.cn"))
    assert mails[0]["Message-ID"] == mails[1]["Message-ID"]  # a mail system deduplicating by Message-ID drops it
