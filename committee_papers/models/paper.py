"""What every kind of paper has, and the walk over its text that checks use."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from .common import Status, Strict

Located = tuple[tuple[Any, ...], str]


class PaperBase(Strict):
    """Fields and checks shared by every kind of paper."""

    kind: str
    council: str
    """The council's theme: a folder in templates/."""
    status: Status = "final"
    """draft or final; a draft carries a DRAFT mark on every page."""
    title: str

    def problems(self) -> list[Located]:
        """Return figures and references that contradict the rest of the paper."""
        return []

    def derived(self) -> dict[str, Any]:
        """Return the figures the templates show but officers do not type."""
        return {}

    def document_date(self) -> datetime.date | None:
        """Return the date the paper's metadata carries, if the kind has one."""
        return None


def texts(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Yield every string in a validated paper with the path it was written at."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from texts(getattr(value, name), (*path, name))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from texts(item, (*path, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from texts(item, (*path, key))


def blocks_of(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Yield every model inside a paper with its path, outermost first."""
    if isinstance(value, BaseModel):
        yield path, value
        for name in type(value).model_fields:
            yield from blocks_of(getattr(value, name), (*path, name))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from blocks_of(item, (*path, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from blocks_of(item, (*path, key))
