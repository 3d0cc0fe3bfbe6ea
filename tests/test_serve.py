"""marklint serve (issue 18): the real server (``marklint serve`` on 127.0.0.1 and a free port, as a
subprocess) spoken to over HTTP with httpx. Each answer is held against ``marklint scan`` on the same file."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import jsonschema
import pytest
from click.testing import CliRunner

from bench.serve import AS_OF, Server, fixture_files, serving
from marklint.cli import main as cli
from marklint.serve.openapi import SCHEMAS
from tests.test_hostile import GiB, flate_bomb, write_pdf, write_zip_bomb

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
MARKED = FIXTURES / "docx" / "clean_gongwen.docx"
#: Every rule warns at least: a fixture with only warnings passes under fail-on = "error".
TOKEN = "s3cret-token-for-tests"
LIMIT = 2 * 1024 * 1024  # the bombs below are about 1 MiB


def schema(name: str) -> dict:
    """An OpenAPI component schema, with the components beside it so its references resolve."""
    return {**SCHEMAS[name], "components": {"schemas": SCHEMAS}}


def cli_scan(path: Path, *options: str) -> tuple[int, dict]:
    """``marklint scan PATH --format json`` run through the command line's own code: exit status and entry."""
    result = CliRunner().invoke(cli, ["scan", str(path), "--format", "json", "--as-of", AS_OF, "-j", "1", "-q",
                                      *options])
    assert result.exit_code in (0, 1), result.output
    (entry,) = json.loads(result.stdout)["files"]
    return result.exit_code, {**entry, "path": Path(entry["path"]).name}


def post(server: Server, path: Path | None = None, *, name: str | None = None, data: bytes | None = None,
         headers: dict | None = None, **params: str) -> httpx.Response:
    content = data if data is not None else path.read_bytes()  # type: ignore[union-attr]
    return httpx.post(server.url + "/v1/check", params={"as_of": AS_OF, **params}, headers=headers or {},
                      files={"file": (name or path.name, content)}, timeout=60)  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("config")
    path = folder / "marklint.toml"
    path.write_text(f"[limits]\nmax-request-bytes = {LIMIT}\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def private_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("server-tmp")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, config: Path, private_tmp: Path) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("log") / "serve.log"
    with serving(log, "--workers", "2", "--config", str(config), env={"TMPDIR": str(private_tmp)}) as running:
        yield running


# --- the verdict and the entry of every fixture ------------------------------------------------------------------

@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_fixture_is_judged_as_marklint_scan_judges_it(server: Server, config: Path, path: Path) -> None:
    status, expected = cli_scan(path, "--config", str(config))
    answer = post(server, path)
    assert answer.status_code == 200
    got = answer.json()
    jsonschema.validate(got, schema("FileEntry"))
    assert got.pop("verdict") == ("block" if status == 1 else "pass")
    assert got == expected


def test_release_mode_blocks_a_marked_file(server: Server) -> None:
    assert post(server, MARKED).json()["verdict"] == "pass"
    answer = post(server, MARKED, release="true").json()
    status, expected = cli_scan(MARKED, "--release")
    assert status == 1 and answer.pop("verdict") == "block"
    assert answer == expected
    assert [f["rule"] for f in answer["findings"]] == ["ML303"]


def test_lang_and_as_of_reach_the_checks(server: Server) -> None:
    path = FIXTURES / "pdf" / "expired_duration.pdf"
    english = post(server, path, lang="en").json()
    assert english == {**cli_scan(path, "--lang", "en")[1], "verdict": "block"}
    assert english["findings"][0]["message"].startswith('"秘密★1年" expired on 2025-03-06')
    earlier = post(server, path, as_of="2020-01-01").json()
    assert "ML301" in {f["rule"] for f in english["findings"]}
    assert "ML301" not in {f["rule"] for f in earlier["findings"]}


def test_a_raw_body_named_in_x_filename_is_the_same_document(server: Server) -> None:
    path = FIXTURES / "pdf" / "clean_gongwen.pdf"
    answer = httpx.post(server.url + "/v1/check", params={"as_of": AS_OF}, content=path.read_bytes(),
                        headers={"Content-Type": "application/pdf", "X-Filename": "%E9%80%9A%E7%9F%A5.pdf"})
    assert answer.status_code == 200
    assert answer.json() == {**post(server, path).json(), "path": "通知.pdf"}


def test_several_files_give_one_entry_each_in_order(server: Server) -> None:
    paths = [FIXTURES / "pdf" / "clean_gongwen.pdf", MARKED, FIXTURES / "docx" / "expired_duration.docx"]
    files = [("file", (p.name, p.read_bytes())) for p in paths]
    answer = httpx.post(server.url + "/v1/check", params={"as_of": AS_OF}, files=files, timeout=60).json()
    jsonschema.validate(answer, schema("Batch"))
    assert [entry["path"] for entry in answer["files"]] == [p.name for p in paths]
    assert [entry["verdict"] for entry in answer["files"]] == ["pass", "pass", "block"]
    assert answer["verdict"] == "block" and answer["summary"]["files"] == 3
    assert answer["files"][2] == post(server, paths[2]).json()
    single = post(server, MARKED, report="true").json()
    assert single["files"] == [post(server, MARKED).json()] and single["verdict"] == "pass"


def test_sarif_answer(server: Server) -> None:
    path = FIXTURES / "docx" / "expired_duration.docx"
    answer = post(server, path, format="sarif")
    assert answer.headers["content-type"] == "application/sarif+json"
    log = answer.json()
    jsonschema.validate(log, SARIF_SCHEMA)
    run = log["runs"][0]
    assert "originalUriBaseIds" not in run  # no folder of the server is named
    assert run["properties"]["verdict"] == "block"
    assert [a["location"]["uri"] for a in run["artifacts"]] == ["expired_duration.docx"]
    findings = post(server, path).json()["findings"]
    assert sorted(r["ruleId"] for r in run["results"]) == sorted(f["rule"] for f in findings)


def test_html_report_appears_only_where_it_is_installed(server: Server) -> None:
    from marklint.serve.answers import html_available

    installed = html_available()
    answer = post(server, MARKED, format="html")
    page = httpx.get(server.url + "/").text
    assert ('data-html-report="true"' in page) is installed
    if installed:
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
        assert "clean_gongwen.docx" in answer.text
    else:
        assert answer.status_code == 400 and answer.json()["message"] == "format must be one of json, sarif"


# --- refusals ---------------------------------------------------------------------------------------------------

def test_oversize_requests_are_413(server: Server) -> None:
    answer = post(server, name="big.txt", data=b"x" * (LIMIT + 1))
    assert answer.status_code == 413 and answer.json()["code"] == "too_large"
    # Refused on its Content-Length alone, before the body is read.
    raw = httpx.post(server.url + "/v1/check", content=b"x" * (LIMIT + 1),
                     headers={"X-Filename": "big.txt", "Content-Type": "text/plain"})
    assert raw.status_code == 413
    assert raw.json() == {"code": "too_large", "message": f"the request is {LIMIT + 1} bytes; the limit is {LIMIT}"}

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(LIMIT // 65536 + 2):
            yield b"x" * 65536

    streamed = httpx.post(server.url + "/v1/check", content=chunks(), headers={"X-Filename": "big.txt"})
    assert streamed.status_code == 413 and streamed.json()["code"] == "too_large"


def test_too_many_files_are_413(server: Server) -> None:
    files = [("file", (f"{n}.txt", b"text")) for n in range(17)]  # the queue holds 16 (8 per worker)
    answer = httpx.post(server.url + "/v1/check", files=files)
    assert answer.status_code == 413 and answer.json()["code"] == "too_many_files"


@pytest.mark.parametrize(("request_kwargs", "code"), [
    ({"files": {"file": ("a.docx", b"")}}, "empty"),
    ({"content": b"", "headers": {"X-Filename": "a.pdf"}}, "empty"),
    ({"content": b"%PDF-1.7", "headers": {"Content-Type": "application/pdf"}}, "bad_request"),  # no X-Filename
    ({"files": {"upload": ("a.pdf", b"%PDF-1.7")}}, "bad_request"),  # not the field file
    ({"files": {"file": ("..", b"text")}}, "bad_request"),
    ({"content": b"x", "headers": {"X-Filename": "%FF.txt"}}, "bad_request"),  # not UTF-8
    ({"content": b"--x\r\nbroken", "headers": {"Content-Type": "multipart/form-data; boundary=x"}}, "bad_request"),
    ({"files": {"file": ("a.txt", b"x")}, "params": {"as_of": "yesterday"}}, "bad_request"),
    ({"files": {"file": ("a.txt", b"x")}, "params": {"lang": "fr"}}, "bad_request"),
    ({"files": {"file": ("a.txt", b"x")}, "params": {"release": "maybe"}}, "bad_request"),
    ({"files": {"file": ("a.txt", b"x")}, "params": {"format": "xml"}}, "bad_request"),
    ({"files": {"file": ("a.txt", b"x")}, "params": {"fail_on": "error"}}, "bad_request"),
])
def test_bad_requests_are_400(server: Server, request_kwargs: dict, code: str) -> None:
    answer = httpx.post(server.url + "/v1/check", **request_kwargs)
    assert answer.status_code == 400
    assert answer.json()["code"] == code and answer.json()["message"]


@pytest.mark.parametrize("media", ["application/json", "application/x-www-form-urlencoded", "video/mp4",
                                   "multipart/mixed; boundary=x"])
def test_unknown_media_is_415(server: Server, media: str) -> None:
    answer = httpx.post(server.url + "/v1/check", content=b"{}", headers={"Content-Type": media, "X-Filename": "a"})
    assert answer.status_code == 415 and answer.json()["code"] == "unsupported_media"


def test_broken_files_are_blocked_as_not_examined(server: Server, tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.docx"
    truncated.write_bytes(MARKED.read_bytes()[:5000])
    junk = tmp_path / "scan.png"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    for path in (truncated, junk):
        answer = post(server, path).json()
        assert answer["status"] == "not-examined" and answer["verdict"] == "block"
        assert [f["rule"] for f in answer["findings"]] == ["ML901"]
        assert answer == {**cli_scan(path)[1], "verdict": "block"}


def test_errors_are_json_everywhere(server: Server) -> None:
    assert httpx.get(server.url + "/nowhere").json() == {"code": "not_found", "message": "Not Found"}
    assert httpx.delete(server.url + "/healthz").json()["code"] == "method_not_allowed"
    assert httpx.get(server.url + "/v1/check").status_code == 405
    missing = httpx.get(server.url + "/v1/rules/ML999")
    assert missing.status_code == 404 and missing.json() == {"code": "not_found", "message": "no rule ML999"}


# --- the rest of the API ----------------------------------------------------------------------------------------

def test_rules_come_from_the_registry(server: Server) -> None:
    from marklint.checks.registry import all_rules

    listed = httpx.get(server.url + "/v1/rules").json()["rules"]
    assert [r["id"] for r in listed] == [r.id for r in all_rules()]
    one = httpx.get(server.url + "/v1/rules/ml206").json()
    jsonschema.validate(one, schema("Rule"))
    assert one == next(r for r in listed if r["id"] == "ML206") and one["opt_in"] is True


def test_health_and_readiness(server: Server) -> None:
    assert httpx.get(server.url + "/healthz").json() == {"status": "ok"}
    assert httpx.get(server.url + "/readyz").json() == {"status": "ready", "workers": 2, "ready": 2, "busy": 0,
                                                        "queued": 0, "queue": 16}


def test_openapi_describes_every_route(server: Server) -> None:
    document = httpx.get(server.url + "/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    described = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    from marklint.config import Settings
    from marklint.serve.app import create_app

    app = create_app(Settings(), None, 1, 1)
    served = {(route.path, method) for route in app.routes
              for method in route.methods - {"HEAD"}}
    assert described == served


def test_cors_is_off(server: Server) -> None:
    answer = httpx.get(server.url + "/v1/rules", headers={"Origin": "http://elsewhere.example"})
    assert "access-control-allow-origin" not in answer.headers
    preflight = httpx.options(server.url + "/v1/check", headers={
        "Origin": "http://elsewhere.example", "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 405 and "access-control-allow-origin" not in preflight.headers


def test_page_fetches_nothing_from_elsewhere(server: Server) -> None:
    answer = httpx.get(server.url + "/")
    policy = answer.headers["content-security-policy"]
    assert policy.startswith("default-src 'none'; script-src 'sha256-") and "connect-src 'self'" in policy
    assert not re.search(r"(src|href)=\"(https?:)?//", answer.text)


# --- nothing kept, nothing logged -------------------------------------------------------------------------------

def test_the_access_log_has_digests_never_names(server: Server, private_tmp: Path) -> None:
    import hashlib

    name = "机密通知-unique-name-4711.docx"
    data = MARKED.read_bytes()
    assert post(server, name=name, data=data).status_code == 200
    time.sleep(0.2)
    log = server.log.read_text(encoding="utf-8")  # type: ignore[union-attr]
    line = [line for line in log.splitlines() if hashlib.sha256(data).hexdigest() in line][-1]
    assert re.search(r"marklint\.serve\.access INFO POST /v1/check 200 in=\d+ out=\d+ \d+\.\d{3}s "
                     r"sha256=[0-9a-f]{64}$", line)
    assert "unique-name-4711" not in log and "机密★5年" not in log and "as_of" not in log
    # The documents' private folders are empty again: nothing kept.
    folders = sorted(private_tmp.glob("marklint-serve-*"))  # (pymp-* is multiprocessing's fork server socket)
    assert len(folders) == 2 and [p.name for p in folders if any(p.iterdir())] == []
    assert all(p.stat().st_mode & 0o777 == 0o700 for p in folders)


def test_importing_the_command_line_loads_no_server() -> None:
    code = "import sys, marklint.cli; print(sorted({m.split('.')[0] for m in sys.modules}))"
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                       cwd=ROOT).stdout.replace("'", '"'))
    assert not {"starlette", "uvicorn", "multipart", "python_multipart", "httpx", "anyio"} & set(loaded)


# --- security: the token ----------------------------------------------------------------------------------------

def test_a_token_is_enforced(tmp_path: Path) -> None:
    with serving(tmp_path / "serve.log", "--workers", "1", env={"MARKLINT_TOKEN": TOKEN}) as guarded:
        calls = (lambda h: post(guarded, MARKED, headers=h), lambda h: httpx.get(guarded.url + "/v1/rules", headers=h))
        for call in calls:
            none = call({})
            assert none.status_code == 401 and none.json()["code"] == "unauthorized"
            assert none.headers["www-authenticate"] == 'Bearer realm="marklint"'
            wrong = call({"Authorization": "Bearer not-it"})
            assert wrong.status_code == 403 and wrong.json()["code"] == "forbidden"
            assert call({"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        assert httpx.get(guarded.url + "/healthz").status_code == 200  # probes need no token
        assert 'data-token-required="true"' in httpx.get(guarded.url + "/").text


def test_a_token_file_from_the_configuration(tmp_path: Path) -> None:
    (tmp_path / "token").write_text(TOKEN + "\n", encoding="utf-8")
    config = tmp_path / "marklint.toml"
    config.write_text('[serve]\ntoken-file = "token"\n', encoding="utf-8")
    environment = {key: value for key, value in os.environ.items() if key != "MARKLINT_TOKEN"}
    with serving(tmp_path / "serve.log", "--workers", "1", "--config", str(config), env=environment) as guarded:
        assert post(guarded, MARKED).status_code == 401
        assert post(guarded, MARKED, headers={"Authorization": f"Bearer {TOKEN}"}).json()["verdict"] == "pass"


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "example.org"])
def test_refuses_to_listen_beyond_loopback_without_a_token(host: str) -> None:
    run = serve_command("--host", host, "--port", "1")
    assert (run.returncode, run.stderr) == (
        2, f"marklint: 拒绝在 {host} 上无令牌监听：请设置 MARKLINT_TOKEN 或 [serve] token-file，或只监听 127.0.0.1\n")
    run = serve_command("--host", host, "--port", "1", "--lang", "en")
    assert run.returncode == 2
    assert run.stderr == (f"marklint: refusing to listen on {host} without a token: set MARKLINT_TOKEN or "
                          "[serve] token-file, or listen on 127.0.0.1\n")


# --- isolation: bombs, slow files, a full queue, a stuck worker -------------------------------------------------

def slow_pdf(path: Path) -> Path:
    """A real PDF whose page 1 draws 100,000 text objects: reading it takes several times the 0.25 s limit of
    ``slow_config`` (over a second on the machine this was written on), inside the parsers."""
    ops = b"".join(b"BT /F1 12 Tf %d %d Td (marking text %d) Tj ET\n" % (72 + i % 400, 100 + i % 700, i)
                   for i in range(100_000))
    write_pdf(path, [zlib.compress(ops, 6)], b"/FlateDecode")
    return path


@pytest.fixture(scope="module")
def slow_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("slow") / "marklint.toml"
    path.write_text('fail-on = "error"\n[limits]\nper-file-seconds = 0.25\n[serve]\nqueue = 1\n', encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory: pytest.TempPathFactory, slow_config: Path) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("log") / "serve.log"
    with serving(log, "--workers", "2", "--config", str(slow_config)) as running:
        yield running


def wait_until(server: Server, **state: int) -> dict:
    """/readyz's counts once they are ``state`` (the workers holding a document, the queue...); fails after 20 s.
    The tests of one server wait for its state rather than sleep: a loaded machine is slower than any sleep."""
    deadline = time.monotonic() + 20
    while True:
        counts = httpx.get(server.url + "/readyz", timeout=10).json()
        if all(counts[key] == value for key, value in state.items()) or time.monotonic() > deadline:
            assert {key: counts[key] for key in state} == state
            return counts
        time.sleep(0.05)


def busy_worker(server: Server) -> int:
    """The worker that is reading a document: the one whose CPU time grows (an idle one waits on its pipe)."""
    def cpu(pid: int) -> int:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks

    pids = server.workers()
    deadline = time.monotonic() + 10
    before = {pid: cpu(pid) for pid in pids}
    while time.monotonic() < deadline:
        time.sleep(0.02)
        grown = [pid for pid in pids if cpu(pid) > before[pid]]
        if len(grown) == 1:
            return grown[0]
        before = {pid: cpu(pid) for pid in pids}
    raise AssertionError("no single worker was reading")


def quick(server: Server, url: str) -> tuple[int, float]:
    started = time.monotonic()
    status = httpx.get(server.url + url, timeout=10).status_code
    return status, time.monotonic() - started


def test_fail_on_comes_from_the_configuration(slow_server: Server, slow_config: Path) -> None:
    path = FIXTURES / "docx" / "expired_duration.docx"  # warnings only
    status, expected = cli_scan(path, "--config", str(slow_config))
    assert status == 0 and {f["severity"] for f in expected["findings"]} == {"warning"}
    assert post(slow_server, path).json() == {**expected, "verdict": "pass"}


@pytest.fixture
def fresh_server(tmp_path: Path, config: Path) -> Iterator[Server]:
    """A server whose workers have judged nothing yet, as the command line's workers for one file. A serve
    worker that has read scans holds the OCR engine in its address space, which leaves a bomb's measurement
    less room under the worker's memory ceiling: its verdict then can differ from the command line's (a
    known defect, in the session 6 note)."""
    with serving(tmp_path / "serve.log", "--workers", "2", "--config", str(config)) as running:
        yield running


def test_bombs_cost_one_slot_not_the_server(fresh_server: Server, config: Path, tmp_path: Path) -> None:
    server = fresh_server
    zip_bomb = tmp_path / "bomb.docx"
    write_zip_bomb(zip_bomb)
    pdf_bomb = tmp_path / "content_bomb.pdf"
    write_pdf(pdf_bomb, [flate_bomb(GiB)], b"/FlateDecode")  # 1 GiB of page content in 1 MiB
    with ThreadPoolExecutor(max_workers=2) as pool:
        bombs = [pool.submit(post, server, bomb) for bomb in (pdf_bomb, zip_bomb)]
        health = [quick(server, "/healthz") for _ in range(3)]
        rules = httpx.get(server.url + "/v1/rules", timeout=10)
        answers = [bomb.result().json() for bomb in bombs]
    assert all(status == 200 and seconds < 1.0 for status, seconds in health) and rules.status_code == 200
    for bomb, answer in zip((pdf_bomb, zip_bomb), answers, strict=True):
        assert answer["status"] == "not-examined" and answer["reason"].startswith("over a safety limit")
        assert answer == {**cli_scan(bomb, "--config", str(config))[1], "verdict": "block"}
    assert httpx.get(server.url + "/readyz").json()["ready"] == 2


def test_a_slow_file_costs_one_slot_not_the_server(slow_server: Server, slow_config: Path, tmp_path: Path) -> None:
    slow = slow_pdf(tmp_path / "slow.pdf")
    wait_until(slow_server, ready=2, busy=0, queued=0)
    with ThreadPoolExecutor(max_workers=1) as pool:
        judging = pool.submit(post, slow_server, slow)
        wait_until(slow_server, busy=1)  # the slow file holds one worker now
        reading = busy_worker(slow_server)
        os.kill(reading, signal.SIGSTOP)  # held inside the file, its limit's alarm pending, however fast the machine
        try:
            health = [quick(slow_server, "/healthz") for _ in range(5)]
            clean = post(slow_server, MARKED).json()  # judged by the other worker meanwhile
            assert not judging.done()  # all of the above was answered while the slow file was still being read
        finally:
            os.kill(reading, signal.SIGCONT)
        slow_answer = judging.result().json()
    assert all(status == 200 and seconds < 1.0 for status, seconds in health)
    assert clean["verdict"] == "pass" and clean["path"] == MARKED.name
    assert slow_answer["reason"] == "timed out: over 0.25 s" and slow_answer["verdict"] == "block"
    assert slow_answer == {**cli_scan(slow, "--config", str(slow_config))[1], "verdict": "block"}


def test_a_full_queue_is_503_with_retry_after(slow_server: Server) -> None:
    wait_until(slow_server, ready=2, busy=0, queued=0)
    held_workers = slow_server.workers()
    for pid in held_workers:
        os.kill(pid, signal.SIGSTOP)  # both workers hold their document until they go on, whatever the machine
    with ThreadPoolExecutor(max_workers=3) as pool:
        held = []
        for state in ({"busy": 1, "queued": 0}, {"busy": 2, "queued": 0}, {"busy": 2, "queued": 1}):
            held.append(pool.submit(post, slow_server, MARKED))  # the two workers, then the one place in the queue
            wait_until(slow_server, **state)
        ready = httpx.get(slow_server.url + "/readyz")
        refused = post(slow_server, MARKED)
        for pid in held_workers:
            os.kill(pid, signal.SIGCONT)
        assert [h.result().json()["verdict"] for h in held] == ["pass"] * 3
    assert ready.status_code == 503 and ready.headers["retry-after"] == "1"
    assert refused.status_code == 503 and refused.headers["retry-after"] == "1"
    assert refused.json() == {"code": "busy", "message": "the queue is full; retry shortly"}
    assert post(slow_server, MARKED).status_code == 200  # and served again once it has room


def test_a_stuck_worker_is_504_and_replaced(slow_server: Server) -> None:
    wait_until(slow_server, ready=2, busy=0, queued=0)
    stuck = slow_server.workers()
    assert len(stuck) == 2
    for pid in stuck:
        os.kill(pid, signal.SIGSTOP)  # as a parse stuck in C code: no alarm reaches it
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = []
        for busy in (1, 2):  # one at a time: the queue holds one document
            answers.append(pool.submit(post, slow_server, MARKED))
            wait_until(slow_server, busy=busy, queued=0)
        assert quick(slow_server, "/healthz")[0] == 200
        results = [a.result() for a in answers]
    for answer in results:
        assert answer.status_code == 504 and answer.json()["code"] == "timeout"
        assert answer.json()["message"].startswith("a document's worker did not answer within 5.5 s")
    deadline = time.monotonic() + 30
    while httpx.get(slow_server.url + "/readyz").status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.1)
    replaced = slow_server.workers()
    assert len(replaced) == 2 and not set(replaced) & set(stuck)
    assert post(slow_server, MARKED).json()["verdict"] == "pass"


def test_a_worker_that_dies_under_a_document_blocks_it(slow_server: Server) -> None:
    wait_until(slow_server, ready=2, busy=0, queued=0)
    workers_now = slow_server.workers()
    for pid in workers_now:
        os.kill(pid, signal.SIGSTOP)  # the document is still in its worker when the worker dies
    with ThreadPoolExecutor(max_workers=1) as pool:
        judging = pool.submit(post, slow_server, MARKED)
        wait_until(slow_server, busy=1)  # the worker has the document
        for pid in workers_now:  # the one holding the document, and the idle one
            os.kill(pid, signal.SIGKILL)
        answer = judging.result().json()
    assert answer["status"] == "not-examined" and answer["reason"] == "corrupt: the worker examining it stopped"
    assert answer["verdict"] == "block" and [f["rule"] for f in answer["findings"]] == ["ML901"]
    # The next documents go to new workers; neither is blamed for the deaths.
    assert [post(slow_server, MARKED).json()["verdict"] for _ in range(3)] == ["pass"] * 3
    assert httpx.get(slow_server.url + "/readyz").json()["ready"] == 2


def serve_command(*args: str, prelude: str = "") -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "MARKLINT_TOKEN"}
    return subprocess.run([sys.executable, "-c", prelude + "from marklint.cli import main; main()", "serve", *args],
                          capture_output=True, text=True, env=environment, timeout=60, cwd=ROOT)


@pytest.mark.parametrize(("table", "message"), [
    ('[serve]\ntoken-file = "missing"\n', "no token can be read from it"),
    ('[serve]\nqueue = 0\n', "serve.queue must be a whole number, 1 or more"),
    ('[serve]\nport = 80\n', "[serve] takes token-file"),
])
def test_a_bad_serve_configuration_is_exit_2(tmp_path: Path, table: str, message: str) -> None:
    config = tmp_path / "marklint.toml"
    config.write_text(table, encoding="utf-8")
    run = serve_command("--config", str(config), "--port", "1", "--lang", "en")
    assert run.returncode == 2 and message in run.stderr and run.stderr.startswith("marklint: ")


def test_without_the_serve_extra_the_command_says_what_to_install() -> None:
    run = serve_command(prelude="import sys; sys.modules['uvicorn'] = None; ")  # as if it were not installed
    assert (run.returncode, run.stderr) == (
        2, "marklint: marklint serve 需要 serve 扩展：pip install 'marklint[serve]'\n")
    run = serve_command("--lang", "en", prelude="import sys; sys.modules['uvicorn'] = None; ")
    assert run.returncode == 2
    assert run.stderr == "marklint: marklint serve needs the serve extra: pip install 'marklint[serve]'\n"
