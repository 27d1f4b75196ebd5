"""Sign-in: SMS codes for residents, passwords for staff, refresh and sign-out; the public keys.

Every route is one call to accounts; the tokens it returns are verified here with the published
keys only (gateway.token_check)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import RedirectResponse

from contracts.accounts import (
    PasswordSignIn,
    PublicKeys,
    RefreshRequest,
    SmsCodeRequest,
    SmsCodeSent,
    SmsSignIn,
    TokenPair,
)
from gateway.problems import problem_responses

router = APIRouter(tags=["auth"])


async def call_unreplayed(request: Request, method: str, **kwargs):
    """Sign-in answers carry tokens or secrets. They are sent without an idempotency key, so that the kit
    never stores them for replay (and two anonymous clients' keys can never meet): a sign-in tried again
    is simply a new sign-in."""
    return await request.app.state.rpc.call("accounts", method, **kwargs)


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


@router.get("/.well-known/jwks.json", response_model=PublicKeys, responses=problem_responses(503))
async def jwks(request: Request):
    """The public keys (JWKS, RFC 7517) that verify access tokens: another district system needs nothing else."""
    return await request.app.state.token_check.published_keys()


@router.post(
    "/api/v1/auth/sms-codes",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=SmsCodeSent,
    responses=problem_responses(400, 422, 429, 503),
)
async def request_sms_code(body: SmsCodeRequest, request: Request):
    """Send a 6-digit sign-in code to a mobile number (valid 5 minutes; one per minute, ten a day)."""
    return await call_unreplayed(request, "request_sms_code", phone=body.phone, client_ip=client_ip(request))


@router.post("/api/v1/auth/sms-sign-in", response_model=TokenPair, responses=problem_responses(400, 401, 422, 503))
async def sms_sign_in(body: SmsSignIn, request: Request):
    """Sign in with the code; a first sign-in creates the account (accept the privacy notice)."""
    return await call_unreplayed(
        request, "sms_sign_in", sign_in=body.model_dump(mode="json"), client_ip=client_ip(request)
    )


@router.post(
    "/api/v1/auth/password-sign-in", response_model=TokenPair, responses=problem_responses(400, 401, 422, 429, 503)
)
async def password_sign_in(body: PasswordSignIn, request: Request):
    """Staff sign in with user name and password (and a TOTP code when they enabled one)."""
    return await call_unreplayed(
        request, "password_sign_in", sign_in=body.model_dump(mode="json"), client_ip=client_ip(request)
    )


@router.post("/api/v1/auth/refresh", response_model=TokenPair, responses=problem_responses(400, 401, 422, 503))
async def refresh(body: RefreshRequest, request: Request):
    """A new token pair; the refresh token is single use (using one twice ends the session)."""
    return await call_unreplayed(request, "refresh", refresh_token=body.refresh_token, client_ip=client_ip(request))


@router.post(
    "/api/v1/auth/sign-out", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(400, 401, 422, 503)
)
async def sign_out(body: RefreshRequest, request: Request):
    """End the session: its refresh token stops working and its access tokens are refused at once."""
    await call_unreplayed(request, "sign_out", refresh_token=body.refresh_token, client_ip=client_ip(request))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/api/v1/auth/oidc/start",
    status_code=status.HTTP_302_FOUND,
    response_class=RedirectResponse,
    responses=problem_responses(401, 404, 503),
)
async def oidc_start(request: Request):
    """Staff: sign in through the district's identity provider (OpenID Connect): redirects there."""
    started = await call_unreplayed(request, "oidc_start")
    return RedirectResponse(started["authorization_url"], status_code=status.HTTP_302_FOUND)


@router.get("/api/v1/auth/oidc/callback", response_model=TokenPair, responses=problem_responses(401, 404, 422, 503))
async def oidc_callback(
    request: Request, code: str = Query(min_length=1, max_length=2000), state: str = Query(min_length=1, max_length=100)
):
    """Where the provider sends the person back: a token pair with their account's roles and scopes."""
    return await call_unreplayed(request, "oidc_finish", code=code, state=state, client_ip=client_ip(request))
