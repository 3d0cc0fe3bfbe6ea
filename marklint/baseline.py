"""Baselines: record today's findings so that later scans report only what is new.

An entry is keyed by a fingerprint of the rule, the file's path relative to the scan root, the SHA-256
of the file and the normalised marking; it holds no document text. An entry may carry a ``reason`` and
an ``expires`` date after which it stops suppressing. Entries that match nothing are counted as stale.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from marklint.errors import ConfigError, os_error_words
from marklint.messages import Both
from marklint.model import Finding

BASELINE_VERSION = 1


def file_sha256(path: str) -> str | None:
    """The SHA-256 of a file's bytes, or None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def relative(path: str, root: Path) -> str:
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return absolute.as_posix()


def fingerprint(finding: Finding, relative_path: str, sha256: str | None) -> str:
    marking = "".join((finding.marking or "").split())
    key = "\x1f".join([finding.rule, relative_path, sha256 or "-", finding.location.part,
                       str(finding.location.page or 0), marking])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass
class Baseline:
    entries: dict[str, dict] = field(default_factory=dict)  # fingerprint -> entry
    matched: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, path: Path) -> Baseline:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            from marklint.reasons import translate_detail

            raise ConfigError.said("baseline.unreadable", source=path, why=Both(
                translate_detail(os_error_words(exc)) or "读取错误", str(exc))) from exc
        except ValueError as exc:
            raise ConfigError.said("baseline.unreadable", source=path, why=Both("不是 JSON", str(exc))) from exc
        if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION or not isinstance(
                data.get("entries"), list):
            raise ConfigError.said("baseline.not one", source=path, version=BASELINE_VERSION)
        entries = {}
        for entry in data["entries"]:
            if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
                raise ConfigError.said("baseline.fingerprint", source=path)
            if entry.get("expires") is not None:
                try:
                    date.fromisoformat(entry["expires"])
                except (TypeError, ValueError) as exc:
                    raise ConfigError.said("baseline.expires", source=path, value=entry["expires"]) from exc
            entries[entry["fingerprint"]] = entry
        return cls(entries)

    def suppresses(self, key: str, as_of: date) -> bool:
        entry = self.entries.get(key)
        if entry is None:
            return False
        expires = entry.get("expires")
        if expires is not None and date.fromisoformat(expires) < as_of:
            return False
        self.matched.add(key)
        return True

    def stale(self) -> int:
        return len(set(self.entries) - self.matched)


def baseline_document(items: list[tuple[str, Finding, str]]) -> dict:
    """The JSON of a new baseline from (fingerprint, finding, relative path) triples."""
    entries = [
        {"fingerprint": key, "rule": finding.rule, "path": path, "reason": None, "expires": None}
        for key, finding, path in sorted(items, key=lambda item: (item[2], item[1].rule, item[0]))
    ]
    return {"version": BASELINE_VERSION, "tool": "marklint", "entries": entries}
