"""What the checks of one paper work out once and share: its walks, its tables' grids.

Kept for the length of one paper's checks only: a paper is not changed while
it is checked, and a result kept longer would outlive a copy of it (the
traced copy the DOCX is made from).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_KEPT: ContextVar[dict[tuple[Any, int], tuple[Any, Any]] | None] = ContextVar("kept", default=None)


@contextmanager
def walked_once() -> Iterator[None]:
    """Within it, what once() works out for a value is worked out once, however many checks ask for it."""
    token = _KEPT.set({})
    try:
        yield
    finally:
        _KEPT.reset(token)


def keeping() -> bool:
    """Tell whether results are being kept (within walked_once)."""
    return _KEPT.get() is not None


def once(what: Any, value: Any, work: Callable[[], T]) -> T:
    """Return what work() makes of a value: within walked_once, made the first time it is asked for."""
    kept = _KEPT.get()
    if kept is None:
        return work()
    key = (what, id(value))
    if key not in kept:  # the value is kept with its result, so its id is not another's while the result is kept
        kept[key] = (value, work())
    return kept[key][1]
