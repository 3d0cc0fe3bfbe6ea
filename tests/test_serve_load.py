"""marklint serve under a bounded loopback load (issue 18): 200 uploads from 20 concurrent clients, every
answer equal to ``marklint scan`` on the same file, no error but the documented 503 (waited out and sent
again), and the server's memory bounded. Timings are measured by ``bench/serve.py``, not asserted here."""

from __future__ import annotations

from pathlib import Path

import httpx

from bench.serve import expected_entries, fixture_files, load, serving, tree_rss

MiB = 1024 * 1024
#: The whole process tree (server, fork server, two workers) idles near 120 MiB and grew by 9 MiB in the
#: bench's runs: 200 small uploads may grow it by this much (allocator slack), not by what unbounded queues
#: or kept bodies would hold.
GROWTH_LIMIT = 64 * MiB


def test_200_uploads_from_20_clients(tmp_path: Path) -> None:

    # Not the scans: a worker that meets one loads the OCR model once (about 270 MiB, issue 16), a fixed cost
    # and no growth per upload; tests/test_serve.py answers every scan, bench/ocr_cost.py times them.
    files = [path for path in fixture_files() if path.parent.name != "scans"]
    expected = expected_entries(files)
    with serving(tmp_path / "serve.log", "--workers", "2") as server:
        assert server.process is not None
        idle = tree_rss(server.process.pid)
        outcome = load(server, files, expected, uploads=200, clients=20)
        after = httpx.get(server.url + "/readyz").json()
    assert outcome.errors == [] and outcome.wrong == []
    assert len(outcome.latencies) == 200
    assert outcome.peak_rss - idle < GROWTH_LIMIT, (idle, outcome.peak_rss)
    assert after == {"status": "ready", "workers": 2, "ready": 2, "busy": 0, "queued": 0, "queue": 16}
