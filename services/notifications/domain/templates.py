"""Human messages for domain events: zh-CN by default, English when a person asked for it.

A template is plain text with `{field}` placeholders. Parts that need facts an event may
not carry are wrapped in `[...]`; such a part is dropped when one of its fields is missing,
or replaced by the text after `|` (`[预计{expected_reopening}恢复开放|恢复开放时间另行通知]`).
That keeps the texts readable for whoever edits the wording, and lets a message degrade
gracefully instead of printing "None".

SMS texts carry no signature (【文云】): SMS providers add the registered signature
themselves. They aim at 70 characters (one segment); offers with two links cannot.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Mapping

from .district_time import format_en, format_range, format_zh, parse_instant


class Audience(StrEnum):
    """Who a message is written for; the service decides which people that is."""

    APPLICANT = "applicant"  # whoever asked: booked a room, registered, ordered
    PARTICIPANT = "participant"  # holders of bookings/registrations that a change affects
    ORGANISER = "organiser"  # organiser of the event or the dispatch
    VENUE_MANAGER = "venue_manager"
    VOLUNTEER = "volunteer"


@dataclass(frozen=True)
class Message:
    subject: str  # e-mail subject and inbox title
    body: str  # e-mail and inbox text, one fact per line
    sms_text: str  # short form for SMS, without the provider signature


@dataclass(frozen=True)
class _Template:
    subject: str
    body: tuple[str, ...]
    sms: str


_T = _Template
_A = Audience

# The first audience listed for a type is its default audience.
_ZH: dict[tuple[str, Audience], _Template] = {
    ("venue.registered", _A.VENUE_MANAGER): _T(
        "场馆已登记：{venue}",
        ("{venue}已在文云平台登记。", "请完善开放时间、功能室和服务项目，以便向群众公示。"),
        "{venue}已在文云平台登记，请完善开放时间和功能室信息并公示。",
    ),
    ("venue.closed", _A.PARTICIPANT): _T(
        "暂停开放通知：{venue}",
        (
            "{venue}[自{start_at}起]暂停开放[，原因：{reason}]。",
            "[预计{expected_reopening}恢复开放|恢复开放时间另行通知]。",
            "给您带来不便，敬请谅解。",
        ),
        "{venue}[自{start_at}起]暂停开放[，原因：{reason}]，[预计{expected_reopening}恢复开放|恢复开放时间另行通知]。",
    ),
    ("venue.reopened", _A.PARTICIPANT): _T(
        "恢复开放通知：{venue}",
        ("{venue}已[于{start_at}]恢复开放，欢迎前来。",),
        "{venue}已[于{start_at}]恢复开放，欢迎前来。",
    ),
    ("booking.requested", _A.APPLICANT): _T(
        "场地预约申请已提交",
        ("您的场地预约申请已提交[：{place}][，{when}]。", "场馆审核后会通知您结果。"),
        "您的场地预约申请已提交[：{place}][，{when}]，审核后通知您结果。",
    ),
    ("booking.requested", _A.VENUE_MANAGER): _T(
        "新的场地预约申请[：{place}]",
        ("收到新的场地预约申请[：{place}][，{when}][，申请单位：{organiser}]。", "请及时审核。"),
        "新的场地预约申请[：{place}][，{when}][，{organiser}]，请及时审核。",
    ),
    ("booking.confirmed", _A.APPLICANT): _T(
        "场地预约已确认[：{place}]",
        ("您的场地预约已确认[：{place}][，{when}]。", "请按时到场签到；如不再使用，请提前取消。"),
        "您的场地预约已确认[：{place}][，{when}]。请按时签到，不用请提前取消。",
    ),
    ("booking.rejected", _A.APPLICANT): _T(
        "场地预约未通过[：{place}]",
        ("很抱歉，您的场地预约未通过[：{place}][，{when}]。", "[原因：{reason}。]"),
        "很抱歉，您的场地预约未通过[：{place}][，{when}][。原因：{reason}]。",
    ),
    ("booking.cancelled", _A.APPLICANT): _T(
        "场地预约已取消[：{place}]",
        ("您的场地预约已取消[：{place}][，{when}]。", "[原因：{reason}。]"),
        "您的场地预约已取消[：{place}][，{when}][。原因：{reason}]。",
    ),
    ("booking.no_show", _A.APPLICANT): _T(
        "预约未签到[：{place}]",
        (
            "您的场地预约[：{place}][，{when}，]未在签到时间内签到，已记为未到场，剩余时段已释放。",
            "多次未到场将暂停在线预约；如有特殊情况请联系场馆。",
        ),
        "您的场地预约[：{place}，]未按时签到，已记为未到场。多次未到场将暂停在线预约。",
    ),
    ("event.displaced", _A.PARTICIPANT): _T(
        "活动场地有变：{title}",
        (
            "您预约的{title}[（{when}）]所用场地暂不能使用[，原因：{reason}]。",
            "活动将改期，您的名额保留，新时间确定后会通知您。",
        ),
        "您预约的{title}[（{when}）]场地有变[，原因：{reason}]，将改期，名额保留。",
    ),
    ("event.published", _A.ORGANISER): _T(
        "活动已发布：{title}",
        ("{title}已发布[，{when}][，{place}]。", "群众现在可以在公示栏看到并预约。"),
        "{title}已发布[，{when}][，{place}]，群众现可预约。",
    ),
    ("event.rescheduled", _A.PARTICIPANT): _T(
        "活动改期：{title}",
        (
            "您预约的{title}[改期至{when}|已改期，新时间另行通知][，地点：{place}]。",
            "[原定时间：{previous_when}。]",
            "原预约继续有效；如不能参加，请取消预约，把名额让给他人。",
        ),
        "您预约的{title}[改期至{when}|已改期，新时间另行通知][，地点{place}]。如不能参加请取消预约。",
    ),
    ("event.cancelled", _A.PARTICIPANT): _T(
        "活动取消：{title}",
        ("很抱歉，您预约的{title}[（{when}）]已取消。", "[原因：{reason}。]", "给您带来不便，敬请谅解。"),
        "很抱歉，您预约的{title}[（{when}）]已取消[，原因：{reason}]。",
    ),
    ("event.completed", _A.PARTICIPANT): _T(
        "感谢参加{title}",
        (
            "感谢您参加{title}！",
            "[欢迎评价本次活动：{feedback_url}|欢迎在文云平台评价本次活动，您的意见帮助我们改进。]",
        ),
        "感谢您参加{title}！[欢迎评价：{feedback_url}|欢迎在文云平台评价本次活动。]",
    ),
    ("registration.confirmed", _A.APPLICANT): _T(
        "预约成功：{title}",
        (
            "您已成功预约{title}。",
            "[时间：{when}]",
            "[地点：{place}]",
            "[主办：{organiser}]",
            "请准时参加；如不能参加，请及时取消，把名额让给他人。",
        ),
        "您已成功预约{title}[，{when}][，{place}]。不能参加请及时取消。",
    ),
    ("registration.waitlisted", _A.APPLICANT): _T(
        "已进入候补：{title}",
        ("{title}名额已满，您已进入候补[，当前第{position}位]。", "有名额空出时将自动为您递补，并再次通知您。"),
        "{title}名额已满，您已进入候补[，当前第{position}位]，有空位将自动递补并通知您。",
    ),
    ("registration.promoted", _A.APPLICANT): _T(
        "候补成功：{title}",
        (
            "好消息！您已由候补转为正式预约：{title}。",
            "[时间：{when}]",
            "[地点：{place}]",
            "请准时参加；如不能参加，请及时取消。",
        ),
        "候补成功！您已预约{title}[，{when}][，{place}]。不能参加请及时取消。",
    ),
    ("registration.cancelled", _A.APPLICANT): _T(
        "预约已取消：{title}",
        ("您对{title}[（{when}）]的预约已取消。", "[原因：{reason}。]"),
        "您对{title}[（{when}）]的预约已取消[，原因：{reason}]。",
    ),
    ("order.placed", _A.APPLICANT): _T(
        "点单已提交：{title}",
        ("您的点单{title}已提交[，希望时间：{when}][，地点：{place}]。", "安排后会通知您结果。"),
        "您的点单{title}已提交，安排后会通知您结果。",
    ),
    ("order.placed", _A.ORGANISER): _T(
        "新的点单：{title}",
        ("收到新的点单：{title}[，希望时间：{when}][，地点：{place}]。", "请及时排期或答复。"),
        "新点单：{title}[，{when}][，{place}]，请及时排期或答复。",
    ),
    ("order.scheduled", _A.APPLICANT): _T(
        "点单已排期：{title}",
        ("您点的{title}已排期。", "[时间：{when}]", "[地点：{place}]", "[承办：{organiser}]"),
        "您点的{title}已排期[，{when}][，{place}]。",
    ),
    ("order.declined", _A.APPLICANT): _T(
        "点单暂无法安排：{title}",
        ("很抱歉，您点的{title}暂无法安排。", "[原因：{reason}。]", "欢迎选择菜单中的其他项目。"),
        "很抱歉，您点的{title}暂无法安排[，原因：{reason}]。",
    ),
    ("survey.invited", _A.PARTICIPANT): _T(
        "满意度调查：{title}",
        ("感谢您参加{title}。", "请为本次活动打分（1–5 分），帮助我们改进公共文化服务。"),
        "感谢参加{title}，请为本次活动打分（1–5分）。",
    ),
    ("loan.overdue", _A.APPLICANT): _T(
        "借阅到期提醒：{item}",
        ("您在{venue}借的{item}[（编号 {asset_number}）]已于{due_on}到期。", "请尽快归还或到馆办理续借。"),
        "您在{venue}借的{item}已于{due_on}到期，请尽快归还或续借。",
    ),
    ("volunteer.applied", _A.VOLUNTEER): _T(
        "志愿者申请已收到",
        ("您的文化志愿者申请已收到。", "审核通过后会通知您。"),
        "您的文化志愿者申请已收到，审核通过后会通知您。",
    ),
    ("volunteer.approved", _A.VOLUNTEER): _T(
        "欢迎成为文化志愿者",
        ("恭喜！您的文化志愿者申请已通过。", "有适合您的服务需求时，我们会向您发出邀请。"),
        "恭喜！您已成为文化志愿者，有服务需求时会邀请您。",
    ),
    ("dispatch.offered", _A.VOLUNTEER): _T(
        "志愿服务邀请：{title}",
        (
            "您好！诚邀您参加{title}的志愿服务。",
            "[岗位：{role}]",
            "[时间：{when}]",
            "[地点：{place}]",
            "[主办：{organiser}]",
            "[请于{deadline}前回复，逾期将邀请其他志愿者。|请尽快回复。]",
            "[接受：{accept_url}]",
            "[婉拒：{decline_url}]",
        ),
        # A space after each link: phones must not glue the following text onto the URL.
        "志愿服务邀请：{title}[（{role}）][，{when}][，{place}]。[请于{deadline}前回复。]"
        "[接受：{accept_url} ][婉拒：{decline_url}]",
    ),
    ("dispatch.accepted", _A.VOLUNTEER): _T(
        "已确认：{title}志愿服务",
        (
            "您已接受{title}的志愿服务[（{role}）]，感谢您的付出！",
            "[时间：{when}]",
            "[地点：{place}]",
            "如有变化，请尽早联系主办方[{organiser}]。",
        ),
        "您已确认参加{title}志愿服务[（{role}）][，{when}][，{place}]。感谢您！",
    ),
    ("dispatch.declined", _A.VOLUNTEER): _T(
        "已收到您的回复：{title}",
        ("已收到您对{title}志愿服务的婉拒，感谢及时回复。", "期待下次与您合作。"),
        "已收到您对{title}志愿服务的婉拒，感谢回复，期待下次合作。",
    ),
    ("dispatch.expired", _A.VOLUNTEER): _T(
        "邀请已过期：{title}",
        ("{title}志愿服务邀请已过回复期限[（{deadline}）]，邀请失效。", "感谢关注，期待下次合作。"),
        "{title}志愿服务邀请已过回复期限，邀请失效。期待下次合作。",
    ),
    ("dispatch.withdrawn", _A.VOLUNTEER): _T(
        "邀请已撤回：{title}",
        ("{title}志愿服务邀请已撤回[，原因：{reason}]，无需回复或前往。", "感谢关注。"),
        "{title}志愿服务邀请已撤回[，原因：{reason}]，无需回复或前往。",
    ),
    ("dispatch.filled", _A.ORGANISER): _T(
        "志愿者已招满：{title}",
        ("{title}[的{role}]志愿者已全部确认。",),
        "{title}[的{role}]志愿者已全部确认。",
    ),
    ("dispatch.unfilled", _A.ORGANISER): _T(
        "志愿者未招满：{title}",
        ("{title}[的{role}]志愿者未能招满[，尚缺{shortfall}人]。", "请调整需求或另行安排人员。"),
        "{title}[的{role}]志愿者未招满[，尚缺{shortfall}人]，请另行安排。",
    ),
    ("hours.credited", _A.VOLUNTEER): _T(
        "服务时长已记录[：{hours}小时]",
        ("您在{title}的志愿服务[{hours}小时]已记入服务档案。", "感谢您的付出！"),
        "您在{title}的志愿服务[{hours}小时]已记入服务档案，感谢您的付出！",
    ),
    ("registration.rescheduled", _A.APPLICANT): _T(
        "活动改期：{title}",
        (
            "您预约的{title}[改期至{when}|已改期，新时间另行通知][，地点：{place}]。",
            "[原定时间：{previous_when}。]",
            "您的预约继续有效；如不能参加，请取消预约，把名额让给他人。",
        ),
        "您预约的{title}[改期至{when}|已改期，新时间另行通知][，地点{place}]。如不能参加请取消预约。",
    ),
    ("booking.rescheduled", _A.APPLICANT): _T(
        "场地预约时间调整[：{place}]",
        ("您的场地预约[（{place}）]时间已调整[为{when}]。", "[原定时间：{previous_when}。]", "[原因：{reason}。]"),
        "您的场地预约[（{place}）]时间已调整[为{when}][，原因：{reason}]。",
    ),
    ("event.displaced", _A.ORGANISER): _T(
        "活动需改期：{title}",
        (
            "{title}[（{when}）]所用场地暂停开放[，原因：{reason}]。",
            "活动已保留，报名者名额不变；请尽快改期，改期后系统会通知报名者。",
        ),
        "{title}[（{when}）]所用场地暂停开放[，原因：{reason}]，请尽快改期。",
    ),
    ("volunteer.rejected", _A.VOLUNTEER): _T(
        "志愿者申请未通过",
        ("很抱歉，您的文化志愿者申请未通过[，原因：{reason}]。", "欢迎以后再次申请。"),
        "很抱歉，您的文化志愿者申请未通过[，原因：{reason}]。欢迎以后再次申请。",
    ),
    ("volunteer.suspended", _A.VOLUNTEER): _T(
        "志愿服务已暂停",
        ("您的文化志愿者身份已暂停[，原因：{reason}]，暂停期间不会收到服务邀请。", "如有疑问，请联系文化馆。"),
        "您的文化志愿者身份已暂停[，原因：{reason}]，暂停期间不会收到服务邀请。",
    ),
    ("volunteer.retired", _A.VOLUNTEER): _T(
        "感谢您的志愿服务",
        ("您已退出文化志愿者队伍，感谢您一直以来的付出！", "欢迎随时再次申请。"),
        "您已退出文化志愿者队伍，感谢您的付出！欢迎随时再次申请。",
    ),
}

_EN: dict[tuple[str, Audience], _Template] = {
    ("venue.registered", _A.VENUE_MANAGER): _T(
        "Venue registered: {venue}",
        (
            "{venue} is now registered on Wenyun.",
            "Please add its opening hours, rooms and services so they can be published.",
        ),
        "{venue} is registered on Wenyun. Please add opening hours and rooms.",
    ),
    ("venue.closed", _A.PARTICIPANT): _T(
        "Temporary closure: {venue}",
        (
            "{venue} is closed[ from {start_at}][. Reason: {reason}].",
            "[Expected to reopen {expected_reopening}|Reopening date to be announced].",
            "We apologise for the inconvenience.",
        ),
        "{venue} is closed[ from {start_at}][ ({reason})]. "
        "[Expected to reopen {expected_reopening}|Reopening to be announced].",
    ),
    ("venue.reopened", _A.PARTICIPANT): _T(
        "Reopened: {venue}",
        ("{venue} has reopened[ on {start_at}]. Welcome back.",),
        "{venue} has reopened[ on {start_at}]. Welcome back.",
    ),
    ("booking.requested", _A.APPLICANT): _T(
        "Booking request received",
        (
            "Your booking request[ for {place}][, {when},] has been received.",
            "The venue will review it and let you know.",
        ),
        "Booking request received[: {place}][, {when}]. We'll let you know.",
    ),
    ("booking.requested", _A.VENUE_MANAGER): _T(
        "New booking request[: {place}]",
        ("New booking request[ for {place}][, {when}][, by {organiser}].", "Please review it."),
        "New booking request[: {place}][, {when}][, {organiser}]. Please review.",
    ),
    ("booking.confirmed", _A.APPLICANT): _T(
        "Booking confirmed[: {place}]",
        (
            "Your booking[ of {place}][, {when},] is confirmed.",
            "Please check in on time, or cancel in advance if you no longer need it.",
        ),
        "Booking confirmed[: {place}][, {when}]. Please cancel early if unused.",
    ),
    ("booking.rejected", _A.APPLICANT): _T(
        "Booking not approved[: {place}]",
        ("Sorry, your booking[ of {place}][, {when},] was not approved.", "[Reason: {reason}.]"),
        "Sorry, your booking[ of {place}][, {when},] was not approved[: {reason}].",
    ),
    ("booking.cancelled", _A.APPLICANT): _T(
        "Booking cancelled[: {place}]",
        ("Your booking[ of {place}][, {when},] has been cancelled.", "[Reason: {reason}.]"),
        "Your booking[ of {place}][, {when},] was cancelled[: {reason}].",
    ),
    ("booking.no_show", _A.APPLICANT): _T(
        "Booking marked as no-show[: {place}]",
        (
            "Your booking[ of {place}][, {when},] was not checked in on time; it is marked as a no-show and the rest "
            "of the slot is free again.",
            "Repeated no-shows pause online booking; contact the venue if something came up.",
        ),
        "Booking[ of {place}] not checked in: marked as a no-show.",
    ),
    ("event.displaced", _A.PARTICIPANT): _T(
        "Venue change: {title}",
        (
            "The venue of {title}[ ({when})], which you registered for, cannot be used[: {reason}].",
            "The event will be rescheduled and your place is kept; you will be told the new time.",
        ),
        "{title}[ ({when})] must move[: {reason}]; your place is kept.",
    ),
    ("event.published", _A.ORGANISER): _T(
        "Event published: {title}",
        ("{title} is published[, {when}][, {place}].", "Residents can now see it on the notice board and register."),
        "{title} is published[, {when}][, {place}]. Registration is open.",
    ),
    ("event.rescheduled", _A.PARTICIPANT): _T(
        "Rescheduled: {title}",
        (
            "{title}, which you registered for, [has moved to {when}|has been rescheduled; "
            "the new time will be announced][, at {place}].",
            "[It was planned for {previous_when}.]",
            "Your registration stays valid. If you cannot come, please cancel so someone else can take the place.",
        ),
        "{title} [moved to {when}|has been rescheduled][, at {place}]. Can't come? Please cancel.",
    ),
    ("event.cancelled", _A.PARTICIPANT): _T(
        "Cancelled: {title}",
        ("Sorry, {title}[ ({when})] has been cancelled.", "[Reason: {reason}.]", "We apologise for the inconvenience."),
        "Sorry, {title}[ ({when})] is cancelled[: {reason}].",
    ),
    ("event.completed", _A.PARTICIPANT): _T(
        "Thank you for joining {title}",
        (
            "Thank you for joining {title}!",
            "[Tell us what you thought: {feedback_url}|Please rate it on Wenyun; your feedback helps us improve.]",
        ),
        "Thank you for joining {title}! [Feedback: {feedback_url}|Please rate it on Wenyun.]",
    ),
    ("registration.confirmed", _A.APPLICANT): _T(
        "Registered: {title}",
        (
            "You are registered for {title}.",
            "[When: {when}]",
            "[Where: {place}]",
            "[Organiser: {organiser}]",
            "If you cannot come, please cancel so someone else can take the place.",
        ),
        "You are registered for {title}[, {when}][, {place}]. Can't come? Please cancel.",
    ),
    ("registration.waitlisted", _A.APPLICANT): _T(
        "On the waiting list: {title}",
        (
            "{title} is full; you are on the waiting list[ at position {position}].",
            "If a place frees up you will get it automatically and we will tell you.",
        ),
        "{title} is full; you are on the waiting list[ (No. {position})]. We'll tell you if a place frees up.",
    ),
    ("registration.promoted", _A.APPLICANT): _T(
        "You got a place: {title}",
        (
            "Good news! A place freed up and you are now registered for {title}.",
            "[When: {when}]",
            "[Where: {place}]",
            "If you cannot come, please cancel.",
        ),
        "Good news: you now have a place at {title}[, {when}][, {place}].",
    ),
    ("registration.cancelled", _A.APPLICANT): _T(
        "Registration cancelled: {title}",
        ("Your registration for {title}[ ({when})] has been cancelled.", "[Reason: {reason}.]"),
        "Your registration for {title}[ ({when})] was cancelled[: {reason}].",
    ),
    ("order.placed", _A.APPLICANT): _T(
        "Order received: {title}",
        (
            "Your order for {title} has been received[, preferred time {when}][, at {place}].",
            "We will let you know once it is scheduled.",
        ),
        "Your order for {title} has been received. We'll let you know.",
    ),
    ("order.placed", _A.ORGANISER): _T(
        "New order: {title}",
        ("New order for {title}[, preferred time {when}][, at {place}].", "Please schedule or answer it."),
        "New order: {title}[, {when}][, {place}]. Please schedule or answer it.",
    ),
    ("order.scheduled", _A.APPLICANT): _T(
        "Order scheduled: {title}",
        ("Your order for {title} is scheduled.", "[When: {when}]", "[Where: {place}]", "[Provided by: {organiser}]"),
        "Your order for {title} is scheduled[, {when}][, {place}].",
    ),
    ("order.declined", _A.APPLICANT): _T(
        "Order cannot be scheduled: {title}",
        (
            "Sorry, your order for {title} cannot be scheduled.",
            "[Reason: {reason}.]",
            "Please choose another item from the menu.",
        ),
        "Sorry, your order for {title} cannot be scheduled[: {reason}].",
    ),
    ("survey.invited", _A.PARTICIPANT): _T(
        "How was {title}?",
        ("Thank you for attending {title}.", "Please rate it from 1 to 5 to help us improve."),
        "Thank you for attending {title}. Please rate it from 1 to 5.",
    ),
    ("loan.overdue", _A.APPLICANT): _T(
        "Please return: {item}",
        (
            "{item}[ (no. {asset_number})], borrowed from {venue}, was due on {due_on}.",
            "Please return it soon or renew it at the venue.",
        ),
        "{item} from {venue} was due on {due_on}. Please return or renew it.",
    ),
    ("volunteer.applied", _A.VOLUNTEER): _T(
        "Volunteer application received",
        ("Your application as a cultural volunteer has been received.", "We will let you know once it is approved."),
        "Your volunteer application has been received. We'll let you know.",
    ),
    ("volunteer.approved", _A.VOLUNTEER): _T(
        "Welcome, cultural volunteer",
        (
            "Your application as a cultural volunteer has been approved.",
            "We will invite you when there is work that suits you.",
        ),
        "Welcome! You are now a cultural volunteer. We'll invite you when needed.",
    ),
    ("dispatch.offered", _A.VOLUNTEER): _T(
        "Volunteer invitation: {title}",
        (
            "You are invited to volunteer at {title}.",
            "[Role: {role}]",
            "[When: {when}]",
            "[Where: {place}]",
            "[Organiser: {organiser}]",
            "[Please answer by {deadline}; after that we will ask someone else.|Please answer soon.]",
            "[Accept: {accept_url}]",
            "[Decline: {decline_url}]",
        ),
        "Volunteer invitation: {title}[ ({role})][, {when}][, {place}]. [Answer by {deadline}. ]"
        "[Accept: {accept_url} ][Decline: {decline_url}]",
    ),
    ("dispatch.accepted", _A.VOLUNTEER): _T(
        "Confirmed: volunteering at {title}",
        (
            "You have accepted to volunteer at {title}[ as {role}]. Thank you!",
            "[When: {when}]",
            "[Where: {place}]",
            "If anything changes, please tell the organiser[ ({organiser})] early.",
        ),
        "Confirmed: you volunteer at {title}[ ({role})][, {when}][, {place}]. Thank you!",
    ),
    ("dispatch.declined", _A.VOLUNTEER): _T(
        "Answer received: {title}",
        (
            "We have your answer: you will not volunteer at {title}. Thank you for replying.",
            "We hope to work with you next time.",
        ),
        "Thanks for answering about {title}. Hope to see you next time.",
    ),
    ("dispatch.expired", _A.VOLUNTEER): _T(
        "Invitation expired: {title}",
        (
            "The invitation to volunteer at {title} expired[ at {deadline}] without an answer.",
            "We hope to work with you next time.",
        ),
        "The invitation to volunteer at {title} has expired.",
    ),
    ("dispatch.withdrawn", _A.VOLUNTEER): _T(
        "Invitation withdrawn: {title}",
        ("The invitation to volunteer at {title} has been withdrawn[ ({reason})]. No need to answer or come.",),
        "The invitation to volunteer at {title} was withdrawn[ ({reason})]. No need to come.",
    ),
    ("dispatch.filled", _A.ORGANISER): _T(
        "Volunteers complete: {title}",
        ("All volunteers[ ({role})] for {title} have confirmed.",),
        "All volunteers[ ({role})] for {title} have confirmed.",
    ),
    ("dispatch.unfilled", _A.ORGANISER): _T(
        "Volunteers missing: {title}",
        (
            "Not enough volunteers[ ({role})] for {title}[: {shortfall} still missing].",
            "Please adjust the need or arrange people another way.",
        ),
        "Not enough volunteers[ ({role})] for {title}[: {shortfall} missing]. Please arrange.",
    ),
    ("hours.credited", _A.VOLUNTEER): _T(
        "Service hours recorded[: {hours} h]",
        ("Your volunteering at {title}[ ({hours} h)] has been added to your record.", "Thank you!"),
        "Your volunteering at {title}[ ({hours} h)] has been recorded. Thank you!",
    ),
    ("registration.rescheduled", _A.APPLICANT): _T(
        "Rescheduled: {title}",
        (
            "{title}, which you registered for, [has moved to {when}|has been rescheduled; "
            "the new time will be announced][, at {place}].",
            "[It was planned for {previous_when}.]",
            "Your registration stays valid. If you cannot come, please cancel so someone else can take the place.",
        ),
        "{title} [moved to {when}|has been rescheduled][, at {place}]. Can't come? Please cancel.",
    ),
    ("booking.rescheduled", _A.APPLICANT): _T(
        "Booking moved[: {place}]",
        (
            "Your booking[ of {place}] has moved[ to {when}].",
            "[It was planned for {previous_when}.]",
            "[Reason: {reason}.]",
        ),
        "Your booking[ of {place}] has moved[ to {when}][: {reason}].",
    ),
    ("event.displaced", _A.ORGANISER): _T(
        "Event must be rescheduled: {title}",
        (
            "The venue of {title}[ ({when})] is closed[: {reason}].",
            "The event is kept and registrants keep their places; please reschedule it soon and they will be told.",
        ),
        "The venue of {title}[ ({when})] is closed[: {reason}]. Please reschedule.",
    ),
    ("volunteer.rejected", _A.VOLUNTEER): _T(
        "Volunteer application not accepted",
        (
            "Sorry, your application as a cultural volunteer was not accepted[: {reason}].",
            "You are welcome to apply again later.",
        ),
        "Sorry, your volunteer application was not accepted[: {reason}].",
    ),
    ("volunteer.suspended", _A.VOLUNTEER): _T(
        "Volunteering suspended",
        (
            "Your volunteering is suspended[: {reason}]; you will get no invitations meanwhile.",
            "Please contact the cultural centre with any questions.",
        ),
        "Your volunteering is suspended[: {reason}]. No invitations meanwhile.",
    ),
    ("volunteer.retired", _A.VOLUNTEER): _T(
        "Thank you for volunteering",
        (
            "You have left the cultural volunteers. Thank you for everything you did!",
            "You are welcome to apply again at any time.",
        ),
        "You have left the cultural volunteers. Thank you! You may apply again any time.",
    ),
}

# Facts that are known but tell no person anything new (feedback is read in reports;
# dispatch.requested is the organiser's own request, answered by offered/filled/unfilled).
SILENT_EVENT_TYPES = frozenset({"feedback.received", "dispatch.requested"})


def audiences_for(event_type: str) -> tuple[Audience, ...]:
    """Audiences that get a message for this type, default audience first; () when nobody does."""
    return tuple(audience for (type_, audience) in _ZH if type_ == event_type)


def wants_english(language: str | None) -> bool:
    return bool(language) and language.replace("_", "-").lower().split("-")[0] == "en"


def render(
    event_type: str,
    data: Mapping[str, Any] | None,
    language: str | None = "zh-CN",
    audience: Audience | str | None = None,
) -> Message | None:
    """The message for one audience of one fact, or None when that audience gets none."""
    if audience is None:
        audiences = audiences_for(event_type)
        if not audiences:
            return None
        audience = audiences[0]
    try:
        audience = Audience(audience)
    except ValueError:
        return None
    english = wants_english(language)
    template = (_EN if english else _ZH).get((event_type, audience))
    if template is None:
        return None
    values = _values(data or {}, english)
    body_lines = (_fill(line, values) for line in template.body)
    return Message(
        subject=_fill(template.subject, values),
        body="\n".join(line for line in body_lines if line),
        sms_text=_fill(template.sms, values),
    )


# --- filling templates -------------------------------------------------------------------

_OPTIONAL_PART = re.compile(r"\[([^\[\]]*)\]")
_FORMATTER = string.Formatter()


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in _FORMATTER.parse(text) if name}


def _fill(template: str, values: Mapping[str, str]) -> str:
    def choose(match: re.Match[str]) -> str:
        wanted, _, fallback = match.group(1).partition("|")
        return wanted if all(values.get(name) for name in _fields(wanted)) else fallback

    resolved = _OPTIONAL_PART.sub(choose, template)
    text = resolved.format_map(_BlankForMissing(values))
    text = re.sub(r" {2,}", " ", text).strip()
    return text[:1].upper() + text[1:] if text[:1].islower() else text


class _BlankForMissing(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _text(value: object) -> str | None:
    """A clean string for a fact, without the closing punctuation the template adds itself."""
    if value is None:
        return None
    text = str(value).strip().rstrip("。.！!；;，,")
    return text or None


def _number(value: object) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return f"{value:g}"
    return _text(value)


def _values(data: Mapping[str, Any], english: bool) -> dict[str, str]:
    fmt = format_en if english else format_zh
    values: dict[str, str] = {}

    def put(name: str, value: str | None) -> None:
        if value:
            values[name] = value

    title = _text(data.get("event_title")) or _text(data.get("offering_title"))
    if title:
        values["title"] = f"“{title}”" if english else f"「{title}」"
    else:
        values["title"] = "the event" if english else "活动"

    venue_parts = [p for p in (_text(data.get("venue_name")), _text(data.get("room_name"))) if p]
    venue = (", " if english else "").join(venue_parts) or None
    put("place", _text(data.get("place")) or venue)
    values["venue"] = venue or _text(data.get("place")) or ("the venue" if english else "场馆")

    start = parse_instant(data.get("start"))
    end = parse_instant(data.get("end"))
    if start:
        put("when", format_range(start, end, english))
        put("start_at", fmt(start))
    previous_start = parse_instant(data.get("previous_start"))
    if previous_start:
        put("previous_when", format_range(previous_start, parse_instant(data.get("previous_end")), english))
    for name in ("expected_reopening", "deadline"):
        instant = parse_instant(data.get(name))
        if instant:
            put(name, fmt(instant))

    for name in ("reason", "organiser", "role", "asset_number", "due_on"):
        put(name, _text(data.get(name)))
    values["item"] = _text(data.get("item_name")) or ("the item" if english else "物品")
    for name in ("accept_url", "decline_url", "feedback_url"):
        # Links are used verbatim: trimming a trailing character could break them.
        put(name, str(data.get(name) or "").strip() or None)
    for name in ("hours", "shortfall", "position"):
        put(name, _number(data.get(name)))
    return values
