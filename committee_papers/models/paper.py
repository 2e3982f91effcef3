"""What every kind of paper has, and the walk over its text that checks use."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, Field, PrivateAttr

from ..sources.notes import note_problems
from .columns import reference_problems, summary_problems
from .common import Prose, Status, Strict, Table
from .kpi import Kpi
from .memo import keeping, once
from .milestones import Milestones
from .scoring import score_problems
from .totals import TotalsTable

Located = tuple[tuple[Any, ...], str]

GENERAL = (Table, TotalsTable, Kpi, Milestones)
"""General blocks whose own checks every kind of paper runs."""


class Exempt(Strict):
    """Exempt information under Schedule 12A of the Local Government Act 1972."""

    paragraph: int = Field(ge=1, le=7)
    """The paragraph of Part 1 of Schedule 12A (1-7)."""
    reason: Prose | None = None
    """Why the public interest in keeping it exempt outweighs disclosure."""


class PaperBase(Strict):
    """Fields and checks shared by every kind of paper."""

    kind: str
    """The kind of paper, written first."""
    council: str = Field(examples=["leicester-city"])
    """The council's theme: a folder in templates/."""
    status: Status = "final"
    """draft or final; a draft carries a DRAFT mark on every page."""
    title: str = Field(examples=["Comprehensive Performance Assessment"])
    """The title of the paper."""
    agenda_item: str | None = None
    """The agenda item number, once the clerk has it; an agenda pack sets it for its own copy."""
    exempt: Exempt | None = None
    """Set when the paper is not for publication; its outputs then go under output/confidential/."""
    status_scale: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9-]*$", examples=["trajectory"])
    """The council's status scale this paper rates with (a name under `statuses:` in its theme); the first when not given."""

    _data: dict[tuple[Any, ...], tuple[Any, Any]] = PrivateAttr(default_factory=dict)

    @classmethod
    def validation_context(cls) -> dict[str, Any]:
        """Return what checking a paper of this kind needs besides the paper (a declared kind's standard tables)."""
        return {}

    def data_files(self) -> list[tuple[tuple[Any, ...], str, type[BaseModel]]]:
        """Return the data files the paper's blocks name: (field path, path relative to the paper, model to read it as)."""
        return [((*path, *sub), name, model) for path, block in blocks_of(self) if block is not self and callable(getattr(block, "data_files", None))
                for sub, name, model in block.data_files()]

    def data_named(self, name: str) -> Any:
        """Return the checked contents of a data file by the path the paper writes for it."""
        return next(self.data(path) for path, written, _ in self.data_files() if written == name)

    def attach(self, path: tuple[Any, ...], source: Any, data: Any) -> None:
        """Keep a data file the paper names, read and checked, with its source (for error lines)."""
        self._data[path] = (source, data)

    def data(self, path: tuple[Any, ...]) -> Any:
        """Return the checked contents of the data file named at a field path."""
        return self._data[path][1]

    def data_sources(self) -> list[tuple[Any, Any]]:
        """Return (source, contents) of every data file the paper names."""
        return list(self._data.values())

    def problems(self) -> list[Located]:
        """Return figures and references that contradict the rest of the paper.

        Kinds add their own checks to these, which hold for every kind: rows
        that do not fill their table, overall scores that disagree with their
        rules, and note markers without notes (or notes without markers).
        """
        models = list(blocks_of(self))
        found = [((*path, *sub), message) for path, m in models if isinstance(m, GENERAL) for sub, message in m.problems()]
        tables = [(path, m) for path, m in models if isinstance(m, Table)]
        ids = ids_of(self) if tables else set()  # once for the paper, not once a table
        found += [((*path, *sub), message) for path, m in tables for sub, message in reference_problems(m, ids)]
        found += summary_problems(models)
        found += [((*path, *sub), message) for path, m in models if m is not self and callable(getattr(m, "data_problems", None))
                  for sub, message in m.data_problems(self.data_named)]
        return found + score_problems(models) + note_problems(list(texts(self)), self.note_scopes())

    def theme_problems(self, theme: Any) -> list[Located]:
        """Return values that do not fit the council's theme (such as a risk level beyond its scales).

        Kinds add their own to these: what each block says of itself against
        the theme (an implication heading the council does not have, a formula
        naming a committee the paper does not go to).
        """
        committee = self.committee_name()
        return [((*path, *sub), message) for path, block in blocks_of(self) if hasattr(block, "theme_problems") and block is not self
                for sub, message in block.theme_problems(theme, committee)]

    def committee_name(self) -> str | None:
        """Return the committee, board or Cabinet the paper goes to, if its kind says; decision formulas name it."""
        return None

    def note_scopes(self) -> dict[tuple[Any, ...], set[str]]:
        """Return each part of the paper that collects its own notes (by path) and its note markers."""
        return {(): set()}

    def derived(self) -> dict[str, Any]:
        """Return the figures the templates show but officers do not type."""
        return {}

    def document_date(self) -> datetime.date | None:
        """Return the date the paper's metadata carries, if the kind has one."""
        return None


def walk(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Yield every value inside a validated paper with the path it was written at, outermost first."""
    return _remembered(value, path, leaves=True)


def _remembered(value: Any, path: tuple[Any, ...], *, leaves: bool) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Walk a paper; a whole paper once (within walked_once), however many checks walk it, with or without its leaves."""
    if path or not keeping():
        return _walk(value, path, leaves=leaves)
    if leaves:
        return iter(once("walk", value, lambda: list(_walk(value, (), leaves=True))))
    return iter(once("blocks", value, lambda: [(p, v) for p, v in _remembered(value, (), leaves=True) if isinstance(v, CONTAINERS)]))


CONTAINERS = (BaseModel, list, tuple, dict)


def _walk(value: Any, path: tuple[Any, ...], *, leaves: bool) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Walk a paper outermost first, with its text, numbers and dates or without them.

    A stack, not recursion: nested generators cost every value one step per level above it, and checking
    walks each paper several times; a walk for blocks alone makes no path for the values it would skip.
    """
    stack = [(path, value)]
    while stack:
        path, value = stack.pop()
        yield path, value
        if isinstance(value, BaseModel):
            items: Any = [(name, getattr(value, name)) for name in type(value).model_fields]
        elif isinstance(value, (list, tuple)):
            items = list(enumerate(value))
        elif isinstance(value, dict):
            items = list(value.items())
        else:
            continue
        stack.extend(((*path, key), item) for key, item in reversed(items) if leaves or isinstance(item, CONTAINERS))


def ids_of(value: Any) -> set[str]:
    """Return every id and ref written in a paper: what a reference column may name."""
    return {v for path, v in walk(value) if path and path[-1] in ("id", "ref") and isinstance(v, str)}


def texts(value: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Yield every string in a paper with its path."""
    return ((path, v) for path, v in walk(value) if isinstance(v, str))


def blocks_of(value: Any) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Yield every model inside a paper with its path."""
    return ((path, v) for path, v in _remembered(value, (), leaves=False) if isinstance(v, BaseModel))
