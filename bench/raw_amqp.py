"""Baseline: raw pika publish/consume of M persistent messages on the same broker, publisher
confirms on (each publish waits for its confirm, as the outbox relay's do), one consumer process
acking each message. Latency per message = received − sent (same clock: one machine).

    python -m bench.raw_amqp --amqp URI --count 500 [--rate 500]   (prints JSON)
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import time
import uuid

import pika

PAD = "x" * 700  # about the size of a venue.registered CloudEvent


def _consume(amqp_uri: str, queue: str, count: int, ready, out) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    channel.queue_declare(queue, durable=True)
    channel.basic_qos(prefetch_count=100)
    ready.set()
    received: list[tuple[float, float]] = []
    deadline = time.time() + 120
    for method, _props, body in channel.consume(queue, inactivity_timeout=1):
        if method is None:
            if time.time() > deadline:
                break
            continue
        now = time.time()
        received.append((json.loads(body)["sent"], now))
        channel.basic_ack(method.delivery_tag)
        if len(received) >= count:
            break
    channel.cancel()
    connection.close()
    out.put(received)


def measure(amqp_uri: str, count: int, rate: float | None = None) -> dict:
    queue = f"bench-raw-{uuid.uuid4().hex[:8]}"
    ctx = multiprocessing.get_context("spawn")
    ready, out = ctx.Event(), ctx.Queue()
    consumer = ctx.Process(target=_consume, args=(amqp_uri, queue, count, ready, out), daemon=True)
    consumer.start()
    try:
        if not ready.wait(30):
            raise RuntimeError("raw consumer did not start")
        connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
        channel = connection.channel()
        channel.queue_declare(queue, durable=True)
        channel.confirm_delivery()
        props = pika.BasicProperties(delivery_mode=2, content_type="application/json")
        start = time.perf_counter()
        first_sent = time.time()
        for i in range(count):
            if rate:
                delay = start + i / rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            channel.basic_publish("", queue, json.dumps({"i": i, "sent": time.time(), "pad": PAD}).encode(), props)
        published = time.time()
        received = out.get(timeout=120)
        consumer.join(10)
        channel.queue_delete(queue)
        connection.close()
    finally:
        if consumer.is_alive():
            consumer.terminate()
    return {"first_sent": first_sent, "published": published, "received": received}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--amqp", required=True)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--rate", type=float, default=None)
    args = parser.parse_args()
    print(json.dumps(measure(args.amqp, args.count, args.rate)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
