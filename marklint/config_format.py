"""The settings in force written as TOML, for ``marklint config``: keys as a configuration file spells
them (``fail-on``), tables after the plain keys, and a setting with no value (TOML has no null) as a
comment."""

from __future__ import annotations

import json


def as_toml(settings: dict) -> str:
    """``settings`` (``Settings.describe``) as a TOML document."""
    plain = {k: v for k, v in settings.items() if not isinstance(v, dict)}
    tables = {k: v for k, v in settings.items() if isinstance(v, dict)}
    lines = [_pair(key, value) for key, value in plain.items()]
    for name, table in tables.items():
        lines += ["", f"[{_key(name)}]", *(_pair(key, value) for key, value in table.items())]
    return "\n".join(lines)


def _key(name: str) -> str:
    key = name.replace("_", "-")
    return key if key.replace("-", "").isalnum() and key.isascii() else json.dumps(key, ensure_ascii=False)


def _pair(name: str, value: object) -> str:
    if value is None:
        return f"# {_key(name)} = (not set)"
    return f"{_key(name)} = {_value(value)}"


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items() if v is not None) + " }"
    return json.dumps(str(value), ensure_ascii=False)  # a TOML basic string is a JSON string
