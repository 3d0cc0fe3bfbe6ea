"""Rule documentation generated from the rule declarations: ``docs/rules.md`` and the README's table.

    python -m marklint.docs          # rewrite docs/rules.md and the README table
    python -m marklint.docs --check  # exit 1 when either is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

from marklint.checks.registry import Rule, all_rules

ROOT = Path(__file__).resolve().parent.parent
TABLE_START, TABLE_END = "<!-- rules-table:start -->", "<!-- rules-table:end -->"
FAMILIES = (
    ("ML1", "标志不当: the marking's form and place"),
    ("ML2", "内容不当: what the marking states"),
    ("ML3", "Change and declassification: terms in time"),
    ("ML4", "权限不当: authority"),
    ("ML5", "依据不当 / 程序不当: basis and procedure (the ledger)"),
    ("ML9", "Coverage: what could not be read"),
)


def _default(rule: Rule) -> str:
    return f"{rule.severity.value}, opt-in" if rule.opt_in else rule.severity.value


def rule_section(rule: Rule) -> str:
    """A rule's section: its documentation in Chinese first (the default language), then in English."""
    chinese = f"{rule.doc_zh.strip()}\n\n" if rule.doc_zh.strip() else ""
    return f"### {rule.id} {rule.name}\n\nDefault severity: {_default(rule)}.\n\n{chinese}{rule.doc.strip()}\n"


def rules_markdown() -> str:
    rules = all_rules()
    parts = ["# marklint rules\n",
             "Generated from the rule declarations by `python -m marklint.docs`; do not edit by hand.\n"]
    for prefix, title in FAMILIES:
        family = [r for r in rules if r.id.startswith(prefix)]
        if family:
            parts.append(f"## {title}\n")
            parts.extend(rule_section(r) for r in family)
    return "\n".join(parts)


def rules_table() -> str:
    rows = ["| ID | name | default | what it reports |", "|---|---|---|---|"]
    rows += [f"| {r.id} | {r.name} | {_default(r)} | {r.summary} |" for r in all_rules()]
    return "\n".join(rows)


def readme_with_table(readme: str) -> str:
    head, _, rest = readme.partition(TABLE_START)
    _, _, tail = rest.partition(TABLE_END)
    return f"{head}{TABLE_START}\n{rules_table()}\n{TABLE_END}{tail}"


def main(argv: list[str]) -> int:
    targets = {ROOT / "docs" / "rules.md": rules_markdown()}
    readme = ROOT / "README.md"
    targets[readme] = readme_with_table(readme.read_text(encoding="utf-8"))
    stale = [path for path, text in targets.items() if not path.exists() or path.read_text(encoding="utf-8") != text]
    if "--check" in argv:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date: run python -m marklint.docs", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.parent.mkdir(exist_ok=True)
        path.write_text(targets[path], encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
