"""Optional: sample every platform process with py-spy while a scenario runs (`--profile`), and
summarise where each process spent its on-CPU time (by the deepest frame of our own code)."""

from __future__ import annotations

import collections
import shutil
import signal
import subprocess
import sys
from pathlib import Path


def py_spy() -> str | None:
    return shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")


class Profiler:
    def __init__(self, pids: dict[str, int], out_dir: Path, rate: int = 25):
        self.pids, self.out_dir, self.rate = pids, out_dir, rate
        self.running: dict[str, tuple[subprocess.Popen, Path]] = {}

    def start(self, label: str) -> None:
        exe = py_spy()
        if not exe:
            return
        self.out_dir.mkdir(parents=True, exist_ok=True)
        for name, pid in self.pids.items():
            path = self.out_dir / f"{label}-{name}.raw"
            process = subprocess.Popen(
                [
                    exe,
                    "record",
                    "-p",
                    str(pid),
                    "-r",
                    str(self.rate),
                    "--nonblocking",
                    "--format",
                    "raw",
                    "-o",
                    str(path),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            self.running[name] = (process, path)

    def stop(self) -> dict[str, list[tuple[str, float]]]:
        summaries = {}
        for name, (process, path) in self.running.items():
            process.send_signal(signal.SIGINT)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
            if path.exists():
                summaries[name] = summarise(path)
        self.running.clear()
        return summaries


def summarise(path: Path, top: int = 12) -> list[tuple[str, float]]:
    """Share of on-CPU samples by the deepest frame in our code (services/, kit/, gateway/)."""
    counts, total = collections.Counter(), 0
    for line in path.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        total += int(n)
        frames = stack.split(";")
        ours = [f for f in frames if any(p in f for p in ("services/", "kit/", "gateway/"))]
        counts[ours[-1] if ours else f"(library) {frames[-1]}"] += int(n)
    return [(frame, round(100 * c / total, 1)) for frame, c in counts.most_common(top)] if total else []
