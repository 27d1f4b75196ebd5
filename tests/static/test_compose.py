"""Static checks of the production-shape deployment files.

No Docker engine runs on the development and CI machines, so docker-compose.yml, the Dockerfile,
the PostgreSQL init script and the Prometheus / Grafana configuration are checked here by reading
them: the compose file is parsed (with Compose's `${VAR…}` interpolation done by a small helper
below) and its wiring is compared with the facts the code relies on.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
INFRA = ROOT / "infra"
DOCKERFILE = INFRA / "Dockerfile"
PROMETHEUS_CONFIG = INFRA / "prometheus" / "prometheus.yml"
DASHBOARD = INFRA / "grafana" / "dashboards" / "wenyun.json"
GRAFANA_PROVISIONING = INFRA / "grafana" / "provisioning"

SERVICES = ("venues", "events", "volunteers", "notifications", "accounts", "reports")
METRICS_PORTS = {
    "venues": 9101,
    "events": 9102,
    "volunteers": 9103,
    "notifications": 9104,
    "accounts": 9105,
    "reports": 9106,
}
LONG_RUNNING = (*SERVICES, "gateway", "web")
APP_PROCESSES = (*LONG_RUNNING, "migrate")
INFRASTRUCTURE = ("rabbitmq", "postgres", "prometheus", "grafana")
DATABASES = {name: f"wenyun_{name}" for name in SERVICES}
DATABASE_VARS = {name: f"{name.upper()}_DATABASE_URL" for name in SERVICES}
CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}

METRIC_NAMES = (
    "wenyun_rpc_requests_total",
    "wenyun_rpc_duration_seconds",
    "wenyun_events_handled_total",
    "wenyun_event_handling_seconds",
    "wenyun_outbox_backlog",
    "wenyun_dead_letters_total",
    "wenyun_http_requests_total",
    "wenyun_http_request_duration_seconds",
)

# What a user puts in .env; the values only need to be recognisable in the interpolated result.
FAKE_ENV = {
    "WENYUN_SECRET_KEY": "test-signing-key",
    "POSTGRES_PASSWORD": "test-postgres-password",
    "WENYUN_DB_PASSWORD": "test-db-password",
    "RABBITMQ_PASSWORD": "test-rabbitmq-password",
    "GRAFANA_ADMIN_PASSWORD": "test-grafana-password",
    "KEYCLOAK_ADMIN_PASSWORD": "test-keycloak-password",
    "WENYUN_ACCOUNTS_OIDC_CLIENT_SECRET": "test-oidc-client-secret",
}
SECRET_KEY_NAME = re.compile(r"(SECRET|PASSWORD|PASSWD|_PASS$|TOKEN|_KEY$|CREDENTIAL)", re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# Compose interpolation (the subset of the Compose specification this project may use).
# --------------------------------------------------------------------------------------------


class MissingVariable(Exception):
    """A `${VAR:?message}` whose variable is unset: Compose refuses to run."""


_VARIABLE = re.compile(r"\$(?:(?P<escaped>\$)|\{(?P<braced>[^}]*)\}|(?P<named>[A-Za-z_][A-Za-z0-9_]*))")
_BRACED = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:-|-|:\?|\?|:\+|\+)(?P<arg>.*))?$", re.DOTALL)


def interpolate_string(text: str, env: dict[str, str]) -> str:
    def replace(match: re.Match) -> str:
        if match.group("escaped"):
            return "$"
        if match.group("named"):
            return env.get(match.group("named"), "")
        braced = _BRACED.match(match.group("braced"))
        if braced is None:
            raise ValueError(f"invalid interpolation {match.group(0)!r}")
        name, op, arg = braced.group("name", "op", "arg")
        value = env.get(name)
        if op is None:
            return value or ""
        if op == ":-":
            return value if value else interpolate_string(arg, env)
        if op == "-":
            return value if value is not None else interpolate_string(arg, env)
        if op == ":?":
            if not value:
                raise MissingVariable(f"{name}: {arg}")
            return value
        if op == "?":
            if value is None:
                raise MissingVariable(f"{name}: {arg}")
            return value
        if op == ":+":
            return interpolate_string(arg, env) if value else ""
        return interpolate_string(arg, env) if value is not None else ""  # "+"

    return _VARIABLE.sub(replace, text)


def interpolate(node, env: dict[str, str]):
    if isinstance(node, str):
        return interpolate_string(node, env)
    if isinstance(node, dict):
        return {key: interpolate(value, env) for key, value in node.items()}
    if isinstance(node, list):
        return [interpolate(value, env) for value in node]
    return node


def variables_in(text: str) -> list[tuple[str, str | None, str]]:
    """(name, operator, argument) of every `${...}` in text."""
    found = []
    for match in _VARIABLE.finditer(text):
        if match.group("braced") is not None:
            braced = _BRACED.match(match.group("braced"))
            assert braced is not None, f"invalid interpolation {match.group(0)!r}"
            found.append(braced.group("name", "op", "arg"))
        elif match.group("named"):
            found.append((match.group("named"), None, ""))
    return found


def as_mapping(environment) -> dict[str, str]:
    """A service's `environment`, in either of its two Compose forms, as a dict."""
    if environment is None:
        return {}
    if isinstance(environment, dict):
        return {key: "" if value is None else str(value) for key, value in environment.items()}
    result = {}
    for item in environment:
        key, _, value = str(item).partition("=")
        result[key] = value
    return result


def strings_in(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from strings_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings_in(value)


# --------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def raw() -> dict:
    """docker-compose.yml as written (YAML anchors and merge keys resolved, no interpolation)."""
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def compose(raw) -> dict:
    """docker-compose.yml as Compose sees it with the variables of a filled-in .env."""
    return interpolate(raw, FAKE_ENV)


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def env_of(services: dict, name: str) -> dict[str, str]:
    return as_mapping(services[name].get("environment"))


def bind_mounts(service: dict) -> list[tuple[Path, str]]:
    """(host path, container path) of the service's bind mounts, host paths inside the repo."""
    mounts = []
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            if volume.get("type") != "bind":
                continue
            source, target = volume["source"], volume["target"]
        else:
            source, target = str(volume).split(":")[:2]
            if not source.startswith((".", "/")):
                continue  # a named volume
        mounts.append(((ROOT / source).resolve(), target))
    return mounts


def host_path_for(service: dict, container_path: str) -> Path:
    """The repository file that appears at container_path inside the service."""
    for host, target in bind_mounts(service):
        target = target.rstrip("/")
        if container_path == target:
            return host
        if container_path.startswith(target + "/"):
            return host / container_path[len(target) + 1 :]
    raise AssertionError(f"nothing from the repository is mounted at {container_path}")


# --------------------------------------------------------------------------------------------
# The compose file
# --------------------------------------------------------------------------------------------


def test_compose_defines_the_production_shape(services):
    missing = {*APP_PROCESSES, *INFRASTRUCTURE} - set(services)
    assert not missing, f"docker-compose.yml lacks {sorted(missing)}"
    assert services["rabbitmq"]["image"].startswith("rabbitmq:3.13-management")
    assert services["postgres"]["image"].split(":")[0] == "postgres"
    assert services["postgres"]["image"].split(":")[1].startswith("16")
    assert services["prometheus"]["image"].startswith("prom/prometheus")
    assert services["grafana"]["image"].startswith("grafana/grafana")


def test_every_app_process_runs_the_same_image(services):
    images, builds = set(), []
    for name in APP_PROCESSES:
        service = services[name]
        assert "build" in service or "image" in service, f"{name} has neither build nor image"
        images.add(service.get("image"))
        builds.append(json.dumps(service.get("build"), sort_keys=True))
    assert len(images) == 1 and None not in images, f"app processes use different images: {images}"
    assert len(set(builds)) == 1, "app processes are built differently"
    build = services["migrate"]["build"]
    context = ROOT / build.get("context", ".")
    assert context.resolve() == ROOT, "the image is built from the repository root"
    assert (context / build.get("dockerfile", "Dockerfile")).resolve() == DOCKERFILE


def test_app_processes_run_their_wenyun_subcommand(services):
    # ENTRYPOINT ["wenyun"] (checked below): the command is the subcommand and its argument.
    for name in LONG_RUNNING:
        assert services[name]["command"] == ["serve", name], name
        assert "entrypoint" not in services[name], f"{name} must keep the image's wenyun entrypoint"
    assert services["migrate"]["command"] == ["migrate"]
    assert services["migrate"].get("restart", "no") == "no", "migrate is a one-shot step"


def test_long_running_app_services_have_healthchecks(services):
    for name in SERVICES:
        check = services[name].get("healthcheck")
        assert check and not check.get("disable"), f"{name} has no healthcheck"
        assert check["test"] == ["CMD", "wenyun", "health", name], name
    gateway_check = services["gateway"].get("healthcheck")
    assert gateway_check and not gateway_check.get("disable")
    gateway_test = " ".join(gateway_check["test"])
    assert "http://localhost:8000/health" in gateway_test
    assert "curl" not in gateway_test, "python:3.11-slim has no curl"


def test_infrastructure_has_healthchecks(services):
    rabbit = services["rabbitmq"]["healthcheck"]["test"]
    assert "rabbitmq-diagnostics" in rabbit and "ping" in rabbit
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"]
    for name in ("prometheus", "grafana"):
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck"


def test_every_app_process_talks_to_the_rabbitmq_service(services):
    for name in APP_PROCESSES:
        uri = env_of(services, name).get("AMQP_URI")
        assert uri, f"{name} has no AMQP_URI"
        parts = urlsplit(uri)
        assert parts.scheme in ("amqp", "pyamqp"), f"{name}: {uri}"
        assert parts.hostname == "rabbitmq", f"{name}: AMQP_URI must point at the rabbitmq service"
        assert (parts.port or 5672) == 5672
        assert parts.password == FAKE_ENV["RABBITMQ_PASSWORD"], f"{name}: the AMQP password comes from .env"
    assert env_of(services, "rabbitmq")["RABBITMQ_DEFAULT_PASS"] == FAKE_ENV["RABBITMQ_PASSWORD"]


def _check_database_url(url: str, service: str, owner: str) -> None:
    parts = urlsplit(url)
    assert parts.scheme.startswith("postgresql"), f"{owner}: {url}"
    assert parts.hostname == "postgres", f"{owner}: {service}'s database must be on the postgres service"
    assert (parts.port or 5432) == 5432
    assert parts.path.lstrip("/") == DATABASES[service], f"{owner}: {service} must use {DATABASES[service]}"
    assert parts.username == "wenyun"
    assert parts.password == FAKE_ENV["WENYUN_DB_PASSWORD"], f"{owner}: the DB password comes from .env"


def test_each_service_sees_only_its_own_database(services):
    for name in SERVICES:
        env = env_of(services, name)
        assert DATABASE_VARS[name] in env, f"{name} has no {DATABASE_VARS[name]}"
        _check_database_url(env[DATABASE_VARS[name]], name, name)
        foreign = sorted(key for key in env if key.endswith("_DATABASE_URL") and key != DATABASE_VARS[name])
        assert not foreign, f"{name} must not be given another service's database: {foreign}"
        assert "WENYUN_POSTGRES_URL" not in env
    assert not [key for key in env_of(services, "gateway") if key.endswith("_DATABASE_URL")], "the gateway owns no data"


def test_migrate_reaches_every_database(services):
    env = env_of(services, "migrate")
    for name in SERVICES:
        assert DATABASE_VARS[name] in env, f"migrate lacks {DATABASE_VARS[name]}"
        _check_database_url(env[DATABASE_VARS[name]], name, "migrate")


def test_services_expose_their_metrics_ports(services):
    for name, port in METRICS_PORTS.items():
        assert env_of(services, name).get("METRICS_PORT") == str(port), name
        assert str(port) in [str(p) for p in services[name].get("expose", [])], name


def test_long_running_processes_get_the_secret_key_and_public_url(services):
    for name in LONG_RUNNING:
        env = env_of(services, name)
        assert env.get("WENYUN_SECRET_KEY") == FAKE_ENV["WENYUN_SECRET_KEY"], name
        assert env.get("PUBLIC_BASE_URL") == "http://localhost:8000", name
    notifications = env_of(services, "notifications")
    assert notifications.get("SMTP_HOST") and notifications.get("SMTP_PORT")
    if notifications["SMTP_HOST"] in services:
        assert notifications["SMTP_PORT"] in [str(p) for p in services[notifications["SMTP_HOST"]].get("expose", [])]


def test_depends_on_uses_conditions(services):
    for name, service in services.items():
        depends = service.get("depends_on")
        if depends is None:
            continue
        assert isinstance(depends, dict), f"{name}: depends_on must name a condition for each dependency"
        for target, spec in depends.items():
            assert target in services, f"{name} depends on unknown service {target}"
            assert spec.get("condition") in CONDITIONS, f"{name} -> {target}: {spec}"
            if spec["condition"] == "service_healthy":
                assert services[target].get("healthcheck"), (
                    f"{name} waits for {target} to be healthy: it has no healthcheck"
                )
            if spec["condition"] == "service_completed_successfully":
                assert services[target].get("restart", "no") == "no", f"{target} must be one-shot"

    def conditions(name):
        return {target: spec["condition"] for target, spec in services[name]["depends_on"].items()}

    assert conditions("migrate") == {"rabbitmq": "service_healthy", "postgres": "service_healthy"}
    for name in SERVICES:
        got = conditions(name)
        assert got.get("migrate") == "service_completed_successfully", name
        assert got.get("rabbitmq") == "service_healthy", name
        assert got.get("postgres") == "service_healthy", name
    gateway = conditions("gateway")
    for name in SERVICES:
        assert gateway.get(name) == "service_healthy", f"gateway must wait for {name} to be healthy"


def test_services_can_be_scaled(services):
    for name in SERVICES:
        service = services[name]
        assert "container_name" not in service, f"{name} cannot be scaled with a container_name"
        assert not service.get("ports"), f"{name} cannot be scaled with a fixed host port"
        replicas = service.get("deploy", {}).get("replicas", 1)
        assert isinstance(replicas, int) and replicas >= 1
    assert "container_name" not in services["gateway"]
    ports = [str(p) for p in services["gateway"].get("ports", [])]
    assert any(p.endswith("8000:8000") for p in ports), f"gateway must publish 8000: {ports}"


def test_no_secret_literal_in_compose(raw):
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    assert "guest:guest" not in text, "no default broker credentials in the production shape"

    def must_be_required_variable(where: str, value: str) -> None:
        variables = variables_in(value)
        assert variables, f"{where}: a secret literal; take it from the environment"
        literal = _VARIABLE.sub("", value)
        assert not literal.strip(), f"{where}: mixes a literal with {value!r}"
        for name, op, _ in variables:
            assert op in (":?", "?"), f"{where}: ${{{name}}} must be required (`:?`), not defaulted"

    for name, service in raw["services"].items():
        for key, value in as_mapping(service.get("environment")).items():
            if SECRET_KEY_NAME.search(key):
                must_be_required_variable(f"{name}.{key}", value)
            for password in re.findall(r"://[^:/@\s]+:([^@\s]+)@", value):
                must_be_required_variable(f"{name}.{key} (password in the URL)", password)

    secret = raw["services"]["gateway"]["environment"]["WENYUN_SECRET_KEY"]
    assert re.fullmatch(r"\$\{WENYUN_SECRET_KEY:\?[^}]*\}", secret), secret

    # Without a .env, Compose refuses to start rather than run with a default secret.
    for missing in FAKE_ENV:
        env = {key: value for key, value in FAKE_ENV.items() if key != missing}
        with pytest.raises(MissingVariable):
            interpolate(raw, env)


def test_named_volumes_are_declared_and_bind_mounts_exist(compose):
    declared = set(compose.get("volumes") or {})
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume["source"] if isinstance(volume, dict) else str(volume).split(":")[0]
            if source.startswith((".", "/")):
                assert (ROOT / source).exists(), f"{name} mounts missing {source}"
            else:
                assert source in declared, f"{name} uses undeclared volume {source}"
    for name in ("rabbitmq", "postgres"):
        assert any(
            (v["source"] if isinstance(v, dict) else str(v).split(":")[0]) in declared
            for v in compose["services"][name].get("volumes", [])
        ), f"{name} keeps its data in a named volume"
    assert compose["services"]["rabbitmq"].get("hostname") == "rabbitmq", (
        "RabbitMQ's node name follows the host name; a fixed one keeps the data in the volume usable"
    )


def test_env_example_lists_every_required_variable(raw):
    example = (INFRA / "env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", example, re.MULTILINE))
    required = {name for text in strings_in(raw) for name, op, _ in variables_in(text) if op in (":?", "?")}
    assert required == set(FAKE_ENV), required
    assert required <= listed, f"infra/env.example lacks {sorted(required - listed)}"


# --------------------------------------------------------------------------------------------
# The image
# --------------------------------------------------------------------------------------------


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text(encoding="utf-8")
    logical, current = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        keyword, _, rest = current.partition(" ")
        logical.append((keyword.upper(), rest.strip()))
        current = ""
    return logical


def test_dockerfile_builds_the_one_wenyun_image():
    assert DOCKERFILE.is_file()
    instructions = _dockerfile_instructions()
    froms = [rest for keyword, rest in instructions if keyword == "FROM"]
    assert froms and froms[-1].split()[0] == "python:3.11-slim"
    runs = " ".join(rest for keyword, rest in instructions if keyword == "RUN")
    copies = " ".join(rest for keyword, rest in instructions if keyword == "COPY")
    assert "requirements/runtime.txt" in copies and "dev.txt" not in copies, "the image has no test tools"
    assert re.search(r"pip install (\S+ )*-r \S*runtime\.txt", runs), "dependencies come from requirements/runtime.txt"
    assert re.search(r"pip install (\S+ )*--no-deps", runs), "the project is installed with --no-deps"
    users = [rest for keyword, rest in instructions if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0"), "the image runs as a non-root user"
    entrypoints = [rest for keyword, rest in instructions if keyword == "ENTRYPOINT"]
    assert entrypoints and json.loads(entrypoints[-1]) == ["wenyun"]


def test_build_context_keeps_secrets_and_local_state_out():
    ignore = (INFRA / "Dockerfile.dockerignore").read_text(encoding="utf-8").split()
    for entry in (".env", ".git", ".venv", "var"):
        assert entry in ignore, f"infra/Dockerfile.dockerignore must exclude {entry}"


# --------------------------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------------------------


def test_postgres_init_script_creates_the_four_databases(services):
    initdb = host_path_for(services["postgres"], "/docker-entrypoint-initdb.d")
    scripts = (
        [initdb]
        if initdb.is_file()
        else sorted(p for p in initdb.iterdir() if p.suffix in (".sh", ".sql") or p.name.endswith(".sql.gz"))
    )
    assert scripts, "no init script is mounted into /docker-entrypoint-initdb.d"
    # Comments do not create anything: look at the commands only.
    text = "\n".join(
        line
        for p in scripts
        for line in p.read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith(("#", "--"))
    )
    assert re.search(r"CREATE DATABASE", text, re.IGNORECASE)
    assert re.search(r"CREATE ROLE|CREATE USER", text, re.IGNORECASE)
    for database in DATABASES.values():
        assert database in text, f"the init script does not create {database}"
    assert "WENYUN_DB_PASSWORD" in text, "the role's password comes from the environment"
    assert "WENYUN_DB_PASSWORD" in env_of(services, "postgres")


# --------------------------------------------------------------------------------------------
# Prometheus
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def prometheus_config(services) -> dict:
    prometheus = services["prometheus"]
    config_flag = next(
        (arg.split("=", 1)[1] for arg in prometheus.get("command", []) if arg.startswith("--config.file=")),
        "/etc/prometheus/prometheus.yml",
    )
    assert host_path_for(prometheus, config_flag).resolve() == PROMETHEUS_CONFIG.resolve()
    return yaml.safe_load(PROMETHEUS_CONFIG.read_text(encoding="utf-8"))


def _dns_targets(job: dict) -> set[tuple[str, int]]:
    targets = set()
    for sd in job.get("dns_sd_configs", []):
        assert sd.get("type", "SRV") == "A", f"{job['job_name']}: A records give every replica"
        for name in sd["names"]:
            targets.add((name, sd["port"]))
    return targets


def test_prometheus_scrapes_every_replica_of_every_service(prometheus_config):
    jobs = prometheus_config["scrape_configs"]
    wanted = {**METRICS_PORTS, "gateway": 8000}
    for name, port in wanted.items():
        matching = [job for job in jobs if (name, port) in _dns_targets(job)]
        assert matching, f"Prometheus does not discover {name}:{port} through DNS"
        assert matching[0].get("metrics_path", "/metrics") == "/metrics"


def test_prometheus_rule_files_exist_and_parse(services, prometheus_config):
    for rule_file in prometheus_config.get("rule_files", []):
        path = host_path_for(services["prometheus"], rule_file)
        rules = yaml.safe_load(path.read_text(encoding="utf-8"))
        for group in rules["groups"]:
            for rule in group["rules"]:
                assert rule.get("expr") and (rule.get("alert") or rule.get("record")), rule


# --------------------------------------------------------------------------------------------
# Grafana
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dashboard() -> dict:
    return json.loads(DASHBOARD.read_text(encoding="utf-8"))


def _all_panels(panels):
    for panel in panels:
        yield panel
        yield from _all_panels(panel.get("panels", []))


def test_grafana_is_provisioned_with_prometheus_and_the_dashboards(services, dashboard):
    grafana = services["grafana"]
    assert host_path_for(grafana, "/etc/grafana/provisioning").resolve() == GRAFANA_PROVISIONING.resolve()
    datasources = [
        source
        for path in sorted((GRAFANA_PROVISIONING / "datasources").glob("*.y*ml"))
        for source in yaml.safe_load(path.read_text(encoding="utf-8"))["datasources"]
    ]
    prometheus = [source for source in datasources if source["type"] == "prometheus"]
    assert prometheus and prometheus[0]["url"] == "http://prometheus:9090"
    providers = [
        provider
        for path in sorted((GRAFANA_PROVISIONING / "dashboards").glob("*.y*ml"))
        for provider in yaml.safe_load(path.read_text(encoding="utf-8"))["providers"]
    ]
    assert providers, "no dashboard provider"
    dashboard_dir = host_path_for(grafana, providers[0]["options"]["path"])
    assert (dashboard_dir / DASHBOARD.name).resolve() == DASHBOARD.resolve()

    uids = {source.get("uid") for source in prometheus}
    for panel in _all_panels(dashboard["panels"]):
        if panel.get("type") == "row":
            continue
        assert panel["datasource"]["uid"] in uids, f"panel {panel['title']!r} uses an unknown datasource"


def test_dashboard_covers_the_platform_metrics(dashboard):
    panels = [panel for panel in _all_panels(dashboard["panels"]) if panel.get("type") != "row"]
    ids = [panel["id"] for panel in _all_panels(dashboard["panels"])]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    exprs = "\n".join(target["expr"] for panel in panels for target in panel.get("targets", []))
    for metric in METRIC_NAMES:
        assert re.search(rf"\b{metric}(_bucket)?\b", exprs), f"the dashboard does not show {metric}"
    for histogram in (
        "wenyun_rpc_duration_seconds",
        "wenyun_event_handling_seconds",
        "wenyun_http_request_duration_seconds",
    ):
        assert f"{histogram}_bucket" in exprs, f"{histogram} is a histogram: chart its quantiles"
    titles = " ".join(panel["title"].lower() for panel in panels)
    for topic in ("rpc", "event", "outbox", "dead letter", "http", "status"):
        assert topic in titles, f"no panel about {topic}"
