"""Pure logic of the staff console (no browser, no platform): the event form → the API's EventCreate, the
hours form → OpeningHours, the venue network tree, and scope labels."""

from __future__ import annotations

from starlette.datastructures import FormData

from web.routes.console_admin import scope_label, venue_tree
from web.routes.console_events import event_body, form_values
from web.routes.console_venues import hours_body


def _form(**fields) -> FormData:
    items = []
    for key, value in fields.items():
        items += [(key, v) for v in value] if isinstance(value, list) else [(key, value)]
    return FormData(items)


def test_a_village_site_event_with_two_roles_becomes_the_apis_event():
    body, errors = event_body(
        _form(
            title="送文化下乡",
            kind="mobile_performance",
            target_groups=["elderly", "minors"],
            date="2026-12-12",
            start_time="14:30",
            end_time="16:30",
            place_kind="site",
            site_name="石门村文化广场",
            site_village="石门村",
            site_lat="29.05",
            site_lon="106.25",
            capacity="30",
            kept_back="5",
            need_role_1="引导员",
            need_count_1="2",
            need_role_2="摄影",
            need_count_2="1",
            need_role_3="",
            need_count_3="",
            room_id="r1",
        )
    )
    assert errors == []
    assert body["start"] == "2026-12-12T14:30:00+08:00" and body["end"] == "2026-12-12T16:30:00+08:00"
    assert body["site"]["coordinates"] == {"lat": 29.05, "lon": 106.25} and "room_id" not in body
    assert body["capacity"] == 30 and body["kept_back"] == 5 and body["target_groups"] == ["elderly", "minors"]
    assert body["volunteer_needs"] == [{"role": "引导员", "count": 2}, {"role": "摄影", "count": 1}]


def test_the_event_form_says_what_is_missing_in_chinese():
    body, errors = event_body(
        _form(title="", date="2026-12-12", start_time="16:00", end_time="15:00", place_kind="room")
    )
    assert errors == ["结束时间须晚于开始时间。", "请填写活动名称。", "请选择活动室，或改选户外场地。"]
    assert "capacity" not in body  # no capacity: open to all, no registration
    _, errors = event_body(
        _form(
            title="讲座",
            date="",
            start_time="",
            end_time="",
            place_kind="site",
            site_name="广场",
            site_lat="north",
            site_lon="106",
        )
    )
    assert errors == ["请填写日期、开始和结束时间。", "户外场地请填写场地名称和经纬度。"]


def test_an_event_goes_back_into_the_form_in_district_time():
    values = form_values(
        {
            "title": "讲座",
            "kind": "lecture",
            "start": "2026-12-12T06:30:00Z",
            "end": "2026-12-12T08:00:00Z",
            "place_kind": "room",
            "room_id": "r1",
            "capacity": 20,
            "kept_back": 2,
            "volunteer_needs": [{"role": "引导员", "count": 2}],
        }
    )
    assert (values["date"], values["start_time"], values["end_time"]) == ("2026-12-12", "14:30", "16:00")
    assert values["need_role_1"] == "引导员" and values["need_count_1"] == 2 and values["place_kind"] == "room"


def test_hours_fields_accept_chinese_separators_and_leave_closed_days_out():
    body = hours_body(
        _form(monday="09:00-12:00，14:00-18:00", tuesday="09:00–12:00", saturday="", holiday_rule="closed")
    )
    assert body == {
        "weekly": {"monday": ["09:00-12:00", "14:00-18:00"], "tuesday": ["09:00-12:00"]},
        "holiday_rule": "closed",
    }


def test_the_network_nests_villages_under_towns_under_the_district():
    tree = venue_tree(
        [
            {"id": "v", "name": "石门村综合文化服务中心", "level": "village", "parent_id": "t"},
            {"id": "t", "name": "嘉平镇文化服务中心", "level": "town", "parent_id": "d"},
            {"id": "d", "name": "江津区文化馆", "level": "district", "parent_id": None},
            {"id": "o", "name": "孤立村", "level": "village", "parent_id": "missing"},
        ]
    )
    assert [n["name"] for n in tree] == ["江津区文化馆", "孤立村"]
    assert tree[0]["children"][0]["children"][0]["name"] == "石门村综合文化服务中心"


def test_scopes_read_as_chinese():
    names = {"v1": "嘉平镇文化服务中心"}
    assert scope_label("venue:v1", names) == "场馆：嘉平镇文化服务中心"
    assert scope_label("venue:*", names) == "全区所有场馆"
    assert scope_label("town:嘉平镇", names) == "镇（街道）：嘉平镇"
