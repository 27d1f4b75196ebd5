"""The health checks of docker-compose.yml work (issue 19): every command a container's `healthcheck`
runs is run here against a running test platform and must exit 0 — otherwise Compose never calls the
service healthy and whatever waits for it (the gateway waits for all six) never starts.

The compose network's host names are replaced by the test platform's: `wenyun`/`python` are this
interpreter, the gateway's and the web app's `localhost:8000`/`localhost:8080` their test ports, and the
processes read the platform's environment (its broker vhost and databases). Third-party images that the
test platform does not run (Mailpit, Keycloak, Prometheus, Grafana) are the only ones left out.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys

import pytest

from tests.platform import ROOT
from tests.static.test_compose import COMPOSE_FILE, FAKE_ENV, SERVICES, interpolate

NOT_IN_THE_TEST_PLATFORM = {"mailpit", "keycloak", "prometheus", "grafana"}


def _health_checks() -> dict[str, list[str]]:
    import yaml

    compose = interpolate(yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8")), FAKE_ENV)
    checks = {}
    for name, service in compose["services"].items():
        test = (service.get("healthcheck") or {}).get("test")
        if not test or test == ["NONE"]:
            continue
        kind, *rest = test if isinstance(test, list) else ["CMD-SHELL", test]
        checks[name] = rest if kind == "CMD" else ["sh", "-c", " ".join(rest)]
    return checks


def _for_the_test_platform(argv: list[str], platform) -> list[str]:
    ports = {"localhost:8000": f"127.0.0.1:{platform.port}", "localhost:8080": f"127.0.0.1:{platform.web_port}"}
    argv = [sys.executable, "-m", "wenyun", *argv[1:]] if argv[0] == "wenyun" else list(argv)
    if argv[0] in ("python", "python3"):
        argv[0] = sys.executable
    out = []
    for arg in argv:
        for compose_address, test_address in ports.items():
            arg = arg.replace(compose_address, test_address)
        out.append(arg)
    return out


def test_wenyun_health_answers_for_every_service(shared_platform):
    for service in SERVICES:
        done = subprocess.run(
            [sys.executable, "-m", "wenyun", "health", service],
            cwd=ROOT,
            env=shared_platform.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, f"{service}: {done.stderr}"
        assert json.loads(done.stdout)["status"] == "ok"


def test_every_health_check_of_the_compose_file_passes_against_a_running_platform(shared_platform):
    checks = _health_checks()
    assert set(SERVICES) | {"gateway", "web", "rabbitmq", "postgres"} <= set(checks)
    run = {name: argv for name, argv in checks.items() if name not in NOT_IN_THE_TEST_PLATFORM}
    failures = {}
    for name, argv in sorted(run.items()):
        command = _for_the_test_platform(argv, shared_platform)
        try:
            done = subprocess.run(
                command, cwd=ROOT, env=shared_platform.env, capture_output=True, text=True, timeout=60
            )
        except FileNotFoundError:
            pytest.fail(f"{name}: {command[0]} is not installed here")
        if done.returncode != 0:
            failures[name] = f"{shlex.join(command)} → {done.returncode}: {done.stderr[-500:]}"
    assert not failures, failures
