"""Typed table columns: every cell checked against its column's type, figures worked out, cells shown the council's way.

A table declares its columns (heading, key, type, width, figure); a row is a
list of cells in column order or a mapping of cells by column key, and a cell
may span columns (`span`) and rows (`rows`). This module places the cells on
the table's grid, checks each against its column's type, works out the
declared figures (sums, differences, percentages, "n of N", products, risk
bands) and the totals row, and checks any figure the paper states too. The
template receives the laid-out table from `table_view` and only draws it.
"""

from __future__ import annotations

import datetime
import difflib
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..sources.dates import IN_RANGE, in_range
from ..sources.provenance import carry, refs_of, worked_out
from .common import Cell, Column, GroupRow, StatusCounts, StatusSummary, Table
from .memo import once
from .status import unknown_status

Located = tuple[tuple[Any, ...], str]

LIMIT = Decimal(10) ** 15
"""No council figure reaches a thousand million million; a bigger one is a typing slip (or 1E+999999999)."""
PERCENT_LIMIT = Decimal(10) ** 6
"""No council percentage reaches a million per cent."""
# Six decimal places at most: with fifteen whole digits that stays inside Decimal's 28 digits when a figure is rounded.
_NUMBER = re.compile(r"^(?P<sign>[-−])?(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<fraction>\d{1,6}))?$")
_MARKER = re.compile(r"\s*(?P<marker>[*†‡§¶]+)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
NUMERIC = frozenset({"number", "money", "percent"})
LEVELS = frozenset({"impact", "likelihood"})
"""Columns holding a level's number on the council's risk scales: a figure may multiply them."""
EXPECTED = {
    "number": "a number such as 46, 1,250 or 12.5",
    "money": "an amount such as £1,250, 1250 or -4,500.50",
    "percent": "a percentage such as 83 or 83.5%",
    "date": "an ISO date such as 2015-07-02",
    "month": "a month such as 2015-07",
    "yes/no": "Yes or No",
    "impact": "an impact level's number, such as 2",
    "likelihood": "a likelihood level's number, such as 4",
}


@dataclass(frozen=True)
class Placed:
    """A cell placed on the table grid: its column, how far it spans and where it was written."""

    column: int
    text: str
    span: int
    rows: int
    path: tuple[Any, ...]
    statuses: tuple[Any, ...] = ()
    """A status cell's labelled statuses (PartStatus), when it has several."""
    note: str | None = None
    """Words printed under the value."""
    refs: tuple[str, ...] = ()
    """The paragraph ids a paragraph-refs cell names."""


@dataclass
class PlacedRow:
    """A row's cells on the grid (empty for a group row) and the row's place in `rows`."""

    index: int
    cells: list[Placed]
    group: str | None = None


@dataclass(frozen=True)
class Value:
    """A cell's value read by its column's type: the number it carries (if any) and its note marker."""

    text: str
    number: Decimal | None = None
    day: datetime.date | None = None
    has_day: bool = True
    marker: str = ""


# ---------------------------------------------------------------- placing cells


def _cell(value: Any) -> tuple[str, int, int]:
    return (value.text, value.span, value.rows) if isinstance(value, Cell) else (value, 1, 1)


def _parts(value: Any) -> tuple[Any, ...]:
    return tuple(value.statuses) if isinstance(value, Cell) else ()


def _extras(value: Any) -> dict[str, Any]:
    """Return what a cell written as a mapping carries besides its text: a note under it, paragraph ids."""
    return {"note": value.note, "refs": tuple(value.refs)} if isinstance(value, Cell) else {}


def place(table: Table) -> tuple[list[PlacedRow], list[Located]]:
    """Place every cell on the grid, honouring column and row spans; return the rows and the shapes that do not fit.

    Several checks of a paper ask for its tables' grids; within them (walked_once) each is placed once.
    """
    return once("place", table, lambda: _place(table))


def _place(table: Table) -> tuple[list[PlacedRow], list[Located]]:
    columns = table.column_specs
    keys = {c.key: n for n, c in enumerate(columns) if c.key}
    width = len(columns)
    covered: dict[int, set[int]] = {}
    placed: list[PlacedRow] = []
    found: list[Located] = []
    for i, row in enumerate(table.rows):
        below = covered.pop(i, set())
        if isinstance(row, GroupRow):
            if below:
                found.append((("rows", i), "expected the cells above to end their `rows:` span before a group row"))
            placed.append(PlacedRow(i, [], row.group))
            continue
        if isinstance(row, dict):
            cells, problems = _keyed(row, i, keys, below, width)
        else:
            cells, problems = _listed(row, i, below, width, _worked_tail(columns))
        found += problems
        for cell in cells:
            for r in range(1, cell.rows):
                if i + r >= len(table.rows):
                    found.append((cell.path, f"expected the cell to span rows that exist, but only {len(table.rows) - i} are left"))
                    break
                covered.setdefault(i + r, set()).update(range(cell.column, cell.column + cell.span))
        placed.append(PlacedRow(i, cells, None))
    return placed, found


def _worked_tail(columns: list[Column]) -> int:
    """Return how many of the last columns are worked out, so a row written as a list may leave them out."""
    count = 0
    for column in reversed(columns):
        if column.figure is None:
            break
        count += 1
    return count


def _listed(row: list[Any], i: int, below: set[int], width: int, tail: int = 0) -> tuple[list[Placed], list[Located]]:
    """Place a row written as a list: each cell takes the next column not held by a cell above.

    The worked-out columns at the end of the table may be left out; a row that gives them has them checked.
    """
    cells, column = [], 0
    for j, value in enumerate(row):
        while column in below:
            column += 1
        text, span, rows = _cell(value)
        cells.append(Placed(column, text, span, rows, ("rows", i, j), _parts(value), **_extras(value)))
        column += span
    while column in below:
        column += 1
    filled = sum(c.span for c in cells) + len(below)
    short = width - filled
    if short and 0 < short <= tail and column == filled and not below & set(range(filled, width)):
        cells += [Placed(n, "", 1, 1, ("rows", i)) for n in range(filled, width)]
        return cells, []
    if column != width or filled != width:
        expected = width - len(below)
        fewer = f" (or {expected - tail}, leaving out the worked-out columns)" if tail else ""
        return cells, [(("rows", i), f"expected {expected} cells{fewer} to match the columns, got {sum(c.span for c in cells)}")]
    return cells, []


def _keyed(row: dict[str, Any], i: int, keys: dict[str | None, int], below: set[int], width: int) -> tuple[list[Placed], list[Located]]:
    """Place a row written as a mapping: each cell in its column by key; columns left out are blank."""
    cells, found, taken = [], [], set(below)
    for key, value in row.items():
        if key not in keys:
            close = difflib.get_close_matches(key, [k for k in keys if k], n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            known = ", ".join(k for k in keys if k) or "none: give the columns a key"
            found.append((("rows", i, key), f"unknown column key{hint}; expected one of: {known}"))
            continue
        text, span, rows = _cell(value)
        column = keys[key]
        spanned = set(range(column, column + span))
        if spanned & taken or column + span > width:
            found.append((("rows", i, key), "expected the cell in a column of its own, but a cell spanning into it holds it"))
            continue
        taken |= spanned
        cells.append(Placed(column, text, span, rows, ("rows", i, key), _parts(value), **_extras(value)))
    for column in sorted(set(range(width)) - taken):
        cells.append(Placed(column, "", 1, 1, ("rows", i)))
    return sorted(cells, key=lambda c: c.column), found


# ---------------------------------------------------------------- reading values


def read(column: Column, text: str, markers: bool) -> Value:
    """Read a cell by its column's type, or raise ValueError saying what was expected."""
    text = text.strip()
    marker = ""
    if markers and (match := _MARKER.search(text)):
        text, marker = text[: match.start()], match["marker"]
    kind = column.type
    if column.figure is not None and column.figure.rule == "of" and text:
        return Value(text, marker=marker)
    if not text:
        return Value("", marker=marker)
    if kind in NUMERIC:
        return Value(text, number=read_number(kind, text), marker=marker)
    if kind == "date":
        return Value(text, day=_date(text), marker=marker)
    if kind == "month":
        day, has_day = _month(text)
        return Value(text, day=day, has_day=has_day, marker=marker)
    if kind == "yes/no" and text not in ("Yes", "No"):
        raise ValueError(f"expected {EXPECTED[kind]}, got {text!r}")
    if kind == "choice" and text not in column.options:
        close = difflib.get_close_matches(text, column.options, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"expected one of {', '.join(column.options)}, got {text!r}{hint}")
    if kind in LEVELS:
        return Value(text, number=_level(kind, text), marker=marker)
    return Value(text, marker=marker)


def _level(kind: str, text: str) -> Decimal:
    """Read a level's number on a risk scale: a whole number from 1 (the scale's top is checked against the theme)."""
    if not (text.isascii() and text.isdigit() and len(text) < 5 and int(text) >= 1):
        raise ValueError(f"expected {EXPECTED[kind]}, got {text!r}")
    return Decimal(int(text))


class NotANumber(ValueError):
    """A cell that is not the number, amount or percentage its column holds: what was expected, and what was typed."""

    def __init__(self, expected: str, text: str) -> None:
        self.expected = expected
        super().__init__(f"expected {expected}, got {text!r}")


def read_number(kind: str, text: str) -> Decimal:
    """Read a number, an amount or a percentage as typed; refuse what no council figure looks like."""
    bare = text.replace("£", "", 1) if kind == "money" else text
    bare = bare.removesuffix("%").strip() if kind == "percent" else bare
    if kind == "money" and bare.startswith("-£"):
        bare = "-" + bare[2:]
    match = _NUMBER.match(bare)
    if not match:
        raise NotANumber(EXPECTED[kind], text)
    value = Decimal(match["whole"].replace(",", "") + (f".{match['fraction']}" if match["fraction"] else ""))
    if abs(value) >= LIMIT:
        raise NotANumber(f"{EXPECTED[kind]} under a thousand million million", text)
    if kind == "percent" and abs(value) >= PERCENT_LIMIT:
        raise NotANumber(f"{EXPECTED[kind]} under a million per cent", text)
    return -value if match["sign"] else value


def _date(text: str) -> datetime.date:
    if _DATE.match(text) and not in_range(int(text[:4])):
        raise ValueError(f"expected {IN_RANGE}, got {text!r}")
    try:
        if _DATE.match(text):
            return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected {EXPECTED['date']}, got {text!r}, which is not a day of the calendar") from None
    raise ValueError(f"expected {EXPECTED['date']}, got {text!r}")


def _month(text: str) -> tuple[datetime.date, bool]:
    match = _MONTH.match(text)
    if match and not in_range(int(match[1])):
        raise ValueError(f"expected {IN_RANGE}, got {text!r}")
    if match and 1 <= int(match[2]) <= 12:
        return datetime.date(int(match[1]), int(match[2]), 1), False
    if _DATE.match(text):
        return _date(text), True
    raise ValueError(f"expected {EXPECTED['month']} or a date such as 2015-07-02, got {text!r}")


# ---------------------------------------------------------------- figures


@dataclass
class Worked:
    """A figure worked out for one row: its value and how it was got, in words."""

    value: Decimal | None
    how: str
    of: tuple[Decimal, Decimal] | None = None


def work_out(column: Column, values: dict[str, Decimal | None]) -> Worked:
    """Work out a column's figure from the row's values by key."""
    assert column.figure is not None
    rule, keys = column.figure.rule, column.figure.inputs
    given = [values.get(k) for k in keys]
    how = {"sum": " + ", "difference": " - ", "product": " x ", "band": " x "}.get(rule, " of ")
    words = how.join(f"{k} {_plain(v)}" for k, v in zip(keys, given))
    if rule == "band" and len(keys) == 1:
        return Worked(values.get(keys[0]), words)
    if rule == "sum":
        known = [v for v in given if v is not None]
        return Worked(sum(known, Decimal(0)) if known else None, words)
    if any(v is None for v in given):
        return Worked(None, words)
    if rule == "difference":
        return Worked(given[0] - given[1], words)
    if rule in ("product", "band"):  # a band of several columns is the band of their product
        product = Decimal(1)
        for v in given:
            product *= v  # type: ignore[operator]
        return Worked(product, words)
    if given[1] == 0:
        return Worked(None, words)
    share = given[0] * 100 / given[1]  # type: ignore[operator]
    return Worked(share, words, (given[0], given[1]) if rule == "of" else None)  # type: ignore[arg-type]


def rounded(value: Decimal, places: int) -> Decimal:
    """Round half up, as councils round percentages."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _plain(value: Decimal | None) -> str:
    if value is None:
        return "(blank)"
    text = f"{value:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def of_text(part: Decimal, whole: Decimal, places: int = 0) -> str:
    """Write a share as councils do: 38 of 46 (83%)."""
    return f"{_plain(part)} of {_plain(whole)} ({_plain(rounded(part * 100 / whole, places))}%)"


# ---------------------------------------------------------------- the whole table


@dataclass
class Read:
    """A table read: its rows placed, every cell's value, figures worked out, totals, and the problems found."""

    rows: list[PlacedRow]
    values: dict[tuple[int, int], Value] = field(default_factory=dict)
    worked: dict[tuple[int, int], Worked] = field(default_factory=dict)
    totals: dict[int, Decimal | None] = field(default_factory=dict)
    total_worked: dict[int, Worked] = field(default_factory=dict)
    row_figures: list[dict[int, Worked]] = field(default_factory=list)
    """Each worked-out row's figures, by column."""
    problems: list[Located] = field(default_factory=list)


def read_table(table: Table) -> Read:
    """Place, read and work out a whole table; gather every problem on the way."""
    columns = table.column_specs
    placed, found = place(table)
    result = Read(placed, problems=found + _declaration_problems(table))
    if result.problems:
        return result
    markers = bool(table.notes)
    for row in placed:
        numbers: dict[str, Decimal | None] = {}
        unread = len(result.problems)
        for cell in row.cells:
            column = columns[cell.column]
            try:
                value = read(column, cell.text, markers)
            except ValueError as err:
                result.problems.append((cell.path, str(err)))
                continue
            result.values[(row.index, cell.column)] = value
            if column.key:
                numbers[column.key] = value.number
        if row.group is None and len(result.problems) == unread:  # a figure from a cell that is no number says nothing
            _work_row(columns, row, numbers, result)
    if table.worked_rows and not result.problems:
        _work_row_figures(table, columns, result)
    if table.totals is not None:
        _work_totals(table, columns, result)
    if table.rows_add_up_to is not None and not result.problems:
        result.problems += _row_sum_problems(table, columns, result)
    return result


def _work_row_figures(table: Table, columns: list[Column], result: Read) -> None:
    """Work out each worked-out row from the rows it names by their headings, column by column; check stated figures."""
    figures: dict[str, dict[int, Decimal | None]] = {}
    for row in result.rows:
        if row.group is None and row.cells:
            heading = row.cells[0].text.strip()
            figures.setdefault(heading, {n: v.number for (r, n), v in result.values.items() if r == row.index})
    keys = {c.key: n for n, c in enumerate(columns) if c.key}
    for i, spec in enumerate(table.worked_rows):
        worked: dict[int, Worked] = {}
        missing = [(k, name) for k, name in enumerate(spec.inputs) if name not in figures]
        for k, name in missing:
            found = difflib.get_close_matches(name, list(figures), n=1, cutoff=0.6)
            hint = f" (did you mean {found[0]!r}?)" if found else ""
            result.problems.append((("worked_rows", i, spec.rule, k), f"expected the heading of a row of this table "
                                    f"({', '.join(figures) or 'none'}), got {name!r}{hint}"))
        for n, column in enumerate(columns[1:], 1):
            if missing or column.type not in NUMERIC or column.figure is not None:
                continue
            given = [figures[name].get(n) for name in spec.inputs]
            words = (" + " if spec.rule == "sum" else " - ").join(f"{name} {_plain(v)}" for name, v in zip(spec.inputs, given))
            known = [v for v in given if v is not None]
            if spec.rule == "sum":
                value = sum(known, Decimal(0)) if known else None
            else:
                value = None if len(known) < len(given) else given[0] - given[1]  # type: ignore[operator]
            worked[n] = Worked(value, words)
        for key, text in spec.stated.items():
            path = ("worked_rows", i, "stated", key)
            n = keys.get(key)
            if n is None or n not in worked:
                numeric = ", ".join(k for k, m in keys.items() if k and m in worked) or "none"
                result.problems.append((path, f"expected the key of a column of figures ({numeric}), got {key!r}"))
                continue
            try:
                problem = _disagrees(read(columns[n], text, False), worked[n], columns[n].decimals or 0)
            except ValueError as err:
                problem = str(err)
            if problem:
                result.problems.append((path, problem))
        figures.setdefault(spec.label, {n: w.value for n, w in worked.items()})
        result.row_figures.append(worked)


def _row_sum_problems(table: Table, columns: list[Column], result: Read) -> list[Located]:
    """Return rows whose typed figures do not make what the table says every row adds up to, within their rounding."""
    assert table.rows_add_up_to is not None
    whole = table.rows_add_up_to
    found: list[Located] = []
    for row in result.rows:
        if row.group is not None:
            continue
        numbers = [result.values[(row.index, c.column)].number for c in row.cells
                   if columns[c.column].figure is None and (row.index, c.column) in result.values]
        typed = [n for n in numbers if n is not None]
        if not typed:
            continue
        total = sum(typed, Decimal(0))
        # Each figure may be out by half its last place; together they may be out by the sum of those halves.
        slack = sum((Decimal(5) * Decimal(10) ** (min(n.as_tuple().exponent, 0) - 1) for n in typed), Decimal(0))  # type: ignore[operator]
        if abs(total - whole) > slack:
            unit = "%" if all(columns[c.column].type == "percent" for c in row.cells if (row.index, c.column) in result.values
                              and result.values[(row.index, c.column)].number is not None) else ""
            label = row.cells[0].text if row.cells else str(row.index + 1)
            found.append((("rows", row.index), f"the figures of {label!r} add up to {total}{unit} but should make "
                                               f"{_plain(whole)}{unit} (within rounding, ±{slack})"))
    return found


def _work_row(columns: list[Column], row: PlacedRow, numbers: dict[str, Decimal | None], result: Read) -> None:
    """Work out a row's figures in column order, checking each figure the row states."""
    paths = {c.column: c.path for c in row.cells}
    for n, column in enumerate(columns):
        if column.figure is None:
            continue
        worked = work_out(column, numbers)
        if _too_big(worked):
            result.problems.append((paths.get(n, ("rows", row.index)), f"{worked.how} comes to {_TOO_BIG}"))
            worked = Worked(None, worked.how)
        result.worked[(row.index, n)] = worked
        stated = result.values.get((row.index, n))
        # a band of one column shows that column's rating; a band of several states their product, checked
        checked = column.figure.rule != "band" or len(column.figure.inputs) > 1
        if stated is not None and stated.text and n in paths and checked:
            problem = _disagrees(stated, worked, column.decimals or 0)
            if problem:
                result.problems.append((paths[n], problem))
        if column.key:
            numbers[column.key] = worked.value


_TOO_BIG = "a thousand million million or more, which no council figure reaches"


def _too_big(worked: Worked) -> bool:
    """Tell whether a worked-out figure passed what any council figure reaches (a product or share of vast cells)."""
    return worked.value is not None and abs(worked.value) >= LIMIT


def _disagrees(stated: Value, worked: Worked, decimals: int) -> str | None:
    """Return why a figure the paper states differs from the worked-out one, or None when they agree."""
    if worked.value is None:
        return None
    if worked.of is not None:
        computed = of_text(*worked.of, decimals)
        if stated.text != computed:
            return f"the paper states {stated.text!r} but {worked.how} is {computed!r}"
        return None
    if stated.number is None:
        return None
    places = max(-stated.number.as_tuple().exponent, 0)  # type: ignore[operator]
    if rounded(worked.value, places) != stated.number:
        return f"the paper states {_plain(stated.number)} but {worked.how} is {_plain(rounded(worked.value, max(places, 2)))}"
    return None


def _adds_up(column: Column) -> bool:
    if column.total is not None:
        return column.total
    if column.figure is not None:
        return column.figure.rule == "sum"
    return column.type in ("number", "money")


def _work_totals(table: Table, columns: list[Column], result: Read) -> None:
    """Add up the totals row and work its figures out again from the sums; check the totals the paper states."""
    assert table.totals is not None
    body = [(r.index, n) for r in result.rows if r.group is None for n in range(len(columns))]
    numbers: dict[str, Decimal | None] = {}
    for n, column in enumerate(columns):
        if column.figure is None and _adds_up(column):
            known = [result.values[k].number for k in body if k[1] == n and k in result.values]
            present = [v for v in known if v is not None]
            result.totals[n] = sum(present, Decimal(0)) if present else None
            if column.key:
                numbers[column.key] = result.totals[n]
    for n, column in enumerate(columns):
        # a product (or the band of one) of the totals is no total: added up only where the column says so
        multiplies = column.figure is not None and (column.figure.rule == "product" or (column.figure.rule == "band" and len(column.figure.inputs) > 1))
        if column.figure is not None and (not multiplies or _adds_up(column)):
            worked = work_out(column, numbers)
            if _too_big(worked):
                result.problems.append((("totals",), f"the {column.title} of the totals row, {worked.how}, comes to {_TOO_BIG}"))
                worked = Worked(None, worked.how)
            result.total_worked[n] = worked
            result.totals[n] = worked.value
            if column.key:
                numbers[column.key] = worked.value
    keys = {c.key: n for n, c in enumerate(columns) if c.key}
    for key, text in table.totals.stated.items():
        path = ("totals", "stated", key)
        if key not in keys:
            result.problems.append((path, f"unknown column key; expected one of: {', '.join(k for k in keys if k)}"))
            continue
        n = keys[key]
        try:
            stated = read(columns[n], text, False)
        except ValueError as err:
            result.problems.append((path, str(err)))
            continue
        worked = result.total_worked.get(n) or Worked(result.totals.get(n), f"the sum of the {columns[n].title} column")
        problem = _disagrees(stated, worked, columns[n].decimals or 0)
        if problem:
            result.problems.append((path, problem))


def _declaration_problems(table: Table) -> list[Located]:
    """Return figures that name columns the table lacks or that hold no numbers, and keys used twice."""
    columns = table.column_specs
    found: list[Located] = []
    if table.counts is not None and table.counts.column not in {c.key for c in columns if c.type == "status"}:
        statuses = ", ".join(c.key for c in columns if c.type == "status" and c.key) or "none"
        found.append((("counts", "column"), f"expected the key of a status column ({statuses}), got {table.counts.column!r}"))
    keys = [c.key for c in columns if c.key]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        found.append((("columns",), f"each column key must be used once; {key!r} is used more than once"))
    by_key = {c.key: c for c in columns if c.key}
    for n, column in enumerate(columns):
        if column.figure is None:
            continue
        for key in column.figure.inputs:
            source = by_key.get(key)
            if source is None:
                found.append((("columns", n, "figure"), f"expected a column key, got {key!r}; keys: {', '.join(by_key) or 'none'}"))
            elif source.type not in NUMERIC | LEVELS:
                found.append((("columns", n, "figure"), f"expected a number, money, percent, impact or likelihood column, got {key!r} ({source.type})"))
    for n, column in enumerate(columns):
        if column.type == "choice" and not column.options:
            found.append((("columns", n, "options"), "expected the values a choice column's cells may take, got none"))
    return found


def note_problems(table: Table, result: Read) -> list[Located]:
    """Return note markers without a note under the table, and notes no cell points to."""
    used = {v.marker for v in result.values.values() if v.marker}
    found: list[Located] = []
    for (row, column), value in result.values.items():
        if value.marker and value.marker not in table.notes:
            found.append((("rows", row), f"the marker {value.marker!r} has no note under `notes:` ({', '.join(table.notes) or 'none defined'})"))
    found += [(("notes", m), f"the note {m!r} is not used by any cell") for m in table.notes if m not in used]
    return found


def table_problems(table: Table) -> list[Located]:
    """Return every problem of a table that needs nothing but the table."""
    result = read_table(table)
    if result.problems:
        return result.problems
    return note_problems(table, result)


def table_council_problems(table: Table, theme: Any, scale_name: str | None) -> list[Located]:
    """Return statuses not on the council's scale and risk bands where the theme has no risk scales."""
    columns = table.column_specs
    found: list[Located] = []
    placed, shapes = place(table)
    if shapes:
        return []  # the table's own check reports its shape first
    for n, column in enumerate(columns):
        if column.figure is not None and column.figure.rule == "band" and theme.risk is None:
            found.append((("columns", n, "figure"), f"the theme {theme.slug!r} defines no risk scales, so no band can be looked up"))
        if column.type in LEVELS:
            found += level_problems(placed, n, column.type, theme)
        if column.type != "status":
            continue
        name = column.scale or scale_name
        scale = theme.scale(name)
        if scale is None and column.scale is None and scale_name:
            continue  # the paper's own status_scale is unknown: said once, at the paper's line
        if scale is None:
            found.append((("columns", n, "scale"), f"the theme {theme.slug!r} has no status scale {name!r} (its scales: {', '.join(theme.statuses) or 'none'})"))
            continue
        label = name or next(iter(theme.statuses))
        for row in placed:
            for cell in row.cells:
                text = _MARKER.sub("", cell.text.strip()) if table.notes else cell.text.strip()
                if cell.column == n and text and scale.get(text) is None:
                    found.append((cell.path, unknown_status(text, label, scale.labels)))
                for i, part in enumerate(cell.statuses if cell.column == n else ()):
                    if scale.get(part.status) is None:
                        found.append(((*cell.path, "statuses", i, "status"), unknown_status(part.status, label, scale.labels)))
    return found


def level_problems(placed: list[PlacedRow], n: int, axis: str, theme: Any) -> list[Located]:
    """Return the cells of an impact or likelihood column whose level is not on the council's scale."""
    if theme.risk is None:
        return [(("columns", n, "type"), f"the theme {theme.slug!r} defines no risk scales (risk: in its theme.yaml)")]
    scale = getattr(theme.risk, axis)
    found: list[Located] = []
    for row in placed:
        for cell in row.cells:
            text = cell.text.strip()
            if cell.column == n and text.isascii() and text.isdigit() and len(text) < 5 and int(text) > len(scale.levels):
                found.append((cell.path, f"expected a level from 1 to {len(scale.levels)} on the {scale.name} scale ({scale.header()}), got {text}"))
    return found


def has_paragraph_refs(table: Table) -> bool:
    """Tell whether a table has a paragraph-refs column or a cell naming paragraph ids."""
    rows = [r if isinstance(r, list) else list(r.values()) for r in table.rows if isinstance(r, (list, dict))]
    return any(c.type == "paragraph-refs" for c in table.column_specs) or any(isinstance(c, Cell) and c.refs for r in rows for c in r)


def paragraph_ref_problems(table: Table, printed: dict[str, str]) -> list[Located]:
    """Return the ids in paragraph-refs cells that name no paragraph the reader sees."""
    columns = table.column_specs
    placed, shapes = place(table)
    found: list[Located] = []
    for row in placed if not shapes else []:
        for cell in row.cells:
            if cell.refs and columns[cell.column].type != "paragraph-refs":
                found.append(((*cell.path, "refs"), f"expected refs only in a paragraph-refs column, got them in the {columns[cell.column].title!r} column"))
                continue
            for k, ref in enumerate(cell.refs):
                if ref not in printed:
                    close = difflib.get_close_matches(ref, sorted(k for k in printed if not k[:1].isdigit()), n=1, cutoff=0.6)
                    hint = f" (did you mean {close[0]!r}?)" if close else ""
                    found.append(((*cell.path, "refs", k), f"expected the id of a paragraph of this paper, got {ref!r}{hint}"))
    return found


def reference_problems(table: Table, ids: set[str]) -> list[Located]:
    """Return cells of reference columns that name no id in the paper."""
    columns = table.column_specs
    placed, shapes = place(table)
    found: list[Located] = []
    for row in placed if not shapes else []:
        for cell in row.cells:
            target = cell.text.strip()
            if columns[cell.column].type == "reference" and target and target not in ids:
                close = difflib.get_close_matches(target, sorted(ids), n=1, cutoff=0.6)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                found.append((cell.path, f"expected the id of a part of this paper, got {target!r}{hint}"))
    return found


# ---------------------------------------------------------------- the view a template draws


@dataclass
class Shown:
    """A cell as the template draws it."""

    text: str = ""
    kind: str = "text"
    """text, prose, status, statuses, band, travel or reference: which markup the template uses."""
    tag: str = "td"
    scope: str | None = None
    colspan: int = 1
    rowspan: int = 1
    fill: str | None = None
    colour: str | None = None
    mark: str = ""
    align: str | None = None
    marker: str = ""
    words: str = ""
    parts: list[tuple[str, Any, str]] = field(default_factory=list)
    """For several labelled statuses in one cell: each label, its status (the theme's) and the status as written."""
    note: str = ""
    """Words printed under the value, on a line of their own."""
    refs: tuple[str, ...] = ()
    """For a paragraph-refs cell: the ids of the paragraphs, printed as their numbers."""


@dataclass
class ShownRow:
    cells: list[Shown]
    group: str | None = None
    total: bool = False


@dataclass
class TableView:
    """A table laid out: widths, heading rows, body rows (with the totals row last), and notes."""

    caption: str
    id: str | None
    widths: list[int | None] | None
    head: list[ShownRow]
    body: list[ShownRow]
    notes: list[tuple[str, str]]
    columns: int
    landscape: bool = False
    keep: bool = False
    counts: list[str] = field(default_factory=list)
    """The counts by status under the table, as the council writes them."""
    narrow: bool = False
    """Whether the table takes 60% of the width."""


def table_view(table: Table, theme: Any, scale_name: str | None = None, labels: dict[str, str] | None = None) -> TableView:
    """Return a checked table laid out for its template, every value shown in the council's style."""
    columns = table.column_specs
    result = read_table(table)
    head = [ShownRow([_heading(v) for v in row]) for row in table.head]
    head = _covered_titles(head, columns, table.header)
    body: list[ShownRow] = []
    for row in result.rows:
        if row.group is not None:
            body.append(ShownRow([], group=row.group))
            continue
        cells = []
        written = {columns[c.column].key: c.text for c in row.cells if columns[c.column].key}
        for cell in row.cells:
            column = columns[cell.column]
            value = result.values.get((row.index, cell.column), Value(cell.text))
            worked = result.worked.get((row.index, cell.column))
            shown = show(column, value, worked, theme, scale_name, cell.statuses)
            shown.text = _traced(shown.text, cell.text, column, worked, written)
            shown.colspan, shown.rowspan = cell.span, cell.rows
            shown.note, shown.refs = cell.note or "", cell.refs
            if cell.refs:
                shown.text = ",".join((labels or {}).get(ref, ref) for ref in cell.refs)
            shown.align = column.align or shown.align
            if cell.column == 0 and (table.row_headings or not table.header):
                shown.tag, shown.scope = "th", "row"
            cells.append(shown)
        body.append(ShownRow(cells))
    body += _worked_rows(table, columns, result)
    if table.totals is not None:
        body.append(_totals_row(table, columns, result, theme))
    widths = shares([c.width for c in columns])
    return TableView(table.caption, table.id, widths, head, body, list(table.notes.items()), len(columns),
                     table.landscape, len(table.rows) <= 8, status_counts(table, result, theme, scale_name), table.narrow)


def _worked_rows(table: Table, columns: list[Column], result: Read) -> list[ShownRow]:
    """Return the worked-out rows as the reader sees them: the heading, then each figure (blank where one it needs is)."""
    written: dict[tuple[str, int], Any] = {}
    for row in result.rows:
        if row.group is None and row.cells:
            for cell in row.cells:
                written.setdefault((row.cells[0].text.strip(), cell.column), cell.text)
    shown_rows = []
    for spec, worked in zip(table.worked_rows, result.row_figures):
        cells = [Shown(spec.label, tag="th", scope="row")]
        for n, column in enumerate(columns[1:], 1):
            figure = worked.get(n)
            if figure is None or figure.value is None:
                cells.append(Shown("", align=column.align))
                continue
            kind = column.type if column.type in NUMERIC else "number"
            text = number_text(kind, figure.value, max(_places(figure.value), 0), column.unit, column.thousands)
            sources = (written.get((name, n)) for name in spec.inputs)
            cells.append(Shown(worked_out(text, *sources, stated=spec.stated.get(column.key or "")), align=column.align or "right"))
        shown_rows.append(ShownRow(cells, total=True))
    return shown_rows


def _traced(text: str, written: Any, column: Column, worked: Worked | None, row: dict[str, Any]) -> Any:
    """Return a cell's shown text carrying where it came from: its own value, or the values a figure is worked out from."""
    if worked is not None and column.figure is not None:
        return worked_out(text, *(row.get(key) for key in column.figure.inputs), stated=written or None)
    return carry(text, refs_of(written))


def shares(widths: list[int | None]) -> list[int | None] | None:
    """Return column widths with the columns that give none sharing what the others leave; None when none gives one."""
    if not any(widths):
        return None
    rest = [w for w in widths if w is None]
    left = max(100 - sum(w for w in widths if w), len(rest))
    return [w if w else left // len(rest) for w in widths]


def status_counts(table: Table, result: Read, theme: Any, scale_name: str | None) -> list[str]:
    """Count the rows at each status of a status column: '38 of 46 (83%) actions are Green' or '55 (56%)'."""
    return [] if table.counts is None else count_lines(table.counts, table, result, theme, scale_name)


def count_lines(spec: StatusCounts, table: Table, result: Read, theme: Any, scale_name: str | None) -> list[str]:
    """Return the counts of one status column as the council writes them, each status with rows at it."""
    columns = table.column_specs
    n = next(i for i, c in enumerate(columns) if c.key == spec.column)
    labels = [v.text for (row, column), v in sorted(result.values.items()) if column == n and v.text]
    whole = Decimal(len(labels))
    lines = []
    for status in theme.scale(columns[n].scale or scale_name).statuses:
        count = Decimal(labels.count(status.label))
        if count:
            share = f"{_plain(rounded(count * 100 / whole, 0))}%"
            lines.append(f"{of_text(count, whole)} {spec.noun} are {status.label}" if spec.style == "of"
                         else f"{status.definition}: {_plain(count)} ({share})")
    return lines


def summary_lines(summary: StatusSummary, tables: dict[str, Table], theme: Any, scale_name: str | None) -> list[str]:
    """Return the counts a status summary shows, worked out from the rows of the table it names."""
    table = tables[summary.table]
    return count_lines(summary, table, read_table(table), theme, scale_name)


def summary_problems(models: list[tuple[tuple[Any, ...], Any]]) -> list[Located]:
    """Return status summaries that name no table of the paper, or a column of it that holds no statuses."""
    tables = {m.id: m for _, m in models if isinstance(m, Table) and m.id}
    found: list[Located] = []
    for path, summary in models:
        if not isinstance(summary, StatusSummary):
            continue
        table = tables.get(summary.table)
        if table is None:
            found.append(((*path, "table"), f"expected the id of a table in this paper ({', '.join(sorted(tables)) or 'none'}), got {summary.table!r}"))
            continue
        statuses = [c.key for c in table.column_specs if c.type == "status" and c.key]
        if summary.column not in statuses:
            found.append(((*path, "column"), f"expected the key of a status column of {summary.table!r} ({', '.join(statuses) or 'none'}), got {summary.column!r}"))
    return found


def _heading(value: Any) -> Shown:
    text, span, rows = _cell(value)
    return Shown(text, kind="prose", tag="th", scope="colgroup" if span > 1 else "col", colspan=span, rowspan=rows)


def _covered_titles(head: list[ShownRow], columns: list[Column], header: bool) -> list[ShownRow]:
    """Add the column headings under the `head` rows, leaving out those a heading above spans down over."""
    if not header:
        return head
    covered: set[int] = set()
    for depth, row in enumerate(head):
        column = 0
        for cell in row.cells:
            if cell.rowspan > len(head) - depth:
                covered |= set(range(column, column + cell.colspan))
            column += cell.colspan
    titles = [Shown(c.title, kind="prose", tag="th", scope="col") for n, c in enumerate(columns) if n not in covered]
    return [*head, ShownRow(titles)]


def show(column: Column, value: Value, worked: Worked | None, theme: Any, scale_name: str | None, parts: tuple[Any, ...] = ()) -> Shown:
    """Return a cell shown as the council writes it: a status with mark, word and fill; £1,234; 2 July 2015."""
    marker = value.marker
    if parts and column.type == "status":
        scale = theme.scale(column.scale or scale_name)
        return Shown(value.text, kind="statuses", marker=marker, parts=[(part.label, scale.get(part.status), part.status) for part in parts])
    if worked is not None:
        return _show_figure(column, value, worked, theme, marker)
    if not value.text:
        return Shown("", marker=marker)
    kind = column.type
    if kind == "status":
        status = theme.scale(column.scale or scale_name).get(value.text)
        return Shown(status.label, kind="status", fill=status.colour, colour=status.text_colour, mark=status.mark, marker=marker)
    if kind in NUMERIC:
        assert value.number is not None
        return Shown(number_text(kind, value.number, _places(value.number), column.unit, column.thousands), align="right", marker=marker)
    if kind == "date":
        assert value.day is not None
        return Shown(date_text(value.day, theme), marker=marker)
    if kind == "month":
        assert value.day is not None
        return Shown(date_text(value.day, theme) if value.has_day else f"{value.day:%B %Y}", marker=marker)
    if kind == "reference":
        return Shown(value.text, kind="reference", marker=marker)
    if kind in LEVELS and theme.risk is not None:
        assert value.number is not None
        level = int(value.number)
        return Shown(f"{level} ({getattr(theme.risk, kind).name_of(level)})", align="center", marker=marker)
    return Shown(value.text, kind="prose", marker=marker)


def _show_figure(column: Column, value: Value, worked: Worked, theme: Any, marker: str) -> Shown:
    assert column.figure is not None
    rule = column.figure.rule
    if worked.value is None:
        return Shown("", marker=marker)
    places = column.decimals or 0
    if rule == "band":
        band = theme.risk.band(int(worked.value))
        rating = _plain(worked.value) if column.show in ("figure", "both") else ""
        return Shown(rating if column.show == "figure" else band.name, kind="band", fill=band.colour,
                     colour=band.text or theme.colours.text, marker=marker, words=rating if column.show == "both" else "")
    if worked.of is not None:
        return Shown(of_text(*worked.of, places), align="right", marker=marker)
    if rule == "percent":
        return Shown(number_text("percent", rounded(worked.value, places), places), align="right", marker=marker)
    kind = column.type if column.type in NUMERIC else "number"
    text = number_text(kind, rounded(worked.value, places), places, column.unit, column.thousands)
    if rule == "difference" and column.better and column.show != "figure":
        return _travel(text, worked.value, column.better, theme, marker, column.show != "words")
    return Shown(text, align="right", marker=marker)


def _travel(text: str, difference: Decimal, better: str, theme: Any, marker: str, figure: bool = True) -> Shown:
    """Show a difference with the mark, words and colour of better, worse or on target (the figure too, unless told not)."""
    performance = theme.performance
    if difference == 0:
        kind = "on_target"
    else:
        kind = "better" if (difference > 0) == (better == "higher") else "worse"
    words = " ".join(w for w in (getattr(performance, f"{kind}_mark"), getattr(performance, kind)) if w)
    signed = f"+{text}" if difference > 0 else text
    return Shown(signed if figure else "", kind="travel", fill=getattr(performance, f"{kind}_colour"), colour=theme.colours.text,
                 align="right" if figure else None, marker=marker, words=words)


def _places(value: Decimal) -> int:
    return max(-value.as_tuple().exponent, 0)  # type: ignore[operator]


def number_text(kind: str, value: Decimal, places: int, unit: str = "pounds", thousands: bool = True) -> str:
    """Write a number as councils do: 1,250 (or 1250, without `thousands`); £1,250 (pence only when there are any); £2.1m in millions; 83%."""
    text = f"{abs(value):,.{places}f}" if thousands else f"{abs(value):.{places}f}"
    sign = "-" if value < 0 else ""
    if kind == "money" and unit == "millions":
        return f"{sign}£{text}m"
    if kind == "money":
        whole = f"{abs(value):,.2f}" if thousands else f"{abs(value):.2f}"
        return f"{sign}£{whole[:-3] if whole.endswith('.00') else whole}"
    if kind == "percent":
        return f"{sign}{text}%"
    return sign + text


def date_text(day: datetime.date, theme: Any) -> str:
    """Write a date in the council's style (its theme's `dates`)."""
    from ..sources.dates import council_date

    return council_date(day, getattr(theme, "dates", "day-month-year"))


def _totals_row(table: Table, columns: list[Column], result: Read, theme: Any) -> ShownRow:
    assert table.totals is not None
    cells = [Shown(table.totals.label, tag="th", scope="row")]
    written: dict[int, list[Any]] = {}
    for row in result.rows:
        for cell in row.cells if row.group is None else []:
            written.setdefault(cell.column, []).append(cell.text)
    keys = {c.key: n for n, c in enumerate(columns) if c.key}
    for n, column in enumerate(columns[1:], 1):
        total = result.totals.get(n)
        worked = result.total_worked.get(n)
        if worked is not None:
            cells.append(_show_figure(column, Value(""), worked, theme, ""))
        elif total is not None:
            places = max((_places(v.number) for (r, c), v in result.values.items() if c == n and v.number is not None), default=0)
            cells.append(Shown(number_text(column.type, total, places, column.unit, column.thousands), align="right"))
        else:
            cells.append(Shown(""))
            continue
        # A total is worked out from every cell it adds up: the column's own, or those of the columns its figure names.
        sources = [keys[k] for k in column.figure.inputs if k in keys] if worked is not None and column.figure else [n]
        stated = table.totals.stated.get(column.key) if column.key else None
        cells[-1].text = worked_out(cells[-1].text, *(t for m in sources for t in written.get(m, [])), stated=stated)
        cells[-1].align = column.align or cells[-1].align
    return ShownRow(cells, total=True)
