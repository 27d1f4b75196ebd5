from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from services.notifications.domain.delivery_policy import (
    Channel,
    Contact,
    PlannedSend,
    Preferences,
    dedupe_key,
    end_of_quiet_hours,
    in_quiet_hours,
    is_urgent,
    plan_delivery,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
ALL = Preferences(channels={"sms", "email"})
REACHABLE = Contact(email="li.hua@example.cn", phone="13812345678")


def at(hour, minute=0, day=24):
    return datetime(2025, 11, day, hour, minute, tzinfo=SHANGHAI)


def channels(plan):
    return [send.channel for send in plan]


# --- preferences -------------------------------------------------------------------------


def test_preferences_defaults_and_coercion():
    prefs = Preferences()
    assert prefs.channels == frozenset()
    assert (prefs.quiet_start, prefs.quiet_end, prefs.timezone, prefs.language) == (
        time(22),
        time(8),
        "Asia/Shanghai",
        "zh-CN",
    )
    assert Preferences(channels=["sms", Channel.EMAIL]).channels == {Channel.SMS, Channel.EMAIL}
    assert Preferences(channels="sms").channels == {Channel.SMS}


def test_preferences_refuse_unknown_channel_and_zone():
    with pytest.raises(ValueError):
        Preferences(channels={"pigeon"})
    with pytest.raises(Exception):
        Preferences(timezone="Mars/Olympus")


# --- planning ----------------------------------------------------------------------------


def test_inbox_always_even_without_consent_or_contact():
    now = at(10)
    assert plan_delivery(Preferences(), Contact(), urgent=False, now=now) == [PlannedSend(Channel.INBOX, now)]
    assert channels(plan_delivery(Preferences(), REACHABLE, False, now)) == [Channel.INBOX]


def test_email_and_sms_need_consent_and_an_address():
    now = at(10)
    assert channels(plan_delivery(ALL, REACHABLE, False, now)) == [Channel.INBOX, Channel.EMAIL, Channel.SMS]
    assert channels(plan_delivery(ALL, Contact(email="a@b.cn"), False, now)) == [Channel.INBOX, Channel.EMAIL]
    assert channels(plan_delivery(ALL, Contact(phone=" "), False, now)) == [Channel.INBOX]
    email_only = Preferences(channels={"email"})
    assert channels(plan_delivery(email_only, REACHABLE, False, now)) == [Channel.INBOX, Channel.EMAIL]


def test_everything_goes_now_outside_quiet_hours():
    now = at(21, 59)
    assert all(send.not_before == now for send in plan_delivery(ALL, REACHABLE, False, now))


@pytest.mark.parametrize(
    "now, expected",
    [
        (at(22, 0), at(8, 0, day=25)),  # quiet hours start: wait for tomorrow morning
        (at(23, 30), at(8, 0, day=25)),
        (at(0, 15), at(8, 0)),  # after midnight: this morning
        (at(7, 59), at(8, 0)),
    ],
)
def test_non_urgent_sms_waits_for_the_morning_but_email_and_inbox_do_not(now, expected):
    plan = {send.channel: send.not_before for send in plan_delivery(ALL, REACHABLE, False, now)}
    assert plan == {Channel.INBOX: now, Channel.EMAIL: now, Channel.SMS: expected}


def test_quiet_hours_end_exactly_at_quiet_end():
    plan = plan_delivery(ALL, REACHABLE, False, at(8, 0))
    assert plan[-1] == PlannedSend(Channel.SMS, at(8, 0))


def test_urgent_sms_goes_at_once_in_the_night():
    now = at(23, 30)
    assert plan_delivery(ALL, REACHABLE, True, now)[-1] == PlannedSend(Channel.SMS, now)


def test_quiet_hours_use_the_person_timezone_and_keep_the_callers_zone():
    now_utc = datetime(2025, 11, 24, 15, 30, tzinfo=timezone.utc)  # 23:30 in Shanghai
    sms = plan_delivery(ALL, REACHABLE, False, now_utc)[-1]
    assert sms.not_before == datetime(2025, 11, 25, 0, 0, tzinfo=timezone.utc)  # 08:00 Shanghai
    assert sms.not_before.tzinfo is timezone.utc
    berlin = Preferences(channels={"sms"}, timezone="Europe/Berlin")  # 16:30 there
    assert plan_delivery(berlin, REACHABLE, False, now_utc)[-1].not_before == now_utc


def test_custom_and_disabled_quiet_hours():
    siesta = Preferences(channels={"sms"}, quiet_start=time(12), quiet_end=time(14))
    assert in_quiet_hours(siesta, at(13)) and not in_quiet_hours(siesta, at(14)) and not in_quiet_hours(siesta, at(23))
    assert end_of_quiet_hours(siesta, at(13)) == at(14)
    never = Preferences(channels={"sms"}, quiet_start=time(0), quiet_end=time(0))
    assert not in_quiet_hours(never, at(3))


def test_naive_now_is_refused():
    with pytest.raises(ValueError):
        plan_delivery(ALL, REACHABLE, False, datetime(2025, 11, 24, 10))


# --- urgency -----------------------------------------------------------------------------

NOW = at(20)


def iso(moment):
    return moment.isoformat()


@pytest.mark.parametrize(
    "event_type, data, urgent",
    [
        ("venue.closed", {}, True),  # closed as of now
        ("venue.closed", {"start": iso(NOW + timedelta(hours=12))}, True),
        ("venue.closed", {"start": iso(NOW + timedelta(days=3))}, False),
        ("event.cancelled", {"start": iso(NOW + timedelta(hours=5))}, True),
        ("event.cancelled", {"start": iso(NOW + timedelta(hours=30))}, False),
        ("event.cancelled", {"start": iso(NOW - timedelta(minutes=30)), "end": iso(NOW + timedelta(hours=1))}, True),
        (
            "event.cancelled",
            {"start": iso(NOW - timedelta(days=2)), "end": iso(NOW - timedelta(days=2, hours=-2))},
            False,
        ),
        ("event.cancelled", {}, False),  # unknown time: no reason to wake anyone
        ("booking.cancelled", {"start": iso(NOW + timedelta(hours=23))}, True),
        ("booking.rejected", {"start": iso(NOW + timedelta(hours=10))}, True),
        ("registration.cancelled", {"start": iso(NOW + timedelta(hours=2))}, True),
        ("dispatch.withdrawn", {"start": iso(NOW + timedelta(hours=2))}, True),
        # rescheduled: the old time counts, people planned for it
        (
            "event.rescheduled",
            {"previous_start": iso(NOW + timedelta(hours=10)), "start": iso(NOW + timedelta(days=10))},
            True,
        ),
        ("event.rescheduled", {"start": iso(NOW + timedelta(hours=10))}, True),
        (
            "event.rescheduled",
            {"previous_start": iso(NOW + timedelta(days=5)), "start": iso(NOW + timedelta(days=9))},
            False,
        ),
        ("dispatch.offered", {"deadline": iso(NOW + timedelta(hours=12))}, True),
        ("dispatch.offered", {"deadline": iso(NOW + timedelta(hours=48))}, False),
        ("dispatch.offered", {}, False),
        ("event.reminder", {}, True),
        ("dispatch.offered", {"deadline": iso(NOW + timedelta(days=3)), "reminder": True}, True),
        ("booking.confirmed", {"start": iso(NOW + timedelta(hours=1))}, False),  # good news can wait
        ("registration.promoted", {"start": iso(NOW + timedelta(hours=1))}, False),
    ],
)
def test_is_urgent(event_type, data, urgent):
    assert is_urgent(event_type, data, NOW) is urgent


def test_is_urgent_reads_naive_times_as_shanghai():
    assert is_urgent("event.cancelled", {"start": "2025-11-25T19:00:00"}, NOW)  # 23 h ahead
    assert not is_urgent("event.cancelled", {"start": "2025-11-25T21:00:00"}, NOW)  # 25 h ahead


# --- dedupe ------------------------------------------------------------------------------


def test_dedupe_key_is_stable_and_distinct_per_fact_person_and_channel():
    key = dedupe_key("0b1c2d3e-aaaa-bbbb-cccc-000000000001", 42, "sms")
    assert key == dedupe_key("0b1c2d3e-aaaa-bbbb-cccc-000000000001", "42", Channel.SMS)
    assert key == "0b1c2d3e-aaaa-bbbb-cccc-000000000001:42:sms"
    others = {
        dedupe_key("0b1c2d3e-aaaa-bbbb-cccc-000000000002", 42, "sms"),
        dedupe_key("0b1c2d3e-aaaa-bbbb-cccc-000000000001", 43, "sms"),
        dedupe_key("0b1c2d3e-aaaa-bbbb-cccc-000000000001", 42, "email"),
    }
    assert key not in others and len(others) == 3


def test_dedupe_key_cannot_collide_through_separators():
    assert dedupe_key("a:b", "c", "inbox") != dedupe_key("a", "b:c", "inbox")


def test_dedupe_key_refuses_missing_parts():
    with pytest.raises(ValueError):
        dedupe_key("", "p1", "sms")
    with pytest.raises(ValueError):
        dedupe_key("e1", "p1", "fax")


def test_every_kind_of_reschedule_counts_from_the_old_time():
    soon, far = iso(NOW + timedelta(hours=10)), iso(NOW + timedelta(days=10))
    for event_type in ("registration.rescheduled", "booking.rescheduled"):
        assert is_urgent(event_type, {"previous_start": soon, "start": far}, NOW)
        assert not is_urgent(event_type, {"previous_start": far, "start": far}, NOW)
    assert is_urgent("event.displaced", {"start": soon}, NOW)
