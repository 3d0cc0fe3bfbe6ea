"""``cached``: a property computed on first read and kept in the instance, as ``functools.cached_property``
without its lock.

On Python 3.11 ``functools.cached_property`` takes a lock on every first read (3.12 dropped it): about a
microsecond each, and judging a file reads some ten of them first (``analysis.Analysis``,
``checks.context.Context``). Those objects belong to one call of ``driver.judge`` in one thread, so there
is nothing for the lock to guard.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class cached(Generic[T]):  # lower case: a decorator, named as functools.cached_property is
    """Decorate a method of no arguments: its value, computed on the first read, is stored in the
    instance's ``__dict__`` under the method's name, where every later read finds it without a call."""

    def __init__(self, compute: Callable[[Any], T]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: object, owner: type | None = None) -> T:
        if instance is None:
            return self  # type: ignore[return-value]
        value = instance.__dict__[self.name] = self.compute(instance)
        return value
