from datetime import datetime, timedelta, timezone

import pytest

from kit.rules import InvalidTransition
from services.notifications.domain.webhook_policy import (
    DEFAULT_RETRY_DELAYS,
    AttemptResult,
    DeliveryState,
    EndpointFailures,
    RetrySchedule,
    WebhookDelivery,
    is_valid_filter,
    matches,
    should_disable,
)

T0 = datetime(2025, 11, 24, 7, 0, tzinfo=timezone.utc)
FAST = RetrySchedule((0, 0.2, 0.5))
OK = AttemptResult.response(200)
DOWN = AttemptResult.connection_error(ConnectionRefusedError("connection refused"))


# --- schedule ----------------------------------------------------------------------------


def test_default_schedule_is_svix_like():
    schedule = RetrySchedule()
    assert schedule.delays == DEFAULT_RETRY_DELAYS == (0, 5, 300, 1800, 7200, 18000, 36000)
    assert schedule.max_attempts == 7
    assert schedule.first_attempt_at(T0) == T0
    assert schedule.next_attempt_at(1, T0) == T0 + timedelta(seconds=5)
    assert schedule.next_attempt_at(2, T0) == T0 + timedelta(minutes=5)
    assert schedule.next_attempt_at(6, T0) == T0 + timedelta(hours=10)
    assert schedule.next_attempt_at(7, T0) is None


def test_short_schedule_for_tests():
    assert FAST.next_attempt_at(1, T0) == T0 + timedelta(seconds=0.2)
    assert FAST.next_attempt_at(2, T0) == T0 + timedelta(seconds=0.5)
    assert FAST.next_attempt_at(3, T0) is None


@pytest.mark.parametrize("delays", [(), (0, -1), (0, float("inf"))])
def test_schedule_refuses_nonsense(delays):
    with pytest.raises(ValueError):
        RetrySchedule(delays)


def test_attempt_numbers_count_from_one():
    with pytest.raises(ValueError):
        FAST.next_attempt_at(0, T0)


# --- filters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "filters, event_type, expected",
    [
        (["booking.confirmed"], "booking.confirmed", True),
        (["booking.confirmed"], "booking.cancelled", False),
        (["booking.*"], "booking.cancelled", True),
        (["booking.*"], "bookings.cancelled", False),
        (["booking.*"], "booking", False),
        (["*"], "hours.credited", True),
        (["*.cancelled"], "event.cancelled", True),
        (["*.cancelled"], "event.completed", False),
        (["venue.closed", "venue.reopened"], "venue.reopened", True),
        ([" venue.closed "], "venue.closed", True),
        ([], "venue.closed", True),  # no filter: everything, as in Svix
        (None, "venue.closed", True),
    ],
)
def test_matches(filters, event_type, expected):
    assert matches(filters, event_type) is expected


@pytest.mark.parametrize("pattern", ["*", "booking.*", "*.cancelled", "event.published", "dispatch.*"])
def test_valid_filters(pattern):
    assert is_valid_filter(pattern)


@pytest.mark.parametrize("pattern", ["", "book*", "booking.", ".x", "booking..x", "booking.con firmed", "**"])
def test_invalid_filters(pattern):
    assert not is_valid_filter(pattern)


# --- results -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status, succeeded",
    [
        (200, True),
        (202, True),
        (204, True),
        (299, True),
        (199, False),
        (301, False),
        (404, False),
        (410, False),
        (500, False),
        (503, False),
    ],
)
def test_only_2xx_is_success(status, succeeded):
    assert AttemptResult.response(status).succeeded is succeeded


def test_connection_errors_are_failures():
    assert not DOWN.succeeded and DOWN.status_code is None and "refused" in DOWN.error
    assert AttemptResult.connection_error(TimeoutError()).error == "TimeoutError"


# --- delivery lifecycle ------------------------------------------------------------------


def test_delivery_retries_then_fails_after_the_last_try():
    delivery = WebhookDelivery.start(T0, FAST)
    assert delivery.state is DeliveryState.PENDING and delivery.is_due(T0)

    delivery = delivery.record_attempt(DOWN, T0, FAST)
    assert delivery.state is DeliveryState.PENDING
    assert delivery.next_attempt_at == T0 + timedelta(seconds=0.2)
    assert not delivery.is_due(T0) and delivery.is_due(T0 + timedelta(seconds=0.2))

    second_at = T0 + timedelta(seconds=0.2)
    delivery = delivery.record_attempt(AttemptResult.response(500), second_at, FAST)
    assert delivery.next_attempt_at == second_at + timedelta(seconds=0.5)

    delivery = delivery.record_attempt(AttemptResult.response(404), second_at + timedelta(seconds=0.5), FAST)
    assert delivery.state is DeliveryState.FAILED
    assert delivery.next_attempt_at is None and delivery.attempts == 3
    assert delivery.last_result == AttemptResult.response(404)
    assert not delivery.is_due(T0 + timedelta(days=1))


def test_delivery_succeeds_on_a_2xx():
    delivery = WebhookDelivery.start(T0, FAST).record_attempt(DOWN, T0, FAST)
    delivery = delivery.record_attempt(AttemptResult.response(204), T0 + timedelta(seconds=0.2), FAST)
    assert delivery.state is DeliveryState.SUCCEEDED and delivery.attempts == 2 and delivery.next_attempt_at is None


def test_finished_deliveries_refuse_more_results():
    done = WebhookDelivery.start(T0, FAST).record_attempt(OK, T0, FAST)
    with pytest.raises(InvalidTransition):
        done.record_attempt(OK, T0, FAST)


def test_replay_of_a_failed_delivery_makes_one_new_attempt():
    one_try = RetrySchedule((0,))
    failed = WebhookDelivery.start(T0, one_try).record_attempt(DOWN, T0, one_try)
    assert failed.state is DeliveryState.FAILED

    later = T0 + timedelta(hours=3)
    replayed = failed.replay(later)
    assert replayed.state is DeliveryState.PENDING and replayed.is_due(later) and replayed.replays == 1

    failed_again = replayed.record_attempt(DOWN, later, FAST)
    assert failed_again.state is DeliveryState.FAILED  # no new backoff round, even with retries left
    succeeded = failed_again.replay(later).record_attempt(OK, later, FAST)
    assert succeeded.state is DeliveryState.SUCCEEDED
    assert succeeded.attempts == 3 and succeeded.replays == 2


def test_replay_of_a_succeeded_delivery_is_allowed_but_not_of_a_pending_one():
    succeeded = WebhookDelivery.start(T0, FAST).record_attempt(OK, T0, FAST)
    assert succeeded.replay(T0).state is DeliveryState.PENDING
    with pytest.raises(InvalidTransition):
        WebhookDelivery.start(T0, FAST).replay(T0)


# --- endpoint health ---------------------------------------------------------------------


def test_endpoint_is_disabled_after_five_days_of_failures_only():
    failures = EndpointFailures()
    assert not should_disable(failures, T0)
    failures = failures.after(DOWN, T0).after(DOWN, T0 + timedelta(days=1))
    assert failures.first_failure_at == T0
    assert not should_disable(failures, T0 + timedelta(days=4, hours=23))
    assert should_disable(failures, T0 + timedelta(days=5))
    assert should_disable(T0, T0 + timedelta(days=5))  # a bare first_failure_at works too
    assert should_disable(failures, T0 + timedelta(days=2), disable_after_days=2)


def test_any_success_resets_the_failure_run():
    failures = EndpointFailures().after(DOWN, T0).after(OK, T0 + timedelta(days=4))
    assert failures.first_failure_at is None
    assert not should_disable(failures, T0 + timedelta(days=6))
    assert failures.after(DOWN, T0 + timedelta(days=6)).first_failure_at == T0 + timedelta(days=6)
