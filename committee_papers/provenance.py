"""Trace a paper's DOCX back to its YAML: anchors on every paragraph, cell and heading, and a map inside the file.

The DOCX writer knows the dialect, not the YAML, and the templates are shared
with other work; so rather than threading source marks through templates,
this stage reads the finished Word document and matches each paragraph, table
cell and running header back to the YAML value(s) whose text it shows, the
values rendered through the same Markdown. Figures no value shows (totals,
ratings, overall scores) are derived: their inputs are the figures matched
in the same row (or, failing that, the same column) of their table.

Each traced paragraph or cell is wrapped in a bookmark (src_0001 ...):
Word and LibreOffice both keep bookmarks when they save. The map from
bookmark to file, line, column and field travels in a custom XML part of the
package (customXml/itemN.xml), which both keep too, so the reviewed file
alone is enough to send a comment back to its line.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from .dates import day_month_year, long_date
from .loader import Path_, Source, dotted

NAMESPACE = "urn:committee-papers:provenance:1"
CUSTOM_XML = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PREFIX = "src_"
SHORT = 3  # a value this short ("4", "Yes") only counts where its row or table says it belongs
_SPACE = re.compile(r"\s+")
_FIGURE = re.compile(r"^[(£-]?[\d,]+(\.\d+)?%?\)?$")
_CUT = "\u2063"  # where a note marker was: its label is only known once notes are numbered
_DERIVED = re.compile(r"^[(£-]?\d")  # a figure: "8 Medium", "£139,555", "29 (32)"; not "R1"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def normalise(text: str) -> str:
    """Return text with its whitespace collapsed, as a comparison sees it."""
    return _SPACE.sub(" ", text).strip()


# ---------------------------------------------------------------- the values of the sources


@dataclass(frozen=True)
class Value:
    """One scalar of a source file and where it was written."""

    file: str
    line: int
    column: int
    path: Path_
    text: str

    @property
    def field(self) -> str:
        return dotted(self.path)

    def where(self) -> dict[str, Any]:
        """Return the location as the map records it."""
        return {"file": self.file, "line": self.line, "column": self.column, "field": self.field}


@dataclass(frozen=True)
class Origin:
    """Every scalar of a paper and of the data files it names: what the anchors of its DOCX point at."""

    paper: str
    values: tuple[Value, ...]

    @classmethod
    def of(cls, source: Source, data_sources: list[Source]) -> Origin:
        """Return the values of a paper's source and its data files, in the order they were written."""
        values = [v for s in (source, *data_sources) for v in _values(s)]
        return cls(source.name, tuple(values))


def _values(source: Source) -> Iterator[Value]:
    def walk(value: Any, path: Path_) -> Iterator[Value]:
        if isinstance(value, dict):
            for key, item in value.items():
                yield from walk(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from walk(item, (*path, index))
        elif isinstance(value, str):
            mark = source.mark(path)
            yield Value(source.name, mark.line, mark.column, path, value)

    return walk(source.data, ())


@dataclass(frozen=True)
class Variant:
    """A way a value shows on the page: its text split where note markers were (their labels come later)."""

    value: Value
    pieces: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.pieces)

    @property
    def weak(self) -> bool:
        """Return whether the text is too short or too common to place without context."""
        text = "".join(self.pieces)
        return len(text) <= SHORT or bool(_FIGURE.match(text)) or text in ("Yes", "No")


def variants(value: Value) -> list[Variant]:
    """Return the texts a value may show as: as typed, as Markdown renders it (whole and per block), dates and figures as written."""
    raw = normalise(value.text)
    found = {(raw,)} if raw else set()
    if _ISO_DATE.match(raw):
        try:
            day = datetime.date.fromisoformat(raw)
            found |= {(long_date(day),), (day_month_year(day),), (f"{day:%d/%m/%Y}",)}
        except ValueError:
            pass
    number = _number(raw)
    if number is not None:
        found.add((f"{number:,}",))
    found |= set(_rendered(value.text))
    return [Variant(value, pieces) for pieces in sorted(found) if any(pieces)]


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "")) if re.fullmatch(r"\d[\d,]*(\.\d+)?", text) else None
    except InvalidOperation:
        return None


def _rendered(text: str) -> list[tuple[str, ...]]:
    """Return the text of a value rendered as prose: the whole, and each paragraph or list item on its own."""
    from .prose import to_html

    if not re.search(r"[*_\[\]`#>\n]|^\s*[-+]|^\s*\d+[.)]", text):
        return []
    root = lxml_html.fragment_fromstring(str(to_html(text)) or "<p></p>", create_parent="div")
    for sup in root.iter("sup"):
        if "note-ref" in (sup.get("class") or ""):
            sup.text, sup.tail = _CUT, _CUT + (sup.tail or "")
            for child in list(sup):
                sup.remove(child)
    blocks = [root] + [e for e in root.iter("p", "li")]
    out = []
    for block in blocks:
        own = block.text_content() if block.tag != "li" else _own_text(block)
        pieces = tuple(p for p in (normalise(t) for t in own.split(_CUT)) if p)
        if pieces:
            out.append(pieces)
    return out


def _own_text(item: Any) -> str:
    """Return a list item's text without the lists nested in it."""
    parts = [item.text or ""]
    for child in item:
        if child.tag not in ("ul", "ol"):
            parts.append(child.text_content())
        parts.append(child.tail or "")
    return "".join(parts)


# ---------------------------------------------------------------- the units of a Word document


@dataclass
class Unit:
    """A traceable piece of a Word document: a paragraph, a table cell or a running header or footer."""

    kind: str
    first: Any
    """The first w:p: where its bookmark starts."""
    last: Any
    """The last w:p: where its bookmark ends."""
    text: str
    table: int | None = None
    row: int | None = None
    column: int | None = None
    heading: bool = False
    """A cell of a header row: its text is a heading, never a figure."""
    sources: list[Value] = field(default_factory=list)
    inputs: list[Value] = field(default_factory=list)

    @property
    def traced(self) -> bool:
        return bool(self.sources or self.inputs)


def paragraph_text(p: Any) -> str:
    """Return what a paragraph shows: its text and tabs, not deleted text or field codes."""
    parts = []
    for element in p.iter(_w("t"), _w("tab"), _w("br")):
        if element.tag == _w("t"):
            parts.append(element.text or "")
        else:
            parts.append(" ")
    return normalise("".join(parts))


def units(body: Any, kind: str = "paragraph") -> list[Unit]:
    """Return a body's paragraphs and cells in reading order; cells carry their table, row and column."""
    found: list[Unit] = []
    tables = iter(range(1_000_000))
    for child in body:
        if child.tag == _w("p"):
            found.append(Unit(kind, child, child, paragraph_text(child)))
        elif child.tag == _w("tbl"):
            found += _cells(child, next(tables))
    return found


def _cells(table: Any, number: int) -> list[Unit]:
    found = []
    for r, tr in enumerate(table.iterchildren(_w("tr"))):
        heading = tr.find(f"{_w('trPr')}/{_w('tblHeader')}") is not None
        for c, tc in enumerate(tr.iterchildren(_w("tc"))):
            paragraphs = list(tc.iter(_w("p")))
            if not paragraphs:
                continue
            text = normalise(" ".join(paragraph_text(p) for p in paragraphs))
            found.append(Unit("cell", paragraphs[0], paragraphs[-1], text, number, r, c, heading))
    return found


# ---------------------------------------------------------------- matching


class Matcher:
    """Match the text of units to the values that show it."""

    def __init__(self, origin: Origin) -> None:
        self.exact: dict[str, list[Variant]] = {}
        self.strong: list[Variant] = []
        for value in origin.values:
            for variant in variants(value):
                self.exact.setdefault(variant.text, []).append(variant)
                if not variant.weak:
                    self.strong.append(variant)
        self.strong.sort(key=lambda v: -len(v.text))

    def strong_sources(self, text: str, near: Path_, *, lenient: bool = False) -> list[Value]:
        """Return the values a unit shows that are long enough to place by text alone, in the order shown.

        `lenient` takes short values inside a longer line too: a running header is made of them.
        """
        if not text:
            return []
        exact = [v for v in self.exact.get(text, []) if not v.weak]
        if exact:
            return [_closest([v.value for v in exact], near)]
        taken: list[tuple[int, int]] = []
        found: list[Value] = []
        for variant in self.strong:
            span = _find(variant.pieces, text)
            if span is None or any(a < span[1] and span[0] < b for a, b in taken):
                continue
            length = span[1] - span[0]
            # A short value inside a longer line is more likely a coincidence ("Report" in a template heading).
            if not lenient and length < 8 and length / len(text) < (0.25 if found else 0.5):
                continue
            taken.append(span)
            found.append(variant.value)
        if found:  # in the order the line shows them
            return [v for _, v in sorted(zip(taken, found), key=lambda pair: pair[0])]
        whole = [v.value for v in self.strong if len(text) >= 30 and text in v.text]
        return [_closest(whole, near)] if whole else []

    def weak_sources(self, text: str, within: Path_, *, unique: bool = False) -> list[Value]:
        """Return the short value a unit shows, if one was written inside the given part of the paper (and only one, if unique)."""
        candidates = [v.value for v in self.exact.get(text, []) if v.value.path[: len(within)] == within]
        if not candidates or not within or (unique and len({v.path for v in candidates}) > 1):
            return []
        return [_closest(candidates, within)]


def _find(pieces: tuple[str, ...], text: str) -> tuple[int, int] | None:
    """Return where the pieces occur in order in text, on word boundaries except beside a note label."""
    start = end = None
    position = 0
    last = len(pieces) - 1
    for n, piece in enumerate(pieces):
        index = text.find(piece, position)
        while index >= 0 and not _bounded(text, index, index + len(piece), n == 0, n == last):
            index = text.find(piece, index + 1)
        if index < 0:
            return None
        start = index if start is None else start
        end = position = index + len(piece)
    return (start, end) if start is not None and end is not None else None


def _bounded(text: str, start: int, end: int, check_start: bool, check_end: bool) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if check_start and before.isalnum() and text[start].isalnum():
        return False
    return not (check_end and after.isalnum() and text[end - 1].isalnum())


def _closest(values: list[Value], near: Path_) -> Value:
    """Return the value whose path shares most with the path near, the first written on a tie."""
    return max(values, key=lambda v: (_shared(v.path, near), -v.line, -v.column))


def _shared(a: Path_, b: Path_) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _common(paths: list[Path_]) -> Path_:
    """Return the longest path every given path starts with (the parents of field paths)."""
    if not paths:
        return ()
    prefix = paths[0][:-1]
    for path in paths[1:]:
        prefix = prefix[: _shared(prefix, path[:-1])]
    return prefix


def trace(found: list[Unit], matcher: Matcher) -> None:
    """Give each unit the values it shows, or, for a figure no value shows, the values it was derived from."""
    near: Path_ = ()
    for unit in found:
        unit.sources = matcher.strong_sources(unit.text, near)
        if unit.sources:
            near = unit.sources[0].path
    tables: dict[int, list[Unit]] = {}
    for unit in found:
        if unit.table is not None:
            tables.setdefault(unit.table, []).append(unit)
    for cells in tables.values():
        _trace_table(cells, matcher)
    for unit in found:  # a lone short value outside tables: placed by the paragraphs around it
        if unit.table is None and not unit.sources:
            unit.sources = matcher.weak_sources(unit.text, near[:2]) if unit.text else []
        near = unit.sources[0].path if unit.sources else near


def _trace_table(cells: list[Unit], matcher: Matcher) -> None:
    """Place short values and derived figures by the values matched in the same row, column and table."""
    placed = [c for c in cells if c.sources]
    table_part = _common([c.sources[0].path for c in placed]) if placed else ()
    for cell in cells:
        if cell.sources or not cell.text:
            continue
        row = [c.sources[0].path for c in placed if c.row == cell.row]
        column = [c.sources[0].path for c in placed if c.column == cell.column]
        if row:  # "2 (Marginal)": a level shown with its name
            within = _common(row)
            cell.sources = matcher.weak_sources(cell.text, within) or matcher.weak_sources(cell.text.split()[0], within)
        else:  # without a row to go by, only a value that nothing else in the table could be
            within = _common(column) if len(column) > 1 else table_part
            cell.sources = matcher.weak_sources(cell.text, within, unique=True)
        if cell.sources:
            placed.append(cell)
    for cell in cells:
        if not cell.sources and not cell.heading and _DERIVED.match(cell.text):
            cell.inputs = _inputs(cell, placed)


def _inputs(cell: Unit, placed: list[Unit]) -> list[Value]:
    """Return the figures a derived cell was worked out from: those of its row, else those of its column."""
    def figures(cells: list[Unit]) -> list[Value]:
        return [c.sources[0] for c in cells if c is not cell and _FIGURE.match("".join(c.sources[0].text.split()))]

    for line in ([c for c in placed if c.row == cell.row], [c for c in placed if c.column == cell.column]):
        found = figures(line)
        # Inputs are fields of one thing (a risk, a year's budget, a table's scores), never a guess across a file.
        if found and len({v.file for v in found}) == 1 and len(_common([v.path for v in found] * 2)) >= 2:
            return found
    return []


# ---------------------------------------------------------------- writing anchors and the map


def annotate(document: Any, origin: Origin) -> None:
    """Anchor every traced paragraph, cell and running header of a python-docx Document and add the map."""
    matcher = Matcher(origin)
    body = units(document.element.body)
    trace(body, matcher)
    running = []
    for part, kind in _running_parts(document):
        for unit in units(part.element, kind):
            unit.sources = matcher.strong_sources(unit.text, (), lenient=True)
            running.append(unit)
    traced = [u for u in body + running if u.traced]
    taken = {str(n) for n in document.element.xpath("//w:bookmarkStart/@w:name")}
    ids = [int(i) for part in _parts(document) for i in part.element.xpath("//w:bookmarkStart/@w:id")]
    next_id = max(ids, default=-1) + 1
    anchors: list[tuple[str, Unit]] = []
    for number, unit in enumerate(traced, start=1):
        name = f"{PREFIX}{number:04d}"
        while name in taken:
            name += "_"
        next_id = _bookmark(unit, name, next_id)
        anchors.append((name, unit))
    _add_map(document, origin, anchors)


def _running_parts(document: Any) -> list[tuple[Any, str]]:
    """Return each distinct header and footer part, in section order."""
    seen: dict[int, tuple[Any, str]] = {}
    for section in document.sections:
        for kind, item in (("header", section.header), ("footer", section.footer)):
            if not item.is_linked_to_previous:
                seen.setdefault(id(item.part), (item.part, kind))
    return list(seen.values())


def _parts(document: Any) -> list[Any]:
    return [document.part] + [part for part, _ in _running_parts(document)]


def _bookmark(unit: Unit, name: str, number: int) -> int:
    """Bookmark each paragraph of a unit (name, name_2 ...); return the next free bookmark id.

    One bookmark a paragraph, because LibreOffice splits a bookmark that
    spans paragraphs into pieces and loses where the first one ends.
    """
    paragraphs = [unit.first]
    if unit.last is not unit.first:
        cell = next(unit.first.iterancestors(_w("tc")))
        paragraphs = list(cell.iter(_w("p")))
    for n, p in enumerate(paragraphs, start=1):
        mark = name if n == 1 else f"{name}_{n}"
        start = etree.Element(_w("bookmarkStart"), {_w("id"): str(number), _w("name"): mark})
        ppr = p.find(_w("pPr"))
        p.insert(p.index(ppr) + 1 if ppr is not None else 0, start)
        etree.SubElement(p, _w("bookmarkEnd"), {_w("id"): str(number)})
        number += 1
    return number


def anchor_name(bookmark: str) -> str:
    """Return the anchor a bookmark belongs to: src_0019_2 is the second paragraph of src_0019."""
    return re.sub(r"^(src_\d+)_\d+$", r"\1", bookmark)


def _add_map(document: Any, origin: Origin, anchors: list[tuple[str, Unit]]) -> None:
    """Add the anchor map as a custom XML part of the document."""
    from .docx_writer import add_custom_xml

    root = etree.Element(f"{{{NAMESPACE}}}provenance", nsmap={None: NAMESPACE}, paper=origin.paper)
    for name, unit in anchors:
        anchor = etree.SubElement(root, f"{{{NAMESPACE}}}anchor", name=name, kind=unit.kind, text=unit.text[:80])
        for tag, values in (("source", unit.sources), ("input", unit.inputs)):
            for value in values:
                etree.SubElement(anchor, f"{{{NAMESPACE}}}{tag}", {k: str(v) for k, v in value.where().items()})
    add_custom_xml(document, etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True), NAMESPACE)


# ---------------------------------------------------------------- reading the map back


@dataclass(frozen=True)
class Anchor:
    """What one anchor of a DOCX points at."""

    name: str
    kind: str
    text: str
    sources: tuple[dict[str, Any], ...]
    inputs: tuple[dict[str, Any], ...]


def read_map(xml: bytes) -> dict[str, Anchor] | None:
    """Return the anchors of a provenance part, or None if the XML is some other custom part."""
    root = etree.fromstring(xml)
    if root.tag != f"{{{NAMESPACE}}}provenance":
        return None

    def where(element: Any) -> dict[str, Any]:
        return {**element.attrib, "line": int(element.get("line")), "column": int(element.get("column"))}

    return {
        a.get("name"): Anchor(
            a.get("name"),
            a.get("kind"),
            a.get("text", ""),
            tuple(where(s) for s in a.iterchildren(f"{{{NAMESPACE}}}source")),
            tuple(where(s) for s in a.iterchildren(f"{{{NAMESPACE}}}input")),
        )
        for a in root.iterchildren(f"{{{NAMESPACE}}}anchor")
    }
