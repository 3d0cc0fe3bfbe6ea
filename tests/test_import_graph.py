"""marklint's modules import one another without a cycle: the model at the bottom, the settings below the
rules (the rule catalogue is passed to them, never imported by them), the reports above the results."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import marklint

PACKAGE = Path(marklint.__file__).resolve().parent


def _module_names() -> dict[str, Path]:
    names = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ("marklint", *path.relative_to(PACKAGE).with_suffix("").parts)
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return names


def _imported(statements: list[ast.stmt], package: str, everywhere: bool) -> set[str]:
    """The names ``statements`` import: at module level (also under if/try, never under TYPE_CHECKING),
    or, with ``everywhere``, in functions too."""
    found: set[str] = set()
    for node in statements:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                kept = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*kept, *filter(None, [base])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        for field in ("body", "orelse", "finalbody", "handlers"):
            inner = getattr(node, field, None)
            nested = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            if isinstance(inner, list) and (everywhere or not nested or isinstance(node, ast.ClassDef)):
                found |= _imported([n for n in inner if isinstance(n, ast.stmt)] if field != "handlers"
                                   else [s for h in inner for s in h.body], package, everywhere)
    return found


def import_graph(everywhere: bool = False) -> dict[str, set[str]]:
    """marklint's modules and the marklint modules each imports (with the packages that importing runs)."""
    modules = _module_names()
    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for imported in _imported(ast.parse(path.read_text(encoding="utf-8")).body, package, everywhere):
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            parts = imported.split(".") if imported else []
            targets.update(".".join(parts[:end]) for end in range(1, len(parts) + 1))
        graph[name] = targets - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_level_import_cycle() -> None:
    assert cycles(import_graph()) == []


def test_the_graph_sees_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_settings_and_the_model_import_no_rule_and_no_report_even_lazily() -> None:
    graph = import_graph(everywhere=True)
    for low in ("marklint.config", "marklint.model", "marklint.errors", "marklint.dates", "marklint.results"):
        above = {name for name in graph[low] if name.startswith(("marklint.checks", "marklint.report", "marklint.cli"))}
        assert above == set(), (low, above)
    assert "marklint.report.sarif" not in graph["marklint.results"]
    assert "marklint.ledger" not in graph["marklint.model"]


def test_importing_the_settings_loads_no_rule() -> None:
    code = "import sys, marklint.config; print(sorted(m for m in sys.modules if m.startswith('marklint.checks')))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "[]\n"
