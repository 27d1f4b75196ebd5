"""kill -9 a service mid-stream, restart it: nothing committed is lost, nothing is applied twice."""

from __future__ import annotations

import time
import uuid

from tests.faults.helpers import OutsideSubscriber, VenueStream, assert_ledger


def test_venues_killed_mid_stream_loses_no_venue_and_no_fact(platform):
    """The venues process dies (SIGKILL) while a client keeps registering venues: requests in flight
    fail (503 after the RPC timeout), succeed once the restarted process takes them, or — when the dead
    process had already committed them — are answered 409 "already applied" (idempotency key). After
    the restart every 201 venue exists once, every stored venue's venue.registered reaches an outside
    queue, and the admin inbox has exactly one message per venue."""
    prefix = f"kill-venues-{uuid.uuid4().hex[:6]}"
    subscriber = OutsideSubscriber(platform.amqp_uri)
    stream = VenueStream(platform, prefix, workers=3, limit=60).start()
    stream.wait_count(15)
    platform.kill("venues")  # SIGKILL to the process group: no clean shutdown, open transactions roll back
    time.sleep(1.0)
    platform.start("venues")
    platform.wait_service("venues", timeout=60)
    stream.finish()
    statuses = stream.statuses()
    assert statuses[201] >= 30, statuses  # the stream went on after the restart
    # A dead service is a 503 problem, never a 500; a request redelivered to the restarted process
    # after its first run committed is answered 409 "already applied" (its idempotency key).
    assert set(statuses) <= {201, 409, 503}, statuses
    assert_ledger(platform, subscriber, prefix, stream)
    subscriber.delete()


def test_notifications_killed_mid_stream_makes_one_message_per_fact(platform):
    """notifications dies while facts flow to it; after the restart the unacked deliveries come back
    and the inbox table's dedupe (CloudEvent id) leaves exactly one message per fact."""
    prefix = f"kill-notif-{uuid.uuid4().hex[:6]}"
    subscriber = OutsideSubscriber(platform.amqp_uri)
    stream = VenueStream(platform, prefix, workers=3, limit=60).start()
    stream.wait_count(20)
    platform.kill("notifications")
    stream.wait_count(40)  # facts keep being committed and published while it is down
    platform.start("notifications")
    platform.wait_service("notifications", timeout=60)
    stream.finish()
    assert stream.statuses() == {201: 60}, stream.statuses()  # venues never noticed
    assert_ledger(platform, subscriber, prefix, stream)
    subscriber.delete()
