"""`wenyun` — the one operator command.

wenyun run                  migrations, queues, the services, the gateway and the web app (honcho)
wenyun serve SERVICE        one process: venues | events | volunteers | notifications | accounts | reports
                            | gateway | web
wenyun migrate              migrations of every service + durable queues (the deploy step)
wenyun migrate-queues       move existing durable queues to WENYUN_QUEUE_TYPE (classic → quorum), services stopped
wenyun token --role ROLE    print a bearer token
wenyun seed                 load the 嘉平镇 cultural service centre (seed 000)
wenyun dead-letters [list|replay [--id ID]]
wenyun reports rebuild      rebuild the reports' read models from their fact log (after a rule changed)
wenyun health SERVICE       exit 0 when the service answers (container healthcheck)
wenyun docs                 regenerate docs/openapi.json, docs/asyncapi.json, docs/schemas/
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import warnings
from pathlib import Path

# nameko runs on eventlet, which now prints a deprecation banner on import: known, and noise here.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

SERVICES = ("venues", "events", "volunteers", "notifications", "accounts", "reports")


def _settings():
    from kit.settings import get_settings

    return get_settings()


def _require_broker(settings) -> None:
    from kit.bus import BrokerUnreachable, check_broker

    try:
        check_broker(settings.amqp_uri)
    except BrokerUnreachable as exc:
        print(f"wenyun: {exc}", file=sys.stderr)
        raise SystemExit(2)


def cmd_migrate(args) -> int:
    from kit.serve import prepare
    from kit.topology import QueueTypeMismatch

    settings = _settings()
    _require_broker(settings)
    for service in SERVICES:
        try:
            prepare(service, settings)
        except QueueTypeMismatch as exc:
            print(f"wenyun: {exc}", file=sys.stderr)
            return 2
        print(f"{service}: migrated ({_describe_db(settings.database_url(service))}), queues declared")
    return 0


def cmd_migrate_queues(args) -> int:
    from kit.queue_migration import migrate_queues
    from kit.serve import service_class

    settings = _settings()
    _require_broker(settings)
    queue_type = args.to or settings.queue_type
    report = migrate_queues(settings.amqp_uri, [service_class(s) for s in SERVICES], queue_type)
    for line in report:
        print(json.dumps(line, ensure_ascii=False))
    moved = [line for line in report if line["action"] == "moved"]
    print(f"{len(moved)} queue(s) moved to {queue_type} queues, {sum(m['messages'] for m in moved)} message(s) kept")
    return 0


def _describe_db(url: str) -> str:
    return url.split("@")[-1] if "@" in url else url


def cmd_run(args) -> int:
    from honcho.manager import Manager

    settings = _settings()
    _require_broker(settings)
    cmd_migrate(args)
    env = dict(os.environ)
    env.setdefault("PYTHONUNBUFFERED", "1")
    manager = Manager()
    for service in (*SERVICES, "gateway", "web"):
        manager.add_process(service, f"{sys.executable} -m wenyun serve {service}", env=env)
    from web.settings import get_web_settings

    print(
        f"wenyun: web app on http://localhost:{get_web_settings().port}, gateway on "
        f"http://localhost:{settings.gateway_port} (docs at /docs); Ctrl-C stops everything"
    )
    manager.loop()
    return manager.returncode or 0


def cmd_serve(args) -> int:
    if args.service == "web":
        import uvicorn

        from web.app import create_app as create_web_app
        from web.settings import get_web_settings

        settings = get_web_settings()
        uvicorn.run(
            create_web_app(settings),
            host=args.host,
            port=args.port or settings.port,
            log_level="info",
            access_log=False,
        )
        return 0
    if args.service == "gateway":
        import uvicorn

        settings = _settings()
        workers = settings.gateway_workers or os.cpu_count() or 1
        if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            # /metrics answers for every worker, whichever one Prometheus reaches (prometheus_client's
            # multiprocess mode: each worker writes its figures under this directory).
            import tempfile

            os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="wenyun-gateway-metrics-")
        # httptools + uvloop (uvicorn[standard]); several workers share the port, each from the factory.
        uvicorn.run(
            "wenyun.cli:gateway_app",
            factory=True,
            host=args.host,
            port=args.port or settings.gateway_port,
            workers=workers,
            http="httptools",
            loop="uvloop",
            log_level="info",
            access_log=False,
            log_config=None,
        )
        return 0
    from kit.serve import green, run_service

    green()
    return run_service(args.service)


def gateway_app():
    """The gateway app of one uvicorn worker process (each configures its own logging)."""
    from gateway.app import create_app
    from kit.logs import configure_logging

    configure_logging("gateway")  # JSON lines with the request id (uvicorn's own config left out)
    return create_app(_settings())


def duration_seconds(text: str) -> int:
    """ "90s", "15m", "1h", "7d" (a bare number is seconds)."""
    match = re.fullmatch(r"\s*(\d+)\s*([smhd]?)\s*", text or "")
    if not match or int(match[1]) == 0:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 15m, 1h, 7d)")
    return int(match[1]) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match[2]]


def cmd_token(args) -> int:
    from gateway.auth import issue_token

    # Signed with the accounts service's key (WENYUN_TOKEN_SIGNING_KEY or derived from the secret).
    token = issue_token(
        _settings().token_signing_pem(),
        sub=args.sub or f"{args.role}-cli",
        role=args.role,
        scopes=args.scope or [],
        name=args.name,
        ttl_seconds=args.days * 86400 if args.days else args.ttl,
    )
    print(token)
    return 0


def _rpc(service: str, method: str, timeout: float = 10, **kwargs):
    from nameko.standalone.rpc import ClusterRpcProxy

    import kit.bus  # noqa: F401 - registers the "cloudevents" serializer that the config's ACCEPT lists
    from kit.callers import context_for, platform_signer
    from kit.settings import nameko_config

    config = {k: v for k, v in nameko_config(service).items() if k != "WENYUN_SETTINGS"}
    actor = kwargs.get("actor")
    # The services believe a signed token, not the actor argument (kit.callers): the operator's, short-lived.
    token = (
        platform_signer(_settings()).sign(sub=actor["sub"], role=actor["role"], scopes=actor["scopes"], ttl_seconds=300)
        if actor
        else None
    )
    with ClusterRpcProxy(config, context_data=context_for(token), timeout=timeout) as cluster:
        return getattr(getattr(cluster, service), method)(**kwargs)


def cmd_seed(args) -> int:
    settings = _settings()
    _require_broker(settings)
    actor = {"sub": "wenyun-seed", "role": "admin", "scopes": []}
    result = _rpc("venues", "seed_demo", timeout=30, actor=actor)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def cmd_health(args) -> int:
    try:
        result = _rpc(args.service, "health", timeout=args.timeout)
    except Exception as exc:  # noqa: BLE001 - any failure is unhealthy
        print(f"{args.service}: down ({exc.__class__.__name__}: {exc})", file=sys.stderr)
        return 1
    print(json.dumps(result))
    return 0 if result.get("status") == "ok" else 1


def cmd_reports(args) -> int:
    settings = _settings()
    _require_broker(settings)
    actor = {"sub": "wenyun-cli", "role": "admin", "scopes": []}
    result = _rpc("reports", "rebuild", timeout=args.timeout, actor=actor)
    print(json.dumps(result, ensure_ascii=False))
    return 0


def cmd_dead_letters(args) -> int:
    from kit.dead_letters import list_dead_letters, replay_dead_letters

    settings = _settings()
    _require_broker(settings)
    if args.action == "replay":
        items = replay_dead_letters(settings.amqp_uri, message_id=args.id)
        print(f"replayed {len(items)} message(s)")
    else:
        items = list_dead_letters(settings.amqp_uri)
        print(f"{len(items)} dead letter(s)")
    for item in items:
        print(json.dumps(item, ensure_ascii=False))
    return 0


def cmd_docs(args) -> int:
    from contracts.asyncapi import write_docs
    from gateway.app import create_app

    out = Path(args.out)
    written = write_docs(out)
    openapi = out / "openapi.json"
    openapi.write_text(json.dumps(create_app().openapi(), ensure_ascii=False, indent=2) + "\n")
    print(f"wrote {len(written) + 1} files under {out}/")
    return 0


def cmd_makemigration(args) -> int:
    from kit.migrations import make_revision

    scratch = Path(args.scratch) / f"{args.service}.db"
    scratch.unlink(missing_ok=True)
    make_revision(args.service, f"sqlite:///{scratch}", args.message)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wenyun", description="Wenyun (文云) operator command")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the whole platform").set_defaults(func=cmd_run)
    serve = sub.add_parser("serve", help="run one service or the gateway")
    serve.add_argument("service", choices=(*SERVICES, "gateway", "web"))
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=None)
    serve.set_defaults(func=cmd_serve)
    sub.add_parser("migrate", help="apply migrations and declare queues").set_defaults(func=cmd_migrate)
    move = sub.add_parser("migrate-queues", help="move durable queues to another type (services stopped)")
    move.add_argument("--to", choices=("classic", "quorum"), help="the queue type (default: WENYUN_QUEUE_TYPE)")
    move.set_defaults(func=cmd_migrate_queues)
    token = sub.add_parser("token", help="print a bearer token")
    token.add_argument("--role", required=True)
    token.add_argument("--sub", help="the subject (user id); defaults to <role>-cli")
    token.add_argument("--scope", action="append", help="an object scope such as venue:<id> (repeatable)")
    token.add_argument("--name")
    # Operator tokens cannot be revoked: short by default (people sign in through accounts instead).
    token.add_argument(
        "--ttl", type=duration_seconds, default="1h", help="how long the token is valid: 15m, 1h (default), 7d, …"
    )
    token.add_argument("--days", type=int, help=argparse.SUPPRESS)  # the old spelling of --ttl Nd
    token.set_defaults(func=cmd_token)
    sub.add_parser("seed", help="load the 嘉平镇 demo data").set_defaults(func=cmd_seed)
    health = sub.add_parser("health", help="ask one service's health RPC")
    health.add_argument("service", choices=SERVICES)
    health.add_argument("--timeout", type=float, default=5)
    health.set_defaults(func=cmd_health)
    dead = sub.add_parser("dead-letters", help="list or replay dead-lettered messages")
    dead.add_argument("action", nargs="?", choices=("list", "replay"), default="list")
    dead.add_argument("--id", help="replay only this message id")
    dead.set_defaults(func=cmd_dead_letters)
    reports = sub.add_parser("reports", help="reports maintenance: rebuild the read models from the fact log")
    reports.add_argument("action", choices=("rebuild",))
    reports.add_argument("--timeout", type=float, default=300)
    reports.set_defaults(func=cmd_reports)
    docs = sub.add_parser("docs", help="regenerate the OpenAPI/AsyncAPI documents")
    docs.add_argument("--out", default="docs")
    docs.set_defaults(func=cmd_docs)
    mig = sub.add_parser("makemigration", help="developers: autogenerate a migration")
    mig.add_argument("service", choices=SERVICES)
    mig.add_argument("-m", "--message", required=True)
    mig.add_argument("--scratch", default="/tmp")
    mig.set_defaults(func=cmd_makemigration)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
