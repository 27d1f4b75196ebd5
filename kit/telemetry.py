"""OpenTelemetry traces, off unless configured. Set the standard `OTEL_EXPORTER_OTLP_ENDPOINT` (or
`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) and a process exports its spans there over OTLP/HTTP: the
gateway's HTTP requests (FastAPI) and its RPCs (aio-pika), every service's and the gateway's SQL
(SQLAlchemy). Unset — the default, and in the tests — nothing is instrumented and nothing is exported.
The other `OTEL_*` variables (service name, resource attributes, headers, sampling) apply as usual.

nameko itself has no OpenTelemetry instrumentation; the request id (kit.request_ids) follows a
request through the services' logs and facts whether tracing is on or not.
"""

from __future__ import annotations

import logging
import os
from typing import Any

log = logging.getLogger(__name__)
ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
_provider: Any = None


def enabled() -> bool:
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    return any(os.environ.get(name) for name in ENDPOINT_VARIABLES)


def configure_tracing(process: str) -> bool:
    """Once per process, before engines and apps are made: a tracer provider exporting over OTLP/HTTP.
    False (and nothing done) when no endpoint is configured."""
    global _provider
    if _provider is not None:
        return True
    if not enabled():
        return False
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    # OTEL_SERVICE_NAME, when set, wins over the default name.
    name = os.environ.get("OTEL_SERVICE_NAME") or f"wenyun-{process}"
    _provider = TracerProvider(resource=Resource.create({SERVICE_NAME: name}))
    _provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(_provider)
    log.info("OpenTelemetry traces of %s are exported over OTLP", name)
    return True


def instrument_engine(engine) -> None:
    """Spans for the SQL of one engine (kit.engine.make_engine calls this)."""
    if _provider is None:
        return
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    SQLAlchemyInstrumentor().instrument(engine=engine, tracer_provider=_provider)


def instrument_gateway(app) -> None:
    """Spans for the gateway's HTTP requests and its RPCs over aio-pika."""
    if not configure_tracing("gateway"):
        return
    from opentelemetry.instrumentation.aio_pika import AioPikaInstrumentor
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    AioPikaInstrumentor().instrument(tracer_provider=_provider)
    FastAPIInstrumentor.instrument_app(app, tracer_provider=_provider)


def shutdown() -> None:
    """Flush what is left to export (at the end of a process)."""
    if _provider is not None:
        _provider.shutdown()
