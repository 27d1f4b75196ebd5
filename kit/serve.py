"""Run one service in this process: migrations, durable queues, metrics, then the nameko container.

Called as `wenyun serve <service>`; eventlet's monkey patching and psycogreen must happen before
anything imports socket-using modules, which is why `wenyun.cli` calls `green()` first.
"""

from __future__ import annotations

import importlib
import logging
import signal
import sys


def green() -> None:
    import eventlet

    eventlet.monkey_patch()
    from psycogreen.eventlet import patch_psycopg

    patch_psycopg()  # psycopg2 waits cooperatively instead of blocking the eventlet hub


def service_class(service: str):
    module = importlib.import_module(f"services.{service}.service")
    return module.SERVICE


def platform_subscriptions() -> frozenset[tuple[str, str]]:
    """(exchange, routing key) of every fact some service of the platform subscribes to."""
    from kit.settings import SERVICE_NAMES
    from kit.topology import subscribed_routes

    return subscribed_routes([service_class(name) for name in SERVICE_NAMES])


def prepare(service: str, settings) -> None:
    """The deploy step of one service: its migrations and its durable queues."""
    from kit.migrations import upgrade
    from kit.topology import declare_topology

    upgrade(service, settings.database_url(service))
    declare_topology(settings.amqp_uri, [service_class(service)], settings.queue_type)


def run_service(service: str) -> int:
    import eventlet
    from nameko.runners import ServiceRunner

    from kit.bus import BrokerUnreachable, check_broker
    from kit.logs import configure_service_logging
    from kit.metrics import start_metrics_server
    from kit.settings import get_settings, nameko_config
    from kit.telemetry import configure_tracing
    from kit.telemetry import shutdown as flush_traces

    configure_service_logging(service)
    configure_tracing(service)  # OpenTelemetry: nothing unless OTEL_EXPORTER_OTLP_ENDPOINT is set
    settings = get_settings()
    try:
        check_broker(settings.amqp_uri)
    except BrokerUnreachable as exc:
        print(f"wenyun: {exc}", file=sys.stderr)
        return 2
    prepare(service, settings)
    start_metrics_server(settings.metrics_port(service))
    config = nameko_config(service, settings)
    config["WENYUN_SUBSCRIBED_ROUTES"] = platform_subscriptions()
    runner = ServiceRunner(config)
    runner.add_service(service_class(service))

    def shutdown(_signum, _frame):
        eventlet.spawn(runner.stop)

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    runner.start()
    logging.getLogger(__name__).info("%s is up", service)
    runner.wait()
    flush_traces()
    return 0
