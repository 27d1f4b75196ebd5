"""/docs — Swagger UI for the API, served from local files (no CDN), with `lang` set on the page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

router = APIRouter()
OFFLINE_ASSETS = "/static-offline-docs"  # mounted by fastapi_offline


@router.get("/docs", include_in_schema=False)
async def swagger_ui(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    page = get_swagger_ui_html(
        openapi_url=f"{root}{request.app.openapi_url}",
        title=f"{request.app.title} - Swagger UI",
        swagger_js_url=f"{root}{OFFLINE_ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{OFFLINE_ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{root}{OFFLINE_ASSETS}/favicon.png",
        swagger_ui_parameters=request.app.swagger_ui_parameters,
    )
    # The API documentation is in English; say so (WCAG 3.1.1).
    html = page.body.decode("utf-8").replace("<html>", '<html lang="en">', 1)
    return HTMLResponse(html)
