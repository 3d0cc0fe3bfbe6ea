"""marklint's compiled loops (``marklint.parsers._marklint_*``, each built from the C source of the same name
beside it), and the check that a binary was built from that source.

pip builds the binaries where a C compiler is found; nothing else ties a binary to its source. A binary left
from an older source (an editable install not rebuilt, a copy) would read documents with other code than
the repository holds, so each carries the SHA-256 of the source it was built from (``SOURCE_SHA256`` in its
``.c`` file, computed with its own digest written as zeros) and is refused when that is not the digest of
the source beside it: the caller then runs the same loop in Python, its tested fallback.
"""

from __future__ import annotations

import hashlib
import importlib
import re
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).parent
_DIGEST_LINE = re.compile(rb'(#define SOURCE_SHA256 ")[0-9a-f]{64}(")')


def source_of(name: str) -> Path:
    """The C source of compiled module ``name`` (``_marklint_chars``...)."""
    return HERE / f"{name}.c"


def source_sha256(source: bytes) -> str:
    """The digest a build of ``source`` carries: its SHA-256 with the digest's own place written as zeros."""
    zeroed = _DIGEST_LINE.sub(lambda m: m.group(1) + b"0" * 64 + m.group(2), source, count=1)
    return hashlib.sha256(zeroed).hexdigest()


def load(name: str) -> ModuleType:
    """Compiled module ``name`` of this package; ImportError when it was not built, or was built from
    another source than the one beside it."""
    compiled = importlib.import_module(f"{__package__}.{name}")
    source = source_of(name)
    try:
        shipped = source_sha256(source.read_bytes())
    except OSError as exc:
        raise ImportError(f"no {source.name} beside {compiled.__file__} to check it against") from exc
    if getattr(compiled, "source_sha256", None) != shipped:
        raise ImportError(f"{compiled.__file__} was built from another {source.name}: a stale build")
    return compiled
