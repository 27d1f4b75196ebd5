"""RabbitMQ restarted mid-stream (`rabbitmqctl stop_app` / `start_app` on this machine's broker):
afterwards the platform is healthy again by itself — services and gateway reconnect — and every
committed venue's fact is delivered, exactly once in effect.

Note: this stops the whole local broker for a few seconds (every vhost). CI runs one test at a time;
do not run this module while something else on this machine needs RabbitMQ."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import uuid

import pytest
from kombu import Connection, Exchange, Queue
from kombu.messaging import Producer

from tests.faults.helpers import OutsideSubscriber, VenueStream, assert_ledger

pytestmark = pytest.mark.skipif(shutil.which("rabbitmqctl") is None, reason="needs rabbitmqctl for the local broker")


def rabbitmqctl(*args: str, timeout: float = 60) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=timeout)


def restart_broker(down_seconds: float = 2.0) -> None:
    try:
        rabbitmqctl("stop_app")
        time.sleep(down_seconds)
    finally:
        rabbitmqctl("start_app")
        rabbitmqctl("await_startup", timeout=60)


def test_broker_restart_while_facts_flow_delivers_each_fact_once(platform):
    """The broker goes away right after a burst of commits, while the outbox relay publishes and the
    three consumers (events, volunteers, notifications) work through the facts; nobody restarts
    anything, yet every fact arrives and has exactly one effect."""
    prefix = f"broker-facts-{uuid.uuid4().hex[:6]}"
    subscriber = OutsideSubscriber(platform.amqp_uri)
    stream = VenueStream(platform, prefix, workers=4, limit=40).start()
    stream.finish()
    assert stream.statuses() == {201: 40}, stream.statuses()
    restart_broker()  # every reply was received: facts are in flight, commands are not
    health = platform.wait_healthy(timeout=45)
    assert health["broker"] == "ok"
    after = VenueStream(platform, prefix + "-after", workers=2, limit=10).start()
    after.finish()
    assert after.statuses() == {201: 10}, after.statuses()
    stream.outcomes += after.outcomes
    assert_ledger(platform, subscriber, prefix, stream)
    subscriber.delete()


def heals(platform, timeout: float) -> bool:
    """Healthy within `timeout`, or False as soon as a process has died (it will not come back)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if any(process.poll() is not None for process in platform.processes.values()):
            return False
        try:
            if platform.wait_healthy(timeout=1)["status"] == "ok":
                return True
        except RuntimeError:
            pass
    return False


def _rpc_backlog(amqp_uri: str, count: int) -> None:
    """Queue `count` cheap venues RPC requests (as another service's RpcProxy sends them), so the
    venues workers are certainly in the middle of replying when the broker stops."""
    exchange = Exchange("nameko-rpc", type="topic", durable=True)
    reply = Queue(f"fault-backlog-{uuid.uuid4().hex[:8]}", exchange=exchange, auto_delete=True, durable=False)
    reply.routing_key = reply.name
    with Connection(amqp_uri, connect_timeout=5) as conn:
        channel = conn.channel()
        reply(channel).declare()
        producer = Producer(channel)
        body = json.dumps({"args": [], "kwargs": {"venue_id": "no-such-venue"}})
        for _ in range(count):
            producer.publish(
                body,
                exchange=exchange,
                routing_key="venues.get_venue",
                reply_to=reply.name,
                correlation_id=uuid.uuid4().hex,
                content_type="application/json",
                expiration=15,
            )
        channel.close()


def test_broker_restart_while_commands_are_in_flight_heals_by_itself(platform):
    prefix = f"broker-cmds-{uuid.uuid4().hex[:6]}"
    subscriber = OutsideSubscriber(platform.amqp_uri)
    stream = VenueStream(platform, prefix, workers=3, limit=1000).start()
    stream.wait_count(10)
    _rpc_backlog(platform.amqp_uri, 1500)  # venues is busy replying when the broker stops
    try:
        restart_broker()
        # Healthy again by itself: nobody restarts a service or the gateway here.
        assert heals(platform, timeout=25), "the platform did not become healthy again by itself"
        stream.wait_count(len(stream.outcomes) + 10, timeout=20)  # the stream goes on after the restart
    finally:
        stream._stop.set()
        stream.finish()
        dead = [name for name, process in platform.processes.items() if process.poll() is not None]
        for name in dead:  # leave the shared platform as we found it (the finding is reported above)
            platform.logs[f"{name}-died"] = platform.logs[name]
            platform.processes.pop(name)
            platform.start(name)
    assert dead == [], f"did not survive the broker restart: {dead}"
    statuses = stream.statuses()
    assert set(statuses) <= {201, 409, 503}, statuses  # an outage is a 503 problem (409: a redelivery already applied)
    assert_ledger(platform, subscriber, prefix, stream)
    subscriber.delete()
