"""Prometheus metrics of a service process, and the dependency that records every worker."""

from __future__ import annotations

import time

from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc
from prometheus_client import Counter, Gauge, Histogram, start_http_server

from kit.inbox import AlreadyProcessed

RPC_REQUESTS = Counter("wenyun_rpc_requests_total", "RPC calls handled", ["service", "method", "outcome"])
RPC_DURATION = Histogram("wenyun_rpc_duration_seconds", "RPC handling time", ["service", "method"])
EVENTS_HANDLED = Counter("wenyun_events_handled_total", "Domain events handled", ["service", "event_type", "outcome"])
EVENT_DURATION = Histogram("wenyun_event_handling_seconds", "Event handling time", ["service", "event_type"])
OUTBOX_BACKLOG = Gauge("wenyun_outbox_backlog", "Outbox rows not yet published", ["service"])
OUTBOX_UNROUTABLE = Counter(
    "wenyun_outbox_unroutable_total",
    "Facts the broker returned because no queue took them though a service subscribes (kept unsent, retried)",
    ["service", "event_type"],
)
OUTBOX_PUBLISHED = Counter("wenyun_outbox_published_total", "Outbox rows published", ["service"])
DEAD_LETTERS = Counter("wenyun_dead_letters_total", "Messages sent to the dead-letter queue", ["service"])
RETRIES = Counter("wenyun_event_retries_total", "Event deliveries retried after a failure", ["service"])


def start_metrics_server(port: int) -> None:
    if port:
        start_http_server(port)


class Metrics(DependencyProvider):
    """Times every worker and counts outcomes by entrypoint kind (RPC or event)."""

    def __init__(self):
        self._started: dict[int, float] = {}

    def worker_setup(self, worker_ctx):
        self._started[id(worker_ctx)] = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        started = self._started.pop(id(worker_ctx), None)
        if started is None:
            return
        elapsed = time.perf_counter() - started
        service = self.container.service_name
        entrypoint = worker_ctx.entrypoint
        outcome = "error" if exc_info else "ok"
        if isinstance(entrypoint, Rpc):
            RPC_REQUESTS.labels(service, entrypoint.method_name, outcome).inc()
            RPC_DURATION.labels(service, entrypoint.method_name).observe(elapsed)
        elif hasattr(entrypoint, "event_type"):
            if exc_info and issubclass(exc_info[0], AlreadyProcessed):
                outcome = "duplicate"
            EVENTS_HANDLED.labels(service, entrypoint.event_type, outcome).inc()
            EVENT_DURATION.labels(service, entrypoint.event_type).observe(elapsed)

    def get_dependency(self, worker_ctx):
        return None
