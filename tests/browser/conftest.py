"""Browser tests: the real platform (all services, the gateway and the web app) driven in Debian's Chromium
through Playwright's sync API.

One platform for the whole browser session (`web_platform`); each test gets a fresh browser context
(`context`) whose requests are watched: anything outside the platform fails the test. `check_page(page,
name)` runs axe-core (WCAG 2.1 A/AA rules) at 390×844 and 1280×800 and writes both screenshots to
`var/screenshots/<name>-390.png` and `<name>-1280.png`.

Run them on their own (Playwright's sync API cannot run under the eventlet monkey-patching the service
tests need; the root conftest leaves it out when only tests/browser is collected):
    .venv/bin/python -m pytest tests/browser -q
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import eventlet.patcher
import pytest

from tests.platform import ROOT, Platform

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "screenshots"
VIEWPORTS = {"390": {"width": 390, "height": 844}, "1280": {"width": 1280, "height": 800}}
BLOCKING_IMPACTS = ("serious", "critical")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    reason = None
    if eventlet.patcher.is_monkey_patched("socket"):
        reason = "browser tests run in their own pytest process: .venv/bin/python -m pytest tests/browser"
    elif not CHROMIUM.exists():
        reason = "no /usr/bin/chromium: `make test` installs it (apt-get install -y chromium fonts-wqy-zenhei)"
    elif not AXE.exists():
        reason = "no axe-core: `make test` installs it (npm ci --prefix tests/browser)"
    if reason:
        for item in items:
            if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def web_platform(session_amqp_uri, tmp_path_factory):
    """Everything running, with the 嘉平镇 seed loaded (venues, rooms, hours)."""
    running = Platform(
        session_amqp_uri,
        tmp_path_factory.mktemp("browser"),
        # Two quick webhook attempts, so a delivery to a failing receiver is `failed` (replayable) within a
        # second for the administrator's deliveries page, not after Svix's ten hours.
        extra_env={"NOTIFICATIONS_WEBHOOK_RETRY_DELAYS": "0,0.5", "NOTIFICATIONS_WEBHOOK_INTERVAL": "0.2"},
    ).start_all()
    try:
        seeded = subprocess.run(
            [sys.executable, "-m", "wenyun", "seed"],
            cwd=ROOT,
            env=running.env,
            check=True,
            capture_output=True,
            timeout=60,
            text=True,
        )
        running.seeded = json.loads(seeded.stdout)  # {venue_id, parent_id, rooms: {name: id}}
        yield running
    finally:
        running.stop_all()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class OutsideRequests(list):
    """Every request a page made to anything but the platform itself."""

    def __init__(self, allowed_origins: set[str]):
        super().__init__()
        self.allowed = allowed_origins

    def __call__(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if f"{parts.scheme}://{parts.netloc}" not in self.allowed:
            self.append(request.url)


@pytest.fixture
def make_context(browser, web_platform):
    """make_context(**options) → a new browser context (e.g. java_script_enabled=False); all are watched for
    requests outside the platform and closed after the test."""
    made, outside = [], OutsideRequests({web_platform.web_url, web_platform.base_url})

    def make(**options):
        ctx = browser.new_context(
            **{
                "locale": "zh-CN",
                "timezone_id": "Asia/Shanghai",
                "viewport": VIEWPORTS["390"],
                "base_url": web_platform.web_url,
                **options,
            }
        )
        ctx.set_default_timeout(15_000)
        ctx.on("request", outside)
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close()
    assert not outside, f"pages loaded things from outside the platform: {outside}"


@pytest.fixture
def context(make_context):
    return make_context()


@pytest.fixture
def page(context):
    return context.new_page()


def sign_in_as(
    context, platform: Platform, role: str, sub: str, name: str | None = None, scopes: list[str] | None = None
) -> None:
    """Put a signed-in session into the browser directly (a token minted for the tests), for the flows
    that are not about signing in."""
    from web.session import encode_cookie

    token = platform.token(role, sub=sub, scopes=scopes, name=name)
    data = {"access_token": token, "account": {"id": sub, "role": role, "name": name or ""}}
    context.add_cookies(
        [
            {
                "name": "wenyun_session",
                "value": encode_cookie(platform.web_session_key, data),
                "url": platform.web_url,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )


def check_page(page, name: str) -> None:
    """axe-core at both sizes (no serious or critical violations) and a screenshot at each."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    problems = []
    for label, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE))
        result = page.evaluate("""async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }""")
        problems += [
            f"{label}px {v['impact']} {v['id']}: {v['help']} {v['targets']}"
            for v in result
            if v["impact"] in BLOCKING_IMPACTS
        ]
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
    if original:
        page.set_viewport_size(original)
    assert not problems, f"accessibility problems on {name}:\n" + "\n".join(problems)
