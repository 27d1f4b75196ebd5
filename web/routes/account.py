"""Signing in and out: a phone code for residents and volunteers, username + password (+ TOTP) for staff.
Uses the sign-in API of the accounts service (POST /api/v1/auth/…); the tokens go into the session cookie."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from web import session
from web.api import Api, ApiProblem
from web.templating import render

router = APIRouter()


def safe_next(target: str | None) -> str:
    """Only a path of this site (no other host, no scheme) may be where sign-in leads."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/sign-in")
async def sign_in_page(request: Request, next: str = "/"):
    return render(request, "account/sign_in.html", {"title": "登录", "next": safe_next(next)})


@router.post("/sign-in/code")
async def send_code(request: Request, phone: str = Form(""), next: str = Form("/")):
    phone = phone.strip().replace(" ", "")
    context = {"title": "登录", "next": safe_next(next), "phone": phone}
    if not (phone.isdigit() and len(phone) == 11 and phone.startswith("1")):
        return render(request, "account/sign_in.html", {**context, "error": "请输入 11 位手机号码。"}, status_code=422)
    try:
        answer = await Api(request).post("/api/v1/auth/sms-codes", {"phone": phone}, anonymous=True)
    except ApiProblem as exc:
        error = "验证码发送太频繁，请稍后再试。" if exc.status == 429 else exc.message_zh
        return render(request, "account/sign_in.html", {**context, "error": error}, status_code=exc.status)
    return render(request, "account/enter_code.html", {**context, "retry_after": (answer or {}).get("retry_after", 60)})


@router.post("/sign-in/verify")
async def verify_code(
    request: Request,
    phone: str = Form(""),
    code: str = Form(""),
    accept_privacy_notice: bool = Form(False),
    next: str = Form("/"),
):
    context = {"title": "登录", "next": safe_next(next), "phone": phone}
    if not accept_privacy_notice:
        return render(
            request, "account/enter_code.html", {**context, "error": "请先阅读并同意隐私说明。"}, status_code=422
        )
    try:
        pair = await Api(request).post(
            "/api/v1/auth/sms-sign-in",
            {"phone": phone, "code": code.strip(), "accept_privacy_notice": True},
            anonymous=True,
        )
    except ApiProblem as exc:
        error = "验证码不正确或已过期，请重新输入。" if exc.status in (400, 401, 422) else exc.message_zh
        return render(request, "account/enter_code.html", {**context, "error": error}, status_code=exc.status)
    session.store_token_pair(request, pair)
    session.flash(request, "登录成功。")
    return RedirectResponse(safe_next(next), status_code=303)


@router.get("/sign-in/password")
async def password_page(request: Request, next: str = "/"):
    return render(request, "account/password.html", {"title": "工作人员登录", "next": safe_next(next)})


@router.post("/sign-in/password")
async def password_sign_in(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    totp_code: str = Form(""),
    next: str = Form("/"),
):
    body = {"username": username.strip(), "password": password}
    if totp_code.strip():
        body["totp_code"] = totp_code.strip()
    try:
        pair = await Api(request).post("/api/v1/auth/password-sign-in", body, anonymous=True)
    except ApiProblem as exc:
        error = "用户名、密码或动态码不正确。" if exc.status in (400, 401, 422) else exc.message_zh
        return render(
            request,
            "account/password.html",
            {"title": "工作人员登录", "next": safe_next(next), "username": username, "error": error},
            status_code=exc.status,
        )
    session.store_token_pair(request, pair)
    session.flash(request, "登录成功。")
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/sign-out")
async def sign_out(request: Request):
    refresh_token = session.refresh_token(request)
    if refresh_token:
        try:
            await Api(request).post("/api/v1/auth/sign-out", {"refresh_token": refresh_token}, anonymous=True)
        except ApiProblem:
            pass  # signing out of this browser happens anyway; the refresh token expires on its own
    session.sign_out(request)
    session.flash(request, "您已退出登录。")
    return RedirectResponse("/", status_code=303)
