"""Compiled ``regex`` patterns kept from one run to the next, as Python keeps bytecode.

The ``regex`` module parses a pattern in Python, so compiling marklint's patterns (the marking recogniser's
above all) was the largest single cost of starting a scan, about a quarter of it, paid again by every run
before the first file is read. A compiled pattern pickles with its compiled program, and unpickling it
takes a few per cent of compiling it. So the patterns compiled at import go through ``compile`` below,
which takes them from a file beside marklint's bytecode (in ``__pycache__``, or under PYTHONPYCACHEPREFIX)
and, when one was missing, writes the file anew at exit.

The file is trusted as bytecode is: it is written only where Python writes bytecode (never when it writes
none), it is read only by the regex and Python versions that wrote it, and it is unpickled into compiled
patterns and nothing else. A file that is missing, stale, damaged or cannot be written costs a compile,
never a wrong pattern: each pattern is looked up by its own text and flags, and the file's SHA-256 digest
is checked before a byte of it is unpickled (a damaged program would crash the regex engine, a changed one
match something else). Whoever can write ``__pycache__`` can change marklint's bytecode too: the digest
guards against damage and against changes made without it, as bytecode's own checks do.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import io
import os
import pickle
import sys

import regex

#: What a cache file is valid for: a compiled program belongs to the regex version that compiled it.
VERSION = (regex.__version__, sys.implementation.cache_tag)
#: The cache file: this module's bytecode path with ``.patterns`` for ``.pyc``; None where there is none.
CACHE_PATH = __cached__[: -len(".pyc")] + ".patterns" if __cached__ and __cached__.endswith(".pyc") else None

#: A cache file is MAGIC, the SHA-256 of the pickle that follows, then the pickle.
MAGIC = b"marklint-patterns-1\n"
DIGEST_SIZE = hashlib.sha256().digest_size

Key = tuple[str, int]  # a pattern's text and flags

_loaded: dict[Key, regex.Pattern] | None = None  # the cache file's patterns, read on first use
_used: dict[Key, regex.Pattern] = {}  # the patterns this process asked for: what a new file holds
_save_registered = False


def compile(pattern: str, flags: int = 0) -> regex.Pattern:
    """``regex.compile(pattern, flags)``, taken from the cache file when it holds the pattern."""
    global _loaded, _save_registered
    if _loaded is None:
        _loaded = read(CACHE_PATH) if CACHE_PATH is not None else {}
    key = (pattern, int(flags))
    compiled = _loaded.get(key)
    if compiled is None:
        compiled = regex.compile(pattern, flags)
        if not _save_registered and CACHE_PATH is not None and not sys.dont_write_bytecode:
            atexit.register(_save_at_exit, CACHE_PATH, os.getpid())
            _save_registered = True
    _used[key] = compiled
    return compiled


class _PatternUnpickler(pickle.Unpickler):
    """Unpickles compiled regex patterns and nothing else: the file is data, not code to run."""

    def find_class(self, module: str, name: str) -> object:
        if (module, name) != ("regex._regex", "compile"):  # what a pickled regex.Pattern is rebuilt by
            raise pickle.UnpicklingError(f"not a compiled pattern: {module}.{name}")
        return super().find_class(module, name)


def read(path: str) -> dict[Key, regex.Pattern]:
    """The patterns a cache file holds; none when it is missing, damaged, forged or of other versions.

    The digest of the exact bytes is checked before anything is unpickled: a damaged compiled program
    crashes the regex engine, and a program changed without its digest would match something else."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return {}
    start = len(MAGIC) + DIGEST_SIZE
    head, digest, payload = data[: len(MAGIC)], data[len(MAGIC) : start], data[start:]
    if head != MAGIC or digest != hashlib.sha256(payload).digest():
        return {}
    try:
        version, patterns = _PatternUnpickler(io.BytesIO(payload)).load()
    except Exception:  # not a cache file: its patterns are compiled afresh
        return {}
    if version != VERSION or not isinstance(patterns, dict):
        return {}
    # Each pattern must be the one its key names: a file mixed up by hand is a miss, not a wrong pattern.
    return {key: compiled for key, compiled in patterns.items()
            if isinstance(compiled, regex.Pattern) and isinstance(key, tuple) and key[:1] == (compiled.pattern,)}


def write(path: str, patterns: dict[Key, regex.Pattern]) -> None:
    """Write a cache file atomically: a run starting meanwhile reads the old file or the new, never half."""
    import tempfile  # here, not at the top: only a run that compiled a pattern writes

    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".patterns.", suffix=".tmp")
    try:
        payload = pickle.dumps((VERSION, patterns), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(handle, "wb") as stream:
            stream.write(MAGIC + hashlib.sha256(payload).digest() + payload)
        os.chmod(temporary, os.stat(__file__).st_mode & 0o666)  # readable by whoever reads the bytecode
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def _save_at_exit(path: str, owner: int) -> None:
    if os.getpid() != owner:  # a forked worker exiting through atexit: the parent writes
        return
    with contextlib.suppress(Exception):  # a read-only installation, a full disk: the next run compiles again
        write(path, _used)
