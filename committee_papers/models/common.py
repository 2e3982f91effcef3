"""Building blocks shared by every kind of paper: prose, tables, notes."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

# A tag in an error location is not a key in the YAML; this prefix lets the
# validation stage drop it when it maps an error back to a line.
TAG_PREFIX = "§"

Prose = Annotated[
    str,
    Field(
        description="Markdown: **bold**, *italic*, [links](https://...), bullet lists "
        "with '- ', numbered lists with '1. ', and note markers such as [^iv].",
        json_schema_extra={"format": "markdown"},
    ),
]


class Strict(BaseModel):
    """A mapping in content: unknown keys are errors, strings stay strings."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class Column(Strict):
    """A table column: its heading and, optionally, its share of the width."""

    title: str
    """The column heading, repeated at the top of every page."""
    width: int | None = Field(default=None, ge=1, le=100)
    """Share of the table width, in per cent."""


class Cell(Strict):
    """A table cell that needs more than text."""

    text: Prose = ""
    """What the cell says (Markdown)."""
    span: int = Field(default=1, ge=1)
    """How many columns the cell spans."""


class GroupRow(Strict):
    """A sub-heading row that spans the whole table."""

    group: str
    """The sub-heading text."""


def _text_or_cell(value: Any) -> str | None:
    if isinstance(value, str):
        return TAG_PREFIX + "text"
    return TAG_PREFIX + "cell" if isinstance(value, dict) else None


CellValue = Annotated[
    Annotated[Prose, Tag(TAG_PREFIX + "text")] | Annotated[Cell, Tag(TAG_PREFIX + "cell")],
    Discriminator(_text_or_cell, custom_error_type="text_or_mapping", custom_error_message="expected text or a mapping with text and span"),
]


def _text_or_column(value: Any) -> str | None:
    if isinstance(value, str):
        return TAG_PREFIX + "text"
    return TAG_PREFIX + "column" if isinstance(value, dict) else None


ColumnValue = Annotated[
    Annotated[str, Tag(TAG_PREFIX + "text")] | Annotated[Column, Tag(TAG_PREFIX + "column")],
    Discriminator(_text_or_column, custom_error_type="text_or_mapping", custom_error_message="expected a heading or a mapping with title and width"),
]


def _row_tag(value: Any) -> str | None:
    if isinstance(value, list):
        return TAG_PREFIX + "cells"
    return TAG_PREFIX + "group" if isinstance(value, dict) else None


Row = Annotated[
    Annotated[list[CellValue], Tag(TAG_PREFIX + "cells")]
    | Annotated[GroupRow, Tag(TAG_PREFIX + "group")],
    Discriminator(_row_tag, custom_error_type="row_kind", custom_error_message="expected a list of cells or a mapping with group"),
]


class Table(Strict):
    """A table with a header row that repeats on every page."""

    caption: str | None = None
    """A short title read out by screen readers and shown above the table."""
    columns: list[ColumnValue] = Field(min_length=1)
    """Column headings, left to right: a heading, or a mapping with title and width."""
    rows: list[Row] = Field(min_length=1)
    """Rows, each a list of cells in column order, or a `group:` sub-heading."""

    @property
    def column_specs(self) -> list[Column]:
        """Return every column as a Column."""
        return [c if isinstance(c, Column) else Column(title=c) for c in self.columns]

    def problems(self) -> list[tuple[tuple[Any, ...], str]]:
        """Return rows whose cells do not fill the columns exactly."""
        found = []
        for i, row in enumerate(self.rows):
            if isinstance(row, GroupRow):
                continue
            width = sum(cell.span if isinstance(cell, Cell) else 1 for cell in row)
            if width != len(self.columns):
                found.append(
                    (("rows", i), f"expected {len(self.columns)} cells to match the columns, got {width}")
                )
        return found


class Fact(Strict):
    """A boxed facts-and-figures list."""

    title: str
    items: list[Prose] = Field(min_length=1)


class TimelineEntry(Strict):
    """One period of a timeline and what happened in it."""

    period: str
    """A year, a range or a word such as 'Onwards'."""
    events: list[Prose] = Field(min_length=1)


class Timeline(Strict):
    """Events by period."""

    title: str | None = None
    entries: list[TimelineEntry] = Field(min_length=1)


class Quote(Strict):
    """A quotation and where it comes from."""

    text: Prose
    source: Prose | None = None
    """Who said it or where it was written (Markdown, so it may carry a note marker)."""


class Paragraph(Strict):
    """A paragraph that other parts of the paper refer to by id."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    """A short name, lower case with hyphens, used in paragraph references."""
    text: Prose


class DatedEvent(Strict):
    """A meeting or milestone on a date."""

    date: datetime.date
    """An ISO date: 2007-11-10."""


Status = Literal["draft", "final"]
