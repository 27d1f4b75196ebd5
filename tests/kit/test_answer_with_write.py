"""A keyed RPC command stores its answer in the transaction of its write (issue 19): no commit comes
between the command's write and the UPDATE that stores its answer, so a process killed after that
commit and before its reply still leaves the answer for the caller's retry (the end-to-end proof with a
killed replica is tests/faults/test_replicas.py). Real RabbitMQ, both databases."""

from __future__ import annotations

from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import event, select

from kit.database import Database
from services.venues.service import VenuesService
from tests.callers import signed_context

ADMIN = {"sub": "admin-1", "role": "admin", "scopes": []}


def test_the_answer_commits_with_the_write_and_a_retry_gets_it(container_factory, service_config):
    config = service_config(VenuesService)
    container = container_factory(VenuesService, config)
    container.start()
    db = next(d for d in container.dependencies if isinstance(d, Database))
    # Per database connection: the outbox relay's sweep commits on its own connection meanwhile.
    by_connection: dict[int, list[str]] = {}

    @event.listens_for(db.engine, "before_cursor_execute")
    def _statement(conn, cursor, statement, parameters, context, executemany):
        by_connection.setdefault(id(conn.connection.dbapi_connection), []).append(
            statement.split()[0].upper() + " " + _table(statement)
        )

    @event.listens_for(db.engine, "commit")
    def _commit(conn):
        by_connection.setdefault(id(conn.connection.dbapi_connection), []).append("COMMIT")

    venue = {"name": "嘉平镇文化服务中心", "kind": "town_cultural_station", "level": "town"}
    context = {"idempotency_key": "answer-1", **signed_context(config.get("WENYUN_SETTINGS"), ADMIN)}
    with ServiceRpcProxy("venues", config, context_data=context) as venues:
        first = venues.register_venue(actor=ADMIN, venue=venue)
        retried = venues.register_venue(actor=ADMIN, venue=venue)
    assert retried == first

    [statements] = [s for s in by_connection.values() if "INSERT venues" in s]
    written = statements.index("INSERT venues")
    answered = statements.index("UPDATE inbox")
    assert written < answered and "COMMIT" not in statements[written:answered], statements
    assert "COMMIT" in statements[answered:]
    assert statements.count("INSERT venues") == 1, "the retry did not run the command again"
    with db.engine.connect() as conn:
        stored = conn.execute(select(db.inbox.c.response).where(db.inbox.c.consumer == "venues.register_venue"))
        assert [row.response for row in stored] != [None]


def _table(statement: str) -> str:
    words = statement.replace('"', "").split()
    for keyword in ("INTO", "UPDATE", "FROM"):
        if keyword in (w.upper() for w in words):
            index = [w.upper() for w in words].index(keyword)
            return words[index + 1] if index + 1 < len(words) else ""
    return ""


def test_a_key_the_gateway_made_skips_the_answer_lookup_on_its_first_delivery(container_factory, service_config):
    """A write without an Idempotency-Key gets a fresh key from the gateway (kit.inbox.fresh_idempotency_key):
    no earlier call can have stored an answer under it, so its first delivery goes straight to the claim —
    one transaction less per write. A client's own key is looked up first (its retry gets the first answer);
    a redelivered fresh key too (tests/faults/test_command_redelivery.py)."""
    from kit.inbox import fresh_idempotency_key

    config = service_config(VenuesService)
    container = container_factory(VenuesService, config)
    container.start()
    db = next(d for d in container.dependencies if isinstance(d, Database))
    lookups: list[str] = []

    @event.listens_for(db.engine, "before_cursor_execute")
    def _statement(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and _table(statement) == "inbox":
            lookups.append(statement)

    settings = config.get("WENYUN_SETTINGS")
    for key, looked_up in ((fresh_idempotency_key(), 0), ("client-key-1", 1)):
        lookups.clear()
        context = {"idempotency_key": key, **signed_context(settings, ADMIN)}
        with ServiceRpcProxy("venues", config, context_data=context) as venues:
            venues.register_venue(actor=ADMIN, venue={"name": f"站{key[:8]}", "kind": "library", "level": "town"})
        assert len(lookups) == looked_up, (key, lookups)
