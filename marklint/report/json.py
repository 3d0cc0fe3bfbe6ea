"""The JSON report (contract version 1, markings.md section 8)."""

from __future__ import annotations

import json

from marklint.scan import Report


def render(report: Report) -> str:
    return json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"
