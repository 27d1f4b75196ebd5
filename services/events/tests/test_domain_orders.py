from datetime import date

import pytest

from kit.rules import InvalidTransition, RuleViolation
from services.events.domain.lifecycle import EventKind, TargetGroup
from services.events.domain.orders import (
    MenuOffering,
    OrderAction,
    OrderStatus,
    RarelyOrdered,
    place_order,
    rarely_ordered,
    transition_order,
    validate_order_window,
)

TODAY = date(2026, 8, 1)
OPERA = MenuOffering(
    "off-1", "川剧折子戏专场", EventKind.MOBILE_PERFORMANCE, "区川剧团", 90, (TargetGroup.ELDERLY, TargetGroup.EVERYONE)
)


def new_order(earliest=date(2026, 9, 1), latest=date(2026, 9, 30)):
    return place_order("ord-1", OPERA, "双凤村", earliest, latest, TODAY, note=" 希望在晒坝演出 ")


def test_placing_an_order():
    order = new_order()
    assert order.status is OrderStatus.PLACED
    assert (order.offering_id, order.ordered_by, order.note) == ("off-1", "双凤村", "希望在晒坝演出")
    assert date(2026, 9, 15) in order.window


@pytest.mark.parametrize(
    "earliest,latest,code",
    [
        (date(2026, 9, 30), date(2026, 9, 1), "order.bad_window"),
        (TODAY, date(2026, 9, 1), "order.window_in_past"),
        (date(2026, 7, 1), date(2026, 9, 1), "order.window_in_past"),
    ],
)
def test_bad_windows(earliest, latest, code):
    with pytest.raises(RuleViolation) as caught:
        validate_order_window(earliest, latest, TODAY)
    assert caught.value.code == code


def test_a_one_day_window_is_fine():
    assert validate_order_window(date(2026, 8, 2), date(2026, 8, 2), TODAY).earliest == date(2026, 8, 2)


def test_an_offering_off_the_menu_cannot_be_ordered():
    retired = MenuOffering("off-2", "露天电影", EventKind.FILM_SCREENING, "区电影公司", 120, available=False)
    with pytest.raises(RuleViolation):
        place_order("ord-2", retired, "双凤村", date(2026, 9, 1), date(2026, 9, 2), TODAY)


def test_an_order_needs_a_village():
    with pytest.raises(RuleViolation):
        place_order("ord-2", OPERA, "  ", date(2026, 9, 1), date(2026, 9, 2), TODAY)


def test_offering_validation():
    with pytest.raises(RuleViolation):
        MenuOffering("x", " ", EventKind.LECTURE, "区图书馆", 60)
    with pytest.raises(RuleViolation):
        MenuOffering("x", "讲座", EventKind.LECTURE, "", 60)
    with pytest.raises(RuleViolation):
        MenuOffering("x", "讲座", EventKind.LECTURE, "区图书馆", 0)
    assert MenuOffering("x", "讲座", "lecture", "区图书馆", 60).kind is EventKind.LECTURE


def test_scheduling_inside_the_window():
    order = new_order().schedule(date(2026, 9, 1), TODAY)
    assert order.status is OrderStatus.SCHEDULED and order.scheduled_for == date(2026, 9, 1)
    assert new_order().schedule(date(2026, 9, 30), TODAY).scheduled_for == date(2026, 9, 30)


@pytest.mark.parametrize("day", [date(2026, 8, 31), date(2026, 10, 1)])
def test_scheduling_outside_the_window_is_refused(day):
    with pytest.raises(RuleViolation) as caught:
        new_order().schedule(day, TODAY)
    assert caught.value.code == "order.date_outside_window"


def test_scheduling_a_day_that_has_passed_is_refused():
    with pytest.raises(RuleViolation) as caught:
        new_order().schedule(date(2026, 9, 10), today=date(2026, 9, 10))
    assert caught.value.code == "order.date_in_past"


def test_declining_needs_a_reason():
    for reason in ("", "   ", None):
        with pytest.raises(RuleViolation):
            new_order().decline(reason)
    with pytest.raises(RuleViolation):
        new_order().decline("理" * 501)
    declined = new_order().decline(" 剧团九月已排满 ")
    assert declined.status is OrderStatus.DECLINED and declined.decline_reason == "剧团九月已排满"


def test_withdrawing():
    assert new_order().withdraw().status is OrderStatus.WITHDRAWN


def test_closed_orders_stay_closed():
    scheduled = new_order().schedule(date(2026, 9, 5), TODAY)
    with pytest.raises(InvalidTransition):
        scheduled.schedule(date(2026, 9, 6), TODAY)
    with pytest.raises(InvalidTransition):
        scheduled.withdraw()
    with pytest.raises(InvalidTransition):
        new_order().withdraw().decline("太晚了")
    with pytest.raises(InvalidTransition):
        new_order().decline("无档期").schedule(date(2026, 9, 5), TODAY)


def test_transition_table():
    assert transition_order("placed", "schedule") is OrderStatus.SCHEDULED
    for status in (OrderStatus.SCHEDULED, OrderStatus.DECLINED, OrderStatus.WITHDRAWN):
        for action in OrderAction:
            with pytest.raises(InvalidTransition):
                transition_order(status, action)


def test_overdue_orders():
    order = new_order()
    assert not order.is_overdue(date(2026, 9, 29))
    assert order.is_overdue(date(2026, 9, 30))
    assert not order.decline("无档期").is_overdue(date(2026, 10, 5))


def test_rarely_ordered():
    counts = {"opera": 12, "film": 2, "lecture": 0, "dance": 5}
    assert rarely_ordered(counts, 5) == [RarelyOrdered("lecture", 0), RarelyOrdered("film", 2)]
    assert rarely_ordered({"film": 2}, 3, all_offerings=["film", "braille-reading"]) == [
        RarelyOrdered("braille-reading", 0),
        RarelyOrdered("film", 2),
    ]
    assert rarely_ordered({}, 1) == []
    with pytest.raises(RuleViolation):
        rarely_ordered(counts, 0)
    with pytest.raises(RuleViolation):
        rarely_ordered({"film": -1}, 2)
