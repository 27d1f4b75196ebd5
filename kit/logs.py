"""Logging of a service process (and the gateway): one JSON object per line, each with the service
and the request id it belongs to (kit.request_context), so `grep <request id>` follows a request."""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from contracts.errors import WenyunError
from kit.inbox import AlreadyProcessed
from kit.request_ids import current_request_id


class RefusalsWithoutTracebacks(logging.Filter):
    """A refused request (409, 422, …) is an answer, not a failure: nameko would log it as an error
    with a traceback; log it at INFO without one, so a rush of refused bookings neither floods the log
    nor costs the CPU of formatting hundreds of tracebacks. Real errors keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        # AlreadyProcessed: a redelivered event the inbox recognised — expected under at-least-once.
        if isinstance(error, (WenyunError, AlreadyProcessed)):
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


class WithRequestId(logging.Filter):
    """Adds the current request id (None outside a request) unless the record already has one."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id()
        return True


def json_log_handler(service: str, stream=None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            static_fields={"service": service},
            json_ensure_ascii=False,
        )
    )
    handler.addFilter(WithRequestId())
    return handler


def configure_logging(service: str) -> None:
    """JSON lines on stderr for the whole process (replaces handlers set up before)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(json_log_handler(service))
    root.setLevel(logging.INFO)


def configure_service_logging(service: str) -> None:
    configure_logging(service)
    logging.getLogger("nameko.containers").addFilter(RefusalsWithoutTracebacks())
