from services.venues.domain.booking_rules import BookingPolicy
from services.venues.domain.jiaping_seed import jiaping_centre
from services.venues.domain.opening_hours import HolidayRule, format_weekly_schedule_zh, weekly_open_hours


def rooms_by_name():
    return {room.name: room for room in jiaping_centre().rooms}


def test_venue():
    centre = jiaping_centre()
    assert centre.name == "嘉平镇文化服务中心"
    assert (centre.kind, centre.level) == ("town_cultural_station", "town")
    assert centre.parent_name == "江津区文化馆"
    assert centre.address == "重庆市江津区嘉平镇"
    assert abs(centre.latitude - 29.05) < 0.5 and abs(centre.longitude - 106.25) < 0.5
    assert centre.holiday_rule is HolidayRule.BY_ARRANGEMENT
    assert weekly_open_hours(centre.schedule) == 45.0
    assert centre.opening_hours_notice.startswith(format_weekly_schedule_zh(centre.schedule))


def test_exactly_the_seven_rooms_of_seed_000():
    rooms = rooms_by_name()
    assert list(rooms) == [
        "图书阅览室",
        "电子阅览室",
        "多功能活动室",
        "文化活动室",
        "书画室",
        "健身房及艺术展厅",
        "文化活动广场",
    ]
    assert {name: room.area_m2 for name, room in rooms.items()} == {
        "图书阅览室": 60,
        "电子阅览室": 50,
        "多功能活动室": 60,
        "文化活动室": 55,
        "书画室": 40,
        "健身房及艺术展厅": 180,
        "文化活动广场": 2500,
    }
    assert len({room.code for room in rooms.values()}) == 7


def test_staff_on_duty_as_in_the_seed():
    assert {name: room.staff_on_duty for name, room in rooms_by_name().items()} == {
        "图书阅览室": ("付诚层", "周雪"),
        "电子阅览室": ("付诚层", "周雪"),
        "多功能活动室": ("程必群", "任敏"),
        "文化活动室": ("程必群", "任敏"),
        "书画室": ("程必群", "周雪"),
        "健身房及艺术展厅": ("程必群", "周雪"),
        "文化活动广场": ("任敏", "付诚层", "周雪", "何赟"),
    }


def test_equipment_capacity_policy_and_buffers():
    rooms = rooms_by_name()
    assert rooms["图书阅览室"].equipment == ("藏书3000余册", "报刊杂志20余种", "阅览桌2张", "阅览椅20把")
    assert rooms["图书阅览室"].capacity == 20
    assert rooms["电子阅览室"].equipment == ("10台电脑",) and rooms["电子阅览室"].capacity == 10
    assert rooms["文化活动广场"].equipment == ("篮球场", "羽毛球场", "全民健身区")
    assert rooms["文化活动室"].booking_policy is BookingPolicy.ORGANISATIONS_ONLY
    assert "原则上不对个人开放" in rooms["文化活动室"].purpose
    assert all(room.booking_policy is BookingPolicy.PUBLIC for name, room in rooms.items() if name != "文化活动室")
    assert rooms["图书阅览室"].buffer_minutes == rooms["电子阅览室"].buffer_minutes == 0
    assert rooms["多功能活动室"].buffer_minutes == rooms["文化活动室"].buffer_minutes == 15
    assert all(room.capacity >= 1 for room in rooms.values())
