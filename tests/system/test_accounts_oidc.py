"""Staff sign in through an OpenID Connect provider: a REAL one (panva's oidc-provider, run by node from
tests/oidc_provider/node_modules, with its development login pages), over HTTP only. The staff member
lands with the role and scopes their Wenyun account holds; a person with no account is refused."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.platform import Platform, free_port
from tests.system.test_events_support import ok

PROVIDER_DIR = Path(__file__).resolve().parent.parent / "oidc_provider"
CLIENT_ID, CLIENT_SECRET = "wenyun", "oidc-test-client-secret"

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir(),
    reason="needs node and tests/oidc_provider/node_modules (`make test` installs them: npm ci)",
)


@pytest.fixture(scope="module")
def oidc_platform(module_amqp_uri, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("oidc")
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    platform = Platform(
        module_amqp_uri,
        workdir,
        extra_env={
            "WENYUN_ACCOUNTS_OIDC_ISSUER": issuer,
            "WENYUN_ACCOUNTS_OIDC_CLIENT_ID": CLIENT_ID,
            "WENYUN_ACCOUNTS_OIDC_CLIENT_SECRET": CLIENT_SECRET,
        },
    )
    log = open(workdir / "oidc-provider.log", "ab")
    provider = subprocess.Popen(
        ["node", "provider.js", str(port), CLIENT_ID, CLIENT_SECRET, f"{platform.base_url}/api/v1/auth/oidc/callback"],
        cwd=PROVIDER_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                if httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        platform.start_all()
        yield platform
        platform.stop_all()
    finally:
        provider.terminate()
        provider.wait(timeout=10)


def sign_in_at_the_provider(platform: Platform, username: str, tamper_with_code: bool = False) -> httpx.Response:
    """What a browser does: start at the gateway, log in and consent on the provider's pages, and come
    back to the gateway's callback with the code. Returns the callback's answer."""
    with httpx.Client(follow_redirects=False, timeout=15) as browser:
        response = browser.get(f"{platform.base_url}/api/v1/auth/oidc/start")
        assert response.status_code == 302, response.text
        for _ in range(12):
            location = response.headers.get("location")
            if location is None:  # a page with a form: the login, then the consent
                action = re.search(r'<form[^>]*action="([^"]+)"', response.text).group(1)
                fields = (
                    {"prompt": "login", "login": username, "password": "any"}
                    if 'name="login"' in response.text
                    else {"prompt": "consent"}
                )
                response = browser.post(httpx.URL(str(response.url)).join(action), data=fields)
                continue
            target = httpx.URL(str(response.url)).join(location)
            if str(target).startswith(f"{platform.base_url}/api/v1/auth/oidc/callback"):
                query = parse_qs(urlsplit(str(target)).query)
                assert set(query) >= {"code", "state"}
                if tamper_with_code:
                    target = target.copy_set_param("code", query["code"][0][:-2] + "xx")
                return browser.get(target)
            response = browser.get(target)
        raise AssertionError(f"never came back to the callback: {response.status_code} {response.text[:300]}")


def test_a_staff_member_signs_in_through_the_provider_with_their_roles_and_scopes(oidc_platform):
    with oidc_platform.client("admin") as admin:
        manager = ok(
            admin.post(
                "/api/v1/accounts",
                json={"username": "chengbiqun", "password": "jiaping-2026!", "role": "venue_manager", "name": "程必群"},
            ),
            201,
        )
        ok(admin.put(f"/api/v1/accounts/{manager['id']}/scopes/venue:jiaping-centre"))

    answer = sign_in_at_the_provider(oidc_platform, "chengbiqun")
    pair = ok(answer)
    assert pair["account"]["id"] == manager["id"] and pair["account"]["role"] == "venue_manager"
    assert pair["account"]["scopes"] == ["venue:jiaping-centre"]
    with oidc_platform.client() as http:
        me = ok(http.get("/api/v1/me", headers={"Authorization": f"Bearer {pair['access_token']}"}))
        assert me["username"] == "chengbiqun"
        # Linked now: the second time the link (issuer + subject) decides.
        assert ok(sign_in_at_the_provider(oidc_platform, "chengbiqun"))["account"]["id"] == manager["id"]
        # Someone the provider knows but Wenyun does not: refused.
        stranger = sign_in_at_the_provider(oidc_platform, "nobody-here")
        assert stranger.status_code == 401 and stranger.json()["reason"] == "no_account"
        # A code the provider did not issue (the exchange fails there) is refused.
        tampered = sign_in_at_the_provider(oidc_platform, "chengbiqun", tamper_with_code=True)
        assert tampered.status_code == 401 and tampered.json()["reason"] == "provider_refused"
        # A callback that was never started here (forged state) is refused too.
        forged = http.get("/api/v1/auth/oidc/callback", params={"code": "x", "state": "not-started-here"})
        assert forged.status_code == 401 and forged.json()["reason"] == "unknown_state"
    with oidc_platform.client("admin") as admin:
        actions = [a["action"] for a in ok(admin.get("/api/v1/audit", params={"account_id": manager["id"]}))]
        assert "oidc_linked" in actions and actions.count("sign_in") == 2
