"""The web app: composes the routers of `web/routes/`, the session cookie, CSRF, static files and the
pages for errors. Run it with `wenyun serve web`."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.responses import PlainTextResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from web import session
from web.api import ApiProblem, GatewayClient, SignInRequired
from web.routes import ROUTERS
from web.settings import WebSettings, get_web_settings
from web.templating import render

STATIC_DIR = Path(__file__).parent / "static"


def create_app(settings: WebSettings | None = None) -> FastAPI:
    settings = settings or get_web_settings()

    @asynccontextmanager
    async def lifespan(app):
        app.state.gateway = GatewayClient(settings.api_url, settings.api_timeout)
        yield
        await app.state.gateway.aclose()

    app = FastAPI(title="文云", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.settings = settings
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in ROUTERS:
        app.include_router(router, dependencies=[Depends(session.verify_csrf)])
    session.install(app, settings.resolved_session_key(), secure=settings.secure_cookies)
    _install_error_pages(app)

    @app.get("/health", include_in_schema=False)
    async def health():
        return PlainTextResponse("ok")

    return app


def _install_error_pages(app) -> None:
    @app.exception_handler(SignInRequired)
    async def sign_in_required(request: Request, exc: SignInRequired):
        target = request.url.path if request.method == "GET" else request.headers.get("referer", "/")
        if request.method == "GET" and request.url.query:
            target += "?" + request.url.query
        session.flash(request, "请先登录。", "info")
        return RedirectResponse(f"/sign-in?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(ApiProblem)
    async def api_problem(request: Request, exc: ApiProblem):
        return render(
            request,
            "error.html",
            {"title": "未能完成", "message": exc.message_zh},
            status_code=exc.status if exc.status >= 400 else 500,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        messages = {
            404: ("页面不存在", "没有找到这个页面。"),
            403: ("无法提交", "页面已过期或来源不明，请返回上一页刷新后再试。"),
            405: ("无法提交", "不支持这种操作。"),
        }
        title, message = messages.get(exc.status_code, ("出错了", "请求未能完成。"))
        return render(request, "error.html", {"title": title, "message": message}, status_code=exc.status_code)
