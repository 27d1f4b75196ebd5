"""Logging of a service process."""
from __future__ import annotations

import logging

from contracts.errors import WenyunError


class RefusalsWithoutTracebacks(logging.Filter):
    """A refused request (409, 422, …) is an answer, not a failure: nameko would log it as an error
    with a traceback; log it at INFO without one, so a rush of refused bookings neither floods the log
    nor costs the CPU of formatting hundreds of tracebacks. Real errors keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        # AlreadyProcessed: a redelivered event the inbox recognised — expected under at-least-once.
        if error is not None and (isinstance(error, WenyunError) or type(error).__name__ == "AlreadyProcessed"):
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


def configure_service_logging(service: str) -> None:
    logging.basicConfig(level=logging.INFO, format=f"%(asctime)s {service} %(levelname)s %(name)s: %(message)s")
    logging.getLogger("nameko.containers").addFilter(RefusalsWithoutTracebacks())
