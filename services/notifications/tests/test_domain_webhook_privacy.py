from services.notifications.domain.webhook_privacy import for_subscribers, without_contact_details


def test_contact_keeps_who_but_not_how_to_reach_them():
    data = {
        "booking_id": "b1",
        "contact": {
            "person_id": "p1",
            "name": "王秀英",
            "phone": "13800000000",
            "email": "w@example.cn",
            "language": "zh-CN",
        },
    }
    assert without_contact_details(data) == {
        "booking_id": "b1",
        "contact": {"person_id": "p1", "name": "王秀英", "language": "zh-CN"},
    }
    assert data["contact"]["phone"] == "13800000000"  # the original is not changed


def test_nested_and_absent_contacts():
    data = {"team": [{"volunteer_id": "v1", "contact": {"phone": "139"}}], "contact": None, "phone_note": "x"}
    assert without_contact_details(data) == {
        "team": [{"volunteer_id": "v1", "contact": {}}],
        "contact": None,
        "phone_note": "x",
    }


def test_offer_links_are_withheld_from_subscribers_at_any_depth():
    data = {
        "offer_id": "o1",
        "accept_url": "https://w/o/t.sig/accept",
        "decline_url": "https://w/o/t.sig/decline",
        "offers": [{"accept_url": "x", "role": "引导员"}],
        "contact": {"person_id": "p1", "phone": "139"},
    }
    assert for_subscribers(data) == {"offer_id": "o1", "offers": [{"role": "引导员"}], "contact": {"person_id": "p1"}}
