"""Statuses in the text: a paragraph whose points carry a status each, and a list grouped by status band."""

from __future__ import annotations

from pydantic import Field

from .common import Prose, Strict
from .status import Rating, StatusName


class Point(Strict):
    """A point numbered under its paragraph (4.1, 4.2 ...), with its status."""

    text: Prose
    """What the point says (Markdown)."""
    status: Rating | None = None
    """A status of the council's scale, or labelled statuses (drug treatment: Amber; two further: N/A)."""
    remark: str | None = Field(default=None, examples=["Baseline established"])
    """Words after the status, in brackets, or in its place when there is none."""


class Points(Strict):
    """A numbered paragraph leading into points numbered under it, each with its status."""

    text: Prose
    """The paragraph that leads into the points (Markdown); it takes the paper's next paragraph number."""
    items: list[Point] = Field(min_length=1)
    """The points, numbered under the paragraph: 4.1, 4.2 ..."""

    def paragraphs(self) -> int:
        """Return how many of the paper's paragraph numbers the block takes: one, its points are numbered under it."""
        return 1

    def subparagraphs(self) -> int:
        """Return how many points are numbered under the paragraph."""
        return len(self.items)


class StatusItem(Strict):
    """A thing listed under the band of its status."""

    text: Prose = Field(examples=["Waste lowest authority"])
    """What is listed (Markdown, one line)."""
    detail: str | None = Field(default=None, examples=["Cleaner and Greener"])
    """Printed after it in brackets: the block, service or plan it belongs to."""
    status: StatusName
    """Its status, which is the band it is listed under: Green."""


class StatusList(Strict):
    """Things listed under a heading for each status of the council's scale, in the scale's order."""

    items: list[StatusItem] = Field(min_length=1)
    """The things, in the order they are listed within their band."""
