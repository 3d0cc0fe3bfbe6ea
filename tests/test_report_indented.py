"""The JSON report's fast indented encoder writes exactly what ``json.dumps(..., indent=2)`` writes."""

from __future__ import annotations

import enum
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marklint.report import indented

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text()
KEYS = st.text() | st.integers() | st.floats(allow_nan=False) | st.booleans() | st.none()
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                      | st.dictionaries(KEYS, inner, max_size=4), max_leaves=30)


def standard(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


@given(VALUES)
def test_any_json_value_is_written_as_the_standard_library_writes_it(value: object) -> None:
    assert indented.dumps(value) == standard(value)


class Level(enum.StrEnum):
    SECRET = "秘密"


class Rank(enum.IntEnum):
    TOP = 3


def test_enums_empty_containers_and_escapes() -> None:
    value = {"level": Level.SECRET, Level.SECRET: Rank.TOP, "rank": [Rank.TOP], "empty": [[], {}, ()],
             "text": "机密★5年\u2028\"\\\n\t\x00", "nan": float("nan"), "inf": [float("inf"), -float("inf")],
             "zero": -0.0}
    assert indented.dumps(value) == standard(value)


@pytest.mark.parametrize("value", [{"x": object()}, {(1, 2): "tuple key"}, [{1, 2}]])
def test_what_json_refuses_is_refused(value: object) -> None:
    with pytest.raises(TypeError):
        standard(value)
    with pytest.raises(TypeError):
        indented.dumps(value)
