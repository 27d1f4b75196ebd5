"""Issue 11's sign-in, over HTTP only, against the running platform (PostgreSQL):

- a new number gets a code (read from the development SMS store), signs in (first time: the privacy
  notice must be accepted) and registers for an event with the token it got; the code is never in
  an answer; a second send inside a minute is 429 problem+json with Retry-After;
- five wrong codes lock that code: the right one is refused afterwards;
- the access token verifies with PyJWT's PyJWKClient against /.well-known/jwks.json alone; a token
  signed by anyone else fails there and at the gateway;
- a refresh token is single use: used twice, the family is revoked (both refresh tokens 401, and
  the access token of that session refused at once); sign-out refuses the access token at once.
"""

from __future__ import annotations

import json
import re
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.system.test_events_support import SHIMEN_SITE, in_days, ok, published_event


def sms_texts(platform, phone: str) -> list[str]:
    store = platform.workdir / "var" / "sms-dev.jsonl"
    if not store.exists():
        return []
    lines = [json.loads(line) for line in store.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [m["text"] for m in lines if m["phone"].endswith(phone)]


def latest_code(platform, phone: str, timeout: float = 5) -> str:
    deadline = time.time() + timeout
    while time.time() < deadline:
        texts = sms_texts(platform, phone)
        if texts:
            return re.search(r"\d{6}", texts[-1]).group(0)
        time.sleep(0.1)
    raise AssertionError(f"no SMS to {phone}")


def sign_in_by_sms(http, platform, phone: str) -> dict:
    sent = http.post("/api/v1/auth/sms-codes", json={"phone": phone})
    assert sent.status_code == 202, sent.text
    return ok(
        http.post(
            "/api/v1/auth/sms-sign-in",
            json={"phone": phone, "code": latest_code(platform, phone), "accept_privacy_notice": True},
        )
    )


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_a_new_number_signs_in_by_sms_and_registers_for_an_event(shared_platform):
    phone = "13800138001"
    event = published_event(
        shared_platform,
        title="嘉平讲堂·老年人防诈骗",
        kind="lecture",
        site=SHIMEN_SITE,
        start=in_days(10, 9).isoformat(),
        end=in_days(10, 11).isoformat(),
        capacity=30,
    )
    with shared_platform.client() as http:
        sent = http.post("/api/v1/auth/sms-codes", json={"phone": phone})
        assert sent.status_code == 202 and sent.json() == {"retry_after": 60}
        code = latest_code(shared_platform, phone)
        assert code not in sent.text
        again = http.post("/api/v1/auth/sms-codes", json={"phone": phone})
        assert again.status_code == 429 and again.headers["content-type"].startswith("application/problem+json")
        assert 1 <= int(again.headers["Retry-After"]) <= 60 and again.json()["status"] == 429
        assert len(sms_texts(shared_platform, phone)) == 1

        no_consent = http.post("/api/v1/auth/sms-sign-in", json={"phone": phone, "code": code})
        assert no_consent.status_code == 422 and no_consent.json()["reason"] == "privacy_notice_not_accepted"
        pair = ok(
            http.post("/api/v1/auth/sms-sign-in", json={"phone": phone, "code": code, "accept_privacy_notice": True})
        )
        assert pair["token_type"] == "Bearer" and pair["expires_in"] == 900
        account = pair["account"]
        assert account["role"] == "resident" and account["phone_masked"] == "138****8001"
        claims = jwt.decode(pair["access_token"], options={"verify_signature": False})
        assert claims["sub"] == account["id"] and claims["exp"] - claims["iat"] == 900 and claims["sid"]

        reused = http.post("/api/v1/auth/sms-sign-in", json={"phone": phone, "code": code})
        assert reused.status_code == 401 and reused.json()["reason"] == "used"

        me = ok(http.get("/api/v1/me", headers=bearer(pair["access_token"])))
        assert me["id"] == account["id"] and "13800138001" not in json.dumps(me)
        registration = http.post(
            f"/api/v1/events/{event['id']}/registrations", json={}, headers=bearer(pair["access_token"])
        )
        assert registration.status_code == 201, registration.text
        assert registration.json()["person_id"] == account["id"]


def test_five_wrong_codes_lock_the_code(shared_platform):
    phone = "13900139002"
    with shared_platform.client() as http:
        assert http.post("/api/v1/auth/sms-codes", json={"phone": phone}).status_code == 202
        code = latest_code(shared_platform, phone)
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        for _ in range(5):
            answer = http.post(
                "/api/v1/auth/sms-sign-in", json={"phone": phone, "code": wrong, "accept_privacy_notice": True}
            )
            assert answer.status_code == 401 and answer.json()["reason"] == "wrong"
        locked = http.post(
            "/api/v1/auth/sms-sign-in", json={"phone": phone, "code": code, "accept_privacy_notice": True}
        )
        assert locked.status_code == 401 and locked.json()["reason"] == "locked"


def test_tokens_verify_with_the_published_keys_only(shared_platform):
    with shared_platform.client() as http:
        pair = sign_in_by_sms(http, shared_platform, "13700137003")
    keys = jwt.PyJWKClient(f"{shared_platform.base_url}/.well-known/jwks.json")
    signing_key = keys.get_signing_key_from_jwt(pair["access_token"])
    claims = jwt.decode(pair["access_token"], signing_key.key, algorithms=["EdDSA"], audience="wenyun", issuer="wenyun")
    assert claims["sub"] == pair["account"]["id"] and claims["role"] == "resident"

    # Someone else's key, even claiming our key id, is refused by the outside verifier and the gateway.
    forged = jwt.encode(
        {**claims, "role": "admin"},
        Ed25519PrivateKey.generate(),
        algorithm="EdDSA",
        headers={"kid": signing_key.key_id},
    )
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, keys.get_signing_key_from_jwt(forged).key, algorithms=["EdDSA"], audience="wenyun")
    with shared_platform.client() as http:
        assert http.get("/api/v1/me", headers=bearer(forged)).status_code == 401
        assert http.get("/api/v1/me", headers=bearer(pair["access_token"])).status_code == 200
    # `wenyun token` (the operators' and tests' tokens) signs with the same key.
    operator = shared_platform.token("admin")
    assert (
        jwt.decode(operator, keys.get_signing_key_from_jwt(operator).key, algorithms=["EdDSA"], audience="wenyun")[
            "role"
        ]
        == "admin"
    )


def test_refresh_rotates_reuse_revokes_the_family_and_sign_out_is_at_once(shared_platform):
    with shared_platform.client() as http:
        first = sign_in_by_sms(http, shared_platform, "13600136004")
        second = ok(http.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}))
        assert second["refresh_token"] != first["refresh_token"]
        assert http.get("/api/v1/me", headers=bearer(second["access_token"])).status_code == 200

        reuse = http.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
        assert reuse.status_code == 401 and reuse.json()["reason"] == "reused"
        after = http.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
        assert after.status_code == 401 and after.json()["reason"] == "revoked"
        eventually_refused(http, second["access_token"])

        # Sign-out: the session's access token is refused at once, though it has not expired.
        other = sign_in_by_sms(http, shared_platform, "13600136005")
        assert http.get("/api/v1/me", headers=bearer(other["access_token"])).status_code == 200
        assert http.post("/api/v1/auth/sign-out", json={"refresh_token": other["refresh_token"]}).status_code == 204
        eventually_refused(http, other["access_token"])
        assert http.post("/api/v1/auth/refresh", json={"refresh_token": other["refresh_token"]}).status_code == 401


def eventually_refused(http, access_token: str, within: float = 3.0) -> None:
    """'At once': the revocation fact reaches the gateway within moments (no call to accounts per request)."""
    deadline = time.time() + within
    while time.time() < deadline:
        if http.get("/api/v1/me", headers=bearer(access_token)).status_code == 401:
            return
        time.sleep(0.05)
    raise AssertionError("the access token of a revoked session is still accepted")


# -- staff ---------------------------------------------------------------------------------------------

ADMIN_ACTOR = {"sub": "district-admin", "role": "admin", "scopes": []}
ROOM = {"name": "少儿阅读角", "kind": "reading_room", "capacity": 12}


@pytest.fixture(scope="module")
def jiaping(shared_platform):
    from nameko.standalone.rpc import ClusterRpcProxy

    with ClusterRpcProxy(
        {"AMQP_URI": shared_platform.amqp_uri}, context_data=shared_platform.rpc_context(ADMIN_ACTOR), timeout=30
    ) as cluster:
        seeded = cluster.venues.seed_demo(actor=ADMIN_ACTOR)
    return {"venue_id": seeded["venue_id"], "other_venue_id": seeded["parent_id"]}


def password_sign_in(http, username: str, password: str, **extra) -> dict:
    return ok(http.post("/api/v1/auth/password-sign-in", json={"username": username, "password": password, **extra}))


def test_staff_accounts_scopes_and_their_withdrawal(shared_platform, jiaping):
    venue_id = jiaping["venue_id"]
    with shared_platform.client("admin", sub="district-admin") as admin, shared_platform.client() as http:
        manager = ok(
            admin.post(
                "/api/v1/accounts",
                json={"username": "chengbiqun", "password": "jiaping-2026!", "role": "venue_manager", "name": "程必群"},
            ),
            201,
        )
        organiser = ok(
            admin.post(
                "/api/v1/accounts",
                json={"username": "renmin", "password": "organise-2026!", "role": "organiser", "name": "任敏"},
            ),
            201,
        )
        assert (
            admin.post(
                "/api/v1/accounts",
                json={"username": "renmin", "password": "another-2026!", "role": "organiser", "name": "x"},
            ).status_code
            == 409
        )
        ok(admin.put(f"/api/v1/accounts/{manager['id']}/scopes/venue:{venue_id}"))
        assert ok(admin.put(f"/api/v1/accounts/{organiser['id']}/scopes/town:嘉平镇"))["scopes"] == ["town:嘉平镇"]
        assert admin.put(f"/api/v1/accounts/{organiser['id']}/scopes/org:x").status_code == 422  # not grantable

        organiser_pair = password_sign_in(http, "renmin", "organise-2026!")
        assert organiser_pair["account"]["scopes"] == ["town:嘉平镇"]
        pair = password_sign_in(http, "chengbiqun", "jiaping-2026!")
        token = pair["access_token"]
        assert pair["account"]["role"] == "venue_manager" and pair["account"]["scopes"] == [f"venue:{venue_id}"]
        assert http.post(f"/api/v1/venues/{venue_id}/rooms", json=ROOM, headers=bearer(token)).status_code == 201
        other = http.post(f"/api/v1/venues/{jiaping['other_venue_id']}/rooms", json=ROOM, headers=bearer(token))
        assert other.status_code == 403

        # Withdrawn: the current access token still works until it expires (≤ 15 min), the next refresh does not.
        assert ok(admin.delete(f"/api/v1/accounts/{manager['id']}/scopes/venue:{venue_id}"))["scopes"] == []
        refreshed = ok(http.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}))
        assert refreshed["account"]["scopes"] == []
        room = {**ROOM, "name": "第二阅读角"}
        assert (
            http.post(
                f"/api/v1/venues/{venue_id}/rooms", json=room, headers=bearer(refreshed["access_token"])
            ).status_code
            == 403
        )
        # …and after sign-out no token of that session works at all.
        assert http.post("/api/v1/auth/sign-out", json={"refresh_token": refreshed["refresh_token"]}).status_code == 204
        eventually_refused(http, token)

        audit = ok(admin.get("/api/v1/audit", params={"account_id": manager["id"]}))
        actions = [entry["action"] for entry in audit]
        assert {"account_created", "scope_granted", "sign_in", "scope_withdrawn", "sign_out"} <= set(actions)
        granted = next(e for e in audit if e["action"] == "scope_granted")
        assert granted["actor_id"] == "district-admin" and granted["client_ip"] == "127.0.0.1"
        assert http.get("/api/v1/audit", headers=bearer(organiser_pair["access_token"])).status_code == 403


def test_staff_lockout_with_back_off_and_totp(shared_platform):
    import pyotp

    with shared_platform.client("admin") as admin, shared_platform.client() as http:
        ok(
            admin.post(
                "/api/v1/accounts",
                json={"username": "wangjun", "password": "correct-horse-1", "role": "organiser", "name": "王军"},
            ),
            201,
        )
        for _ in range(5):
            wrong = http.post("/api/v1/auth/password-sign-in", json={"username": "wangjun", "password": "nope-nope-1"})
            assert wrong.status_code == 401
        locked = http.post("/api/v1/auth/password-sign-in", json={"username": "wangjun", "password": "correct-horse-1"})
        assert locked.status_code == 429 and 1 <= int(locked.headers["Retry-After"]) <= 61
        assert locked.json()["reason"] == "locked"
        unknown = http.post("/api/v1/auth/password-sign-in", json={"username": "nobody", "password": "whatever-1"})
        assert unknown.status_code == 401

        ok(
            admin.post(
                "/api/v1/accounts",
                json={"username": "lina", "password": "correct-horse-2", "role": "venue_manager", "name": "李娜"},
            ),
            201,
        )
        pair = password_sign_in(http, "lina", "correct-horse-2")
        offer = ok(http.post("/api/v1/me/totp", headers=bearer(pair["access_token"])), 201)
        totp = pyotp.TOTP(offer["secret"])
        assert (
            http.post(
                "/api/v1/me/totp/confirm",
                json={"code": f"{(int(totp.now()) + 7) % 10**6:06d}"},
                headers=bearer(pair["access_token"]),
            ).status_code
            == 422
        )
        assert (
            http.post(
                "/api/v1/me/totp/confirm", json={"code": totp.now()}, headers=bearer(pair["access_token"])
            ).status_code
            == 204
        )
        needs = http.post("/api/v1/auth/password-sign-in", json={"username": "lina", "password": "correct-horse-2"})
        assert needs.status_code == 401 and needs.json()["reason"] == "totp_required"
        assert password_sign_in(http, "lina", "correct-horse-2", totp_code=totp.now())["account"]["username"] == "lina"


# -- acting for someone --------------------------------------------------------------------------------


def test_a_daughter_registers_her_mother_for_a_lecture(shared_platform):
    lecture = published_event(
        shared_platform,
        title="嘉平讲堂·健康养生",
        kind="lecture",
        site=SHIMEN_SITE,
        start=in_days(11, 9).isoformat(),
        end=in_days(11, 11).isoformat(),
        capacity=20,
    )
    with shared_platform.client() as http:
        daughter = sign_in_by_sms(http, shared_platform, "13500135006")
        mother = ok(
            http.post(
                "/api/v1/me/dependants",
                json={"name": "王秀英", "relation": "mother"},
                headers=bearer(daughter["access_token"]),
            ),
            201,
        )
        url = f"/api/v1/events/{lecture['id']}/registrations"
        body = {"person_id": mother["id"], "person_name": "王秀英"}
        # The old token does not carry the link yet; the refreshed one does.
        assert http.post(url, json=body, headers=bearer(daughter["access_token"])).status_code == 403
        refreshed = ok(http.post("/api/v1/auth/refresh", json={"refresh_token": daughter["refresh_token"]}))
        assert f"dependant:{mother['id']}" in refreshed["account"]["scopes"]
        assert refreshed["account"]["dependants"] == [{"id": mother["id"], "name": "王秀英", "relation": "mother"}]
        registration = ok(http.post(url, json=body, headers=bearer(refreshed["access_token"])), 201)
        assert registration["person_id"] == mother["id"] and registration["person_name"] == "王秀英"
        assert registration["registered_by"] == daughter["account"]["id"]  # who registered whom
        # A stranger's id is still refused.
        other = {"person_id": "someone-else", "person_name": "张三"}
        assert http.post(url, json=other, headers=bearer(refreshed["access_token"])).status_code == 403


# -- PIPL: export and closing an account ---------------------------------------------------------------


def databases_holding(platform, text: str) -> dict[str, list[str]]:
    """Every table of every service's database (rows cast to text) that contains `text`."""
    from sqlalchemy import create_engine, inspect
    from sqlalchemy import text as sql

    found = {}
    for service, url in platform.database_urls.items():
        engine = create_engine(url)
        try:
            with engine.connect() as db:
                tables = inspect(db).get_table_names()
                hits = [
                    t
                    for t in tables
                    if db.execute(
                        sql(f'SELECT count(*) FROM "{t}" AS r WHERE r::text LIKE :p'), {"p": f"%{text}%"}
                    ).scalar_one()
                ]
        finally:
            engine.dispose()
        if hits:
            found[service] = hits
    return found


def wait_for(predicate, timeout: float = 15.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    return predicate()


def test_closing_an_account_leaves_the_phone_number_nowhere(shared_platform, jiaping):
    from services.venues.tests.conftest import future_weekday

    phone = "13300133007"
    lecture = published_event(
        shared_platform,
        title="嘉平讲堂·反诈宣传",
        kind="lecture",
        site=SHIMEN_SITE,
        start=in_days(12, 9).isoformat(),
        end=in_days(12, 11).isoformat(),
        capacity=20,
    )
    contact = {"name": "赵敏", "phone": phone}
    with shared_platform.client() as http:
        pair = sign_in_by_sms(http, shared_platform, phone)
        me = bearer(pair["access_token"])
        ok(http.post("/api/v1/me/dependants", json={"name": "赵大爷", "relation": "father"}, headers=me), 201)
        # (Before the registration: notifications also files the contact a registration fact carries.)
        ok(http.put("/api/v1/people/me", json={**contact, "channels": ["inbox", "sms"]}, headers=me))
        ok(http.post(f"/api/v1/events/{lecture['id']}/registrations", json={"contact": contact}, headers=me), 201)
        ok(
            http.post(
                "/api/v1/volunteers",
                json={"name": "赵敏", "phone": phone, "skills": [], "channels": ["sms"]},
                headers=me,
            ),
            201,
        )
        tuesday = future_weekday(1)
        rooms = {r["name"]: r["id"] for r in ok(http.get(f"/api/v1/venues/{jiaping['venue_id']}/rooms"))}
        ok(
            http.post(
                "/api/v1/bookings",
                headers=me,
                json={
                    "room_id": rooms["多功能活动室"],
                    "start": f"{tuesday}T15:00:00+08:00",
                    "end": f"{tuesday}T16:00:00+08:00",
                    "attendees": 3,
                    "purpose": "家庭读书会",
                    "contact": contact,
                },
            ),
            201,
        )

        exported = ok(http.get("/api/v1/me/export", headers=me))
        assert exported["phone"] == phone and exported["privacy_notice_version"] and exported["sessions"]
        assert "sign_in" in {a["action"] for a in exported["audit"]}
        # Before: the number is in accounts, events, venues, volunteers and notifications (so the search can fail).
        everywhere = {"accounts", "events", "venues", "volunteers", "notifications"}
        assert wait_for(lambda: set(databases_holding(shared_platform, phone)) == everywhere), databases_holding(
            shared_platform, phone
        )

        assert http.delete("/api/v1/me", headers=me).status_code == 204
        eventually_refused(http, pair["access_token"])
        assert http.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401
        left = wait_for(lambda: not databases_holding(shared_platform, phone)) or databases_holding(
            shared_platform, phone
        )
        assert left is True, f"the phone number is still in {left}"
    with shared_platform.client("admin") as admin:
        closed = [
            a
            for a in ok(admin.get("/api/v1/audit", params={"action": "account_closed"}))
            if a["account_id"] == pair["account"]["id"]
        ]
        assert len(closed) == 1 and phone not in json.dumps(ok(admin.get("/api/v1/accounts")))
