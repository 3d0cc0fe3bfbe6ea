"""Classification labels in a file's metadata: custom properties (密级, WPS's SecurityLevel),
Microsoft Purview (MSIP) labels, PDF Info and XMP entries, read from Document.properties."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from marklint import regex_cache
from marklint.marking import recognise
from marklint.model import LEVELS

#: Label words and the level they mean. Chinese vendors use the English words this way; the
#: configuration may extend the table. None means "not a state secret".
DEFAULT_VOCABULARY: dict[str, str | None] = {
    "TOP SECRET": "绝密", "TOPSECRET": "绝密", "TOP_SECRET": "绝密",
    "SECRET": "机密",
    "CONFIDENTIAL": "秘密",
    "公开": None, "非密": None, "无": None, "内部": None, "PUBLIC": None, "INTERNAL": None,
    "UNCLASSIFIED": None, "GENERAL": None, "NONE": None, "NON-SECRET": None,
}
#: Property names that carry a classification (compared without case, spaces or underscores).
LABEL_NAMES = {"密级", "保密级别", "秘密等级", "密级标志", "文件密级", "密级程度", "securitylevel", "classification",
               "classificationlevel", "securityclassification", "seclevel"}
PURVIEW_NAME = regex_cache.compile(r"^custom:MSIP_Label_(?P<guid>[0-9a-fA-F-]+)_Name$")


@dataclass(frozen=True)
class Label:
    """A classification label found in a file's metadata properties."""

    key: str  # the property as the file names it, e.g. custom:密级
    value: str
    level: str | None  # 绝密 / 机密 / 秘密, or None for a label that says "not secret"


def level_of(value: str, vocabulary: dict[str, str | None]) -> tuple[bool, str | None]:
    """(understood, level) for a label value: 机密, 机密★5年, SECRET, 公开 …"""
    cleaned = value.strip()
    if cleaned in LEVELS:
        return True, cleaned
    upper = " ".join(cleaned.upper().split())
    if upper in vocabulary:
        return True, vocabulary[upper]
    if cleaned in vocabulary:
        return True, vocabulary[cleaned]
    found = recognise(cleaned)
    if found and found[0].is_state_secret:
        return True, found[0].level
    return False, None


_SEPARATORS = regex_cache.compile(r"[\s_\-]")


@functools.lru_cache(maxsize=256)  # the same few property names recur in every file
def _normal(name: str) -> str:
    return _SEPARATORS.sub("", name).lower()


def metadata_labels(properties: dict[str, str], vocabulary: dict[str, str | None] | None = None) -> list[Label]:
    """Every classification label the metadata carries, in a stable order."""
    vocabulary = DEFAULT_VOCABULARY if vocabulary is None else vocabulary
    labels = []
    for key in sorted(properties):
        value = properties[key]
        source, _, name = key.partition(":")
        purview = PURVIEW_NAME.match(key) if key.startswith("custom:MSIP_Label_") else None  # its literal prefix
        if purview:
            enabled = properties.get(f"custom:MSIP_Label_{purview.group('guid')}_Enabled", "true").lower()
            if enabled != "true":
                continue
        elif source in ("custom", "info", "xmp"):
            if _normal(name.rpartition(":")[2]) not in LABEL_NAMES:
                continue
        elif not (source == "core" and name in ("category", "contentStatus")):
            continue
        understood, level = level_of(value, vocabulary)
        if understood and (level is not None or source != "core"):
            labels.append(Label(key, value, level))
    return labels
