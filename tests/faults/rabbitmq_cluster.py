"""A three-node RabbitMQ cluster on this machine, as the current user, for the fault tests (issue 19).

Each node has its own node name, AMQP port, distribution port, config file, enabled-plugins file (none:
no management, no Prometheus plugin fighting over its port) and data directory under one temporary
directory; they share one Erlang cookie (in a HOME of their own) and the machine's epmd. The Debian
package's /etc/rabbitmq files are not read (its rabbitmq.conf pins port 5672, its rabbitmq-env.conf the
node name). Nodes run in the foreground of their own process group, so `kill()` is a real kill -9.

    python -m tests.faults.rabbitmq_cluster start [--dir DIR]   # prints AMQP_URI; Ctrl-C stops it
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

RABBITMQ_BIN = Path(os.environ.get("RABBITMQ_BIN", "/usr/lib/rabbitmq/bin"))


class ClusterUnavailable(RuntimeError):
    """This machine cannot run the cluster (no RabbitMQ, no Erlang, nodes that do not start)."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Node:
    def __init__(self, root: Path, index: int, cookie_home: Path, tag: str):
        self.name = f"wenyun-c{index}-{tag}@localhost"  # epmd is shared with every other node here
        self.port = _free_port()
        self.dist_port = _free_port()
        self.dir = root / f"node{index}"
        self.home = cookie_home
        self.process: subprocess.Popen | None = None
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "rabbitmq.conf").write_text(
            f"listeners.tcp.default = 127.0.0.1:{self.port}\n"
            "loopback_users.guest = true\n"
            # One machine, three nodes: the free-disk alarm of each would count the same disk.
            "disk_free_limit.absolute = 50MB\n"
            "vm_memory_high_watermark.relative = 0.2\n"
        )
        (self.dir / "enabled_plugins").write_text("[].\n")
        (self.dir / "rabbitmq-env.conf").write_text("")

    @property
    def amqp_uri(self) -> str:
        # "localhost", not 127.0.0.1: notifications refuses the broker's hosts as webhook targets, and the
        # tests' webhook receivers listen on 127.0.0.1.
        return f"amqp://guest:guest@localhost:{self.port}/"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "HOME": str(self.home),  # the shared .erlang.cookie
            "RABBITMQ_NODENAME": self.name,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_CONFIG_FILE": str(self.dir / "rabbitmq.conf"),
            "RABBITMQ_CONF_ENV_FILE": str(self.dir / "rabbitmq-env.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.dir / "enabled_plugins"),
            "RABBITMQ_MNESIA_BASE": str(self.dir / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.dir / "log"),
            "RABBITMQ_PID_FILE": str(self.dir / "pid"),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
        }

    def start(self) -> None:
        log = open(self.dir / "console.log", "ab")
        self.process = subprocess.Popen(
            [str(RABBITMQ_BIN / "rabbitmq-server")],
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    def ctl(self, *args: str, timeout: float = 60, check: bool = True) -> str:
        result = subprocess.run(
            [str(RABBITMQ_BIN / "rabbitmqctl"), "-n", self.name, "-q", *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise ClusterUnavailable(f"rabbitmqctl -n {self.name} {' '.join(args)}: {result.stderr.strip()[-500:]}")
        return result.stdout

    def wait_started(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise ClusterUnavailable(f"{self.name} exited: {self.tail()}")
            if (
                subprocess.run(
                    [str(RABBITMQ_BIN / "rabbitmqctl"), "-n", self.name, "-q", "await_startup", "--timeout", "5"],
                    env=self.env(),
                    capture_output=True,
                    timeout=30,
                ).returncode
                == 0
            ):
                return
            time.sleep(0.5)
        raise ClusterUnavailable(f"{self.name} did not start in {timeout:g} s: {self.tail()}")

    def kill(self) -> None:
        """kill -9 of the node (its whole process group: the Erlang VM and its helpers)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def tail(self, lines: int = 15) -> str:
        path = self.dir / "console.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


class RabbitCluster:
    def __init__(self, size: int = 3, root: Path | None = None):
        if not (RABBITMQ_BIN / "rabbitmq-server").exists() or shutil.which("erl") is None:
            raise ClusterUnavailable(f"no RabbitMQ server under {RABBITMQ_BIN} or no Erlang (erl)")
        self.root = Path(root or tempfile.mkdtemp(prefix="wenyun-rabbit-"))
        home = self.root / "home"
        home.mkdir(parents=True, exist_ok=True)
        cookie = home / ".erlang.cookie"
        cookie.write_text(secrets.token_hex(20))
        cookie.chmod(0o400)
        tag = secrets.token_hex(3)
        self.nodes = [Node(self.root, i + 1, home, tag) for i in range(size)]

    @property
    def amqp_uri(self) -> str:
        """Every node's address, kombu's failover syntax (kit.bus.broker_addresses)."""
        return self.amqp_uri_from(0)

    def amqp_uri_from(self, first: int) -> str:
        """The same list starting at node `first`: replicas that spread over the nodes."""
        order = self.nodes[first:] + self.nodes[:first]
        return ";".join(node.amqp_uri for node in order)

    def restart(self, node: Node) -> None:
        """Start a killed node again: it rejoins the cluster from its data directory."""
        node.start()
        node.wait_started()

    def start(self) -> "RabbitCluster":
        try:
            for node in self.nodes:
                node.start()
            for node in self.nodes:
                node.wait_started()
            first = self.nodes[0]
            for node in self.nodes[1:]:
                node.ctl("stop_app")
                node.ctl("join_cluster", first.name)
                node.ctl("start_app")
                node.wait_started()
            running = first.ctl("eval", "length(rabbit_nodes:all_running()).").strip()
            if running != str(len(self.nodes)):
                raise ClusterUnavailable(f"only {running} of {len(self.nodes)} nodes joined the cluster")
        except BaseException:
            self.stop()
            raise
        return self

    def alive(self) -> list[Node]:
        return [n for n in self.nodes if n.process is not None and n.process.poll() is None]

    def leaders(self, vhost: str = "/") -> dict[str, str]:
        """queue name → node name of its leader (quorum queues only), asked of a live node."""
        out = self.alive()[0].ctl("list_queues", "-p", vhost, "name", "type", "leader", "--no-table-headers")
        leaders = {}
        for line in out.splitlines():
            parts = line.split("\t")
            if len(parts) >= 3 and parts[1] == "quorum":
                leaders[parts[0]] = parts[2]
        return leaders

    def node_leading_most(self, vhost: str = "/") -> Node:
        counts: dict[str, int] = {}
        for leader in self.leaders(vhost).values():
            counts[leader] = counts.get(leader, 0) + 1
        name = max(counts, key=lambda n: counts[n]) if counts else self.nodes[0].name
        return next(node for node in self.nodes if node.name == name)

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("start",))
    parser.add_argument("--dir", type=Path, default=None, help="where the nodes keep their data (default: a temp dir)")
    args = parser.parse_args()
    cluster = RabbitCluster(root=args.dir).start()
    print(f"AMQP_URI='{cluster.amqp_uri}'", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        cluster.remove()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
