"""The HTTP gateway: authentication, validation with the contract models, routing to services by
RPC, error mapping to RFC 9457 problems, docs (OpenAPI 3.1, AsyncAPI), health and metrics.
No business rule lives here."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
import uuid
from contextlib import asynccontextmanager
from http import HTTPStatus

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi_offline import FastAPIOffline
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from starlette.exceptions import HTTPException as StarletteHTTPException

from contracts.asyncapi import asyncapi_document
from contracts.errors import WenyunError
from gateway.api_contract import allowed_methods, document_links, document_problems
from gateway.http_cache import PublicReadCache
from gateway.limits import BodySizeLimit, RateLimits, default_rules
from gateway.problems import Problem, problem
from gateway.request_ids import install_request_ids
from gateway.routes import ROUTERS
from gateway.rpc import RemoteError, RpcClient, ServiceUnavailable
from gateway.token_check import TokenCheck
from kit.settings import SERVICE_NAMES, PlatformSettings, get_settings
from kit.telemetry import instrument_gateway

log = logging.getLogger("wenyun.gateway")
HTTP_REQUESTS = Counter("wenyun_http_requests_total", "HTTP requests", ["method", "route", "status"])
HTTP_DURATION = Histogram("wenyun_http_request_duration_seconds", "HTTP request time", ["method", "route"])

PROBLEM_MEMBERS = {"type", "title", "status", "detail", "instance", "code", "headers"}

DESCRIPTION = """Wenyun (文云) — the district public-cultural-services platform.

Public reads need no token; writes need a bearer token (`wenyun token --role ROLE`).
Every error is an RFC 9457 problem (`application/problem+json`). Domain events are published as
CloudEvents on RabbitMQ topic exchanges; see `/asyncapi.json`."""


def create_app(settings: PlatformSettings | None = None) -> FastAPIOffline:
    settings = settings or get_settings()
    if (unset := settings.public_url_problem()) is not None:
        if settings.environment == "production":
            raise ValueError(unset)
        log.warning("%s", unset)

    @asynccontextmanager
    async def lifespan(app):
        app.state.rpc = RpcClient(settings.amqp_uri, timeout=settings.rpc_timeout)
        try:
            await app.state.rpc.connect()
        except Exception as exc:  # noqa: BLE001 - start anyway; /health says what is wrong
            log.error("cannot reach RabbitMQ at start: %s", exc)
        app.state.token_check = TokenCheck(app.state.rpc)
        app.state.token_check.start()
        yield
        await app.state.token_check.stop()
        await app.state.rpc.close()

    app = FastAPIOffline(
        title="Wenyun 文云 API",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
    )  # /docs: routes/api_docs.py
    app.state.settings = settings
    for router in ROUTERS:
        app.include_router(router)
    _install_error_handlers(app)
    _install_platform_routes(app)
    # Innermost: sees the matched route and the final 200 of a public read.
    app.add_middleware(PublicReadCache, max_age=settings.public_max_age)
    app.add_middleware(RequestMetrics)
    # Outermost (added last): refused before the metrics middleware reads a body or anything else runs.
    app.add_middleware(RateLimits, rules=default_rules(settings))
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    install_request_ids(app)  # outermost of all: every answer, even a refused one, carries its X-Request-Id
    _add_problem_schema(app)
    instrument_gateway(app)  # OpenTelemetry: nothing unless OTEL_EXPORTER_OTLP_ENDPOINT is set (kit.telemetry)
    return app


def _install_error_handlers(app) -> None:
    @app.exception_handler(WenyunError)
    async def domain_error(request: Request, exc: WenyunError):
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        if exc.status == 429:
            headers = {"Retry-After": str(int(exc.extra.get("retry_after", 60)))}
        # A service's extra members never overwrite the problem's own (RFC 9457 §3.1).
        extra = {(f"{k}_" if k in PROBLEM_MEMBERS else k): v for k, v in exc.extra.items()}
        return problem(
            exc.status, exc.title, exc.detail, code=exc.code, instance=request.url.path, headers=headers, **extra
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")} for e in exc.errors()]
        if any(e["type"] == "json_invalid" for e in errors):
            return problem(
                400,
                "Malformed request",
                "The body is not valid JSON.",
                code="malformed_json",
                instance=request.url.path,
                errors=errors,
            )
        return problem(
            422,
            "Invalid request",
            "Some fields are missing or wrong.",
            code="validation_failed",
            instance=request.url.path,
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            # Starlette names only the methods of the first route matching the path.
            headers["Allow"] = ", ".join(allowed_methods(request.app, request.url.path))
        if exc.status_code == 400:  # a body FastAPI could not read (not UTF-8, not the declared form)
            return problem(400, "Malformed request", f"{exc.detail}.", code="malformed_body", instance=request.url.path)
        title = HTTPStatus(exc.status_code).phrase if exc.status_code in HTTPStatus._value2member_map_ else "Error"
        return problem(
            exc.status_code,
            title,
            str(exc.detail) if exc.detail and exc.detail != title else None,
            code=f"http_{exc.status_code}",
            instance=request.url.path,
            headers=headers or None,
        )

    @app.exception_handler(ServiceUnavailable)
    async def unavailable(request: Request, exc: ServiceUnavailable):
        return problem(
            503,
            "Service unavailable",
            f"The {exc.service} service did not answer: {exc.reason}.",
            code="service_unavailable",
            instance=request.url.path,
            service=exc.service,
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(RemoteError)
    async def remote_bug(request: Request, exc: RemoteError):
        error_id = uuid.uuid4().hex
        log.error("error %s from %s: %s: %s", error_id, exc.service, exc.exc_type, exc.value)
        return problem(
            500,
            "Internal error",
            f"The {exc.service} service failed (error id {error_id}).",
            code="internal_error",
            instance=request.url.path,
            error_id=error_id,
        )


def _install_platform_routes(app) -> None:
    @app.get("/health", tags=["platform"], responses={503: {"model": Problem}})
    async def health(request: Request):
        """200 only when this gateway's own reply queue answers a round trip through the broker and every
        service answers: a load balancer takes a gateway whose broker connection is broken out."""
        rpc: RpcClient = request.app.state.rpc

        async def ask(service):
            try:
                return service, await rpc.call(service, "health", timeout=3)
            except Exception as exc:  # noqa: BLE001 - any failure is "down" here
                return service, {"service": service, "status": "down", "error": str(exc)}

        async def own_round_trip():
            try:
                await rpc.round_trip(timeout=2)
                return "ok"
            except ServiceUnavailable as exc:
                return f"down: {exc.reason}"

        reply_queue, *answers = await asyncio.gather(own_round_trip(), *(ask(s) for s in SERVICE_NAMES))
        results = dict(answers)
        broker = "ok" if rpc.connected else "down"
        ok = broker == "ok" and reply_queue == "ok" and all(r.get("status") == "ok" for r in results.values())
        body = {"status": "ok" if ok else "degraded", "broker": broker, "reply_queue": reply_queue, "services": results}
        return JSONResponse(body, status_code=200 if ok else 503)

    @app.get("/metrics", include_in_schema=False)
    async def metrics():
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # several gateway workers: the sum of all of them
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    @app.get("/asyncapi.json", tags=["platform"])
    async def asyncapi():
        """The AsyncAPI 3.0 document of every domain event, generated from the contract models."""
        return JSONResponse(asyncapi_document())


def _contains_nul(path: str, query: bytes, body: bytes) -> bool:
    # PostgreSQL text cannot hold NUL; no field of ours has a use for it.
    return "\x00" in path or b"%00" in query or b"\x00" in body or b"\\u0000" in body


class RequestMetrics:
    """Counts and times every request by route template, and refuses NUL characters (400) — pure ASGI: the
    body of a write is read once here and handed on as it is, nothing runs in another task."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        method, path = scope["method"], scope.get("path", "")
        body, inner_receive = b"", receive
        if method not in ("GET", "HEAD", "OPTIONS"):
            chunks, more = [], True
            while more:
                message = await receive()
                if message["type"] != "http.request":
                    break
                chunks.append(message.get("body", b""))
                more = message.get("more_body", False)
            body, replayed = b"".join(chunks), False

            async def inner_receive():
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

        status = 500

        async def recording_send(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            if _contains_nul(path, scope.get("query_string", b""), body):
                await problem(
                    400,
                    "Malformed request",
                    "NUL characters are not allowed in a request.",
                    code="nul_character",
                    instance=path,
                )(scope, inner_receive, recording_send)
            else:
                await self.app(scope, inner_receive, recording_send)
        finally:
            route_path = getattr(scope.get("route"), "path", "unmatched")
            HTTP_REQUESTS.labels(method, route_path, str(status)).inc()
            HTTP_DURATION.labels(method, route_path).observe(time.perf_counter() - started)


def _token_is_optional(route) -> bool:
    """True when the route reads a token if one is sent (optional_actor) but requires none."""
    from gateway.auth import optional_actor

    calls, stack = set(), [route.dependant]
    while stack:
        dependant = stack.pop()
        calls.add(dependant.call)
        stack.extend(dependant.dependencies)
    return optional_actor in calls and not any(getattr(c, "requires_token", False) for c in calls)


def _add_problem_schema(app) -> None:
    original = app.openapi

    def openapi():
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = Problem.model_json_schema()
        document_problems(schema)
        document_links(schema)
        # Public reads that show more to a signed-in caller: the token is optional there.
        for route in (r for router in ROUTERS for r in router.routes):
            if getattr(route, "include_in_schema", False) and hasattr(route, "dependant") and _token_is_optional(route):
                for method in route.methods:
                    operation = schema["paths"].get(route.path_format, {}).get(method.lower())
                    if operation and "security" in operation:
                        operation["security"] = [{}, *operation["security"]]
        app.openapi_schema = schema
        return schema

    app.openapi = openapi


def json_dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
