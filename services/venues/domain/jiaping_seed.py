"""Demo data: the 嘉平镇文化服务中心 exactly as seed 000 (嘉平府发〔2021〕128号) describes it —
seven rooms with area, equipment, use and staff on duty, and the free opening hours
周一至周五9:00-12:00、14:00-18:00；周六至周日9:30-11:30、14:30-17:30（国家法定节假日按活动组织要求开放）.

Where the seed is silent (capacity, booking buffer, coordinates) the value is derived and says how.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.venues.domain.booking_rules import BookingPolicy
from services.venues.domain.opening_hours import HolidayRule, Interval, WeeklySchedule

SOURCE_DOCUMENT = "嘉平府发〔2021〕128号《嘉平镇文化服务中心免费开放实施方案》"
ACTIVITY_ROOM_BUFFER_MINUTES = 15  # tidy and air an activity room between groups
READING_ROOM_BUFFER_MINUTES = 0  # readers come and go; nothing to reset


@dataclass(frozen=True)
class RoomSeed:
    code: str  # stable key for the demo data, unique within the venue
    name: str
    kind: str
    area_m2: float
    capacity: int
    equipment: tuple[str, ...]
    purpose: str
    staff_on_duty: tuple[str, ...]
    booking_policy: BookingPolicy
    buffer_minutes: int
    no_booking_needed: bool  # walk-in use without a booking (seed 002 asks to keep such places)


@dataclass(frozen=True)
class VenueSeed:
    name: str
    kind: str
    level: str
    parent_name: str
    town: str
    address: str
    latitude: float
    longitude: float
    accessibility: tuple[str, ...]
    asset_number_prefix: str
    schedule: WeeklySchedule
    holiday_rule: HolidayRule
    opening_hours_notice: str  # as published (公示)
    rooms: tuple[RoomSeed, ...]
    source_document: str = SOURCE_DOCUMENT


def jiaping_schedule() -> WeeklySchedule:
    weekday = (Interval.parse("9:00-12:00"), Interval.parse("14:00-18:00"))
    weekend = (Interval.parse("9:30-11:30"), Interval.parse("14:30-17:30"))
    return WeeklySchedule({0: weekday, 1: weekday, 2: weekday, 3: weekday, 4: weekday, 5: weekend, 6: weekend})


def jiaping_rooms() -> tuple[RoomSeed, ...]:
    return (
        RoomSeed(
            code="reading-room",
            name="图书阅览室",
            kind="reading_room",
            area_m2=60,
            capacity=20,  # derived: 20 reading chairs
            equipment=("藏书3000余册", "报刊杂志20余种", "阅览桌2张", "阅览椅20把"),
            purpose="",  # the seed lists only its stock and furniture
            staff_on_duty=("付诚层", "周雪"),
            booking_policy=BookingPolicy.PUBLIC,
            buffer_minutes=READING_ROOM_BUFFER_MINUTES,
            no_booking_needed=True,
        ),
        RoomSeed(
            code="e-reading-room",
            name="电子阅览室",
            kind="e_reading_room",
            area_m2=50,
            capacity=10,  # derived: one person per computer
            equipment=("10台电脑",),
            purpose="供群众在文化共享工程及互联网信息阅览",
            staff_on_duty=("付诚层", "周雪"),
            booking_policy=BookingPolicy.PUBLIC,
            buffer_minutes=READING_ROOM_BUFFER_MINUTES,
            no_booking_needed=True,
        ),
        RoomSeed(
            code="multi-function-room",
            name="多功能活动室",
            kind="multi_function_room",
            area_m2=60,
            capacity=50,  # derived: 60 m² seated for lectures and meetings at about 1.2 m² a person
            equipment=(),
            purpose="用于开展各类政策、法规、技术、技能、群文业务培训，举办会议、讲座、报告会等活动",
            staff_on_duty=("程必群", "任敏"),
            booking_policy=BookingPolicy.PUBLIC,
            buffer_minutes=ACTIVITY_ROOM_BUFFER_MINUTES,
            no_booking_needed=False,
        ),
        RoomSeed(
            code="activity-room",
            name="文化活动室",
            kind="activity_room",
            area_m2=55,
            capacity=36,  # derived: 55 m² for dance and rehearsal at about 1.5 m² a person
            equipment=(),
            purpose="对本镇属村居、企事业单位、工会组织、学生班级、团学组织或学生社团进行免费开放，本室原则上不对个人开放，"
            "却因专业需要租借使用场地者需按相关规定经分管领导签字同意后方可使用",
            staff_on_duty=("程必群", "任敏"),
            booking_policy=BookingPolicy.ORGANISATIONS_ONLY,
            buffer_minutes=ACTIVITY_ROOM_BUFFER_MINUTES,
            no_booking_needed=False,
        ),
        RoomSeed(
            code="calligraphy-painting-room",
            name="书画室",
            kind="calligraphy_painting_room",
            area_m2=40,
            capacity=20,  # derived: 40 m² of painting tables at about 2 m² a person
            equipment=(),
            purpose="用于群众书画培训及训练",
            staff_on_duty=("程必群", "周雪"),
            booking_policy=BookingPolicy.PUBLIC,
            buffer_minutes=ACTIVITY_ROOM_BUFFER_MINUTES,
            no_booking_needed=False,
        ),
        RoomSeed(
            code="gym-and-art-gallery",
            name="健身房及艺术展厅",
            kind="gym_and_art_gallery",
            area_m2=180,
            capacity=60,  # derived: 180 m² of equipment and exhibits at about 3 m² a person
            equipment=(),
            purpose="用于工会职工和群众文化艺术作品赏析",
            staff_on_duty=("程必群", "周雪"),
            booking_policy=BookingPolicy.PUBLIC,
            buffer_minutes=ACTIVITY_ROOM_BUFFER_MINUTES,
            no_booking_needed=False,
        ),
        RoomSeed(
            code="cultural-square",
            name="文化活动广场",
            kind="cultural_square",
            area_m2=2500,
            capacity=1000,  # derived: 2500 m² outdoors for mass sport and dance at about 2.5 m² a person
            equipment=("篮球场", "羽毛球场", "全民健身区"),
            purpose="用于大型群众文体活动的教学、排练以及群众性文化体育健身活动",
            staff_on_duty=("任敏", "付诚层", "周雪", "何赟"),
            booking_policy=BookingPolicy.PUBLIC,
            buffer_minutes=ACTIVITY_ROOM_BUFFER_MINUTES,
            no_booking_needed=False,
        ),
    )


def jiaping_centre() -> VenueSeed:
    return VenueSeed(
        name="嘉平镇文化服务中心",
        kind="town_cultural_station",
        level="town",
        parent_name="江津区文化馆",  # the district cultural centre it is a branch of (总分馆)
        town="嘉平镇",
        address="重庆市江津区嘉平镇",
        latitude=29.05,  # approximate: the seed gives no coordinates
        longitude=106.25,
        accessibility=(),  # the seed names no accessibility features; record none rather than guess
        asset_number_prefix="JP",
        schedule=jiaping_schedule(),
        holiday_rule=HolidayRule.BY_ARRANGEMENT,
        opening_hours_notice="周一至周五9:00-12:00、14:00-18:00；周六至周日9:30-11:30、14:30-17:30（国家法定节假日按活动组织要求开放）",
        rooms=jiaping_rooms(),
    )
