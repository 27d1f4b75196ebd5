"""The web app's one HTTP client of the gateway's public API.

`Api(request)` calls the API as the signed-in person (the bearer token from the session cookie),
refreshes the access token when it has expired (once, through `POST /api/v1/auth/refresh`), and turns
RFC 9457 problems into `ApiProblem` with a friendly zh-CN message for the page.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable
from typing import Any

import httpx
from starlette.requests import Request

from web import session as web_session

# What a resident reads when the API says no; a service's own `detail_zh` wins when it sends one.
MESSAGES_BY_CODE = {
    "validation_failed": "填写的内容有误，请检查后再提交。",
    "malformed_json": "提交的内容有误，请重试。",
    "service_unavailable": "服务暂时不可用，请稍后再试。",
    "internal_error": "系统出了点问题，请稍后再试。",
}
MESSAGES_BY_STATUS = {
    400: "提交的内容有误，请检查后再提交。",
    401: "请先登录。",
    403: "您没有权限执行此操作。",
    404: "没有找到您要的内容，可能已被删除或撤销。",
    409: "操作与当前状态冲突，请刷新页面后再试。",
    410: "该链接已过期或已失效。",
    413: "提交的内容太大。",
    422: "填写的内容有误，请检查后再提交。",
    429: "操作太频繁，请稍后再试。",
    503: "服务暂时不可用，请稍后再试。",
}


class ApiProblem(Exception):
    """The API refused or failed; `message_zh` is what the page shows."""

    def __init__(self, status: int, body: dict | None = None):
        self.status = status
        self.body = body or {}
        super().__init__(f"{status} {self.body.get('title', '')}: {self.body.get('detail', '')}")

    @property
    def code(self) -> str:
        return str(self.body.get("type", "")).rsplit(":", 1)[-1]

    @property
    def reason(self) -> str | None:
        return self.body.get("reason")

    @property
    def message_zh(self) -> str:
        if self.body.get("detail_zh"):
            return str(self.body["detail_zh"])
        return MESSAGES_BY_CODE.get(self.code) or MESSAGES_BY_STATUS.get(self.status, "操作未能完成，请稍后再试。")


class SignInRequired(Exception):
    """No valid session: the page sends the person to the sign-in page."""


class GatewayClient:
    """One per process (connection pooling); `Api` adds the person's token per request."""

    def __init__(self, base_url: str, timeout: float):
        self.base_url = base_url.rstrip("/")
        self.http = httpx.AsyncClient(base_url=self.base_url, timeout=timeout)

    async def send(self, method: str, path: str, *, token: str | None = None, **kwargs: Any) -> httpx.Response:
        headers = {"Accept": "application/json", **kwargs.pop("headers", {})}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if method not in ("GET", "HEAD"):
            # One key per page action: a retried call is not applied twice.
            headers.setdefault("Idempotency-Key", uuid.uuid4().hex)
        try:
            return await self.http.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise ApiProblem(503, {"type": "urn:wenyun:problem:service_unavailable", "detail": repr(exc)}) from exc

    async def aclose(self) -> None:
        await self.http.aclose()


def _json(response: httpx.Response) -> Any:
    if response.status_code == 204 or not response.content:
        return None
    return response.json()


def raise_for_problem(response: httpx.Response) -> None:
    if response.status_code < 400:
        return
    try:
        body = response.json()
    except ValueError:
        body = {}
    raise ApiProblem(response.status_code, body if isinstance(body, dict) else {})


class Api:
    """The API as the person signed in to this browser session (or anonymously)."""

    def __init__(self, request: Request):
        self.request = request
        self.client: GatewayClient = request.app.state.gateway

    @property
    def signed_in(self) -> bool:
        return web_session.access_token(self.request) is not None

    async def refresh(self) -> bool:
        """A new token pair now (e.g. after a change that the next token carries, such as a dependant's scope)."""
        refresh_token = web_session.refresh_token(self.request)
        if not refresh_token:
            return False
        response = await self.client.send("POST", "/api/v1/auth/refresh", json={"refresh_token": refresh_token})
        if response.status_code != 200:
            web_session.sign_out(self.request)
            return False
        web_session.store_token_pair(self.request, response.json())
        return True

    async def send(self, method: str, path: str, *, anonymous: bool = False, **kwargs: Any) -> httpx.Response:
        token = None if anonymous else web_session.access_token(self.request)
        if token and web_session.access_token_expired(self.request, now=time.time()) and await self.refresh():
            token = web_session.access_token(self.request)
        response = await self.client.send(method, path, token=token, **kwargs)
        if response.status_code == 401 and token:
            if await self.refresh():
                response = await self.client.send(method, path, token=web_session.access_token(self.request), **kwargs)
            if response.status_code == 401:
                web_session.sign_out(self.request)
                raise SignInRequired()
        if response.status_code == 401:
            raise SignInRequired()
        return response

    async def get(self, path: str, **params: Any) -> Any:
        response = await self.send("GET", path, params={k: v for k, v in params.items() if v not in (None, "")})
        raise_for_problem(response)
        return _json(response)

    async def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        response = await self.send("POST", path, json=body, **kwargs)
        raise_for_problem(response)
        return _json(response)

    async def put(self, path: str, body: Any = None) -> Any:
        response = await self.send("PUT", path, json=body)
        raise_for_problem(response)
        return _json(response)

    async def patch(self, path: str, body: Any = None) -> Any:
        response = await self.send("PATCH", path, json=body)
        raise_for_problem(response)
        return _json(response)

    async def delete(self, path: str) -> Any:
        response = await self.send("DELETE", path)
        raise_for_problem(response)
        return _json(response)


async def flash_outcome(request: Request, action: Awaitable[Any], done: str) -> bool:
    """Run one API action and tell the person how it went: the problem's zh-CN words, or `done`."""
    try:
        await action
    except ApiProblem as exc:
        web_session.flash(request, exc.message_zh, "error")
        return False
    web_session.flash(request, done)
    return True
