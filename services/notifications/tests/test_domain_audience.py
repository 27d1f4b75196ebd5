from services.notifications.domain.audience import (
    ADMINS,
    GivenContact,
    contact_subject,
    is_person,
    recipients,
    template_values,
    venue_managers,
)
from services.notifications.domain.messages import Audience
from services.notifications.texts import render

BOOKING = {
    "booking_id": "b-1",
    "venue_id": "v-1",
    "venue_name": "嘉平镇文化站",
    "room_name": "棋牌室",
    "booker_id": "p-1",
    "booked_by": "desk-1",
    "start": "2026-11-24T15:00:00+08:00",
}


def keys(event_type, data, **kwargs):
    return [(r.key, r.audience) for r in recipients(event_type, data, **kwargs)]


def test_the_audience_comes_from_the_ids_in_the_fact():
    assert keys("booking.requested", BOOKING) == [
        ("p-1", Audience.APPLICANT),
        ("scope:venue:v-1", Audience.VENUE_MANAGER),
    ]
    assert keys("booking.confirmed", BOOKING) == [("p-1", Audience.APPLICANT)]
    assert keys("venue.closed", {"venue_id": "v-1"}) == [
        (venue_managers("v-1"), Audience.PARTICIPANT),
        (ADMINS, Audience.PARTICIPANT),
    ]
    assert keys("venue.registered", {"venue_id": "v-1"}) == [(ADMINS, Audience.VENUE_MANAGER)]
    assert keys("registration.promoted", {"person_id": "p-2", "registration_id": "r"}) == [("p-2", Audience.APPLICANT)]
    assert keys("order.placed", {"requested_by": "p-3"}) == [("p-3", Audience.APPLICANT), (ADMINS, Audience.ORGANISER)]
    assert keys("order.declined", {"requested_by": "p-3"}) == [("p-3", Audience.APPLICANT)]
    assert keys("dispatch.offered", {"volunteer_id": "v-9"}) == [("v-9", Audience.VOLUNTEER)]
    assert keys("dispatch.unfilled", {"organiser_id": "o-1"}) == [("o-1", Audience.ORGANISER)]
    assert keys("event.published", {"organiser_id": "o-1"}) == [("o-1", Audience.ORGANISER)]
    assert keys("feedback.received", {"organiser_id": "o-1"}) == []
    assert keys("dispatch.requested", {"organiser_id": "o-1"}) == []


def test_event_changes_reach_registrants_once():
    # Cancellations and reschedules reach registrants through their own registration.* facts.
    assert keys("event.cancelled", {"organiser_id": "o-1"}, registrants=["p-1"]) == []
    assert keys("event.completed", {}, registrants=["p-1", "p-2", "p-1"]) == [
        ("p-1", Audience.PARTICIPANT),
        ("p-2", Audience.PARTICIPANT),
    ]
    # the room was lost (issue 17.7): the organiser must reschedule, the registrants hear it too
    assert keys("event.displaced", {"organiser_id": "o-1"}, registrants=["p-1"]) == [
        ("o-1", Audience.ORGANISER),
        ("p-1", Audience.PARTICIPANT),
    ]


def test_a_contact_given_at_the_desk_is_the_recipient_when_nobody_is_named():
    given = GivenContact(name="王秀英", phone="13900001111")
    [recipient] = recipients("booking.confirmed", {**BOOKING, "booker_id": None}, contact=given)
    assert recipient.key == "contact:booking:b-1" and recipient.contact == given and recipient.is_person
    assert recipients("booking.confirmed", {**BOOKING, "booker_id": None}) == []
    assert contact_subject("registration.cancelled", {"registration_id": "r-1"}) == ("registration", "r-1")
    assert GivenContact.from_data({"language": "en"}) is None
    assert not is_person("role:admin") and not is_person("scope:venue:v-1") and is_person("p-1")


def test_facts_are_worded_with_the_template_names():
    event = template_values(
        "event.published", {"title": "中秋诗会", "place_name": "文化广场", "organiser_name": "文化馆"}
    )
    assert render("event.published", event, audience="organiser").sms_text.startswith("「中秋诗会」已发布")
    unfilled = template_values(
        "dispatch.unfilled",
        {
            "event_title": "送戏下乡",
            "shortfall": [
                {"role": "舞台协助", "needed": 3, "accepted": 1},
                {"role": "引导员", "needed": 2, "accepted": 2},
            ],
        },
    )
    assert (
        "舞台协助" in render("dispatch.unfilled", unfilled).sms_text
        and "尚缺2人" in render("dispatch.unfilled", unfilled).sms_text
    )
    order = template_values(
        "order.placed",
        {
            "offering_title": "川剧折子戏",
            "earliest": "2026-12-01T09:00:00+08:00",
            "latest": "2026-12-20T18:00:00+08:00",
            "venue_name": "石门村",
        },
    )
    assert "12月1日 09:00至12月20日 18:00" in render("order.placed", order).body
    reopened = template_values(
        "venue.reopened", {"venue_name": "嘉平镇文化站", "reopened_at": "2026-11-30T09:00:00+08:00"}
    )
    assert render("venue.reopened", reopened).sms_text == "嘉平镇文化站已于11月30日 09:00恢复开放，欢迎前来。"
