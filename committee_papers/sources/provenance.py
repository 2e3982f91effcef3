"""Where every value a paper shows was written: carried from the YAML through the templates into HTML and DOCX.

Provenance is built, never guessed. Before a paper is laid out, each value
of its model (and of its data files and its council's theme) is replaced by
the same value carrying its source: `file:line:column:field`. Arithmetic on
such numbers keeps the sources of every operand, so a total knows all the
figures it was worked out from. The template filters pass a value's sources
on to what they write; Jinja's `finalize` brackets every sourced value a
template prints with invisible marks, and once the page is rendered those
marks become `data-src` (a value as written) and `data-from` (a figure worked
out from these values) on the element that shows it (docs/dialect.md). A
heading a template writes takes the part of the paper it introduces. The
DOCX writer turns each such element into a bookmark, and the map from
bookmark to sources travels in a custom XML part of the package, which Word
and LibreOffice keep when they save.
"""

from __future__ import annotations

import contextvars
import datetime
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, is_dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from lxml import etree
from lxml import html as lxml_html
from markupsafe import Markup, escape

from .loader import Path_, Source, dotted, load, undotted

NAMESPACE = "urn:committee-papers:provenance:1"
CUSTOM_XML = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PREFIX = "src_"
_SPACE = re.compile(r"\s+")
# Private-use characters bracket a sourced value in the rendered text until they become attributes.
_OPEN, _SHUT, _END = "\ue000", "\ue001", "\ue002"
_MARKED = re.compile(f"{_OPEN}(\\d+){_SHUT}((?:(?!{_OPEN}|{_END}).)*){_END}", re.DOTALL)
_STRAY = re.compile(f"{_OPEN}\\d+{_SHUT}|{_END}")
_BLOCK_START = re.compile(r"^\s*(?:[-*+]|\d+[.)]|#{1,6}|>)\s+")
HEADINGS = ("h1", "h2", "h3", "h4")
_HOLDERS = ("p", "li", "td", "th", "dd", "dt", "h1", "h2", "h3", "h4", "caption", "figcaption", "span", "div")


def normalise(text: str) -> str:
    """Return text with its whitespace collapsed, as a comparison sees it."""
    return _SPACE.sub(" ", text).strip()


def paragraph_text(p: Any) -> str:
    """Return what a Word paragraph shows: its text and tabs, not deleted text or field codes."""
    parts = []
    for element in p.iter(f"{{{W}}}t", f"{{{W}}}tab", f"{{{W}}}br"):
        parts.append(element.text or "" if element.tag == f"{{{W}}}t" else " ")
    return normalise("".join(parts))


# ---------------------------------------------------------------- references


def ref(file: str, line: int, column: int, path: Path_) -> str:
    """Return one source reference as the dialect writes it: file:line:column:field, spaces escaped."""
    return quote(f"{file}:{line}:{column}:{dotted(path)}", safe=":/[]'.-_,()@")


def parse_ref(text: str) -> dict[str, Any]:
    """Return a reference's file, line, column and field."""
    file, line, column, path = unquote(text).split(":", 3)
    return {"file": file, "line": int(line), "column": int(column), "field": path}


@dataclass(frozen=True)
class Refs:
    """The sources of a value: where it was written, or, for a worked-out figure, what it was worked out from."""

    shown: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()

    def __or__(self, other: Refs) -> Refs:
        """Return the sources of a figure worked out from two values: every one of both, as inputs."""
        return Refs((), tuple(dict.fromkeys((*self.shown, *self.inputs, *other.shown, *other.inputs))))


def refs_of(value: Any) -> Refs | None:
    """Return the sources a value carries, if any."""
    found = getattr(value, "provenance_refs", None)
    return found if isinstance(found, Refs) else None


def _worked_from(values: Iterable[Any]) -> Refs | None:
    """Return the sources of a figure worked out from some values: all of theirs, as its inputs."""
    found = [r for r in map(refs_of, values) if r is not None]
    return functools.reduce(lambda a, b: a | b, found) if found else None


def _shown_together(values: Iterable[Any]) -> Refs | None:
    """Return the sources of values shown side by side: what each shows is shown, what each was worked out from is input."""
    found = [r for r in map(refs_of, values) if r is not None]
    if not found:
        return None
    return Refs(tuple(dict.fromkeys(s for r in found for s in r.shown)), tuple(dict.fromkeys(i for r in found for i in r.inputs)))


class SourcedStr(str):
    """A string that knows where it was written, and the line each Markdown block of it starts on."""

    provenance_refs: Refs
    block_refs: tuple[str, ...] = ()


SourcedStr.__name__ = SourcedStr.__qualname__ = "str"  # a message about the value reads as it would about plain text


class SourcedMarkup(Markup):
    """Markup a filter made from a sourced value."""

    provenance_refs: Refs


def _arithmetic(base: type) -> type:
    """Return a subclass of a number type whose arithmetic keeps the sources of every operand."""

    def operator(name: str) -> Callable[..., Any]:
        method = getattr(base, name)

        def apply(self: Any, *others: Any) -> Any:
            result = method(self, *others)
            if result is NotImplemented or not isinstance(result, (int, Decimal)) or isinstance(result, bool):
                return result
            return carry(result, _worked_from((self, *others)))

        return apply

    names = ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__", "__rtruediv__",
             "__floordiv__", "__rfloordiv__", "__mod__", "__pow__")
    namespace: dict[str, Any] = {n: operator(n) for n in names if hasattr(base, n)}
    namespace["__neg__"] = lambda self: carry(base.__neg__(self), refs_of(self))
    namespace["__abs__"] = lambda self: carry(base.__abs__(self), refs_of(self))
    namespace["__reduce__"] = lambda self: (base, (base(self),))
    # Named as the plain type, so a message about the value (a sum on text in a council's template) reads as it would.
    return type(base.__name__, (base,), namespace)


SourcedDecimal = _arithmetic(Decimal)
SourcedInt = _arithmetic(int)


class SourcedDate(datetime.date):
    """A date that knows where it was written."""

    provenance_refs: Refs


SourcedDate.__name__ = SourcedDate.__qualname__ = "date"


def carry(value: Any, refs: Refs | None) -> Any:
    """Return the value carrying these sources (the value itself where its type cannot carry them)."""
    if refs is None or value is None or isinstance(value, bool):
        return value
    made: Any
    if isinstance(value, Markup):
        made = SourcedMarkup(value)
    elif isinstance(value, str):
        made = SourcedStr(value)
        made.block_refs = getattr(value, "block_refs", ())
    elif isinstance(value, Decimal):
        made = SourcedDecimal(value)
    elif isinstance(value, int):
        made = SourcedInt(value)
    elif isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        made = SourcedDate(value.year, value.month, value.day)
    elif is_dataclass(value) and not isinstance(value, type) and not hasattr(value, "__slots__"):
        object.__setattr__(value, "provenance_refs", refs)  # a frozen value type such as a Month
        return value
    else:
        return value
    made.provenance_refs = refs
    return made


def worked_out(value: Any, *inputs: Any, stated: Any = None) -> Any:
    """Return a figure worked out from some values, carrying all their sources as its inputs.

    Where the paper also states the figure (checked equal to the worked-out
    one), the figure shown is the stated value: it is shown at its own line,
    with the values it was worked out from as its inputs.
    """
    combined = _worked_from(inputs)
    stated_refs = refs_of(stated)
    if stated_refs is not None:
        return carry(stated, Refs(stated_refs.shown, combined.inputs if combined else ()))
    return carry(value, combined)


def shows(value: Any, *values: Any) -> Any:
    """Return a value made to show several sourced values (a count and last quarter's beside it), carrying all their sources."""
    return carry(value, _shown_together(values))


def _refs_in(value: Any) -> Refs | None:
    """Return the sources of a value, or of the items of a list (joined, they are all shown)."""
    if isinstance(value, (list, tuple)) and not isinstance(value, str):
        return _shown_together(value)
    return refs_of(value)


def carries(function: Callable[..., Any]) -> Callable[..., Any]:
    """Make a formatting function (or method) return its result carrying the sources of the first argument that has any."""

    @functools.wraps(function)
    def formatted(value: Any, *args: Any, **kwargs: Any) -> Any:
        refs = next((r for r in map(_refs_in, (value, *args)) if r is not None), None)
        return carry(function(value, *args, **kwargs), refs)

    return formatted


# ---------------------------------------------------------------- the values of the sources


@dataclass(frozen=True)
class Origin:
    """A paper's source and the data files it names, with every mark: what its values are traced to."""

    paper: Source
    data: tuple[Source, ...] = ()

    @classmethod
    def of(cls, source: Source, data_sources: list[Source]) -> Origin:
        """Return the origin of a paper from its loaded source and its data files' (read again where their marks were dropped)."""
        return cls(source, tuple(s if s.values else load(s.path, s.name) for s in data_sources))


class _Tracer:
    """Give every value of a model the source it was written at, walking the model and its YAML together."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.lines: list[str] | None = None

    def text_lines(self) -> list[str]:
        if self.lines is None:
            try:
                self.lines = self.source.path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self.lines = []
        return self.lines

    def value(self, value: Any, path: Path_) -> Any:
        from pydantic import BaseModel

        if isinstance(value, BaseModel):
            for name in type(value).model_fields:
                value.__dict__[name] = self.value(value.__dict__.get(name), (*path, name))
            return value
        if isinstance(value, list):
            value[:] = [self.value(item, (*path, i)) for i, item in enumerate(value)]
            return value
        if isinstance(value, tuple) and not hasattr(value, "_fields"):
            return tuple(self.value(item, (*path, i)) for i, item in enumerate(value))
        if isinstance(value, dict):
            for key in list(value):
                value[key] = self.value(value[key], (*path, key))
            return value
        if value is None or path not in self.source.values:
            return value  # made by a validator, not written: the value before it says where
        return self.scalar(value, path)

    def scalar(self, value: Any, path: Path_) -> Any:
        mark = self.source.values[path]
        if mark.file:  # read from a spreadsheet (rows_from): its row and column name the cell
            return carry(value, Refs((ref(mark.file, mark.line, mark.column, path),)))
        if isinstance(value, str) and not isinstance(value, Markup):
            blocks = self.blocks(value, mark.line, mark.column)
            line, column = blocks[0] if blocks else (mark.line, mark.column)
            made = carry(value, Refs((ref(self.source.name, line, column, path),)))
            made.block_refs = tuple(ref(self.source.name, b_line, b_column, path) for b_line, b_column in blocks)
            return made
        return carry(value, Refs((ref(self.source.name, mark.line, mark.column, path),)))

    def blocks(self, value: str, line: int, column: int) -> list[tuple[int, int]]:
        """Return the line and column of each Markdown block (paragraph, list item) of a text, in order.

        Only the lines of this value are read: from where its mark says it
        starts, each block's first words are looked for on the lines after
        the last block's, so folded and quoted scalars place as well as `|`.
        """
        lines = self.text_lines()
        here = lines[line - 1][column - 1 :] if 0 < line <= len(lines) else ""
        block_scalar = here[:1] in ("|", ">")
        starts = _block_starts(value)
        if not block_scalar and len(starts) <= 1:
            return [(line, column)]
        found: list[tuple[int, int]] = []
        at = line + 1 if block_scalar else line
        for words in starts:
            for n in range(at, min(len(lines), at + 400) + 1):
                text = lines[n - 1] if n != line or block_scalar else lines[n - 1][column - 1 :]
                if words and words in _BLOCK_START.sub("", text.strip().lstrip("'\"")):
                    found.append((n, len(text) - len(text.lstrip()) + 1 + (column - 1 if n == line and not block_scalar else 0)))
                    at = n + 1
                    break
            else:
                return [(line, column)] * len(starts)
        return found


def _block_starts(text: str) -> list[str]:
    """Return the first words of each paragraph and list item of a Markdown text, as Markdown splits it."""
    starts: list[str] = []
    blank = True
    for raw in text.split("\n"):
        stripped = raw.strip()
        if not stripped:
            blank = True
            continue
        if blank or _BLOCK_START.match(raw):
            starts.append(_BLOCK_START.sub("", stripped)[:24].strip())
        blank = False
    return starts


def trace(model: Any, source: Source) -> Any:
    """Return a deep copy of a model whose every value carries its source; the model itself is left as it was."""
    copied = model.model_copy(deep=True) if hasattr(model, "model_copy") else model
    return _Tracer(source).value(copied, ())


def trace_paper(paper: Any, origin: Origin) -> Any:
    """Return the paper with its values and its data files' values traced to where they were written."""
    traced = trace(paper, origin.paper)
    by_name = {s.name: s for s in origin.data}
    attached = getattr(traced, "_data", None)
    if isinstance(attached, dict):
        for key, (source, data) in list(attached.items()):
            full = by_name.get(getattr(source, "name", ""))
            if full is not None:
                attached[key] = (source, _Tracer(full).value(data, ()))
    return traced


def trace_theme(theme: Any, templates: Path, root: Path) -> tuple[Any, list[Source]]:
    """Return the theme with its values traced to its theme.yaml (status keys, labels, formulas), and that source."""
    from .errors import PaperError

    path = templates / theme.slug / "theme.yaml"
    try:
        source = load(path, path.relative_to(root).as_posix())
    except (PaperError, OSError, ValueError):  # checked when the build began; changed since, it is shown untraced
        return theme, []
    return trace(theme, source), [source]


# ---------------------------------------------------------------- templates


_marks: contextvars.ContextVar[list[Refs] | None] = contextvars.ContextVar("provenance_marks", default=None)


def finalize(value: Any) -> Any:
    """Bracket a sourced value a template prints with marks that become its element's data-src."""
    refs = refs_of(value)
    marks = _marks.get()
    if refs is None or marks is None or isinstance(value, bool):
        return value
    marks.append(refs)
    text = value if isinstance(value, Markup) else escape(str(value))
    return Markup(f"{_OPEN}{len(marks) - 1}{_SHUT}") + text + Markup(_END)


def sourced_filter(function: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a template filter so what it writes carries the sources of the value it was given."""
    if getattr(function, "jinja_pass_arg", None) is not None:
        return function  # it is given the template's context, not a value
    return carries(function)


def sourced_prose(function: Callable[[str], Markup]) -> Callable[[str], Markup]:
    """Wrap the prose filter: each paragraph and list item it writes gets data-src of the line it starts on."""

    @functools.wraps(function)
    def prose(text: str) -> Markup:
        html = function(text)
        refs = refs_of(text)
        if refs is None or not html or _marks.get() is None:
            return html
        blocks = list(getattr(text, "block_refs", ())) or list(refs.shown)
        root = lxml_html.fragment_fromstring(str(html), create_parent="div")
        elements = [e for e in root.iter("p", "li", *HEADINGS) if not (e.tag == "p" and e.getparent().tag == "li")]
        if not elements:
            return carry(html, refs)
        if len(blocks) != len(elements):
            blocks = [blocks[0]] * len(elements)
        for element, where in zip(elements, blocks):
            element.set("data-src", where)
        inner = (root.text or "") + "".join(lxml_html.tostring(child, encoding="unicode") for child in root)
        return Markup(inner)

    return prose


def source_filters(env: Any) -> None:
    """Make every filter of a Jinja environment pass on the sources of the value it is given."""
    for name, function in list(env.filters.items()):
        if name in ("prose", "inline"):
            env.filters[name] = sourced_prose(function)
        elif name not in ("e", "escape", "safe", "forceescape", "striptags", "length", "count", "attr", "map", "select", "reject",
                          "selectattr", "rejectattr", "list", "sort", "groupby", "dictsort", "batch", "slice", "items", "tojson"):
            env.filters[name] = sourced_filter(function)


_sources: contextvars.ContextVar[list[Source]] = contextvars.ContextVar("provenance_sources", default=[])


class Recording:
    """While a paper renders, collect the sources its templates print (the marks finalize makes)."""

    def __init__(self, sources: list[Source]) -> None:
        self.sources = sources

    def __enter__(self) -> Recording:
        self.tokens = (_marks.set([]), _sources.set(self.sources))
        return self

    def __exit__(self, *exc: object) -> None:
        _marks.reset(self.tokens[0])
        _sources.reset(self.tokens[1])


def mark_sources(html: str) -> str:
    """Return rendered HTML with each bracketed value wrapped in a span carrying its sources; marks in attributes dropped."""
    marks = _marks.get()
    if marks is None:
        return html
    current = html
    for _ in range(8):  # a sourced value inside another: the inner one is replaced first
        changed = _MARKED.sub(lambda match: _span(match, current, marks), current)
        if changed == current:
            break
        current = changed
    return _STRAY.sub("", current)


def _span(match: re.Match[str], html: str, marks: list[Refs]) -> str:
    """Return a bracketed value as a span with its sources, or bare where it sits in a tag or the title."""
    inner = match.group(2)
    before = html[max(0, match.start() - 4000) : match.start()]
    if before.rfind("<") > before.rfind(">") or _inside_title(before):
        return inner
    return f"<span {_attributes(marks[int(match.group(1))])}>{inner}</span>"


def _inside_title(before: str) -> bool:
    return before.rfind("<title") > before.rfind("</title")


def _attributes(refs: Refs) -> str:
    parts = []
    if refs.shown:
        parts.append(f'data-src="{" ".join(refs.shown)}"')
    if refs.inputs:
        parts.append(f'data-from="{" ".join(refs.inputs)}"')
    return " ".join(parts)


def place_sources(document: Any) -> None:
    """Move each value's sources from its span to the element that shows it, and give template headings their part."""
    if _marks.get() is None:
        return
    sources = _sources.get()
    for span in list(document.iter("span")):
        if (span.get("data-src") or span.get("data-from")) and len(span.attrib) == (bool(span.get("data-src")) + bool(span.get("data-from"))):
            _lift(span)
    keys = {s.name: s for s in sources}
    for heading in document.iter(*HEADINGS):
        if not heading.get("data-src") and not heading.get("data-from") and not _sourced_inside(heading):
            where = _part_introduced(heading, keys)
            if where:
                heading.set("data-src", where)


def _lift(span: Any) -> None:
    """Move a span's sources onto its parent when the span is all the parent shows, and drop the span."""
    parent = span.getparent()
    if parent is None or parent.tag not in _HOLDERS or parent.get("data-src") or parent.get("data-from"):
        return
    others = [c for c in parent if c is not span and "status-mark" not in (c.get("class") or "") and c.tag not in ("br",)]
    loose = (parent.text or "").strip() + (span.tail or "").strip() + "".join((c.tail or "").strip() for c in others)
    if others or loose or (parent.tag == "div" and "body" not in (parent.get("class") or "")):
        return
    for name in ("data-src", "data-from"):
        if span.get(name):
            parent.set(name, span.get(name))
    _unwrap(span)


def _unwrap(element: Any) -> None:
    parent = element.getparent()
    index = parent.index(element)
    text, tail = element.text or "", element.tail or ""
    previous = parent[index - 1] if index else None
    if previous is None:
        parent.text = (parent.text or "") + text
    else:
        previous.tail = (previous.tail or "") + text
    children = list(element)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    if children:
        children[-1].tail = (children[-1].tail or "") + tail
    elif previous is None:
        parent.text = (parent.text or "") + tail
    else:
        previous.tail = (previous.tail or "") + tail
    parent.remove(element)


def _sourced_inside(element: Any) -> bool:
    return any(e.get("data-src") or e.get("data-from") for e in element.iterdescendants())


def _part_introduced(heading: Any, sources: dict[str, Source]) -> str | None:
    """Return where the part a template heading introduces was written: the field its values all lie in."""
    level = int(heading.tag[1])
    found: list[dict[str, Any]] = []
    for element in _following(heading):
        if element.tag in HEADINGS and int(element.tag[1]) <= level:
            break
        for attribute in ("data-src", "data-from"):
            found += [parse_ref(r) for r in (element.get(attribute) or "").split()]
        if len(found) > 200:
            break
    paper = [f for f in found if f["file"] in sources]
    if not paper:
        return None
    file = paper[0]["file"]
    paths = [undotted(f["field"]) for f in paper if f["file"] == file]
    common = _common(paths)
    source = sources[file]
    while common and common not in source.keys:
        common = common[:-1]
    if not common:
        return None
    mark = source.keys[common]
    return ref(file, mark.line, mark.column, common)


def _following(heading: Any) -> Iterator[Any]:
    """Yield the elements after a heading in document order."""
    element = heading
    while element is not None:
        sibling = element.getnext()
        while sibling is not None:
            yield from sibling.iter()
            sibling = sibling.getnext()
        element = element.getparent()


def _common(paths: list[Path_]) -> Path_:
    if not paths:
        return ()
    prefix = paths[0]
    for path in paths[1:]:
        n = 0
        while n < min(len(prefix), len(path)) and prefix[n] == path[n]:
            n += 1
        prefix = prefix[:n]
    return prefix if len(paths) > 1 else prefix[:-1] or prefix


# ---------------------------------------------------------------- the map in the DOCX


@dataclass
class Bookmark:
    """An element of the dialect that shows sourced values, as the DOCX writer bookmarked it."""

    name: str
    kind: str
    text: str
    shown: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()


def docx_map(paper: str, bookmarks: list[Bookmark]) -> bytes:
    """Return the map from bookmark to sources, the XML the DOCX keeps as a custom part in NAMESPACE."""
    root = etree.Element(f"{{{NAMESPACE}}}provenance", nsmap={None: NAMESPACE}, paper=paper)
    for mark in bookmarks:
        anchor = etree.SubElement(root, f"{{{NAMESPACE}}}anchor", name=mark.name, kind=mark.kind, text=normalise(mark.text)[:80])
        for tag, refs in (("source", mark.shown), ("input", mark.inputs)):
            for one in refs:
                etree.SubElement(anchor, f"{{{NAMESPACE}}}{tag}", {k: str(v) for k, v in parse_ref(one).items()})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def anchor_name(bookmark: str) -> str:
    """Return the anchor a bookmark belongs to (Word may add a suffix when text is copied)."""
    return re.sub(r"^(src_\d+)_\d+$", r"\1", bookmark)


# ---------------------------------------------------------------- reading the map back


@dataclass(frozen=True)
class Anchor:
    """What one anchor of a DOCX points at."""

    name: str
    kind: str
    text: str
    sources: tuple[dict[str, Any], ...]
    inputs: tuple[dict[str, Any], ...] = field(default=())


def read_map(root: Any) -> dict[str, Anchor] | None:
    """Return the anchors of a parsed custom XML part, or None if it is some other custom part."""
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
