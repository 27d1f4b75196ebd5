"""The browser session: one HttpOnly, SameSite=Lax cookie, signed with the web session key (Starlette's
SessionMiddleware, itsdangerous), holding the access and refresh tokens, the account shown in the header
and the CSRF token that every form carries."""

from __future__ import annotations

import base64
import json
import secrets
import time

import itsdangerous
import jwt
from fastapi import HTTPException, Request
from starlette.middleware.sessions import SessionMiddleware

COOKIE_NAME = "wenyun_session"
COOKIE_MAX_AGE = 30 * 24 * 3600  # the refresh token decides how long a sign-in really lasts
CSRF_FIELD = "csrf_token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def install(app, key: str, *, secure: bool) -> None:
    app.add_middleware(
        SessionMiddleware,
        secret_key=key,
        session_cookie=COOKIE_NAME,
        max_age=COOKIE_MAX_AGE,
        same_site="lax",
        https_only=secure,
    )


def encode_cookie(key: str, data: dict) -> str:
    """The cookie value SessionMiddleware would set for `data` (tests put a session in a browser with it)."""
    payload = base64.b64encode(json.dumps(data).encode("utf-8"))
    return itsdangerous.TimestampSigner(str(key)).sign(payload).decode("utf-8")


# -- tokens ---------------------------------------------------------------------------------------
def store_token_pair(request: Request, pair: dict) -> None:
    """Keep a TokenPair of the sign-in API (access + refresh token, the account)."""
    request.session["access_token"] = pair["access_token"]
    if pair.get("refresh_token"):
        request.session["refresh_token"] = pair["refresh_token"]
    request.session["expires_at"] = int(time.time()) + int(pair.get("expires_in", 900)) - 30
    if pair.get("account"):
        account = pair["account"]
        request.session["account"] = {
            "id": account.get("id"),
            "role": account.get("role"),
            "name": account.get("name") or account.get("phone_masked") or "",
        }


def access_token(request: Request) -> str | None:
    return request.session.get("access_token")


def refresh_token(request: Request) -> str | None:
    return request.session.get("refresh_token")


def access_token_expired(request: Request, *, now: float) -> bool:
    expires_at = request.session.get("expires_at")
    return expires_at is not None and now >= expires_at


def account(request: Request) -> dict | None:
    """The signed-in account as the header shows it ({id, role, name}), or None."""
    return request.session.get("account") if access_token(request) else None


def sign_out(request: Request) -> None:
    csrf = request.session.get(CSRF_FIELD)
    request.session.clear()
    if csrf:
        request.session[CSRF_FIELD] = csrf


# -- CSRF -----------------------------------------------------------------------------------------
def csrf_token(request: Request) -> str:
    token = request.session.get(CSRF_FIELD)
    if not token:
        token = request.session[CSRF_FIELD] = secrets.token_urlsafe(24)
    return token


async def verify_csrf(request: Request) -> None:
    """A router dependency: every unsafe request carries the session's CSRF token in its form."""
    if request.method in SAFE_METHODS:
        return
    form = await request.form()  # parsed once; FastAPI's Form() parameters reuse it
    expected = request.session.get(CSRF_FIELD)
    if not expected or not secrets.compare_digest(str(form.get(CSRF_FIELD, "")), expected):
        raise HTTPException(status_code=403, detail="csrf")


# -- one-off messages shown on the next page (after a form's redirect) --------------------------------
def flash(request: Request, message: str, kind: str = "ok") -> None:
    request.session.setdefault("flash", []).append({"message": message, "kind": kind})
    request.session["flash"] = request.session["flash"]  # mark the session changed


def pop_flashes(request: Request) -> list[dict]:
    return request.session.pop("flash", [])


def token_scopes(request: Request) -> list[str]:
    """The scopes the access token carries (`venue:<id>`, `town:<name>`…), read for what the console shows
    first; the API checks the signature and decides what is allowed."""
    token = access_token(request)
    if not token:
        return []
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return []
    scopes = claims.get("scopes") or []
    return [str(s) for s in scopes] if isinstance(scopes, list) else []
