from services.notifications.domain.webhook_privacy import without_contact_details


def test_contact_keeps_who_but_not_how_to_reach_them():
    data = {"booking_id": "b1", "contact": {"person_id": "p1", "name": "王秀英", "phone": "13800000000",
                                             "email": "w@example.cn", "language": "zh-CN"}}
    assert without_contact_details(data) == {
        "booking_id": "b1", "contact": {"person_id": "p1", "name": "王秀英", "language": "zh-CN"}}
    assert data["contact"]["phone"] == "13800000000"  # the original is not changed


def test_nested_and_absent_contacts():
    data = {"team": [{"volunteer_id": "v1", "contact": {"phone": "139"}}], "contact": None, "phone_note": "x"}
    assert without_contact_details(data) == {"team": [{"volunteer_id": "v1", "contact": {}}], "contact": None,
                                             "phone_note": "x"}
