"""A container and the documents embedded in it (parsers/embedded.py): one carrier holding another must
carry at least its level, as a compilation's cover must (保密法实施条例 Art 27). Reported as ML113 by
``layout.conflicting_markings``."""

from __future__ import annotations

from collections.abc import Iterator

from marklint.analysis import FoundMarking
from marklint.checks.context import Context
from marklint.model import LEVEL_RANK, Document, Finding, Location


def _descendants(document: Document) -> Iterator[Document]:
    for inner in document.embedded:
        yield inner
        yield from _descendants(inner)


def container_lower(ctx: Context) -> Iterator[Finding]:
    """One ML113 when an embedded document (at any depth) is marked higher than its container, or the
    container carries no marking at all: against the highest such document."""
    highest: tuple[Document, FoundMarking] | None = None
    for inner in _descendants(ctx.document):
        found = Context(inner, ctx.settings).analysis.primary if inner.units else None
        if found is not None and (highest is None or _rank(found) > _rank(highest[1])):
            highest = inner, found
    if highest is None:
        return
    inner, found = highest
    name = inner.path.removeprefix(ctx.document.path + "!/")
    primary = ctx.analysis.primary
    if primary is None:
        yield ctx.finding(
            "ML113", Location(page=None, part="body", line=None),
            f"文件未标注密级标志，但内嵌文件“{name}”标注“{found.marking.text}”",
            f"the file carries no marking, but the embedded document \"{name}\" is marked \"{found.marking.text}\"",
        )
    elif _rank(found) > _rank(primary):
        yield ctx.finding(
            "ML113", primary,
            f"文件标注“{primary.marking.text}”，低于内嵌文件“{name}”的“{found.marking.text}”",
            f"the file shows \"{primary.marking.text}\", lower than \"{found.marking.text}\" in the embedded "
            f"document \"{name}\"",
        )


def _rank(found: FoundMarking) -> int:
    return LEVEL_RANK.get(found.marking.level or "", 0)
