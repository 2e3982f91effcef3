"""Rows from the spreadsheets officers already keep: a CSV file or a sheet of an XLSX workbook in content/data/.

A block writes `rows_from: data/kpis-q3.xlsx#Sheet1!A1:G40` (or
`rows_from: data/kpis.csv`) where it would write `rows:`. Between loading and
validation, the rows of that range replace the declaration in the paper's
source tree as if they had been typed in YAML, every value as text, and each
is marked with its file and cell: every check then reports a bad value at its
cell (`content/data/kpis-q3.xlsx: Sheet1!C12: rows[10].actual: ...`) with no
extra work, and the workbook becomes one of the paper's data files, so a
changed workbook makes the paper out of date.

Workbooks are read by openpyxl in read-only mode with cached values only: no
formula is worked out here, and a formula cell Excel never saved a value for
is refused. openpyxl parses through defusedxml (a declared dependency), and
the package is checked for size before it is opened, so a hostile workbook is
a message, not an exhausted machine.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import os
import posixpath
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ContentError, Problem, did_you_mean
from .loader import Mark, Path_, Source, cell_problem, unsafe_text
from .package import MAX_MEMBERS, MAX_RATIO, RATIO_FROM

DECLARATION = "rows_from"
"""The key a block names its spreadsheet with, in place of `rows:`."""
MAX_BYTES = 10 * 2**20
"""A workbook or CSV file of a paper's tables is well under this; a bigger one is the wrong file."""
MAX_UNPACKED = 100 * 2**20
"""What an XLSX package may unpack to, all its parts together: more is a zip bomb, not a table."""
MAX_ROWS = 5000
"""Rows a range may give: the longest table in a paper has a few hundred."""
MAX_COLUMNS = 60
MAX_CELL = 32767
"""Excel's own limit on the characters of a cell."""
_RANGE = re.compile(r"^\$?[A-Za-z]{1,3}\$?\d+(:\$?[A-Za-z]{1,3}\$?\d+)?$")
_SUFFIXES = {".csv", ".xlsx", ".xlsm"}
EXAMPLE = "a CSV file or an XLSX workbook in content/data/, such as data/kpis.csv or data/kpis-q3.xlsx#Sheet1!A1:G40"


@dataclass(frozen=True)
class Cell:
    """One cell of a range: its value as text (None when empty), and where it is."""

    text: str | None
    mark: Mark


@dataclass
class Sheet:
    """The range a declaration names, read: its heading row and the rows under it."""

    source: Source
    """The spreadsheet as one of the paper's data files: its path, name, hash, and the rows read with their cells."""
    headings: list[Cell]
    rows: list[list[Cell]]


@dataclass(frozen=True)
class Reference:
    """A declaration taken apart: the file, and which sheet and range of it."""

    file: str
    sheet: str | None
    bounds: tuple[int | None, int | None, int | None, int | None]
    """First column, first row, last column, last row, counted from 1 (None: as far as the data goes)."""


def fill_rows(source: Source, content: Path) -> list[tuple[Path_, Source]]:
    """Put the rows of every spreadsheet a source names in place of its declaration; return each spreadsheet read, by field path.

    Raise ContentError with every problem found, at the declaration or at the cell.
    """
    found: list[Problem] = []
    read: list[tuple[Path_, Source]] = []
    for path, block in list(_declarations(source.data, ())):
        try:
            sheet = _sheet(source, (*path, DECLARATION), block[DECLARATION], content)
            _replace(source, path, block, sheet)
        except ContentError as err:
            found += err.problems
            continue
        read.append(((*path, DECLARATION), sheet.source))
    if found:
        raise ContentError(found)
    return read


def _declarations(value: Any, path: Path_) -> Iterator[tuple[Path_, dict[str, Any]]]:
    """Yield every mapping in a source that declares `rows_from:`, with its path, outermost first."""
    if isinstance(value, dict):
        if DECLARATION in value:
            yield path, value
        for key, item in value.items():
            yield from _declarations(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _declarations(item, (*path, index))


def _sheet(source: Source, at: Path_, declared: Any, content: Path) -> Sheet:
    """Read the range a declaration names, or raise ContentError at the declaration."""
    if not isinstance(declared, str):
        shape = "nothing" if declared is None else "a list" if isinstance(declared, list) else "a mapping"
        raise ContentError([source.problem(at, f"expected {EXAMPLE}, got {shape}")])
    reference = _reference(declared)
    if isinstance(reference, str):
        raise ContentError([source.problem(at, reference)])
    target = (content / reference.file).resolve()
    # Named as the paper is, from the project root: content/data/kpis.xlsx.
    name = posixpath.normpath(posixpath.join(posixpath.dirname(source.name), Path(os.path.relpath(target, source.path.parent)).as_posix()))
    if not target.is_relative_to((content / "data").resolve()):
        raise ContentError([source.problem(at, f"expected {EXAMPLE}, got {reference.file!r}: a spreadsheet must be in content/data/")])
    if not target.is_file():
        raise ContentError([source.problem(at, f"expected {EXAMPLE}, got {reference.file!r}: there is no {name}")])
    size = target.stat().st_size
    if size > MAX_BYTES:
        raise ContentError([source.problem(at, f"{name} is {size / 2**20:.1f} MB; a spreadsheet may be at most {MAX_BYTES // 2**20} MB (is it the right file?)")])
    data = target.read_bytes()
    reader = _csv_cells if target.suffix.lower() == ".csv" else _workbook_cells
    def refuse(message: str) -> Problem:
        return source.problem(at, message)

    grid = reader(data, name, reference, refuse)
    return _split(grid, Source(target, name, None, hashlib.sha256(data).hexdigest()), refuse, declared)


def _reference(declared: str) -> Reference | str:
    """Take a declaration apart: `data/kpis.xlsx#'Q3 figures'!A1:G40`; return a message if it cannot be."""
    file, _, where = declared.strip().partition("#")
    suffix = Path(file).suffix.lower()
    if suffix not in _SUFFIXES:
        hint = " (save it from Excel as .xlsx)" if suffix == ".xls" else ""
        return f"expected {EXAMPLE}, got {declared!r}{hint}"
    sheet, _, cells = where.rpartition("!") if "!" in where else ("", "", where)
    if where and not sheet and not _RANGE.match(cells):  # a sheet's name alone: the whole sheet
        sheet, cells = where, ""
    if sheet.startswith("'") and sheet.endswith("'") and len(sheet) > 1:
        sheet = sheet[1:-1].replace("''", "'")
    if cells and not _RANGE.match(cells):
        return f"expected a range of cells such as A1:G40 after the sheet's name, got {cells!r}"
    if sheet and suffix == ".csv":
        return f"expected a range such as #A1:G40 in a CSV file (it has no sheets), got {where!r}"
    from openpyxl.utils.cell import range_boundaries

    bounds = range_boundaries(cells.replace("$", "").upper()) if cells else (None, None, None, None)
    first_column, first_row, last_column, last_row = bounds
    if first_row and last_row and last_row - first_row > MAX_ROWS:
        return f"expected a range of at most {MAX_ROWS} rows, got {last_row - first_row + 1} ({cells})"
    if first_column and last_column and last_column - first_column >= MAX_COLUMNS:
        return f"expected a range of at most {MAX_COLUMNS} columns, got {last_column - first_column + 1} ({cells})"
    return Reference(file, sheet or None, bounds)


# ---------------------------------------------------------------- reading cells


def _csv_cells(data: bytes, name: str, reference: Reference, refuse: Any) -> list[list[Cell]]:
    """Return the cells of a CSV file's range, row by row; each cell's mark names it as a spreadsheet would (C12)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        message = f"expected UTF-8 text in {name}, got the byte {data[err.start]:#04x}; in Excel, save it as 'CSV UTF-8 (Comma delimited)'"
        raise ContentError([refuse(message)]) from None
    first_column, first_row, last_column, last_row = _bounds(reference)
    grid: list[list[Cell]] = []
    try:
        for row, record in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if row < first_row:
                continue
            if last_row is not None and row > last_row:
                break
            end = len(record) if last_column is None else min(len(record), last_column)
            cells = [_cell(value or None, name, None, row, column) for column, value in enumerate(record[first_column - 1 : end], start=first_column)]
            grid.append(cells)
            _bound_rows(grid, first_row, refuse)
    except csv.Error as err:
        raise ContentError([refuse(f"expected CSV in {name}, got a line it cannot read ({err})")]) from None
    return grid


def _workbook_cells(data: bytes, name: str, reference: Reference, refuse: Any) -> list[list[Cell]]:
    """Return the cells of a workbook's range, row by row, cached values only; a formula with no saved value is a problem at its cell."""
    _check_package(data, name, refuse)
    import openpyxl

    try:
        with warnings.catch_warnings():  # openpyxl warns of parts it leaves out (data validation, styles): nothing a table uses
            warnings.simplefilter("ignore")
            values = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as err:  # noqa: BLE001 - a damaged or hostile package raises many kinds: each is the officer's message
        raise ContentError([refuse(f"expected an Excel workbook in {name}, got a file openpyxl cannot read ({type(err).__name__}: {err})")]) from None
    try:
        sheet = reference.sheet or values.sheetnames[0]
        if sheet not in values.sheetnames:
            named = ", ".join(values.sheetnames)
            raise ContentError([refuse(f"expected a sheet of {name} ({named}), got {sheet!r}{did_you_mean(sheet, values.sheetnames)}")])
        return _sheet_cells(values[sheet], formulas[sheet], name, sheet, reference, refuse)
    finally:
        values.close()
        formulas.close()


def _sheet_cells(values: Any, formulas: Any, name: str, sheet: str, reference: Reference, refuse: Any) -> list[list[Cell]]:
    first_column, first_row, last_column, last_row = _bounds(reference)
    window = {"min_row": first_row, "max_row": last_row, "min_col": first_column, "max_col": last_column}
    grid: list[list[Cell]] = []
    found: list[Problem] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for row, (cached, written) in enumerate(zip(values.iter_rows(**window), formulas.iter_rows(**window)), start=first_row):
            cells = []
            for column, (value, formula) in enumerate(zip(cached, written), start=first_column):
                cell = _workbook_cell(value, formula, name, sheet, row, column)
                if isinstance(cell, Problem):
                    found.append(cell)
                    cell = Cell(None, cell_mark(name, sheet, row, column))
                cells.append(cell)
            grid.append(cells)
            _bound_rows(grid, first_row, refuse)
    if found:
        raise ContentError(found)
    return grid


def _workbook_cell(value: Any, formula: Any, name: str, sheet: str, row: int, column: int) -> Cell | Problem:
    """Return a workbook cell's cached value as text, or the problem with it."""
    mark = cell_mark(name, sheet, row, column)
    if value.value is None and formula.data_type == "f":
        return cell_problem(mark, "", f"expected a value, got the formula {formula.value} with no value saved; open the workbook in Excel and save it")
    if value.data_type == "e":
        return cell_problem(mark, "", f"expected a value, got the error {value.value}; correct the formula in the workbook")
    text = cell_text(value.value, getattr(value, "number_format", "General"))
    return _cell(text, name, sheet, row, column)


def cell_text(value: Any, number_format: str = "General") -> str | None:
    """Return a cell's value as an officer would have typed it in YAML: numbers as shown to 15 digits, dates as ISO, Yes or No."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Excel shows 15 significant digits: 0.1 + 0.2 is 0.3 there, not 0.30000000000000004.
        return f"{value * 100:.15g}%" if "%" in number_format else f"{value:.15g}"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()[:5] if isinstance(value, datetime.time) else value.isoformat()
    return str(value)


def _cell(text: str | None, name: str, sheet: str | None, row: int, column: int) -> Cell:
    mark = cell_mark(name, sheet, row, column)
    if text is not None:
        if len(text) > MAX_CELL:
            raise ContentError([cell_problem(mark, "", f"expected at most {MAX_CELL} characters in a cell, got {len(text)}")])
        unsafe = unsafe_text(text)
        if unsafe:
            raise ContentError([cell_problem(mark, "", unsafe)])
    return Cell(text, mark)


def cell_mark(name: str, sheet: str | None, row: int, column: int, within: int = 0) -> Mark:
    """Return the mark of a spreadsheet's cell: Sheet1!C12, or C12 in a CSV file."""
    from openpyxl.utils.cell import get_column_letter

    where = f"{get_column_letter(column)}{row}"
    return Mark(row, column, name, f"{_quoted(sheet)}!{where}" if sheet else where, within)


def _quoted(sheet: str) -> str:
    """Return a sheet's name as Excel writes it in a reference: quoted only when it must be ('Q3 figures')."""
    return sheet if re.fullmatch(r"[A-Za-z_][\w.]*", sheet) else "'" + sheet.replace("'", "''") + "'"


def _bounds(reference: Reference) -> tuple[int, int, int | None, int | None]:
    first_column, first_row, last_column, last_row = reference.bounds
    return first_column or 1, first_row or 1, last_column if last_column else (first_column or 1) + MAX_COLUMNS - 1, last_row


def _bound_rows(grid: list[list[Cell]], first_row: int, refuse: Any) -> None:
    if len(grid) > MAX_ROWS + 1:
        raise ContentError([refuse(f"expected at most {MAX_ROWS} rows under the headings, got more from row {first_row} on; give a range such as #Sheet1!A1:G40")])


def _check_package(data: bytes, name: str, refuse: Any) -> None:
    """Refuse a workbook whose package would unpack to more than any table needs, before openpyxl opens it.

    The bounds on parts and on how far one may inflate are package.py's, for any Office package; the
    sizes are the zip directory's, which Python's zipfile (and so openpyxl) holds each part to as it inflates.
    """
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile:
        raise ContentError([refuse(f"expected an Excel workbook (.xlsx) in {name}, got a file that is not one; save it from Excel as .xlsx")]) from None
    unpacked = sum(part.file_size for part in parts)
    swollen = [p for p in parts if p.file_size > RATIO_FROM and p.file_size > MAX_RATIO * max(p.compress_size, 1)]
    if len(parts) > MAX_MEMBERS or unpacked > MAX_UNPACKED or swollen:
        what = f"{len(parts)} parts" if len(parts) > MAX_MEMBERS else f"{unpacked / 2**20:.0f} MB unpacked"
        if swollen:
            what = f"a part ({swollen[0].filename}) that unpacks {swollen[0].file_size // max(swollen[0].compress_size, 1)} times its size"
        raise ContentError([refuse(f"expected a workbook of tables in {name}, got {what}: refused as a zip bomb")])


# ---------------------------------------------------------------- rows in the source tree


def _split(grid: list[list[Cell]], source: Source, refuse: Any, declared: str) -> Sheet:
    """Take the heading row from the cells read; drop empty rows and the empty columns after the last heading."""
    rows = [row for row in grid if any(cell.text is not None for cell in row)]
    if not rows:
        raise ContentError([refuse(f"expected a heading row and rows under it in {declared}, got empty cells")])
    headings = rows[0]
    while headings and headings[-1].text is None:
        headings = headings[:-1]
    width = len(headings)
    body = [row[:width] + [_below(heading.mark, row[0].mark.line) for heading in headings[len(row) :]] for row in rows[1:]]
    return Sheet(source, headings, body)


def _below(heading: Mark, row: int) -> Cell:
    """Return the empty cell in a heading's column on a row that ends before it (a short line of a CSV file)."""
    sheet = heading.cell.rpartition("!")[0]
    letters = re.sub(r"\d+$", "", heading.cell.rpartition("!")[2])
    return Cell(None, Mark(row, heading.column, heading.file, f"{sheet}!{letters}{row}" if sheet else f"{letters}{row}"))


def _replace(source: Source, path: Path_, block: dict[str, Any], sheet: Sheet) -> None:
    """Put the sheet's rows in the block in place of its declaration, each value marked with its cell."""
    at = (*path, DECLARATION)
    if "rows" in block:
        raise ContentError([source.problem(at, "expected rows or rows_from, not both: the rows come from the spreadsheet", key=True)])
    columns = block.get("columns")
    keyed = isinstance(columns, list) and any(isinstance(c, dict) and "key" in c for c in columns)
    if isinstance(columns, list) and not keyed:
        rows = _listed(sheet, len(path))
    else:
        keys = _keys(sheet, columns if keyed else None, lambda message: source.problem(at, message))
        rows = _keyed(sheet, keys, len(path))
    replaced = {("rows" if key == DECLARATION else key): (rows[0] if key == DECLARATION else value) for key, value in block.items()}
    block.clear()
    block.update(replaced)
    source.keys[(*path, "rows")] = source.keys.get(at, source.mark(at))
    source.values[(*path, "rows")] = source.mark(at)
    for sub, mark in rows[1].items():
        source.values[(*path, "rows", *sub)] = mark
    for sub, mark in rows[2].items():
        source.keys[(*path, "rows", *sub)] = mark
    # The spreadsheet's own source holds the same rows under `rows`, marked by cell, for what traces values to their files.
    sheet.source.data = {"rows": rows[0]}
    sheet.source.values = {("rows", *sub): _within(mark, 0) for sub, mark in rows[1].items()}


Marks = dict[Path_, Mark]


def _listed(sheet: Sheet, within: int) -> tuple[list[list[str]], Marks, Marks]:
    """Return the rows as lists of cells left to right, for a block whose columns are headings: a blank cell is blank text."""
    rows: list[list[str]] = []
    values: Marks = {}
    for i, row in enumerate(sheet.rows):
        values[(i,)] = _within(row[0].mark, within)
        rows.append([cell.text or "" for cell in row])
        values.update({(i, j): _within(cell.mark, within) for j, cell in enumerate(row)})
    return rows, values, {}


def _keyed(sheet: Sheet, keys: list[str | None], within: int) -> tuple[list[dict[str, str]], Marks, Marks]:
    """Return the rows as mappings by key, for a block whose rows are records: a blank cell leaves its key out."""
    rows: list[dict[str, str]] = []
    values: Marks = {}
    names: Marks = {}
    for i, row in enumerate(sheet.rows):
        values[(i,)] = _within(row[0].mark, within)
        record = {}
        for key, heading, cell in zip(keys, sheet.headings, row):
            if key is None:
                continue
            names[(i, key)] = _within(heading.mark, within)
            values[(i, key)] = _within(cell.mark, within)  # a blank a field needs is reported at its cell
            if cell.text is not None:
                record[key] = cell.text
        rows.append(record)
    return rows, values, names


def _within(mark: Mark, depth: int) -> Mark:
    return Mark(mark.line, mark.column, mark.file, mark.cell, depth)


def key_of(heading: str) -> str:
    """Return a heading written as a key: 'Actual (Q3)' becomes actual_q3."""
    return re.sub(r"[^a-z0-9]+", "_", heading.lower()).strip("_")


def _keys(sheet: Sheet, columns: list[Any] | None, refuse: Any) -> list[str | None]:
    """Return the key of each heading: the column it names (by key or title), or, with no columns declared, the heading as a key.

    A heading that names no declared column is left out; a declared column
    (other than a worked-out figure) that no heading names is a problem.
    """
    found: list[Problem] = []
    for cell in sheet.headings:
        if cell.text is None:
            found.append(cell_problem(cell.mark, "", "expected a heading, got an empty cell above a column of values"))
    if found:
        raise ContentError(found)
    headings = [str(cell.text) for cell in sheet.headings]
    if columns is None:
        return [key_of(h) or None for h in headings]
    wanted = {c["key"]: c for c in columns if isinstance(c, dict) and isinstance(c.get("key"), str)}
    titles = {_folded(str(c.get("title", ""))): key for key, c in wanted.items()}
    keys = [h if h in wanted else key_of(h) if key_of(h) in wanted else titles.get(_folded(h)) for h in headings]
    missing = [key for key, c in wanted.items() if key not in keys and "figure" not in c]
    for key in missing:
        title = str(wanted[key].get("title", key))
        message = f"expected a heading {title!r} (or {key!r}) in the first row of the range, got {', '.join(map(repr, headings))}"
        found.append(refuse(message + did_you_mean(title, headings)))
    if found:
        raise ContentError(found)
    return keys


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()
