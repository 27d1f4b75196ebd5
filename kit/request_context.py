"""`RequestContext()`: the dependency every service declares so that each worker runs under the id of the
request it serves (kit.request_ids), and one log line per finished worker says so."""

from __future__ import annotations

import logging
import time
from contextvars import ContextVar

from nameko.extensions import DependencyProvider

from kit.request_ids import REQUEST_ID, new_request_id, request_id_of_traceparent, set_current_request_id

log = logging.getLogger("wenyun.requests")
_started: ContextVar[float] = ContextVar("wenyun_worker_started", default=0.0)


class RequestContext(DependencyProvider):
    """Makes the worker's request id current (from the RPC headers or the CloudEvent's traceparent,
    else a new one) and logs one line per finished worker."""

    def worker_setup(self, worker_ctx):
        request_id = worker_ctx.data.get(REQUEST_ID)
        if not request_id and getattr(worker_ctx.entrypoint, "delivers_cloudevents", False) and worker_ctx.args:
            delivered = worker_ctx.args[0]
            if isinstance(delivered, list):  # a batch (kit.events `handle_events`): one fact has its own id
                delivered = delivered[0] if len(delivered) == 1 else None
            request_id = request_id_of_traceparent(getattr(delivered, "traceparent", None))
        request_id = str(request_id or new_request_id())[:128]
        worker_ctx.data[REQUEST_ID] = request_id  # passed on with the RPCs this worker makes
        set_current_request_id(request_id)
        _started.set(time.perf_counter())

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        elapsed_ms = (time.perf_counter() - (_started.get() or time.perf_counter())) * 1000
        log.info(
            "%s %s",
            worker_ctx.entrypoint.method_name,
            "failed" if exc_info else "done",
            extra={
                "entrypoint": worker_ctx.entrypoint.method_name,
                "duration_ms": round(elapsed_ms, 1),
                "outcome": exc_info[0].__name__ if exc_info else "ok",
            },
        )

    def worker_teardown(self, worker_ctx):
        set_current_request_id(None)
