"""A command redelivered after a crash is not applied twice.

nameko acks an RPC request only after the reply is sent. When a service dies after committing a
command but before acking it, RabbitMQ redelivers the request to the restarted service. Every write
from the gateway carries an idempotency key (AMQP header `nameko.idempotency_key`) that the
command's transaction claims in the inbox table, so the redelivery finds it claimed and changes
nothing. This test makes the window certain: one register_venue request on the wire exactly as the
gateway sends it (but with no TTL, so the redelivery cannot expire), the venues process exits right
after its commit (WENYUN_FAULT=crash_after_commit), the normal process comes back and receives the
redelivery — and answers it with the answer the first run stored in its transaction.
"""

from __future__ import annotations

import json
import time
import uuid

from kombu import Connection, Exchange, Queue
from kombu.messaging import Producer

from tests.faults.helpers import stored_venues

RPC_EXCHANGE = Exchange("nameko-rpc", type="topic", durable=True)


def test_command_redelivered_after_crash_is_applied_once(platform):
    name = f"redelivered-{uuid.uuid4().hex[:6]}"
    platform.kill("venues")
    platform.start("venues", WENYUN_FAULT="crash_after_commit")
    platform.wait_service("venues", timeout=60)
    reply_queue = Queue(f"fault-reply-{uuid.uuid4().hex[:8]}", exchange=RPC_EXCHANGE, exclusive=True, auto_delete=True)
    reply_queue.routing_key = reply_queue.name
    with Connection(platform.amqp_uri, connect_timeout=5) as conn:
        channel = conn.channel()
        bound = reply_queue(channel)
        bound.declare()
        Producer(channel).publish(
            json.dumps(
                {
                    "args": [],
                    "kwargs": {
                        "actor": {"sub": "admin-1", "role": "admin", "scopes": []},
                        "venue": {"name": name, "kind": "village_centre", "level": "village", "town": "嘉平镇"},
                    },
                }
            ),
            exchange=RPC_EXCHANGE,
            routing_key="venues.register_venue",
            reply_to=reply_queue.name,
            correlation_id=uuid.uuid4().hex,
            content_type="application/json",
            delivery_mode=2,
            headers={
                "nameko.idempotency_key": f"fresh-{uuid.uuid4().hex}",  # as the gateway makes one (kit.inbox)
                # as the gateway sends it: the services believe the token, not the actor (kit.callers)
                "nameko.authorization": platform.token("admin", sub="admin-1"),
            },
        )
        assert platform.wait_exit("venues") == 17  # died after the commit, before replying and acking
        platform.start("venues")
        platform.wait_service("venues", timeout=60)
        reply, deadline = None, time.time() + 15
        while reply is None and time.time() < deadline:
            reply = bound.get(no_ack=True)
            time.sleep(0.1) if reply is None else None
        channel.close()
    assert reply is not None, "the redelivered request was never answered"
    answer = json.loads(reply.body)
    # The caller hears the venue: its answer was committed with it, before the crash (never a 409
    # "already applied", never a second venue).
    assert answer["error"] is None, answer["error"]
    assert answer["result"]["name"] == name
    time.sleep(1.0)
    assert [v["name"] for v in stored_venues(platform, name)] == [name]
