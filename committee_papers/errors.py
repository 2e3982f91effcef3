"""The exceptions a person can act on; anything else is a bug with a traceback."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file, at a line and column (or a spreadsheet's cell), in a field."""

    file: str
    line: int
    column: int
    field: str
    message: str
    cell: str = ""
    """A spreadsheet's cell (Sheet1!C12), named instead of the line and column: the officer looks there."""

    def __str__(self) -> str:
        where = f"{self.file}: {self.cell}" if self.cell else f"{self.file}:{self.line}:{self.column}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class PaperError(Exception):
    """Base of every error reported to the user as a message, without a traceback."""


class ContentError(PaperError):
    """A source file has problems; each is reported."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ThemeError(PaperError):
    """A council theme is missing or wrong."""


class RenderError(PaperError):
    """A paper could not be laid out: an element, an asset or a link is not allowed."""


class SystemLibraryError(PaperError):
    """A system library the renderers need is missing."""


def relative(path: Path, root: Path) -> str:
    """Return path as a person would type it from the project root."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """Return ' (did you mean 'x'?)' naming the option closest to a misspelt word, or nothing."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
