"""The pages residents had at the gateway (notice board, 公示, offer links) are the web app's now: browsers
asking the gateway for them are sent there, so old links and printed QR codes keep working."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse


def wants_html(request: Request, default: bool) -> bool:
    accept = request.headers.get("accept", "")
    if "text/html" in accept:
        return True
    if "json" in accept:
        return False
    return default


def to_web_app(request: Request, path: str) -> RedirectResponse:
    """307 to the same page in the web app (query kept)."""
    base = request.app.state.settings.web_public_url.rstrip("/")
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(f"{base}{quote(path)}{query}", status_code=307)
