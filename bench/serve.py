"""marklint serve under load: N uploads from C concurrent clients over loopback, against a real server.

    python bench/serve.py [--uploads 200] [--clients 20] [--workers 2] [--json]

Starts ``marklint serve`` from this checkout on 127.0.0.1 and a free port, uploads the fixtures in turn
(each answer checked against ``marklint scan --format json`` on the same files), honours 503 +
Retry-After by waiting and sending again, and prints requests per second, p50/p95 latency of the answered
uploads, the 503s met, and the server's peak memory (its whole process tree, sampled every 50 ms). Loopback
only, bounded in count and time. The tests import ``Server`` and ``load`` from here (tests/test_serve*.py).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
AS_OF = "2026-11-27"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children_map() -> dict[int, list[int]]:
    """Process id -> its children's ids, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    parent = int(handle.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    return children


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and every process below it (from /proc)."""
    children = children_map()
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        stack.extend(children.get(current, []))
        try:
            with open(f"/proc/{current}/status", encoding="ascii") as handle:
                total += next(int(line.split()[1]) * 1024 for line in handle if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            continue
    return total


@dataclass
class Server:
    """A ``marklint serve`` subprocess of this checkout; its log (stderr) is kept in ``log``."""

    args: Sequence[str] = ()
    env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen | None = None
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, log: Path, timeout: float = 60.0) -> Server:
        self.port = self.port or free_port()
        self.log = log
        command = [sys.executable, "-c", "from marklint.cli import main; main()", "serve",
                   "--host", "127.0.0.1", "--port", str(self.port), *self.args]
        environment = {**os.environ, **self.env}
        with open(log, "wb") as sink:
            self.process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=sink, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"marklint serve ended with {self.process.returncode}: {log.read_text()}")
            try:
                if httpx.get(self.url + "/readyz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("marklint serve did not become ready")

    def stop(self) -> int | None:
        if self.process is None:
            return None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()

    def workers(self) -> list[int]:
        """The worker processes' ids: the server's grandchildren (children of its fork server)."""
        assert self.process is not None
        children = children_map()
        return [worker for child in children.get(self.process.pid, []) for worker in children.get(child, [])]


@contextmanager
def serving(log: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Server]:
    server = Server(args=args, env=env or {}).start(log)
    try:
        yield server
    finally:
        server.stop()


def expected_entries(paths: Sequence[Path], *options: str) -> dict[str, dict]:
    """File name -> its entry in ``marklint scan PATHS --format json`` (path reduced to the name)."""
    run = subprocess.run([sys.executable, "-c", "from marklint.cli import main; main()", "scan", *map(str, paths),
                          "--format", "json", "--as-of", AS_OF, *options], capture_output=True, cwd=ROOT, check=False)
    assert run.returncode in (0, 1), run.stderr.decode()
    return {Path(entry["path"]).name: {**entry, "path": Path(entry["path"]).name}
            for entry in json.loads(run.stdout)["files"]}


def fixture_files() -> list[Path]:
    """Every fixture marklint scans: the files of ``fixtures/manifest.json`` and of each format folder's own
    manifest (tests/test_fixtures.py reads them the same way)."""
    names = [entry["file"] for entry in json.loads((FIXTURES / "manifest.json").read_text(encoding="utf-8"))]
    for extra in sorted(FIXTURES.glob("*/manifest.json")):
        names += [f"{extra.parent.name}/{entry['file']}" for entry in json.loads(extra.read_text(encoding="utf-8"))]
    return sorted(FIXTURES / name for name in names)


@dataclass
class Outcome:
    """What a load run saw: latencies of the answered uploads, 503s met, wrong answers, wall time, memory."""

    latencies: list[float] = field(default_factory=list)
    busy: int = 0
    wrong: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    peak_rss: int = 0

    def figures(self) -> dict:
        ordered = sorted(self.latencies)
        return {
            "uploads": len(ordered), "requests_per_second": round(len(ordered) / self.seconds, 1),
            "p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 1),
            "busy_503": self.busy, "wrong": len(self.wrong), "errors": len(self.errors),
            "peak_rss_mib": round(self.peak_rss / 2**20, 1), "seconds": round(self.seconds, 2),
        }


def load(server: Server, files: Sequence[Path], expected: dict[str, dict], uploads: int, clients: int,
         max_seconds: float = 300.0) -> Outcome:
    """``uploads`` uploads of ``files`` in turn from ``clients`` threads; each answer compared with
    ``expected`` (verdict aside). A 503 is waited out (Retry-After) and sent again; anything else is an error."""
    outcome = Outcome()
    contents = [(path.name, path.read_bytes()) for path in files]
    stop_sampling = threading.Event()
    assert server.process is not None

    def sample() -> None:
        while not stop_sampling.is_set():
            outcome.peak_rss = max(outcome.peak_rss, tree_rss(server.process.pid))
            stop_sampling.wait(0.05)

    give_up = time.monotonic() + max_seconds

    def upload(number: int, client: httpx.Client) -> None:
        name, data = contents[number % len(contents)]
        while time.monotonic() < give_up:
            started = time.monotonic()
            answer = client.post(server.url + "/v1/check", params={"as_of": AS_OF}, files={"file": (name, data)})
            if answer.status_code == 503:
                outcome.busy += 1
                time.sleep(float(answer.headers["retry-after"]))
                continue
            if answer.status_code != 200:
                outcome.errors.append(f"{name}: {answer.status_code} {answer.text[:200]}")
                return
            outcome.latencies.append(time.monotonic() - started)
            got = answer.json()
            verdict = got.pop("verdict")
            if got != expected[name] or verdict not in ("pass", "block"):
                outcome.wrong.append(name)
            return
        outcome.errors.append(f"{name}: gave up")

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.monotonic()
    local = threading.local()

    def task(number: int) -> None:
        if not hasattr(local, "client"):
            local.client = httpx.Client(timeout=120)
        upload(number, local.client)

    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(task, range(uploads)))
    outcome.seconds = time.monotonic() - started
    stop_sampling.set()
    sampler.join()
    return outcome


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uploads", type=int, default=200)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args(argv)
    files = fixture_files()
    expected = expected_entries(files)
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"marklint-serve-bench-{os.getpid()}.log"
    with serving(log, "--workers", str(options.workers)) as server:
        idle = tree_rss(server.process.pid)
        outcome = load(server, files, expected, options.uploads, options.clients)
    log.unlink(missing_ok=True)
    figures = {**outcome.figures(), "idle_rss_mib": round(idle / 2**20, 1), "clients": options.clients,
               "workers": options.workers, "cpus": os.cpu_count()}
    if options.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:>20}: {value}")
    return 0 if not outcome.wrong and not outcome.errors else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
