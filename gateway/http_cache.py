"""HTTP caching of public reads (RFC 9110 §8.8.3, §13.1.2; RFC 9111 §5.2), as pure ASGI middleware.

A `GET` answered 200 by a public route (one that needs no token) under /api/v1/ or /calendar/ — the notice
board, venue pages, iCal feeds, public objects — gets a weak `ETag` (a hash of the content) and a `Cache-Control`:
`public, max-age=N` for an anonymous caller (the route's own one when it sets it, e.g. the iCal feeds),
`private, no-cache` when the request carried a token (some public routes show a signed-in caller more).
A request whose `If-None-Match` names the current tag is answered `304 Not Modified` without the body.

The gateway still asks the service for every request (it needs the body to know the tag): what this saves
is the transfer to the client and, with `max-age`, the requests a browser, the web app's cache or a
reverse proxy in front of the gateway no longer sends at all.
"""

from __future__ import annotations

import hashlib
import json

_PREFIXES = ("/api/v1/", "/calendar/")
_NOT_CACHED = ("/api/v1/auth/",)  # sign-in flows: one-off answers


def _header(scope, name: bytes) -> str | None:
    return next((v.decode("latin-1") for k, v in scope.get("headers", ()) if k == name), None)


# Top-level JSON members that say when an answer was drawn, not what it says (the notice board's
# `generated_at`): left out of the tag, which is therefore weak (RFC 9110 §8.8.1: same content, not bytes).
_VOLATILE = ("generated_at",)


def etag_of(body: bytes, content_type: str = "") -> str:
    if content_type.startswith("application/json") and any(f'"{k}"'.encode() in body for k in _VOLATILE):
        try:
            value = json.loads(body)
        except ValueError:
            value = None
        if isinstance(value, dict):
            body = json.dumps({k: v for k, v in value.items() if k not in _VOLATILE}, sort_keys=True).encode()
    return 'W/"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def matches(if_none_match: str | None, etag: str) -> bool:
    """Weak comparison, as If-None-Match asks (RFC 9110 §13.1.2): W/"x" matches "x"; `*` matches any."""
    if not if_none_match:
        return False
    wanted = etag.removeprefix("W/")
    for tag in if_none_match.split(","):
        tag = tag.strip()
        if tag == "*" or tag.removeprefix("W/") == wanted:
            return True
    return False


def _is_public(route) -> bool:
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return False
    stack = [dependant]
    while stack:
        current = stack.pop()
        if getattr(current.call, "requires_token", False):
            return False
        stack.extend(current.dependencies)
    return True


class PublicReadCache:
    def __init__(self, app, max_age: int = 30):
        self.app = app
        self.max_age = max_age
        self._public: dict[int, bool] = {}  # id(route) → needs no token (routes live as long as the app)

    def _cacheable(self, scope) -> bool:
        route = scope.get("route")
        if route is None:
            return False
        key = id(route)
        if key not in self._public:
            self._public[key] = _is_public(route)
        return self._public[key]

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if scope["type"] != "http" or scope["method"] != "GET" or not path.startswith(_PREFIXES):
            return await self.app(scope, receive, send)
        if path.startswith(_NOT_CACHED):
            return await self.app(scope, receive, send)
        start: dict | None = None
        chunks: list[bytes] = []
        passing = False

        async def buffering_send(message):
            nonlocal start, passing
            if passing:
                return await send(message)
            if message["type"] == "http.response.start":
                # The route is known once the router matched (scope["route"]); only 200s of public ones.
                if message["status"] != 200 or not self._cacheable(scope):
                    passing = True
                    return await send(message)
                start = message
                return None
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                await self._answer(scope, start, b"".join(chunks), send)
            return None

        await self.app(scope, receive, buffering_send)

    async def _answer(self, scope, start: dict, body: bytes, send) -> None:
        content_type = next((v for k, v in start.get("headers", ()) if k.lower() == b"content-type"), b"")
        etag = etag_of(body, content_type.decode("latin-1"))
        signed_in = _header(scope, b"authorization") is not None
        headers = [(k, v) for k, v in start.get("headers", ()) if k.lower() not in (b"etag", b"vary")]
        own = next((v for k, v in headers if k.lower() == b"cache-control"), None)
        if signed_in or own is None:
            headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
            control = "private, no-cache" if signed_in else f"public, max-age={self.max_age}"
            headers.append((b"cache-control", control.encode()))
        headers += [(b"etag", etag.encode()), (b"vary", b"Authorization")]
        if matches(_header(scope, b"if-none-match"), etag):
            kept = {b"cache-control", b"etag", b"vary", b"date", b"expires", b"content-location"}
            await send(
                {"type": "http.response.start", "status": 304, "headers": [h for h in headers if h[0].lower() in kept]}
            )
            await send({"type": "http.response.body", "body": b""})
            return
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})
