"""What another district system does in the tests: its own queue bound to a service's topic exchange,
collecting the CloudEvents it receives. (tests/faults/helpers.py has a variant that survives a broker
restart.)"""

from __future__ import annotations

import json
import time
import uuid

from kombu import Connection, Queue

from kit.bus import events_exchange


class OutsideSubscriber:
    def __init__(self, amqp_uri: str, service: str, routing_key: str = "#", *, name: str = "district-archive"):
        self.conn = Connection(amqp_uri)
        self.queue = Queue(
            f"{name}-{uuid.uuid4().hex[:8]}", exchange=events_exchange(service), routing_key=routing_key, durable=True
        )
        self.bound = self.queue(self.conn.default_channel)
        self.bound.declare()
        self.seen: list[dict] = []  # everything received, in order
        self._taken: set[int] = set()  # ids of facts handed out by take()

    def _receive_until(self, done, timeout: float) -> None:
        deadline = time.time() + timeout
        while not done() and time.time() < deadline:
            message = self.bound.get(no_ack=True)
            if message is None:
                time.sleep(0.05)
            else:
                self.seen.append(json.loads(message.body))

    def wait_for(self, predicate, count: int = 1, timeout: float = 15.0) -> list[dict]:
        """The facts received so far that match, waiting (bounded) until there are `count` of them."""
        self._receive_until(lambda: len([e for e in self.seen if predicate(e)]) >= count, timeout)
        return [e for e in self.seen if predicate(e)]

    def of_type(self, event_type: str, count: int = 1, timeout: float = 15.0, **data) -> list[dict]:
        return self.wait_for(
            lambda e: e["type"] == event_type and all(e["data"].get(k) == v for k, v in data.items()), count, timeout
        )

    def one(self, predicate, timeout: float = 15.0) -> dict:
        found = self.wait_for(predicate, 1, timeout)
        if not found:
            raise AssertionError(f"no such fact within {timeout}s; saw {[e['type'] for e in self.seen]}")
        return found[0]

    def take(
        self, expect: int, types: tuple[str, ...] | None = None, timeout: float = 10.0, event_id: str | None = None
    ) -> list[dict]:
        """Up to `expect` facts (of `types`, about `event_id`) not taken before; the rest stay for later."""

        def available():
            return [
                e
                for e in self.seen
                if id(e) not in self._taken
                and (types is None or e["type"] in types)
                and (event_id is None or e["data"].get("event_id") == event_id)
            ]

        self._receive_until(lambda: len(available()) >= expect, timeout)
        got = available()[:expect]
        self._taken.update(id(e) for e in got)
        return got

    def rest(self, types: tuple[str, ...] | None = None, wait: float = 0.5) -> list[dict]:
        """Everything else that arrives within `wait` seconds (to prove nothing more was sent)."""
        return self.take(10_000, types=types, timeout=wait)

    def close(self) -> None:
        try:
            self.bound.delete()
        finally:
            self.conn.release()
