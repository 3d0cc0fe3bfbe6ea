"""SARIF 2.1.0 for code-scanning tools (GitHub code scanning and others).

Paths are relative to the scan root (``%SRCROOT%``, the current folder); GitHub would otherwise hash the
binary file for its fingerprint, so marklint supplies ``primaryLocationLineHash`` itself from the rule,
the file, the part, the page and the normalised marking. No document body text is written.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from marklint import __version__
from marklint.checks.registry import Rule, all_rules
from marklint.model import Finding, Severity, Status, reason_words
from marklint.results import FileResult, Report

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
INFORMATION_URI = "https://pypi.org/project/marklint/"


def _uri(path: str, root: Path) -> tuple[str, str | None]:
    """A URI for ``path``: relative to the root with ``%SRCROOT%`` where it lies below it."""
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(root)
    except ValueError:
        return absolute.as_uri(), None
    return relative.as_posix(), "%SRCROOT%"


def fingerprint(finding: Finding, path: str) -> str:
    """A stable hash of what the finding is about, independent of line numbers shifting in a binary file."""
    marking = "".join((finding.marking or "").split())
    key = "\x1f".join([finding.rule, path, finding.location.part, str(finding.location.page or 0), marking])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _rule_metadata(rule: Rule) -> dict:
    doc = rule.doc.strip()
    body = doc.split("\n", 1)[1].strip() if "\n" in doc else doc
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": " ".join(body.split("\n\n")[0].split()) or rule.summary},
        "help": {"text": doc, "markdown": f"**{rule.id} {rule.name}**\n\n{doc}"},
        "defaultConfiguration": {"level": LEVEL[rule.severity], "enabled": not rule.opt_in},
        "properties": {"tags": ["classification-marking"]},
    }


def _location(result: FileResult, finding: Finding, root: Path) -> dict:
    uri, base = _uri(result.path, root)
    artifact: dict = {"uri": uri}
    if base:
        artifact["uriBaseId"] = base
    physical: dict = {"artifactLocation": artifact}
    loc = finding.location
    region_properties = {"page": loc.page, "part": loc.part, "bbox": list(loc.bbox) if loc.bbox else None}
    if loc.ocr:  # read from a scan by OCR: say so, with the recogniser's confidence
        region_properties |= {"source": "ocr", "confidence": loc.confidence}
    # GitHub wants a region on every result; a finding about the whole file or its metadata points at line 1.
    physical["region"] = {"startLine": loc.line or 1, "properties": region_properties}
    logical = f"page[{loc.page or 0}]/{loc.part}" + (f"/line[{loc.line}]" if loc.line else "")
    return {
        "physicalLocation": physical,
        "logicalLocations": [{"fullyQualifiedName": logical, "kind": "element"}],
    }


def to_sarif(report: Report, root: Path | None = None) -> dict:
    root = Path(os.path.abspath(root or os.getcwd()))
    rules = all_rules()
    index = {rule.id: position for position, rule in enumerate(rules)}
    results, notifications, artifacts = [], [], []
    for result in (entry for top in report.files for entry in top.with_embedded()):
        # Every file scanned, with its coverage status, also the clean ones that have no result.
        uri, base = _uri(result.path, root)
        artifacts.append({"location": {"uri": uri, **({"uriBaseId": base} if base else {})},
                          "properties": {"status": result.status.value, "reason": reason_words(result.reason)}})
        for finding in result.findings:
            uri, _ = _uri(result.path, root)
            results.append({
                "ruleId": finding.rule,
                "ruleIndex": index[finding.rule],
                "level": LEVEL[finding.severity],
                "message": {"text": finding.message + (" (OCR)" if finding.location.ocr else "")},
                "locations": [_location(result, finding, root)],
                "partialFingerprints": {"primaryLocationLineHash": fingerprint(finding, uri)},
            })
        if result.status == Status.NOT_EXAMINED:
            uri, base = _uri(result.path, root)
            artifact = {"uri": uri, **({"uriBaseId": base} if base else {})}
            notifications.append({
                "level": "error",
                "message": {"text": f"not examined: {result.reason}"},
                "descriptor": {"id": "ML901"},
                "locations": [{"physicalLocation": {"artifactLocation": artifact}}],
            })
    for path, why in report.skipped_paths:  # passed over by the walk: named, as in the JSON report's ``skipped``
        uri, base = _uri(path, root)
        notifications.append({
            "level": "note",
            "message": {"text": f"skipped: {why}"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri, **({"uriBaseId": base} if base
                                                                                   else {})}}}],
        })
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "marklint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule_metadata(rule) for rule in rules],
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": root.as_uri() + "/"}},
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
            "columnKind": "unicodeCodePoints",
            "artifacts": artifacts,
            "results": results,
            # The JSON report's summary and skipped paths, as additive properties (a resumable run's state
            # records the skipped paths too, so a log merged from states equals the one the scan wrote).
            "properties": {"asOf": report.as_of.isoformat(), "summary": report.summary,
                           "skipped": report.skipped_json()},
        }],
    }


def render(report: Report, root: Path | None = None) -> str:
    return json.dumps(to_sarif(report, root), ensure_ascii=False, indent=2) + "\n"
