"""Building blocks shared by every kind of paper: prose, tables, notes."""

from __future__ import annotations

import datetime
import functools
import re
import typing
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, GetJsonSchemaHandler, Tag, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError
from pydantic.json_schema import JsonSchemaValue

# A tag in an error location is not a key in the YAML; this prefix lets the
# validation stage drop it when it maps an error back to a line.
TAG_PREFIX = "§"

MARKDOWN = (
    "Markdown: **bold**, *italic*, [links](https://...), bullet lists with '- ', "
    "numbered lists with '1. ', and note markers such as [^iv]."
)


class TypeHelp:
    """Describe a type in a schema (how to write it, examples) wherever no field says more.

    A `Field(description=...)` on a shared type would beat the docstring of
    every field of that type; set on the type's own schema, the field's
    docstring wins and this shows only where the type stands alone (a list item).
    """

    def __init__(self, description: str, **extra: Any) -> None:
        self.description = description
        self.extra = extra

    def __get_pydantic_json_schema__(self, schema: Any, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {**handler(schema), **self.extra, "description": self.description}


Prose = Annotated[str, TypeHelp(MARKDOWN, format="markdown")]

DataFile = Annotated[
    str, TypeHelp("A data file in content/data/, its path from this paper's folder: ../data/laa/2006-07-q3.yaml.")
]
"""A reference to a data file; the paper's data_files() says which model reads it."""


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@functools.cache
def _is_date_field(model: type[BaseModel], name: str) -> bool:
    """Tell whether a model's field holds a date (or nothing)."""
    field = model.model_fields.get(name)
    return field is not None and datetime.date in (field.annotation, *typing.get_args(field.annotation))


class Strict(BaseModel):
    """A mapping in content: unknown keys are errors, strings stay strings, dates are ISO dates."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _iso_date(cls, value: Any, info: ValidationInfo) -> Any:
        # pydantic would read 1194825600 as seconds since 1970 and 2007-11-12T10:00 as a date with a time
        if isinstance(value, str) and not _ISO_DATE.fullmatch(value) and info.field_name and _is_date_field(cls, info.field_name):
            raise PydanticCustomError("date_parsing", "expected an ISO date")
        return value


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


def by_shape(shapes: dict[type, Any], expected: str) -> Any:
    """Return a union whose member is chosen by the YAML shape (text, list or mapping) of a value.

    Choosing by shape means an error names one member ("expected 2 cells")
    rather than every member pydantic tried.
    """

    def tag(value: Any) -> str | None:
        shape = next((s for s in shapes if isinstance(value, s)), None)
        return TAG_PREFIX + shape.__name__ if shape else None

    members = tuple(Annotated[member, Tag(TAG_PREFIX + shape.__name__)] for shape, member in shapes.items())
    return Annotated[Union[members], Discriminator(tag, custom_error_type="shape", custom_error_message=expected)]


def by_key(members: dict[str, Any], expected: str) -> Any:
    """Return a union whose member is chosen by which one of its keys a mapping has (`groups:` or `priorities:`).

    A mapping with none of the keys is read as the first member, so a misspelt
    key gets its did-you-mean; one with several, or a value that is no mapping, gets `expected`.
    """

    def tag(value: Any) -> str | None:
        if not isinstance(value, dict):
            return None
        named = [key for key in members if key in value] or [next(iter(members))]
        return TAG_PREFIX + named[0] if len(named) == 1 else None

    tagged = tuple(Annotated[member, Tag(TAG_PREFIX + key)] for key, member in members.items())
    return Annotated[Union[tagged], Discriminator(tag, custom_error_type="key", custom_error_message=expected)]


CellValue = by_shape({str: Prose, dict: Cell}, "expected text or a mapping with text and span")
ColumnValue = by_shape({str: str, dict: Column}, "expected a heading or a mapping with title and width")
Row = by_shape({list: list[CellValue], dict: GroupRow}, "expected a list of cells or a mapping with group")


class Table(Strict):
    """A table with a header row that repeats on every page."""

    caption: str = Field(min_length=1, examples=["Scoring guidance"])
    """The table's title, shown above it and read out by screen readers first: every table needs one."""
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
    """The heading of the box."""
    items: list[Prose] = Field(min_length=1)
    """The facts, one each."""


class TimelineEntry(Strict):
    """One period of a timeline and what happened in it."""

    period: str
    """A year, a range or a word such as 'Onwards'."""
    events: list[Prose] = Field(min_length=1)
    """What happened in the period, one each."""


class Timeline(Strict):
    """Events by period."""

    title: str | None = None
    """The heading of the timeline, if any."""
    entries: list[TimelineEntry] = Field(min_length=1)
    """The periods, in order."""


class Quote(Strict):
    """A quotation and where it comes from."""

    text: Prose
    """The words quoted (Markdown)."""
    source: Prose | None = None
    """Who said it or where it was written (Markdown, so it may carry a note marker)."""


class Paragraph(Strict):
    """A paragraph that other parts of the paper refer to by id."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    """A short name, lower case with hyphens, used in paragraph references."""
    text: Prose
    """The paragraph's text (Markdown)."""


class DatedEvent(Strict):
    """A meeting or milestone on a date."""

    date: datetime.date
    """An ISO date: 2007-11-10."""


Status = Literal["draft", "final"]


class Officer(Strict):
    """An officer: their post, and their name if the paper gives it."""

    name: str | None = Field(default=None, examples=["Andy Morley"])
    """The officer's name, if the paper gives it."""
    post: str = Field(examples=["Chief Accountant"])
    """The officer's post."""

    def line(self) -> str:
        """Return the officer as one line: name and post, or the post alone when no name is given."""
        return ", ".join(part for part in (self.name, self.post) if part)


class Contact(Officer):
    """An officer to contact about a paper: post, and any of name, team, telephone and email."""

    team: str | None = None
    """The officer's team or division."""
    phone: str | None = Field(default=None, examples=["0116 252 6000"])
    """A telephone number or extension."""
    email: str | None = Field(default=None, examples=["officer@example.gov.uk"])
    """An email address."""

    def lines(self) -> list[str]:
        """Return the lines printed before the email address: name (if given), post, team, telephone."""
        return [part for part in (self.name, self.post, self.team, self.phone) if part]
