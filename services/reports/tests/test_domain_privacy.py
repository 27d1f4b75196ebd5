from services.reports.domain.privacy import pseudonym, pseudonymised, without_contact_details


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


KEY = b"k" * 32


def test_person_ids_become_keyed_pseudonyms_and_names_of_people_are_dropped():
    registration = {
        "registration_id": "r-1",
        "person_id": "resident-7",
        "person_name": "王阿姨",
        "registered_by": "resident-7",
        "contact": {"phone": "13800138000"},
        "organiser_id": "organiser-1",
        "organiser_name": "江津区文化馆",
    }
    kept = pseudonymised(registration, KEY)
    assert kept == {
        "registration_id": "r-1",
        "person_id": pseudonym(KEY, "resident-7"),
        "registered_by": pseudonym(KEY, "resident-7"),
        "contact": {},
        "organiser_id": "organiser-1",  # an organiser is an organisation (satisfaction by organiser)
        "organiser_name": "江津区文化馆",
    }
    assert "resident-7" not in str(kept) and "王阿姨" not in str(kept)
    # The same person is the same pseudonym (distinct people still count); another key, another pseudonym.
    assert pseudonymised({"person_id": "resident-7"}, KEY) == {"person_id": kept["person_id"]}
    assert pseudonym(b"x" * 32, "resident-7") != kept["person_id"]
    # A person's record loses the name; a venue or a team keeps its own.
    volunteer = {
        "volunteer_id": "v-1",
        "name": "李明",
        "team": [{"volunteer_id": "v-2", "name": "赵敏", "role": "音响"}],
    }
    assert pseudonymised(volunteer, KEY) == {
        "volunteer_id": pseudonym(KEY, "v-1"),
        "team": [{"volunteer_id": pseudonym(KEY, "v-2"), "role": "音响"}],
    }
    assert pseudonymised({"venue_id": "x", "name": "石门村综合文化服务中心"}, KEY)["name"] == "石门村综合文化服务中心"
    assert pseudonymised({"team_id": "t", "name": "腰鼓队"}, KEY)["name"] == "腰鼓队"
