"""The exceptions a person can act on; anything else is a bug with a traceback."""

from __future__ import annotations

import difflib
import itertools
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

    def about(self, name: str) -> str:
        """Return the message as said of one paper or pack: its name first."""
        return f"{name}: {self}"


MAX_MESSAGES = 50
"""The most problems told of one file: past that, a file is the wrong file, and a clerk needs its first mistakes."""


class ContentError(PaperError):
    """A source file has problems; each is reported, up to MAX_MESSAGES a file."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        self.lines = _lines(self.problems)
        """The problems as printed: at most MAX_MESSAGES a file, then how many more."""
        super().__init__("\n".join(self.lines))


def _lines(problems: list[Problem]) -> list[str]:
    """Return sorted problems as lines, at most MAX_MESSAGES for each file, then a line saying how many more."""
    lines = []
    for file, group in itertools.groupby(problems, key=lambda p: p.file):
        found = list(group)
        lines += [str(p) for p in found[:MAX_MESSAGES]]
        if len(found) > MAX_MESSAGES:
            lines.append(f"{file}: and {len(found) - MAX_MESSAGES} more problems; mend the ones above first")
    return lines


class ThemeError(PaperError):
    """A council theme is missing or wrong."""


class RenderError(PaperError):
    """A paper could not be laid out: an element, an asset or a link is not allowed."""


class TemplateProblem(RenderError):
    """A council's template could not be drawn: the template, its line, and what went wrong."""

    def __init__(self, where: str, what: str) -> None:
        self.where = where
        super().__init__(f"{where}: {what}")

    def about(self, name: str) -> str:
        """Return the message with the template's place first, as an editor jumps to it, then the paper."""
        return f"{self} (while laying out {name})"


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
