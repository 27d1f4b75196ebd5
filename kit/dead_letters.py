"""Operator view of the dead-letter queue: list what failed and why, replay it to its consumer."""

from __future__ import annotations

import json

from kombu import Connection

from kit.bus import DEAD_LETTER_QUEUE, dead_letter_queue
from kit.publisher import ConfirmedPublisher, Outgoing


def _describe(message) -> dict:
    headers = message.headers or {}
    try:
        body = json.loads(message.body)
    except Exception:  # noqa: BLE001 - show what we can of a malformed body
        body = {
            "raw": message.body[:500].decode("utf-8", "replace")
            if isinstance(message.body, bytes)
            else str(message.body)[:500]
        }
    return {
        "message_id": message.properties.get("message_id") or body.get("id"),
        "type": body.get("type"),
        "queue": headers.get("x-original-queue"),
        "service": headers.get("x-service"),
        "attempts": headers.get("x-attempts"),
        "failed_at": headers.get("x-failed-at"),
        "error": headers.get("x-error"),
    }


def list_dead_letters(amqp_uri: str, limit: int = 1000) -> list[dict]:
    """Read without consuming: messages are fetched unacked and return to the queue on close."""
    items = []
    with Connection(amqp_uri, connect_timeout=5) as conn:
        channel = conn.channel()
        queue = dead_letter_queue()(channel)
        queue.declare()
        for _ in range(limit):
            message = queue.get(no_ack=False)
            if message is None:
                break
            items.append(_describe(message))
        channel.close()  # unacked messages are requeued by the broker
    return items


def replay_dead_letters(amqp_uri: str, message_id: str | None = None, limit: int = 1000) -> list[dict]:
    """Send dead letters (all, or the one with `message_id`) back to the queue they failed on."""
    replayed = []
    publisher = ConfirmedPublisher(amqp_uri)  # the kit's one publisher path (confirms)
    with Connection(amqp_uri, connect_timeout=5) as conn:
        channel = conn.channel()
        queue = dead_letter_queue()(channel)
        queue.declare()
        held = []
        for _ in range(limit):
            message = queue.get(no_ack=False)
            if message is None:
                break
            info = _describe(message)
            if (message_id and info["message_id"] != message_id) or not info["queue"]:
                held.append(message)
                continue
            headers = {k: v for k, v in (message.headers or {}).items() if not k.startswith("x-")}
            body = message.body if isinstance(message.body, bytes) else message.body.encode("utf-8")
            properties = {"application_headers": headers, "message_id": info["message_id"]}
            if message.content_type:
                properties.update(content_type=message.content_type, content_encoding=message.content_encoding)
            try:
                publisher.publish([Outgoing(body, "", info["queue"], properties)])
            except Exception:
                publisher.close()
                raise  # the unacked ones (this one too) go back to the dead-letter queue on close
            message.ack()  # only once the broker confirmed the copy
            replayed.append(info)
        channel.close()  # the ones we did not replay go back to the dead-letter queue
    publisher.close()
    return replayed


__all__ = ["DEAD_LETTER_QUEUE", "list_dead_letters", "replay_dead_letters"]
