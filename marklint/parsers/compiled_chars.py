"""The compiled character loop of pdf_glyphs, ``marklint.parsers._marklint_chars``, and the check that it
was built from the C source shipped beside it.

pip builds the binary where a C compiler is found; nothing else ties it to its source. A binary left
from an older source (an editable install not rebuilt, a copy) would read pages with other code than
the repository holds, so it carries the SHA-256 of the source it was built from (``SOURCE_SHA256`` in
``_marklint_chars.c``, computed with its own digest written as zeros) and is refused when that is not
the digest of the source beside it: pdf_glyphs then runs the same loop in Python.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from types import ModuleType

SOURCE = Path(__file__).with_name("_marklint_chars.c")
_DIGEST_LINE = re.compile(rb'(#define SOURCE_SHA256 ")[0-9a-f]{64}(")')


def source_sha256(source: bytes) -> str:
    """The digest a build of ``source`` carries: its SHA-256 with the digest's own place written as zeros."""
    zeroed = _DIGEST_LINE.sub(lambda m: m.group(1) + b"0" * 64 + m.group(2), source, count=1)
    return hashlib.sha256(zeroed).hexdigest()


def load_compiled_chars() -> ModuleType:
    """The compiled loop; ImportError when it was not built, or was built from another source."""
    from marklint.parsers import _marklint_chars as compiled

    try:
        shipped = source_sha256(SOURCE.read_bytes())
    except OSError as exc:
        raise ImportError(f"no {SOURCE.name} beside the compiled loop to check it against") from exc
    if getattr(compiled, "source_sha256", None) != shipped:
        raise ImportError(f"{compiled.__file__} was built from another {SOURCE.name}: a stale build")
    return compiled
