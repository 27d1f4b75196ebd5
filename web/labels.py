"""zh-CN words for the API's codes (kinds, target groups, statuses, accessibility)."""

from __future__ import annotations

EVENT_KINDS = {
    "mobile_performance": "送文化下乡",
    "festival": "我们的节日",
    "lecture": "讲座",
    "training": "培训",
    "exhibition": "展览",
    "film_screening": "电影放映",
    "reading_promotion": "阅读推广",
    "other": "其他",
}
TARGET_GROUPS = {
    "everyone": "全体群众",
    "elderly": "老年人",
    "minors": "未成年人",
    "left_behind_children": "留守儿童",
    "disabled": "残疾人",
    "migrant_workers": "农民工",
}
ACCESSIBILITY = {
    "step_free_access": "无障碍通道",
    "accessible_toilet": "无障碍卫生间",
    "braille": "盲文标识",
    "hearing_loop": "助听环路",
    "accessible_parking": "无障碍停车位",
    "wheelchair_loan": "轮椅借用",
    "large_print": "大字读物",
    "audio_guide": "语音导览",
    "sign_language_service": "手语服务",
}
REGISTRATION_STATUS = {
    "waitlisted": "候补中",
    "confirmed": "已预约",
    "checked_in": "已签到",
    "attended": "已参加",
    "no_show": "未到场",
    "cancelled": "已取消",
}
EVENT_STATUS = {"draft": "草稿", "published": "已发布", "completed": "已结束", "cancelled": "已取消"}
OFFER_STATUS = {
    "offered": "待答复",
    "accepted": "已接受",
    "declined": "已婉拒",
    "expired": "已过期",
    "withdrawn": "已撤回",
}
ROLES = {
    "admin": "管理员",
    "venue_manager": "场馆管理员",
    "organiser": "活动组织者",
    "volunteer": "志愿者",
    "subscriber": "订阅系统",
    "resident": "居民",
}
WEEKDAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
WEEKDAY_NAMES = dict(zip(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), WEEKDAYS))

ALL = {
    "event_kind": EVENT_KINDS,
    "target_group": TARGET_GROUPS,
    "accessibility": ACCESSIBILITY,
    "registration_status": REGISTRATION_STATUS,
    "event_status": EVENT_STATUS,
    "offer_status": OFFER_STATUS,
    "role": ROLES,
    "weekday": WEEKDAY_NAMES,
}

# The staff console (工作台)
FESTIVALS = ["元旦", "腊八", "除夕", "春节", "元宵", "清明", "劳动节", "端午", "七夕", "中秋", "重阳", "国庆"]
CHANNELS = {"online": "网上预约", "phone": "电话预约", "desk": "现场登记", "on_behalf": "代为预约"}
DISPATCH_STATUS = {
    "open": "派单中",
    "filled": "已满员",
    "unfilled": "人手不足",
    "cancelled": "已取消",
    "completed": "已完成",
}
BOOKING_STATUS = {
    "pending": "待审批",
    "confirmed": "已确认",
    "rejected": "已拒绝",
    "cancelled": "已取消",
    "checked_in": "已签到",
    "no_show": "未到场",
}
ORDER_STATUS = {"placed": "待处理", "scheduled": "已排期", "declined": "已婉拒", "withdrawn": "已撤回"}
HOLIDAY_RULES = {
    "open": "法定节假日按周末时间开放",
    "closed": "法定节假日闭馆",
    "by_arrangement": "法定节假日按活动组织要求开放",
}
WEEKDAY_KEYS = {
    "monday": "周一",
    "tuesday": "周二",
    "wednesday": "周三",
    "thursday": "周四",
    "friday": "周五",
    "saturday": "周六",
    "sunday": "周日",
}
VENUE_LEVELS = {"district": "区级", "town": "镇（街道）级", "village": "村（社区）级"}

ALL.update(
    channel=CHANNELS,
    dispatch_status=DISPATCH_STATUS,
    booking_status=BOOKING_STATUS,
    order_status=ORDER_STATUS,
    venue_level=VENUE_LEVELS,
)
