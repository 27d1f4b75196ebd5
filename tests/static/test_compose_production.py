"""Static checks of the production profile, docker-compose.production.yml laid over docker-compose.yml
(issue 19): a three-node RabbitMQ cluster with quorum queues, two replicas of every service (reports:
one, by design) and of the gateway behind a proxy, health checks everywhere, start order by health, and
PostgreSQL connections enough for every replica's pool.

No Docker runs here, so nothing of this is started: the two files are parsed, merged the way Compose
merges an override file (mappings key by key, `ports`/`expose` appended unless `!reset`, volumes by
their target), interpolated, and compared with what the code and the RabbitMQ/HAProxy configs expect.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from kit.settings import PlatformSettings
from tests.static.test_compose import (
    COMPOSE_FILE,
    FAKE_ENV,
    ROOT,
    SERVICES,
    MissingVariable,
    as_mapping,
    interpolate,
    variables_in,
)

PRODUCTION_FILE = ROOT / "docker-compose.production.yml"
CLUSTER_CONF = ROOT / "infra" / "rabbitmq" / "cluster.conf"
HAPROXY_CFG = ROOT / "infra" / "haproxy" / "haproxy.cfg"
NODES = ("rabbitmq", "rabbitmq-2", "rabbitmq-3")
ONE_REPLICA = {"reports"}  # applies the facts one at a time, in log order (services/reports/README.md)
POSTGRES_RESERVED = 3  # superuser_reserved_connections
HEADROOM = 10  # migrate, `wenyun` CLI commands, an administrator's psql, monitoring

PRODUCTION_ENV = {
    **FAKE_ENV,
    "RABBITMQ_ERLANG_COOKIE": "test-erlang-cookie",
    "PUBLIC_BASE_URL": "https://wenyun.example.org",
    "WENYUN_WEB_PUBLIC_URL": "https://www.wenyun.example.org",
    "WENYUN_NOTIFICATIONS_ALIYUN_ACCESS_KEY_ID": "test-aliyun-key-id",
    "WENYUN_NOTIFICATIONS_ALIYUN_ACCESS_KEY_SECRET": "test-aliyun-key-secret",
    "WENYUN_NOTIFICATIONS_ALIYUN_SMS_DEFAULT_TEMPLATE": "SMS_000000",
}


class Reset(list):
    """`!reset []`: Compose drops what the base file had for this key."""


class ComposeLoader(yaml.SafeLoader):
    pass


ComposeLoader.add_constructor("!reset", lambda loader, node: Reset(loader.construct_sequence(node)))
ComposeLoader.add_constructor("!override", lambda loader, node: Reset(loader.construct_sequence(node)))


def _load(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=ComposeLoader)  # noqa: S506 - a SafeLoader


def _target(volume) -> str:
    return volume["target"] if isinstance(volume, dict) else str(volume).split(":")[1]


def merge(base, override, key: str = ""):
    """Compose's merge of an override file (the rules of the Compose specification's "Merge")."""
    if isinstance(override, Reset):
        return list(override)
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for name, value in override.items():
            merged[name] = merge(base[name], value, name) if name in base else value
        return merged
    if isinstance(base, list) and isinstance(override, list):
        if key == "volumes":
            kept = [v for v in base if _target(v) not in {_target(o) for o in override}]
            return kept + list(override)
        if key in ("ports", "expose", "dns", "dns_search", "tmpfs", "cap_add", "cap_drop", "security_opt"):
            return base + [item for item in override if item not in base]
    return override


def merged_compose(env: dict[str, str]) -> dict:
    return interpolate(merge(_load(COMPOSE_FILE), _load(PRODUCTION_FILE)), env)


@pytest.fixture(scope="module")
def services() -> dict:
    return merged_compose(PRODUCTION_ENV)["services"]


def env_of(services: dict, name: str) -> dict[str, str]:
    return as_mapping(services[name].get("environment"))


def replicas(service: dict) -> int:
    return int(service.get("deploy", {}).get("replicas", 1))


def test_the_production_profile_merges_and_requires_its_secrets():
    _load(PRODUCTION_FILE)  # parses, with Compose's tags
    for missing in PRODUCTION_ENV:
        with pytest.raises(MissingVariable):
            merged_compose({k: v for k, v in PRODUCTION_ENV.items() if k != missing})
    secrets = {name for name, op, _ in variables_in(PRODUCTION_FILE.read_text(encoding="utf-8")) if op == ":?"}
    example = (ROOT / "infra" / "env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", example, re.MULTILINE))
    assert secrets <= listed, f"infra/env.example lacks {sorted(secrets - listed)}"


def test_three_rabbitmq_nodes_form_one_cluster_with_quorum_queues(services):
    conf = CLUSTER_CONF.read_text(encoding="utf-8")
    settings = dict(
        line.split("=", 1) for line in (raw.strip() for raw in conf.splitlines()) if line and not line.startswith("#")
    )
    settings = {key.strip(): value.strip() for key, value in settings.items()}
    assert settings["cluster_formation.peer_discovery_backend"] == "classic_config"
    listed = {value for key, value in settings.items() if key.startswith("cluster_formation.classic_config.nodes.")}
    assert listed == {f"rabbit@{node}" for node in NODES}
    assert settings["default_queue_type"] == "quorum"
    assert settings["cluster_partition_handling"] == "pause_minority"
    cookies, data_volumes = set(), set()
    for node in NODES:
        service = services[node]
        assert service.get("hostname") == node, f"{node}: the node name follows the host name"
        env = env_of(services, node)
        cookies.add(env.get("RABBITMQ_ERLANG_COOKIE"))
        mounts = {_target(v): str(v).split(":")[0] for v in service["volumes"]}
        assert mounts["/etc/rabbitmq/conf.d/20-wenyun-cluster.conf"] == "./infra/rabbitmq/cluster.conf"
        data_volumes.add(mounts["/var/lib/rabbitmq"])
        assert service["healthcheck"]["test"][:2] == ["CMD", "rabbitmq-diagnostics"]
    assert cookies == {PRODUCTION_ENV["RABBITMQ_ERLANG_COOKIE"]}, "one cookie for the whole cluster"
    assert len(data_volumes) == 3, "each node keeps its own data"


def test_every_process_knows_every_node_and_declares_quorum_queues(services):
    for name in (*SERVICES, "gateway", "web", "migrate"):
        env = env_of(services, name)
        addresses = env["AMQP_URI"].split(";")
        assert [re.search(r"@([^:/]+):5672/", a)[1] for a in addresses] == list(NODES), name  # type: ignore[index]
        assert env["WENYUN_QUEUE_TYPE"] == "quorum", name
        if name == "web":
            continue  # a client of the gateway's HTTP API only
        depends = services[name]["depends_on"]
        for node in NODES:
            assert depends[node]["condition"] == "service_healthy", f"{name} must wait for {node}"


def test_every_service_has_a_health_check_and_waits_for_health(services):
    for name, service in services.items():
        if service.get("profiles") or service.get("restart") == "no":
            continue  # optional (keycloak) or one-shot (migrate)
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"
        for target, spec in (service.get("depends_on") or {}).items():
            assert target in services, f"{name} depends on unknown {target}"
            wanted = "service_completed_successfully" if services[target].get("restart") == "no" else "service_healthy"
            assert spec["condition"] == wanted, f"{name} -> {target}: {spec}"


def test_two_replicas_of_each_service_and_gateway_behind_the_proxy(services):
    for name in SERVICES:
        assert replicas(services[name]) == (1 if name in ONE_REPLICA else 2), name
        assert "container_name" not in services[name] and not services[name].get("ports"), name
    gateway = services["gateway"]
    assert replicas(gateway) == 2
    assert not gateway.get("ports"), "replicas cannot share a host port: the proxy publishes it"
    proxy = services["proxy"]
    assert proxy["ports"] == ["8000:8000"]
    assert proxy["depends_on"]["gateway"]["condition"] == "service_healthy"
    assert env_of(services, "web")["WENYUN_API_URL"] == "http://proxy:8000"
    config = HAPROXY_CFG.read_text(encoding="utf-8")
    mounted = {_target(v): str(v).split(":")[0] for v in proxy["volumes"]}
    assert mounted["/usr/local/etc/haproxy/haproxy.cfg"] == "./infra/haproxy/haproxy.cfg"
    assert re.search(r"^\s*option httpchk GET /health\s*$", config, re.MULTILINE), "the proxy checks /health"
    assert re.search(r"^\s*server-template \S+ (\d+) gateway:8000 check", config, re.MULTILINE)
    assert int(re.search(r"server-template \S+ (\d+)", config)[1]) >= replicas(gateway)  # type: ignore[index]
    assert "monitor-uri /proxy-health" in config and "/proxy-health" in " ".join(proxy["healthcheck"]["test"])


def test_postgresql_allows_every_replicas_pool(services, monkeypatch):
    command = services["postgres"]["command"]
    max_connections = int(next(arg.split("=")[1] for arg in command if arg.startswith("max_connections=")))
    needed = HEADROOM
    for name in SERVICES:
        for key, value in env_of(services, name).items():
            if key.startswith("WENYUN_"):
                monkeypatch.setenv(key, value)
        pool_size, max_overflow = PlatformSettings().db_pool(name)
        needed += replicas(services[name]) * (pool_size + max_overflow)
    assert needed <= max_connections - POSTGRES_RESERVED, (needed, max_connections)


def test_texts_go_to_the_sms_gateway_not_the_development_store(services):
    env = env_of(services, "notifications")
    assert env["WENYUN_NOTIFICATIONS_SMS_PROVIDER"] == "aliyun"
    assert (
        env["WENYUN_NOTIFICATIONS_ALIYUN_ACCESS_KEY_SECRET"]
        == PRODUCTION_ENV["WENYUN_NOTIFICATIONS_ALIYUN_ACCESS_KEY_SECRET"]
    )
    base = interpolate(_load(COMPOSE_FILE), FAKE_ENV)["services"]["notifications"]
    assert as_mapping(base["environment"]).get("WENYUN_NOTIFICATIONS_SMS_PROVIDER") not in (None, "", "dev")


def test_the_proxy_configuration_is_valid():
    haproxy = shutil.which("haproxy")
    if haproxy is None:
        pytest.skip("haproxy is not installed here (apt-get install haproxy): its own check of the file")
    checked = subprocess.run([haproxy, "-c", "-f", str(HAPROXY_CFG)], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stdout + checked.stderr
