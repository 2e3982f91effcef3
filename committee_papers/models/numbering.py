"""Numbering schemes: the numbers a reader sees on headings, paragraphs and appendices, worked out in one place.

A council's kind file names its scheme; the templates print the numbers this
module gives and never count for themselves, so a paragraph reference is
checked against, and printed as, the number on the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import Field

from ..sources.notes import label as note_label
from .common import Paragraph, Strict, numbered_paragraphs

Counter = Literal["decimal", "lower-alpha", "upper-alpha", "lower-roman", "upper-roman"]

Style = Literal["decimal", "decimal-zero", "headings", "running", "restart", "none"]


class ParagraphScheme(Strict):
    """How headings and paragraphs are numbered."""

    style: Style = "decimal"
    """decimal: headings 1, 1.1 and paragraphs under them 1.1, 1.1.1; decimal-zero: headings 1.0, paragraphs 1.1;
    headings: only headings, 1, 1.1; running: paragraphs 1, 2, 3 through the paper; restart: paragraphs 1, 2, 3
    under each heading; none: no numbers."""
    counter: Counter = "decimal"
    """How a running or restarting number is written: 1 (decimal), a (lower-alpha), A, i (lower-roman), I."""
    format: str = Field(default="{}", pattern=r"^[^{}]*\{\}[^{}]*$", examples=["{}", "{}.", "({})"])
    """How a number is printed, {} standing for it: "{}." gives 1., "({})" gives (a)."""
    start: int | str = Field(default=1, examples=[1, 49, "first_item"])
    """The first number at the top level: 49 where agenda items run on through the municipal year; or the key of a
    front-sheet field in which each paper gives its own first number."""

    @property
    def first(self) -> int:
        """Return the first number: the scheme's, or 1 until a paper's own has been filled in."""
        return self.start if isinstance(self.start, int) else 1


AppendixStyle = Literal["upper-alpha", "decimal", "lower-alpha", "upper-roman", "item-upper-alpha", "item-decimal", "council"]


class AppendixScheme(Strict):
    """How appendices are named."""

    prefix: str = Field(default="Appendix", examples=["Appendix", "Annex", "Enclosure"])
    """The word before an appendix's number: Appendix, Annex, Enclosure."""
    style: AppendixStyle = "upper-alpha"
    """upper-alpha: A, B; decimal: 1, 2; item-upper-alpha: the agenda item then a letter, 1A, 1B; item-decimal: 8.1, 8.2;
    council: letters or numbers as the council's theme says (`numbering.appendices`), for a kind every council uses."""
    separator: str | None = Field(default=None, examples=[". "])
    """How the title follows the name: on a line of its own under it (when not given), or after it on one line,
    joined by this text (". " with no prefix and decimal gives 1. Overall risk summary)."""


def counter(n: int, style: Counter) -> str:
    """Return the nth number written in a counter style: 3, c, C, iii or III."""
    if style in ("upper-alpha", "upper-roman"):
        return note_label(n, "lower-" + style.removeprefix("upper-")).upper()
    return note_label(n, style)


def appendix_name(scheme: AppendixScheme, n: int, agenda_item: str | None, council: str = "letters") -> str:
    """Return the name of the nth appendix in a council's scheme: Appendix A, Annex 1, Enclosure 8.1.

    council is the theme's own style (letters or numbers), which the scheme's style `council` takes.
    """
    style = scheme.style
    if style == "council":
        style = "decimal" if council == "numbers" else "upper-alpha"
    if style == "item-upper-alpha":
        number = f"{agenda_item or ''}{counter(n, 'upper-alpha')}"
    elif style == "item-decimal":
        number = f"{agenda_item}.{n}" if agenda_item else str(n)
    else:
        number = counter(n, style)
    return f"{scheme.prefix} {number}".strip()


@dataclass
class Node:
    """A part of a paper to number: an optional heading, its blocks, then the parts inside it."""

    heading: str | None
    blocks: list[Any]
    children: list[Node] = field(default_factory=list)
    id: str | None = None
    key: str | None = None
    """The kind's name for this part (recommendations ...); None for the officer's own sections."""
    scheme: ParagraphScheme | None = None
    """A part's own numbering of its paragraphs (lettered recommendations ...), if not the paper's."""
    extra: dict[str, Any] = field(default_factory=dict)
    """What the template needs besides (a formula, the part's value)."""
    numbered: bool = True
    """False for a heading printed without a number, whose paragraphs carry on the count around it."""
    ref: str | None = None
    """A reference the part is known by (an action code), printed where its number would be."""


@dataclass
class NumberedBlock:
    """A block and the numbers printed beside it: one for a paragraph, one per item for recommendations ..."""

    numbers: list[str]
    """The block's paragraph numbers; a block with points under its paragraph has their numbers after it (4., 4.1, 4.2)."""
    block: Any

    @property
    def number(self) -> str | None:
        """Return the block's first number, if it has any."""
        return self.numbers[0] if self.numbers else None


@dataclass
class NumberedSection:
    """A part of a paper with its printed heading number and its numbered blocks."""

    number: str | None
    heading: str | None
    level: int
    """1 for a part at the top of the paper or appendix, 2 inside it ..."""
    blocks: list[NumberedBlock]
    sections: list[NumberedSection]
    id: str | None = None
    key: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outline:
    """The numbered parts of a paper, and each printed paragraph number by what a reference may write."""

    sections: list[NumberedSection]
    paragraphs: dict[str, str]
    """A paragraph's number as written (4.1, b) or its id, to the number printed (4.1., (b))."""
    labels: dict[str, str] = field(default_factory=dict)
    """A paragraph's id to its number without the scheme's format (1 for 1)): what a table cell referring to it prints."""


def numbered(block: Any) -> int:
    """Return how many paragraph numbers a block carries: one for text, one per recommendation, none for a table."""
    return numbered_paragraphs(block)


@dataclass
class _Scope:
    """The count of numbered things under one heading; headingless parts share their parent's."""

    prefix: tuple[int, ...]
    count: int = 0


class Numberer:
    """Number the parts of one paper (or appendix) by one scheme, in reading order."""

    def __init__(self, scheme: ParagraphScheme) -> None:
        self.scheme = scheme
        self.running = scheme.first - 1
        self.paragraphs: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self._label = ""

    def outline(self, nodes: list[Node]) -> Outline:
        """Return the numbered parts of a list of top-level parts."""
        sections = self._sections(nodes, _Scope((), self.scheme.first - 1), 1)
        return Outline(sections, self.paragraphs, self.labels)

    def _sections(self, nodes: list[Node], scope: _Scope, level: int) -> list[NumberedSection]:
        return [self._section(node, scope, level) for node in nodes]

    def _section(self, node: Node, scope: _Scope, level: int) -> NumberedSection:
        number, inner = None, scope
        if node.heading is not None and node.numbered:
            inner = self._heading_scope(scope)
            number = self._heading_number(inner.prefix)
        number = node.ref or number
        blocks = self._blocks(node, inner)
        children = self._sections(node.children, inner, level + (node.heading is not None))
        return NumberedSection(number, node.heading, level, blocks, children, node.id, node.key, node.extra)

    def _heading_scope(self, scope: _Scope) -> _Scope:
        if self.scheme.style in ("decimal", "decimal-zero", "headings"):
            scope.count += 1
            return _Scope((*scope.prefix, scope.count))
        return _Scope(scope.prefix)  # restart counts afresh under each heading; running ignores the scope

    def _heading_number(self, prefix: tuple[int, ...]) -> str | None:
        style = self.scheme.style
        if style not in ("decimal", "decimal-zero", "headings"):
            return None
        text = ".".join(map(str, prefix)) + (".0" if style == "decimal-zero" and len(prefix) == 1 else "")
        return self.scheme.format.format(text)

    def _blocks(self, node: Node, scope: _Scope) -> list[NumberedBlock]:
        if node.scheme is not None:  # a part numbered its own way: its count starts afresh
            own = Numberer(node.scheme)
            decimal = node.scheme.style.startswith("decimal")
            own_scope = _Scope(scope.prefix, 0) if decimal else _Scope((), node.scheme.first - 1)
            blocks = [NumberedBlock(own._numbers(own_scope, b), b) for b in node.blocks]
            self.paragraphs.update(own.paragraphs)
            self.labels.update(own.labels)
            return blocks
        return [NumberedBlock(self._numbers(scope, b), b) for b in node.blocks]

    def _numbers(self, scope: _Scope, block: Any) -> list[str]:
        """Return the numbers of the next block in a scope, counting each paragraph it carries."""
        if self.scheme.style in ("headings", "none"):
            return []
        numbers = [self._next(scope) for _ in range(numbered(block))]
        if numbers and isinstance(block, Paragraph):
            self.paragraphs[block.id] = numbers[0]
            self.labels[block.id] = self._label
        points = getattr(block, "subparagraphs", None)
        if numbers and callable(points):  # points under a paragraph: 4.1, 4.2 after paragraph 4
            for n in range(1, points() + 1):
                label = f"{self._label}.{n}"
                self.paragraphs.setdefault(label, label)
                numbers.append(label)
        return numbers

    def _next(self, scope: _Scope) -> str:
        """Return the next paragraph number in a scope, and count it."""
        style = self.scheme.style
        if style == "running":
            self.running += 1
            label = counter(self.running, self.scheme.counter)
        elif style == "restart":
            scope.count += 1
            label = counter(scope.count, self.scheme.counter)
        else:
            scope.count += 1
            label = ".".join(map(str, (*scope.prefix, scope.count)))
        printed = self.scheme.format.format(label)
        self._label = label
        self.paragraphs.setdefault(label, printed)
        self.paragraphs.setdefault(printed, printed)
        return printed
