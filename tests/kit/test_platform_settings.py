"""Settings that protect a deployment: operator tokens (`wenyun token`) are short-lived by default, the
platform secret is long enough for the keys derived from it (RFC 7518 §3.2), and the public base URL
(links in texts, e-mails and calendar feeds) is required in production and warned about otherwise."""

from __future__ import annotations

import logging

import jwt
import pytest

from gateway.app import create_app
from kit.settings import PlatformSettings, get_settings
from wenyun.cli import main


@pytest.fixture
def secret(monkeypatch, tmp_path):
    monkeypatch.setenv("WENYUN_SECRET_KEY", "operator-test-secret-of-at-least-32-bytes")
    monkeypatch.setenv("WENYUN_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("WENYUN_TOKEN_SIGNING_KEY", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def lifetime(capsys, *args: str) -> int:
    assert main(["token", "--role", "admin", *args]) == 0
    claims = jwt.decode(capsys.readouterr().out.strip(), options={"verify_signature": False})
    return claims["exp"] - claims["iat"]


def test_operator_tokens_last_an_hour_unless_told_otherwise(secret, capsys):
    assert lifetime(capsys) == 3600
    assert lifetime(capsys, "--ttl", "15m") == 900
    assert lifetime(capsys, "--ttl", "7d") == 7 * 86400
    with pytest.raises(SystemExit):
        main(["token", "--role", "admin", "--ttl", "forever"])


def test_a_short_platform_secret_is_refused():
    with pytest.raises(ValueError, match="at least 32 bytes"):
        PlatformSettings(secret_key="system-test-secret").signing_key()
    assert PlatformSettings(secret_key="x" * 32).signing_key() == b"x" * 32


def test_an_unset_public_base_url_is_refused_in_production_and_warned_about_otherwise(caplog, monkeypatch):
    for name in ("PUBLIC_BASE_URL", "WENYUN_PUBLIC_BASE_URL", "WENYUN_WEB_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    secret = "x" * 32
    with pytest.raises(ValueError, match="PUBLIC_BASE_URL"):
        create_app(PlatformSettings(secret_key=secret, environment="production"))
    with caplog.at_level(logging.WARNING, logger="wenyun.gateway"):
        create_app(PlatformSettings(secret_key=secret))
    assert "PUBLIC_BASE_URL and WENYUN_WEB_PUBLIC_URL not set" in caplog.text
    caplog.clear()
    configured = PlatformSettings(
        secret_key=secret,
        environment="production",
        public_base_url="https://api.wenyun.example.cn",
        web_public_url="https://wenyun.example.cn",
    )
    with caplog.at_level(logging.WARNING, logger="wenyun.gateway"):
        create_app(configured)
    assert "PUBLIC_BASE_URL" not in caplog.text
    assert configured.event_page_url("e-1") == "https://wenyun.example.cn/events/e-1"
