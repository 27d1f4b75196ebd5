from services.reports.domain.privacy import without_contact_details


def test_contact_details_are_dropped_at_any_depth_and_the_rest_kept():
    fact = {
        "registration_id": "r-1",
        "party_size": 2,
        "contact": {"person_id": "p-1", "name": "王阿姨", "phone": "13800138000", "email": "w@example.cn"},
        "members": [{"person_id": "p-2", "phone": "13900139000"}],
    }
    assert without_contact_details(fact) == {
        "registration_id": "r-1",
        "party_size": 2,
        "contact": {"person_id": "p-1", "name": "王阿姨"},
        "members": [{"person_id": "p-2"}],
    }
