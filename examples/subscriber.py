#!/usr/bin/env python3
"""Subscribe to what happens in Wenyun (文云) over AMQP — the example another district system copies.

    .venv/bin/python examples/subscriber.py                          # every fact
    .venv/bin/python examples/subscriber.py 'venue.*' 'booking.#'    # only these routing keys

Every service publishes its facts as CloudEvents 1.0 (structured JSON) on a durable topic exchange
named "<service>.events", with the event type as the routing key. This program declares its OWN
durable queue, binds it to those exchanges and prints each CloudEvent it receives. Because the queue
is durable and named, facts published while the subscriber is stopped wait for it; the CloudEvent
`id` is stable across redelivery, so a subscriber that stores the ids it handled ignores a repeat.

Settings (environment):
    AMQP_URI                   where RabbitMQ is (default amqp://guest:guest@localhost:5672/)
    WENYUN_SUBSCRIBER_QUEUE    the queue name (default example-subscriber); one per subscribing system

Only the pika library is needed (pip install pika). See docs/subscribing.md.
"""

from __future__ import annotations

import json
import os
import signal
import sys

import pika

EXCHANGES = (
    "venues.events",
    "events.events",
    "volunteers.events",
    "accounts.events",
    "reports.events",
    "notifications.events",
)


def describe(body: bytes) -> str:
    try:
        event = json.loads(body)
        lines = [
            f"{event['type']}  id={event['id']}",
            f"  source={event['source']}  subject={event.get('subject', '-')}  time={event.get('time', '-')}",
            "  data=" + json.dumps(event.get("data"), ensure_ascii=False, sort_keys=True),
        ]
    except (ValueError, KeyError, TypeError) as exc:
        return f"not a CloudEvent ({exc}): {body[:200]!r}"
    return "\n".join(lines)


def main(routing_keys: list[str]) -> int:
    uri = os.environ.get("AMQP_URI", "amqp://guest:guest@localhost:5672/")
    queue = os.environ.get("WENYUN_SUBSCRIBER_QUEUE", "example-subscriber")
    keys = routing_keys or ["#"]  # '#': every fact; 'venue.*': venue facts; exact types work too
    try:
        connection = pika.BlockingConnection(pika.URLParameters(uri))
    except pika.exceptions.AMQPError as exc:
        where = uri.rsplit("@", 1)[-1]
        print(f"subscriber: cannot reach RabbitMQ at {where} ({exc.__class__.__name__}); set AMQP_URI", file=sys.stderr)
        return 2
    channel = connection.channel()
    channel.queue_declare(queue=queue, durable=True)
    for exchange in EXCHANGES:
        # Same arguments as the services use, so whoever comes first creates it.
        channel.exchange_declare(exchange=exchange, exchange_type="topic", durable=True)
        for key in keys:
            channel.queue_bind(queue=queue, exchange=exchange, routing_key=key)
    channel.basic_qos(prefetch_count=20)

    def on_message(ch, method, properties, body):
        print(describe(body), flush=True)
        ch.basic_ack(delivery_tag=method.delivery_tag)  # only after handling: a crash before gets it again

    def stop(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    channel.basic_consume(queue=queue, on_message_callback=on_message)
    print(
        f"listening on queue {queue} (bound to {', '.join(EXCHANGES)} with {' '.join(keys)}); Ctrl-C stops", flush=True
    )
    try:
        channel.start_consuming()
    except KeyboardInterrupt:
        pass
    finally:
        if connection.is_open:
            connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
