"""marklint benchmark: marklint vs a hand-written baseline vs the floor, on a realistic corpus (documents as
Word, WPS and LibreOffice write them, with OFD and text, ``realistic.py``) and, as a second line comparable
with earlier sessions, on the corpus of plain fixture copies.

    python bench/run.py [--files N] [--long-files K] [--jobs J] [--rounds R] [--long-pages P] [--rss-files M]
                        [--json]

Everything printed is measured in the run; see bench/README.md for what each number means.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import realistic  # noqa: E402  (bench/ is no package: its modules import each other by name)
from links import link_cycled  # noqa: E402

ROOT = BENCH.parent
FIXTURES = ROOT / "fixtures"
CORPUS = BENCH / "corpus"
FILES_DIR = CORPUS / "files"  # the fixtures corpus: N copies of the fixtures (the second line)
REALISTIC_DIR = CORPUS / "realistic"  # the realistic corpus: N files as the authoring tools write them
REALISTIC_LONG_DIR = REALISTIC_DIR / "long"  # its long reports
LONG_FILES_DIR = FILES_DIR / "long"  # the long reports among them
LONG_DIR = CORPUS / "long"  # the 2,000-page and the 2-page PDF (kept out of the timed folder)
WARMUP_DIR = CORPUS / "warmup"  # one DOCX and one PDF, run once by every tool before the timing
PYCACHE = CORPUS / ".pycache"  # bytecode caches of the timed subprocesses (kept out of the project)
MANIFEST = CORPUS / "manifest.json"
CORPUS_VERSION = 3  # bump when the layout below changes
SUBFOLDERS = 8
#: Page counts of the long reports in the timed corpus, cycled.
LONG_REPORT_PAGES = (25, 50, 100)
MIN_FIXTURES = 20
FIXTURE_WAIT_SECONDS = 900
FIXTURE_QUIET_SECONDS = 5.0  # fixtures younger than this may still be being written
AS_OF = "2026-11-27"
RSS_POLL_SECONDS = 0.05

TARGET_A_OVER_B = 0.10
TARGET_A_OVER_C = 1.5  # on the realistic corpus (issue 21); the fixtures corpus had 3.0
TARGET_LONG_OVER_SHORT = 2.0
TARGET_RSS_MIB = 300.0
TARGET_RSS_FILES = 20_000


def subprocess_env() -> dict[str, str]:
    """The environment of every timed subprocess: bytecode caching on (as on a user's machine, even when
    this shell sets PYTHONDONTWRITEBYTECODE), with the caches written under bench/corpus."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------- corpus


def fixture_files() -> list[Path]:
    """The DOCX and PDF fixtures, alternating between the two formats so any prefix mixes both."""
    docx, pdf = sorted(FIXTURES.glob("docx/*.docx")), sorted(FIXTURES.glob("pdf/*.pdf"))
    mixed = [path for pair in zip(docx, pdf, strict=False) for path in pair]
    shorter = min(len(docx), len(pdf))
    return mixed + docx[shorter:] + pdf[shorter:]


def wait_for_fixtures() -> list[Path]:
    """The fixtures, once at least MIN_FIXTURES exist and none was written in the last few seconds."""
    deadline = time.monotonic() + FIXTURE_WAIT_SECONDS
    while True:
        found = fixture_files()
        newest = max((p.stat().st_mtime for p in found), default=0.0)
        settled = time.time() - newest > FIXTURE_QUIET_SECONDS
        if len(found) >= MIN_FIXTURES and settled:
            return found
        if time.monotonic() > deadline:
            if len(found) >= MIN_FIXTURES:
                return found
            sys.exit(f"bench: only {len(found)} fixtures in {FIXTURES} after {FIXTURE_WAIT_SECONDS} s")
        log(f"waiting for fixtures ({len(found)} so far)")
        time.sleep(10)


def signature(paths: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        stat = path.stat()
        digest.update(f"{path.relative_to(ROOT)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def short_folders(corpus: Path = FILES_DIR) -> list[Path]:
    """The folders of a timed corpus that hold the short files (everything but the long reports)."""
    return [corpus / f"d{index:02d}" for index in range(SUBFOLDERS)]


def build_warmup(sources: list[Path]) -> None:
    """One file of every kind the timed corpora hold, run once by every tool before the timing."""
    shutil.rmtree(WARMUP_DIR, ignore_errors=True)
    WARMUP_DIR.mkdir(parents=True)
    for source in (next(p for p in sources if p.suffix == ".docx"), next(p for p in sources if p.suffix == ".pdf")):
        shutil.copyfile(source, WARMUP_DIR / source.name)
    realistic.build_warmup(WARMUP_DIR)


def build_long_reports(sources: list[Path], folder: Path, first_index: int, long_count: int) -> None:
    """``long_count`` long reports in ``folder``: a fixture PDF's pages repeated to LONG_REPORT_PAGES pages."""
    pdfs = [p for p in sources if p.suffix == ".pdf"]
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(long_count):
        # Every seventh fixture PDF, so the long reports are clean and defective ones alike.
        source, pages = pdfs[(index * 7) % len(pdfs)], LONG_REPORT_PAGES[index % len(LONG_REPORT_PAGES)]
        repeat_pages(source, pages, folder / f"{first_index + index:06d}_{pages}p_{source.name}")


def build_realistic(sources: list[Path], count: int, long_count: int) -> None:
    """``count`` files as the authoring tools write them (``realistic.KINDS``), ``long_count`` of them long
    reports as in the fixtures corpus."""
    shutil.rmtree(REALISTIC_DIR, ignore_errors=True)
    realistic.build(REALISTIC_DIR, count - long_count)
    build_long_reports(sources, REALISTIC_LONG_DIR, count - long_count, long_count)


def build_files(sources: list[Path], count: int, long_count: int) -> None:
    """``count`` files: copies of the fixtures, cycled, with unique names, spread over SUBFOLDERS folders,
    and ``long_count`` of them long reports (a fixture's pages repeated to LONG_REPORT_PAGES pages)."""
    shutil.rmtree(FILES_DIR, ignore_errors=True)
    build_warmup(sources)
    for folder in short_folders():
        folder.mkdir(parents=True)
    for index in range(count - long_count):
        source = sources[index % len(sources)]
        shutil.copyfile(source, FILES_DIR / f"d{index % SUBFOLDERS:02d}" / f"{index:06d}_{source.name}")
    build_long_reports(sources, LONG_FILES_DIR, count - long_count, long_count)


def repeat_pages(source: Path, pages: int, target: Path) -> None:
    """A ``pages``-page PDF with ``source``'s first and last page, its pages cycled in between (pypdfium2)."""
    import pypdfium2

    src = pypdfium2.PdfDocument(source)
    try:
        count = len(src)
        out = pypdfium2.PdfDocument.new()
        out.import_pages(src, [0, *(i % count for i in range(pages - 2)), count - 1])
        out.save(target)
        out.close()
    finally:
        src.close()


def long_source(sources: list[Path]) -> Path:
    pdfs = [p for p in sources if p.suffix == ".pdf"]
    preferred = [p for p in pdfs if p.name == "clean_gongwen.pdf"]
    return (preferred or pdfs)[0]


def build_long(source: Path, pages: int) -> tuple[Path, Path]:
    """A ``pages``-page PDF and a 2-page PDF with the same first and last page, by duplicating pages of
    ``source``."""
    shutil.rmtree(LONG_DIR, ignore_errors=True)
    LONG_DIR.mkdir(parents=True)
    long_pdf, short_pdf = LONG_DIR / f"long_{pages}p.pdf", LONG_DIR / "short_2p.pdf"
    repeat_pages(source, pages, long_pdf)
    repeat_pages(source, 2, short_pdf)
    return long_pdf, short_pdf


def rss_dir(count: int) -> Path:
    return CORPUS / f"rss_{count}"


def build_rss(count: int) -> None:
    """A larger corpus for the memory measurement only: hard links (copies if linking fails) to the
    timed corpus's files, cycled."""
    target_dir = rss_dir(count)
    shutil.rmtree(target_dir, ignore_errors=True)
    sources = sorted(p for p in REALISTIC_DIR.rglob("*") if p.is_file())
    link_cycled(sources, count, target_dir, SUBFOLDERS * 4, lambda source: source.name.split("_", 1)[1])


@dataclass
class Corpus:
    realistic: Path
    realistic_kinds: Counter[str]
    realistic_count: int
    files: Path
    count: int
    kinds: Counter[str]
    long_reports: list[int]  # page counts of the long reports among the files
    long_pdf: Path
    short_pdf: Path
    long_pages: int
    rss: Path | None
    rss_count: int
    rebuilt: list[str] = field(default_factory=list)


def ensure_corpus(args: argparse.Namespace) -> Corpus:
    """Build the parts of the corpus whose parameters changed since the manifest was written."""
    sources = wait_for_fixtures()
    fixtures_sig = signature(sources)
    kinds_sig = signature([path for kind in realistic.landed() for path in kind.fixtures()]
                          + [BENCH / "realistic.py", BENCH / "authoring.py"])
    try:
        manifest = json.loads(MANIFEST.read_text())
    except (OSError, ValueError):
        manifest = {}
    if manifest.get("version") != CORPUS_VERSION:
        manifest = {"version": CORPUS_VERSION}
    source_pdf = long_source(sources)
    wanted = {
        "files": {"fixtures": fixtures_sig, "kinds": kinds_sig, "files": args.files, "long_files": args.long_files,
                  "long_report_pages": list(LONG_REPORT_PAGES)},
        "realistic": {"fixtures": fixtures_sig, "kinds": kinds_sig, "files": args.files,
                      "long_files": args.long_files, "long_report_pages": list(LONG_REPORT_PAGES)},
        "long": {"source": source_pdf.name, "fixtures": fixtures_sig, "pages": args.long_pages},
        "rss": {"fixtures": fixtures_sig, "kinds": kinds_sig, "files": args.files, "long_files": args.long_files,
                "rss_files": args.rss_files, "of": "realistic"},
    }
    long_pdf, short_pdf = LONG_DIR / f"long_{args.long_pages}p.pdf", LONG_DIR / "short_2p.pdf"
    present = {
        "files": FILES_DIR.is_dir() and WARMUP_DIR.is_dir(),
        "realistic": REALISTIC_DIR.is_dir(),
        "long": long_pdf.is_file() and short_pdf.is_file(),
        "rss": rss_dir(args.rss_files).is_dir(),
    }
    builders: dict[str, Callable[[], object]] = {
        "files": lambda: build_files(sources, args.files, args.long_files),
        "realistic": lambda: build_realistic(sources, args.files, args.long_files),
        "long": lambda: build_long(source_pdf, args.long_pages),
        "rss": lambda: build_rss(args.rss_files),
    }
    rebuilt = []
    parts = ("files", "realistic", "long", "rss") if args.rss_files else ("files", "realistic", "long")
    for part in parts:
        if args.rebuild or manifest.get(part) != wanted[part] or not present[part]:
            if part == "rss":
                for stale in CORPUS.glob("rss_*"):
                    shutil.rmtree(stale)
            log(f"building corpus part {part!r}: {wanted[part]}")
            CORPUS.mkdir(parents=True, exist_ok=True)
            builders[part]()
            manifest[part] = wanted[part]
            MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n")
            rebuilt.append(part)
    files = sorted(p for p in FILES_DIR.rglob("*") if p.is_file())
    real = sorted(p for p in REALISTIC_DIR.rglob("*") if p.is_file())
    return Corpus(
        realistic=REALISTIC_DIR,
        realistic_kinds=Counter(p.name.split("_")[1] if p.parent != REALISTIC_LONG_DIR else "pdf-long" for p in real),
        realistic_count=len(real),
        files=FILES_DIR,
        count=len(files),
        kinds=Counter(p.suffix.lstrip(".") for p in files),
        long_reports=[len_pages(p) for p in sorted(LONG_FILES_DIR.glob("*.pdf"))],
        long_pdf=long_pdf,
        short_pdf=short_pdf,
        long_pages=args.long_pages,
        rss=rss_dir(args.rss_files) if args.rss_files else None,
        rss_count=args.rss_files,
        rebuilt=rebuilt,
    )


def len_pages(path: Path) -> int:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    try:
        return len(pdf)
    finally:
        pdf.close()


def warm_page_cache(folder: Path) -> None:
    """Read every file once so that whichever tool runs first does not pay for a cold cache."""
    for path in folder.rglob("*"):
        if path.is_file():
            path.read_bytes()


# -------------------------------------------------------------------------------------------- running


def marklint_command() -> list[str]:
    """marklint from this checkout, run by this interpreter (not a version-manager shim on PATH, which would
    add its own start-up to every run of (a) only). Run from ROOT, ``-c`` puts the checkout first on the
    path: an installed copy, which may be older than the checkout, is never what is measured. ``cli.run`` is
    what the installed ``marklint`` command runs."""
    return [sys.executable, "-c", "from marklint.cli import run; run()"]


def measured_marklint() -> str:
    """Where the marklint that the timed runs import comes from."""
    found = subprocess.run([sys.executable, "-c", "import marklint; print(marklint.__file__)"], cwd=ROOT,
                           capture_output=True, text=True, check=False, env=subprocess_env())
    return found.stdout.strip()


CHAR_LOOP_PROBE = """
from marklint.parsers import pdf_glyphs
if pdf_glyphs.char_records is pdf_glyphs._python_records:
    print("Python (_marklint_chars not built, or built from another source)")
else:
    print("compiled, " + pdf_glyphs._marklint_chars.__file__)
"""


def pdf_char_loop() -> str:
    """Which per-character loop the timed runs read PDFs with: the compiled helper or its Python fallback."""
    found = subprocess.run([sys.executable, "-c", CHAR_LOOP_PROBE], cwd=ROOT, capture_output=True, text=True,
                           check=False, env=subprocess_env())
    return found.stdout.strip() or f"unknown ({found.stderr.strip()[-200:]})"


def marklint_accepts_jobs() -> bool:
    helped = subprocess.run([*marklint_command(), "scan", "--help"], capture_output=True, text=True, check=False,
                            cwd=ROOT)
    return re.search(r"(^|[\s,])(-j|--jobs)\b", helped.stdout, re.MULTILINE) is not None


def marklint_scan(paths: Sequence[Path | str], jobs: int | None, output: str | None = None) -> list[str]:
    command = [*marklint_command(), "scan", *map(str, paths), "--format", "json", "--as-of", AS_OF]
    if jobs is not None:
        command += ["-j", str(jobs)]
    if output is not None:
        command += ["-o", output]
    return command


@dataclass
class Tool:
    key: str
    label: str
    command: list[str]
    ok_codes: tuple[int, ...] = (0,)
    capture: bool = False  # keep stdout (small) to check what the tool saw
    times: list[float] = field(default_factory=list)
    last_stdout: str = ""

    def run(self, record: bool = True) -> float:
        start = time.perf_counter()
        done = subprocess.run(self.command, cwd=ROOT, check=False, text=True, env=subprocess_env(),
                              stdout=subprocess.PIPE if self.capture else subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
        # An uncaught exception also exits 1, so exit status 1 alone does not tell findings from a crash.
        if done.returncode not in self.ok_codes or "Traceback (most recent call last)" in done.stderr:
            sys.exit(f"bench: {self.label} failed with exit status {done.returncode}:\n"
                     f"{' '.join(self.command)}\n{done.stderr[-3000:]}")
        if self.capture:
            self.last_stdout = done.stdout
        if record:
            self.times.append(elapsed)
        return elapsed

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def time_rounds(tools: list[Tool], rounds: int) -> None:
    """Run every tool once per round, reversing the order every other round."""
    for round_index in range(rounds):
        order = tools if round_index % 2 == 0 else tools[::-1]
        for tool in order:
            elapsed = tool.run()
            log(f"round {round_index + 1}/{rounds}  {tool.key}  {elapsed:7.2f} s")


def in_process_seconds(path: Path, rounds: int) -> float | None:
    """Median seconds of ``marklint.scan`` (the public Python API) on one file inside this process (no
    interpreter start-up, imports already done), or None when the API is not there."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # this checkout's marklint, as the timed runs import it
    try:
        from marklint import scan
        from marklint.config import Settings

        settings = Settings(as_of=date.fromisoformat(AS_OF))
        scan([str(path)], settings)  # warm-up: imports, PDFium initialisation
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            scan([str(path)], settings)
            times.append(time.perf_counter() - start)
    except Exception as exc:  # the Python API is optional here; the subprocess timing is the measurement
        log(f"in-process timing skipped: {type(exc).__name__}: {exc}")
        return None
    return statistics.median(times)


# ---------------------------------------------------------------------------------------------- memory

#: Runs the command given as arguments, then reports its exit status and the largest peak RSS of any
#: child process it waited for (Linux: ru_maxrss of RUSAGE_CHILDREN is the largest single descendant).
RSS_WRAPPER = """
import json, resource, subprocess, sys
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
print(json.dumps({"code": code, "maxrss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def _parents() -> dict[int, int]:
    parents = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat[stat.rindex(b")") + 2:].split()[1])
    return parents


def tree_rss_kib(root: int) -> int:
    """Summed VmRSS of the descendants of ``root`` (not ``root`` itself), right now."""
    parents = _parents()
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    total, todo = 0, list(children.get(root, []))
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/status") as handle:
                total += next((int(line.split()[1]) for line in handle if line.startswith("VmRSS:")), 0)
        except (OSError, ValueError):
            continue
    return total


@dataclass
class Memory:
    files: int
    max_process_mib: float  # largest single process (ru_maxrss)
    tree_peak_mib: float | None  # largest sampled sum over the process tree (None: /proc not readable)
    seconds: float


def measure_memory(command: list[str], files: int) -> Memory:
    """Run ``command`` under the RSS wrapper in a fresh process, sampling the process tree meanwhile."""
    start = time.perf_counter()
    wrapper = subprocess.Popen([sys.executable, "-c", RSS_WRAPPER, *command], cwd=ROOT, text=True, env=subprocess_env(),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak: int | None = 0 if os.path.isdir("/proc") else None
    while wrapper.poll() is None:
        if peak is not None:
            try:
                peak = max(peak, tree_rss_kib(wrapper.pid))
            except OSError:
                peak = None
        time.sleep(RSS_POLL_SECONDS)
    out, err = wrapper.communicate()  # the wrapper passes marklint's stderr through
    seconds = time.perf_counter() - start
    try:
        reported = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        sys.exit(f"bench: the RSS wrapper failed:\n{err[-3000:]}")
    if reported["code"] not in (0, 1) or "Traceback (most recent call last)" in err:
        sys.exit(f"bench: marklint failed with exit status {reported['code']} in the memory run:\n{err[-3000:]}")
    return Memory(files=files, max_process_mib=reported["maxrss_kib"] / 1024,
                  tree_peak_mib=peak / 1024 if peak else None, seconds=seconds)


# ---------------------------------------------------------------------------------------------- checks


def summarise_report(path: str) -> dict:
    """What marklint made of the corpus: files per format and status, ML901 per format."""
    report = json.loads(Path(path).read_text())
    by_status = Counter(f"{f['format']}:{f['status']}" for f in report["files"])
    ml901 = Counter(f["format"] for f in report["files"] for finding in f["findings"] if finding["rule"] == "ML901")
    return {"files": len(report["files"]), "by_format_status": dict(sorted(by_status.items())),
            "ml901_by_format": dict(sorted(ml901.items())), "summary": report.get("summary")}


def machine() -> dict:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    version = subprocess.run([*marklint_command(), "--version"], capture_output=True, text=True, check=False,
                             cwd=ROOT)
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "marklint": version.stdout.strip().replace(", version", ""),
        "marklint_from": measured_marklint(),
        "pdf_char_loop": pdf_char_loop(),

    }


# --------------------------------------------------------------------------------------------- reports


def verdict(value: float | None, target: float, below: bool = True, strict: bool = False) -> str:
    if value is None:
        return "n/a"
    ok = (value < target if strict else value <= target) if below else value >= target
    return "PASS" if ok else "FAIL"


def render_table(results: dict) -> str:
    r = results
    n = r["corpus"]["files"]
    long_reports = r["corpus"]["long_reports_pages"]
    of_which = (f"; {len(long_reports)} of the PDFs are long reports of {', '.join(map(str, long_reports))} pages"
                if long_reports else "")
    rows = [
        f"marklint benchmark: realistic corpus of {n} files "
        f"({', '.join(f'{k} {v}' for k, v in r['corpus']['kinds'].items())}"
        f"{of_which}), {r['rounds']} rounds, medians of wall time, as of {AS_OF}",
        f"second line: the fixtures corpus of {r['fixtures_corpus']['files']} copies "
        f"({', '.join(f'{k} {v}' for k, v in r['fixtures_corpus']['kinds'].items())})",
        f"left out of the corpus (not timed: scans, whose OCR would swamp the line, see BENCHMARKS.md; or no "
        f"fixtures yet): "
        f"{', '.join(k for k in r['corpus']['shares'] if k not in r['corpus']['landed']) or 'none'}",
        f"machine: {r['machine']['cpu']}, {r['machine']['cores']} cores "
        f"({r['machine']['usable_cores']} usable), Python {r['machine']['python']}, {r['machine']['marklint']} "
        f"from {r['machine']['marklint_from']} (PDF character loop: {r['machine']['pdf_char_loop']}), "
        f"load average {r['machine']['load_average_1min_before']:.2f} before timing",
        "",
        f"{'':70}{'median s':>10}{'min-max s':>16}{'files/s':>10}",
    ]
    for key, tool in r["tools"].items():
        spread = f"{min(tool['times']):.2f}-{max(tool['times']):.2f}"
        rows.append(f"({key[0]}) {tool['label']:<66}{tool['median']:>10.2f}{spread:>16}{tool['files_per_s']:>10.1f}")
    rows.append("")
    ratios = r["ratios"]
    rows.append(f"a/b wall time  {ratios['a_over_b']:8.3f}   target <= {TARGET_A_OVER_B:.2f}   "
                f"{verdict(ratios['a_over_b'], TARGET_A_OVER_B)}")
    rows.append(f"a/c wall time  {ratios['a_over_c']:8.3f}   target <= {TARGET_A_OVER_C:.1f}    "
                f"{verdict(ratios['a_over_c'], TARGET_A_OVER_C)}")
    fixtures = r["fixtures_corpus"]["ratios"]
    rows.append(f"  fixtures corpus (second line): a/b {fixtures['a_over_b']:.3f}, a/c {fixtures['a_over_c']:.3f}")
    if r["short_only_ratios"]:
        short = r["short_only_ratios"]
        rows.append(f"  on the short files alone (no long reports): a/b {short['a_over_b']:.3f}, "
                    f"a/c {short['a_over_c']:.3f}")
    long = r["long_pdf"]
    rows.append(f"long/short PDF {long['ratio']:8.3f}   target <= {TARGET_LONG_OVER_SHORT:.1f}    "
                f"{verdict(long['ratio'], TARGET_LONG_OVER_SHORT)}   "
                f"({long['pages']} pages {long['long_s']:.3f} s vs 2 pages {long['short_s']:.3f} s, "
                f"marklint scan FILE as a subprocess)")
    if long["in_process_ratio"] is not None:
        rows.append(f"  in process, without start-up: {long['in_process_long_s'] * 1000:.1f} ms vs "
                    f"{long['in_process_short_s'] * 1000:.1f} ms, ratio {long['in_process_ratio']:.2f}")
    for memory in r["memory"]:
        # Judged on the larger of the two: with workers, the summed tree is what the machine must hold.
        judged = max(memory["max_process_mib"], memory["tree_peak_mib"] or 0.0)
        note = "" if memory["files"] == TARGET_RSS_FILES else f" [target is for {TARGET_RSS_FILES:,} files]"
        tree = f"{memory['tree_peak_mib']:.0f}" if memory["tree_peak_mib"] else "n/a"
        rows.append(f"peak RSS (a)   {judged:8.1f}   target < {TARGET_RSS_MIB:.0f} MiB  "
                    f"{verdict(judged, TARGET_RSS_MIB, strict=True)}   (MiB at {memory['files']:,} files: "
                    f"largest process {memory['max_process_mib']:.0f}, process tree {tree} sampled){note}")
    rows.append("")
    check = r["marklint_check"]
    rows.append(f"marklint saw {check['files']} files: "
                + ", ".join(f"{k} {v}" for k, v in check["by_format_status"].items())
                + (f"; ML901 (not examined) {check['ml901_by_format']}" if check["ml901_by_format"] else "; no ML901"))
    rows.append(f"baseline: {r['baseline_check']}; floor: {r['floor_check']}")
    rows.extend(f"NOTE: {note}" for note in r["notes"])
    return "\n".join(rows)


# ------------------------------------------------------------------------------------------------ main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark marklint against a hand-written baseline and the floor.")
    parser.add_argument("--files", type=int, default=600, help="files in the timed corpus (default 600)")
    parser.add_argument("--long-files", type=int, default=None,
                        help="of which long reports of 25, 50 and 100 pages (default: one in a hundred files)")
    parser.add_argument("--jobs", "-j", type=int, default=2, help="parallelism of marklint and the floor (default 2)")
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds; medians are reported (default 3)")
    parser.add_argument("--long-pages", type=int, default=2000, help="pages of the long PDF (default 2000)")
    parser.add_argument("--rss-files", type=int, default=0,
                        help="also measure marklint's peak RSS on a corpus of this many files (e.g. 20000)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the corpus even if it looks current")
    parser.add_argument("--short", action="store_true",
                        help="also time the realistic corpus without its long reports")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of the table")
    args = parser.parse_args(argv)
    if args.long_files is None:
        args.long_files = args.files // 100
    if not 0 <= args.long_files <= args.files:
        parser.error("--long-files must be between 0 and --files")
    if args.files < 1 or args.jobs < 1 or args.rounds < 1 or args.long_pages < 3 or args.rss_files < 0:
        parser.error("--files, --jobs, --rounds must be >= 1, --long-pages >= 3, --rss-files >= 0")
    return args


def make_tools(folders: list[Path], jobs: int, jobs_ok: bool, key_suffix: str = "", label_suffix: str = ""
               ) -> list[Tool]:
    """(a) marklint, (b) the hand-written baseline, (c) the floor, each run on ``folders``."""
    names = [str(folder) for folder in folders]
    return [
        Tool("a" + key_suffix, f"marklint scan --format json{f' -j {jobs}' if jobs_ok else ' (no -j)'}{label_suffix}",
             marklint_scan(folders, jobs if jobs_ok else None), ok_codes=(0, 1)),
        Tool("b" + key_suffix, f"baseline.py (python-docx + pdfplumber, 1 proc){label_suffix}",
             [sys.executable, str(BENCH / "baseline.py"), *names], capture=True),
        Tool("c" + key_suffix, f"floor.py (zip+lxml / pypdfium2, {jobs} procs){label_suffix}",
             [sys.executable, str(BENCH / "floor.py"), "--jobs", str(jobs), *names], capture=True),
    ]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    corpus = ensure_corpus(args)
    notes: list[str] = []
    jobs_ok = marklint_accepts_jobs()
    marklint_jobs = args.jobs if jobs_ok else None
    if not jobs_ok:
        notes.append(f"`marklint scan` does not accept -j yet: (a) ran in ONE process, while (c) used {args.jobs}.")
    rel = corpus.realistic.relative_to(ROOT)

    tools = make_tools([rel], args.jobs, jobs_ok)
    # The fixtures corpus of earlier sessions, as a second line comparable with their figures.
    fixture_tools = make_tools([corpus.files.relative_to(ROOT)], args.jobs, jobs_ok, "_fixtures", ", fixtures corpus")
    # With --short, the same three on the realistic short files alone: what the long reports add, apart.
    short_count = corpus.realistic_count - len(corpus.long_reports)
    short_tools = (make_tools([f.relative_to(ROOT) for f in short_folders(corpus.realistic)], args.jobs, jobs_ok,
                              "_short", ", short files only") if corpus.long_reports and args.short else [])
    warm_page_cache(corpus.realistic)
    warm_page_cache(corpus.files)
    for tool in make_tools([WARMUP_DIR.relative_to(ROOT)], args.jobs, jobs_ok):
        tool.run(record=False)  # bytecode caches written, libraries read once: not part of the timing
    load_before = os.getloadavg()[0]
    log(f"timing {corpus.realistic_count} + {corpus.count} files, {args.rounds} rounds")
    time_rounds([*tools, *fixture_tools, *short_tools], args.rounds)

    log("timing the long and the 2-page PDF")
    long_tool = Tool("long", "long", marklint_scan([corpus.long_pdf.relative_to(ROOT)], None), ok_codes=(0, 1))
    short_tool = Tool("short", "short", marklint_scan([corpus.short_pdf.relative_to(ROOT)], None), ok_codes=(0, 1))
    for tool in (long_tool, short_tool):
        tool.run(record=False)  # the long file brings in pypdf for the bomb check: its bytecode is written first
    time_rounds([long_tool, short_tool], args.rounds)
    in_long = in_process_seconds(corpus.long_pdf, args.rounds)
    in_short = in_process_seconds(corpus.short_pdf, args.rounds)

    log("measuring memory")
    with tempfile.TemporaryDirectory() as scratch:
        report_path = os.path.join(scratch, "report.json")
        memory = [measure_memory(marklint_scan([rel], marklint_jobs, report_path), corpus.realistic_count)]
        check = summarise_report(report_path)
    if corpus.rss is not None:
        log(f"measuring memory on {corpus.rss_count} files")
        memory.append(measure_memory(marklint_scan([corpus.rss.relative_to(ROOT)], marklint_jobs, os.devnull),
                                     corpus.rss_count))
    docx_files = sum(count for key, count in check["by_format_status"].items() if key.startswith("docx:"))
    if docx_files and check["ml901_by_format"].get("docx") == docx_files:
        notes.append("every DOCX was reported ML901: the DOCX parser does not read them yet, (a) is not comparable.")

    baseline_lines = tools[1].last_stdout.splitlines()
    baseline_check = (f"{len(baseline_lines)} files, {sum('ERROR' in line for line in baseline_lines)} errors, "
                      f"{sum(not line.endswith(chr(9) + '-') and 'ERROR' not in line for line in baseline_lines)} "
                      "with a match")
    if len(baseline_lines) != corpus.realistic_count:
        notes.append(f"the baseline printed {len(baseline_lines)} lines for {corpus.realistic_count} files")

    noisy = [t.key for t in (*tools, *fixture_tools, *short_tools)
             if min(t.times) > 0 and max(t.times) / min(t.times) > 1.3]
    if noisy:
        notes.append(f"run-to-run spread over 30% for ({'), ('.join(noisy)}): the machine was busy "
                     "(see the load average); rerun with more --rounds.")
    a, b, c = (tool.median for tool in tools)
    counts = {**{tool.key: corpus.realistic_count for tool in tools},
              **{tool.key: corpus.count for tool in fixture_tools},
              **{tool.key: short_count for tool in short_tools}}
    fa, fb, fc = (tool.median for tool in fixture_tools)
    results = {
        "corpus": {"files": corpus.realistic_count, "kinds": dict(sorted(corpus.realistic_kinds.items())),
                   "path": str(rel), "shares": {k.name: k.share for k in realistic.KINDS},
                   "landed": [k.name for k in realistic.landed()],
                   "long_reports_pages": corpus.long_reports, "rebuilt": corpus.rebuilt},
        "fixtures_corpus": {"files": corpus.count, "kinds": dict(sorted(corpus.kinds.items())),
                            "path": str(corpus.files.relative_to(ROOT)),
                            "ratios": {"a_over_b": fa / fb, "a_over_c": fa / fc}},
        "jobs": args.jobs,
        "marklint_jobs_flag": jobs_ok,
        "rounds": args.rounds,
        "tools": {
            tool.key: {"label": tool.label, "command": tool.command, "times": tool.times, "median": tool.median,
                       "files": counts[tool.key], "files_per_s": counts[tool.key] / tool.median}
            for tool in (*tools, *fixture_tools, *short_tools)
        },
        "ratios": {"a_over_b": a / b, "a_over_c": a / c},
        "short_only_ratios": ({"a_over_b": short_tools[0].median / short_tools[1].median,
                               "a_over_c": short_tools[0].median / short_tools[2].median} if short_tools else None),
        "long_pdf": {
            "pages": corpus.long_pages, "long_s": long_tool.median, "short_s": short_tool.median,
            "ratio": long_tool.median / short_tool.median,
            "long_times": long_tool.times, "short_times": short_tool.times,
            "in_process_long_s": in_long, "in_process_short_s": in_short,
            "in_process_ratio": in_long / in_short if in_long and in_short else None,
        },
        "memory": [vars(m) for m in memory],
        "marklint_check": check,
        "baseline_check": baseline_check,
        "floor_check": tools[2].last_stdout.strip(),
        "targets": {"a_over_b": TARGET_A_OVER_B, "a_over_c": TARGET_A_OVER_C,
                    "long_over_short": TARGET_LONG_OVER_SHORT, "rss_mib": TARGET_RSS_MIB,
                    "rss_files": TARGET_RSS_FILES},
        "machine": {**machine(), "load_average_1min_before": load_before},
        "notes": notes,
    }
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        print(render_table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
