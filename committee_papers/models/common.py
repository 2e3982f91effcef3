"""Building blocks shared by every kind of paper: prose, tables, notes."""

from __future__ import annotations

import ast
import datetime
import functools
import inspect
import re
import string
import textwrap
import typing
from decimal import Decimal
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    GetJsonSchemaHandler,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError

from ..sources.dates import IN_RANGE, in_range
from ..sources.errors import did_you_mean
from ..sources.provenance import shows

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


class _UniqueMarker:
    """Marks a field whose values must each be used once in a paper (a section's reference)."""

    def __repr__(self) -> str:
        return "UNIQUE"


UNIQUE = _UniqueMarker()
"""Put in a field's Annotated metadata: the paper checks the values differ, and `new` gives each example its own number."""

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


def field_note(model: type[BaseModel], name: str) -> str | None:
    """Return what a model's field means: its Field(description=...), else the docstring under it in the source."""
    described = model.model_fields[name].description
    return described if described is not None else field_notes(model).get(name)


@functools.cache
def field_notes(model: type) -> dict[str, str]:
    """Return the docstring written under each field of a model and of the models it extends, by field name."""
    notes: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if "__annotations__" in vars(cls):
            notes.update(_docstrings_under_fields(cls))
    return notes


def _docstrings_under_fields(cls: type) -> dict[str, str]:
    """Return the string that follows each annotated name in a class's own body (a class made at run time has none)."""
    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):
        return {}
    body = ast.parse(source).body[0]
    if not isinstance(body, ast.ClassDef):
        return {}
    notes = {}
    for field, after in zip(body.body, body.body[1:]):
        if (isinstance(field, ast.AnnAssign) and isinstance(field.target, ast.Name) and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant) and isinstance(after.value.value, str)):
            notes[field.target.id] = inspect.cleandoc(after.value.value)
    return notes


class Strict(BaseModel):
    """A mapping in content: unknown keys are errors, strings stay strings, dates are ISO dates."""

    # Field docstrings are read by field_notes() when a command documents fields: pydantic's own reading
    # (use_attribute_docstrings) parses every model's source at import, a fifth of a second on every build and check.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _iso_date(cls, value: Any, info: ValidationInfo) -> Any:
        # pydantic would read 1194825600 as seconds since 1970 and 2007-11-12T10:00 as a date with a time
        if isinstance(value, str) and info.field_name and _is_date_field(cls, info.field_name):
            if not _ISO_DATE.fullmatch(value):
                raise PydanticCustomError("date_parsing", "expected an ISO date")
            if not in_range(int(value[:4])):
                raise PydanticCustomError("date_range", f"expected {IN_RANGE}")
        return value


ColumnType = Literal[
    "text", "prose", "number", "money", "percent", "date", "month", "status", "yes/no", "officer", "reference",
    "choice", "paragraph-refs", "impact", "likelihood",
]
"""What a column's cells hold; each cell is checked against it and shown in the council's style."""

Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]


class Figure(Strict):
    """A figure worked out from other columns of the same row: exactly one of these keys."""

    sum: list[Key] | None = Field(default=None, min_length=2)
    """Add the columns named: [on_target, off_target, not_reported]."""
    difference: list[Key] | None = Field(default=None, min_length=2, max_length=2)
    """The first column minus the second: [actual, target]; the column's `better` says which way is better."""
    percent: list[Key] | None = Field(default=None, min_length=2, max_length=2)
    """The first column as a percentage of the second: [green, rated]."""
    of: list[Key] | None = Field(default=None, min_length=2, max_length=2)
    """The first column out of the second, written as "38 of 46 (83%)"."""
    product: list[Key] | None = Field(default=None, min_length=2)
    """The columns multiplied: [impact, likelihood] gives a risk rating."""
    band: Key | list[Key] | None = Field(default=None, examples=["rating", ["impact", "likelihood"]])
    """The band of the council's risk scales (in its theme) a rating falls in: the rating in the column named, or the
    product of the columns named ([impact, likelihood]), so one cell can show the rating and its band."""

    @model_validator(mode="after")
    def _one(self) -> Figure:
        given = [name for name in type(self).model_fields if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"expected exactly one of {', '.join(type(self).model_fields)}, got {len(given)}")
        return self

    @property
    def rule(self) -> str:
        """Return the name of the rule: sum, difference, percent, of, product or band."""
        return next(name for name in type(self).model_fields if getattr(self, name) is not None)

    @property
    def inputs(self) -> list[str]:
        """Return the keys of the columns the figure is worked out from."""
        value = getattr(self, self.rule)
        return [value] if isinstance(value, str) else list(value)


class Column(Strict):
    """A table column: its heading, what its cells hold, and, optionally, its share of the width.

    A kind may declare the columns of a standard table once (an action plan, a
    KPI table) and papers reuse them by name; a paper may declare its own.
    """

    title: str
    """The column heading, repeated at the top of every page."""
    key: Key | None = None
    """A short name for the column, so rows can be written as mappings (`status: Green`) and figures can name it."""
    type: ColumnType = "text"
    """What the cells hold: text, prose, number, money, percent, date, month, status, yes/no, officer, reference,
    choice (one of `options`), paragraph-refs (paragraph ids, printed as their numbers), impact or likelihood (a
    level's number on the council's risk scales, printed 2 (Marginal))."""
    width: int | None = Field(default=None, ge=1, le=100)
    """Share of the table width, in per cent."""
    scale: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9-]*$")
    """For a status column: the council's status scale (a name under `statuses:` in its theme); the paper's when not given."""
    figure: Figure | None = None
    """Work the cells out from other columns of the row; a value the row states too is checked against it."""
    better: Literal["higher", "lower"] | None = None
    """For a difference: whether a higher or a lower figure is better, so the cell says better or worse."""
    decimals: int | None = Field(default=None, ge=0, le=4)
    """Decimal places a worked-out figure is shown with (0 when not given)."""
    total: bool | None = None
    """Whether the totals row adds this column up; numbers and money are added up when not said."""
    unit: Literal["pounds", "millions"] = "pounds"
    """For money: the unit its figures are written in; millions shows 2.1 as £2.1m, as papers round large sums."""
    show: Literal["figure", "words", "both"] | None = None
    """For a worked-out difference with `better`, or a band: the figure alone (9109), the words alone (Better than
    target; Medium) or both (+9109 Better than target; 8 and Medium). A difference shows both and a band its words
    when not said."""
    thousands: bool = True
    """Whether thousands are set off with commas (1,758); No prints 1758, as some councils' tables do."""
    align: Literal["left", "center", "right"] | None = None
    """How the cells sit: numbers to the right and everything else to the left when not said."""
    options: list[str] = Field(default=[], max_length=500)
    """For a choice column: the values its cells may take (New, Review, Yes, No)."""


class PartStatus(Strict):
    """One labelled part of a cell's status: "Nos in Treatment: Amber"."""

    label: str
    """What this part of the status is about."""
    status: str = Field(examples=["Amber"])
    """Its status, as the council's scale labels it."""


class Cell(Strict):
    """A table cell that needs more than text."""

    text: Prose = ""
    """What the cell says (Markdown, or a value of the column's type)."""
    statuses: list[PartStatus] = []
    """In a status column: several labelled statuses in one cell, each shown with its own mark and fill."""
    span: int = Field(default=1, ge=1, le=100)
    """How many columns the cell spans."""
    rows: int = Field(default=1, ge=1, le=1000)
    """How many rows the cell spans, downwards; the rows below leave that column out."""
    note: Prose | None = None
    """Words printed under the cell's value, on a line of their own (Yes, then why); the value may be left out."""
    refs: list[str] = []
    """In a paragraph-refs column: the ids of paragraphs of this paper, printed as their numbers (1,4)."""


class GroupRow(Strict):
    """A sub-heading row that spans the whole table."""

    group: str
    """The sub-heading text."""


class RowFigure(Strict):
    """A row worked out, column by column, from other rows of the table: a net figure, a subtotal. Exactly one rule."""

    label: str = Field(min_length=1, examples=["Net Direct Expenditure"])
    """The row's heading, printed in its first column."""
    sum: list[str] | None = Field(default=None, min_length=2)
    """Add the rows named, each by its heading (the text of its first cell): [Fees, Grants]."""
    difference: list[str] | None = Field(default=None, min_length=2, max_length=2)
    """The first row named less the second: [Direct Expenditure, Direct Income]."""
    stated: dict[str, str] = {}
    """Figures the paper states too, by column key; each is checked against the worked-out one."""

    @model_validator(mode="after")
    def _one(self) -> RowFigure:
        if (self.sum is None) == (self.difference is None):
            raise ValueError("expected exactly one of sum, difference")
        return self

    @property
    def rule(self) -> str:
        """Return the name of the rule: sum or difference."""
        return "sum" if self.sum is not None else "difference"

    @property
    def inputs(self) -> list[str]:
        """Return the headings of the rows the figure is worked out from."""
        return list(self.sum or self.difference or [])


class Totals(Strict):
    """A totals row the build adds up: each number and money column summed, figures worked out again from the sums."""

    label: str = "Total"
    """The label in the first column: TOTAL, Total, All objectives."""
    stated: dict[str, str] = {}
    """Totals the paper states too, by column key; each is checked against the sum."""
def by_shape(shapes: dict[type, Any], expected: str) -> Any:
    """Return a union whose member is chosen by the YAML shape (text, list or mapping) of a value.

    Choosing by shape means an error names one member ("expected 2 cells")
    rather than every member pydantic tried.
    """

    def tag(value: Any) -> str | None:
        if isinstance(value, BaseModel) and dict in shapes:  # a checked mapping, written out again (a kind file pickled)
            return TAG_PREFIX + "dict"
        shape = next((s for s in shapes if isinstance(value, s)), None)
        if shape is None and isinstance(value, BaseModel):  # a checked value, serialised again (a kind file pickled)
            shape = next((s for s, member in shapes.items() if isinstance(member, type) and isinstance(value, member)), None)
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


CellValue = by_shape({str: Prose, dict: Cell}, "expected text or a mapping with text, span and rows")
ColumnValue = by_shape({str: str, dict: Column}, "expected a heading or a mapping with title, key, type and width")


def _row_tag(value: Any) -> str | None:
    """Name a row's shape: a list of cells, a `group:` sub-heading, or cells keyed by column."""
    if isinstance(value, list):
        return TAG_PREFIX + "cells"
    if isinstance(value, dict):
        return TAG_PREFIX + ("group" if "group" in value else "keyed")
    return TAG_PREFIX + "group" if isinstance(value, GroupRow) else None


Row = Annotated[
    Union[
        Annotated[list[CellValue], Tag(TAG_PREFIX + "cells")],
        Annotated[GroupRow, Tag(TAG_PREFIX + "group")],
        Annotated[dict[str, CellValue], Tag(TAG_PREFIX + "keyed")],
    ],
    Discriminator(
        _row_tag,
        custom_error_type="shape",
        custom_error_message="expected a list of cells, a mapping of cells by column key, or a mapping with group",
    ),
]


def or_group(model: type[BaseModel], expected: str) -> Any:
    """Return a list item type that is a `group:` sub-heading row when it has that key, else `model`."""
    return Annotated[
        Union[Annotated[GroupRow, Tag(TAG_PREFIX + "group")], Annotated[model, Tag(TAG_PREFIX + "item")]],
        Discriminator(
            lambda value: (TAG_PREFIX + ("group" if "group" in value else "item")) if isinstance(value, dict) else None,
            custom_error_type="shape",
            custom_error_message=expected,
        ),
    ]


class StatusCounts(Strict):
    """Counts of a table's rows at each status, shown under it."""

    column: Key
    """The key of the status column counted."""
    noun: str = "rows"
    """What a row is, in the count's words: actions, activities."""
    style: Literal["of", "share"] = "of"
    """'38 of 46 (83%) actions are Green' (of) or 'Good progress: 55 (56%)' (share, with the status's key text)."""


class StatusSummary(StatusCounts):
    """Counts of the rows at each status of a table elsewhere in the paper, under a heading of their own."""

    table: str = Field(pattern=r"^[a-z][a-z0-9-]*$", examples=["activities"])
    """The id of the table counted: a table of this paper, such as the detail in an appendix."""
    heading: str | None = Field(default=None, examples=["PROGRESS"])
    """A line printed above the counts: the dimension counted (PROGRESS, OUTCOME)."""

    def lines(self, paper: Any, theme: Any) -> list[str]:
        """Return the counts, worked out from the rows of the paper's table this summary names."""
        from .columns import summary_lines
        from .paper import blocks_of

        tables = {m.id: m for _, m in blocks_of(paper) if isinstance(m, Table) and m.id}
        return summary_lines(self, tables, theme, paper.status_scale)


class StandardTable(Strict):
    """A standard table a kind declares once: its columns, and rows that are the same in every paper (a key)."""

    columns: list[ColumnValue] = Field(min_length=1)
    """Columns, left to right, as a table block declares them: a heading, or a mapping with title, key, type and width."""
    rows: list[Row] = []
    """Rows every paper's table of this name shows when it writes none of its own (a status key, a scoring guide)."""
    worked_rows: list[RowFigure] = []
    """Rows worked out from other rows (a net figure), which every paper's table of this name has unless it writes its own."""


Columns = by_shape(
    {list: Annotated[list[ColumnValue], Field(min_length=1)], str: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]},
    "expected a list of columns, or the name of a standard table the paper's kind declares",
)


def standard_tables(info: ValidationInfo) -> dict[str, StandardTable]:
    """Return the standard tables of the kind being checked, by name (none for a kind that declares none)."""
    return (info.context or {}).get("tables", {}) if isinstance(info.context, dict) else {}


def as_written(value: Any) -> Any:
    """Return checked rows as YAML would give them, to be checked again as a paper's own."""
    if isinstance(value, BaseModel):
        return {name: as_written(v) for name, v in value if name in value.model_fields_set}
    if isinstance(value, list):
        return [as_written(v) for v in value]
    if isinstance(value, dict):
        return {k: as_written(v) for k, v in value.items()}
    return value


class Table(Strict):
    """A table: typed columns, rows of cells, and the figures worked out from them.

    The header row repeats on every page; `header: false` leaves it out (a
    label and value table), `head` adds rows above it for grouped headings.
    """

    caption: str = Field(min_length=1, examples=["Scoring guidance"])
    """The table's title, shown above it and read out by screen readers first: every table needs one."""
    id: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9-]*$")
    """A short name, lower case with hyphens, if other parts refer to this table."""
    columns: Columns
    """Columns, left to right: a heading, or a mapping with title, key, type and width; or the name of a standard table the paper's kind declares (`columns: action-plan`), whose columns (and rows, where the kind fixes them) it takes."""
    rows: list[Row] = Field(min_length=1)
    """Rows: a list of cells in column order, a mapping of cells by column key, or a `group:` sub-heading."""
    header: bool = True
    """Whether the column headings are shown; false for a label and value table, whose first column heads each row."""
    head: list[list[CellValue]] = []
    """Heading rows above the column headings, for headings that span columns (`span`) or rows (`rows`)."""
    row_headings: bool = False
    """Whether the first cell of each row heads the row (read out with each cell of the row)."""
    worked_rows: list[RowFigure] = []
    """Rows worked out from other rows, column by column, printed after the rows written: a net figure (expenditure
    less income), a subtotal. A blank figure leaves the worked-out one blank."""
    totals: Totals | None = None
    """A totals row the build adds up."""
    notes: dict[str, Prose] = {}
    """Footnotes by marker, shown under the table: a cell ending in the marker (`25000*`, `Achieved†`) points to one."""
    landscape: bool = False
    """Set the table on landscape pages of its own; its header row repeats on every page."""
    counts: StatusCounts | None = None
    """Count the rows at each status of a status column, under the table."""
    narrow: bool = False
    """Set the table at 60% of the page width, as a short key."""
    rows_add_up_to: Decimal | None = Field(default=None, examples=[100])
    """What the figures of every row add up to (100 for the percentages of a survey), each row checked within the
    rounding of the figures typed."""

    @model_validator(mode="before")
    @classmethod
    def _fixed_rows(cls, data: Any, info: ValidationInfo) -> Any:
        """Give a table that names a standard table and writes no rows the rows its kind fixes."""
        if isinstance(data, dict) and isinstance(data.get("columns"), str):
            standard = standard_tables(info).get(data["columns"])
            if standard is not None and standard.rows and "rows" not in data:
                data = {**data, "rows": as_written(standard.rows)}
            if standard is not None and standard.worked_rows and "worked_rows" not in data:
                data = {**data, "worked_rows": as_written(standard.worked_rows)}
        return data

    @field_validator("columns", mode="after")
    @classmethod
    def _standard_columns(cls, value: Any, info: ValidationInfo) -> Any:
        """Return the columns of the standard table a paper names, declared once in its kind."""
        if not isinstance(value, str):
            return value
        tables = standard_tables(info)
        if value not in tables:
            declared = f"one of the standard tables its kind declares ({', '.join(tables)})" if tables else "a list of columns (its kind declares no standard tables)"
            raise PydanticCustomError("standard_table", f"expected {declared}, got {value!r}{did_you_mean(value, tables)}")
        return list(tables[value].columns)

    @property
    def column_specs(self) -> list[Column]:
        """Return every column as a Column."""
        return [c if isinstance(c, Column) else Column(title=c) for c in self.columns]

    def problems(self) -> list[tuple[tuple[Any, ...], str]]:
        """Return cells that do not fill the columns, values not of their column's type and figures that disagree."""
        from .columns import table_problems

        return table_problems(self)

    def council_problems(self, theme: Any, scale: str | None) -> list[tuple[tuple[Any, ...], str]]:
        """Return statuses not on the council's scale and bands the council's risk scales cannot give."""
        from .columns import table_council_problems

        return table_council_problems(self, theme, scale)

    def view(self, theme: Any, scale: str | None = None, paper: Any = None) -> Any:
        """Return the table laid out for a template: heading rows, body rows, totals row, notes.

        A paper is given so paragraph references print the numbers its paragraphs carry.
        """
        from .columns import has_paragraph_refs, table_view

        outline = getattr(paper, "outline", None) if has_paragraph_refs(self) else None
        return table_view(self, theme, scale, outline().labels if outline else None)


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
        return shows(", ".join(part for part in (self.name, self.post) if part), self.name, self.post)


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


class Meeting(Strict):
    """The meeting a paper goes to."""

    committee: str = Field(examples=["Cabinet"])
    """The committee, board or Cabinet, as the council names it."""
    date: datetime.date
    """The meeting date (ISO: 2007-11-10)."""


def numbered_paragraphs(block: Any) -> int:
    """Return how many paragraph numbers a block takes: one for text, one per item for recommendations ..."""
    if isinstance(block, (str, Paragraph)):
        return 1
    count = getattr(block, "paragraphs", None)
    return count() if callable(count) else 0


def pattern_problem(pattern: str, names: typing.Sequence[str], kind: str = "names") -> str | None:
    """Return what is wrong with the names in braces of a council's text pattern, or None when it is sound.

    Only the given names may stand in braces, each alone: a format spec or conversion could pad a value
    without end, or reach past it.
    """
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(pattern) if name is not None]
    except ValueError as err:
        return f"expected text with {kind} in braces such as {{{names[0]}}}, got {pattern!r} ({err}; write {{{{ for a brace)"
    for name, spec, conversion in fields:
        if name not in names:
            return f"expected only {', '.join('{%s}' % n for n in names)} in braces, got {{{name}}}{did_you_mean(name, names)}"
        if spec or conversion:
            return f"expected {{{name}}} alone in its braces, got {pattern!r}"
    return None
