"""Lay out a paper's HTML dialect (docs/dialect.md) as a Word document.

Every element and class of the dialect maps to a Word construct in the
styles of the theme's reference .docx; anything else is refused with a
RenderError so no text is ever dropped silently.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import io
import re
import uuid
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Union

import docx
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section, _Footer, _Header
from docx.shared import Emu, Pt, Twips
from docx.styles.style import BaseStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree
from lxml import html as lxml_html

from ..sources.errors import RenderError, ThemeError, relative
from ..sources.provenance import PREFIX as SOURCE_PREFIX
from ..sources.provenance import Bookmark
from .docx_metrics import text_width
from .docx_pages import PageLayout, page_layout

Node = Union[str, etree._Element]
Container = Union[WordDocument, _Cell]

INLINE_TAGS = frozenset({"strong", "b", "em", "i", "sup", "sub", "br", "span", "a"})

# Classes each element may carry; an element missing here is not in the dialect.
ALLOWED_CLASSES: dict[str, frozenset[str]] = {
    "main": frozenset(),
    "section": frozenset({"landscape", "new-page", "keep-with-previous", "appendix", "decision-status"}),
    "h1": frozenset(), "h2": frozenset({"notes-heading"}), "h3": frozenset(), "h4": frozenset(),
    "p": frozenset({"label", "council", "report-of", "signature", "caption", "contact"}),
    "div": frozenset({"para", "body", "banner", "cover", "page-break", "signatories", "signatory", "side-by-side", "side"}),
    "ul": frozenset(), "ol": frozenset({"endnotes", "paren"}), "li": frozenset({"toc-1", "toc-2", "toc-3"}),
    "nav": frozenset({"contents"}),
    "table": frozenset({"keep", "narrow", "chart-data", "signatories"}), "caption": frozenset(), "colgroup": frozenset(), "col": frozenset(),
    "thead": frozenset(), "tbody": frozenset(), "tr": frozenset({"group", "total"}),
    "th": frozenset({"status"}), "td": frozenset({"score", "status"}),
    "dl": frozenset({"timeline"}), "dt": frozenset(), "dd": frozenset(),
    "aside": frozenset({"facts"}), "blockquote": frozenset(), "footer": frozenset({"running-footer", "after-first"}),
    "header": frozenset({"running-header", "after-first"}),
    "figure": frozenset({"chart"}), "img": frozenset(), "figcaption": frozenset(),
    "strong": frozenset(), "b": frozenset(), "em": frozenset(), "i": frozenset(),
    "sup": frozenset({"note-ref"}), "sub": frozenset(), "br": frozenset(), "a": frozenset(),
    "span": frozenset({"num", "note-label", "page-number", "page-count", "status", "status-mark", "subtitle"}),
}

P_CLASS_STYLES: dict[str, str | None] = {
    "label": "Cover Label",
    "council": "Council Name",
    "report-of": "Report Of",
    "signature": "Signature",
    "caption": "Caption",
    "contact": None,  # a plain paragraph where it stands (the stylesheet may set it apart)
}
CELL_INSET = 2 * 5 * 20  # twips: the cells' left and right padding (5pt each, as the table style's)
WORD_SLACK = 40  # twips: the cell's rules and rounding in the layout engine, so a word that just fits does fit
CELL_LIST_STEP = 283  # twips: a list's indent inside a cell (td ul { padding-left: 5mm })
ROW_LINE_HEIGHT = 1.35  # the stylesheet's line height, in font sizes, for telling how tall a row is
NARROW = 0.6  # table.narrow: the share of the text width, as in the stylesheet

THEME_CLASSES: ContextVar[Mapping[str, str]] = ContextVar("theme_classes", default={})
"""The council's own classes (`p.key-point`) and the Word style of each, while its document is written."""
STYLE_TYPES = {"p": WD_STYLE_TYPE.PARAGRAPH, "span": WD_STYLE_TYPE.CHARACTER, "table": WD_STYLE_TYPE.TABLE}

# A style the writer uses where the reference has it; one saved before it was added falls back on Caption.
FIGURE_CAPTION = "Figure Caption"
REQUIRED_STYLES = (
    "Normal", "Heading 1", "Heading 2", "Heading 3", "Heading 4",
    "Numbered Paragraph", "Body Indent", "List Bullet", "List Bullet 2",
    "List Number", "List Number 2", "List Continue", "List Continue 2",
    "Table Text", "Table Heading", "Table Subheading", "Table Grid", "Normal Table", "Subtitle",
    "Table List Bullet", "Table List Bullet 2", "Table List Number", "Table List Number 2",
    "Table List Continue", "Table List Continue 2", "Caption", "Figure",
    "Quote", "Quote Source", "Facts", "Facts Heading", "Definition Term",
    "Definition", "Banner", "Cover Label", "Endnote Text", "Council Name",
    "Report Of", "Signature",
    "Running Header", "Running Footer", "Hyperlink",
)

MIN_RUNNING_DISTANCE = 5.0  # mm: no closer to the page edge, where printers cannot print
FACTS_LIST_AFTER = 6  # points below a facts box's list, inside the box (ul { margin: 0 0 6pt })
RUNNING_GAP = 1.5  # mm between the running header (footer) and the text, as the PDF leaves about
LINE_HEIGHT = 1.2  # of the running header's and footer's lines, in font sizes
DATASTORE = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
CUSTOM_XML_PROPERTIES = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
LIST_STEP = 360  # twips per list level: a quarter inch, room for "10."
WHITESPACE = re.compile(r"[ \t\n\r\f]+")
EXTERNAL_SCHEMES = ("http://", "https://", "mailto:", "tel:")
ZIP_EPOCH = datetime.datetime(1980, 1, 1)

TCPR_ORDER = ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd",
              "noWrap", "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark")
TRPR_ORDER = ("cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter",
              "cantSplit", "trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden")
PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
             "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
             "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
             "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
             "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
             "sectPr", "pPrChange")
TBLPR_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
               "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd",
               "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook")


# ---------------------------------------------------------------- inline items


@dataclass(frozen=True)
class Link:
    """Where a hyperlink goes: a bookmark in this document or an outside address."""

    anchor: str | None = None
    url: str | None = None
    style_id: str = "Hyperlink"  # the reference's id for its Hyperlink character style


@dataclass(frozen=True)
class Fmt:
    """Character formatting carried down through inline elements."""

    bold: bool = False
    italic: bool = False
    vert: str | None = None
    lang: str | None = None
    link: Link | None = None
    colour: str | None = None  # RRGGBB text colour (status text)
    shade: str | None = None  # RRGGBB run shading (an inline status)
    style: str | None = None  # character style id (a span of a class the theme declares)


@dataclass(frozen=True)
class Text:
    text: str
    fmt: Fmt


@dataclass(frozen=True)
class Tab:
    fmt: Fmt


@dataclass(frozen=True)
class Break:
    fmt: Fmt


@dataclass(frozen=True)
class FieldCode:
    instr: str
    shown: str
    fmt: Fmt


@dataclass(frozen=True)
class Picture:
    data: bytes
    alt: str
    width: int  # EMU
    fmt: Fmt = Fmt()


@dataclass(frozen=True)
class Mark:
    name: str
    start: bool


Item = Union[Text, Tab, Break, FieldCode, Picture, Mark]


@dataclass(frozen=True)
class Ctx:
    """Where blocks are being written and how they look there."""

    container: Container
    text_width: int  # twips from the left margin to the right margin
    style: str = "Normal"
    heading_style: str | None = None
    indent: int = 0  # twips; left edge of lists and tables here
    direct_indent: bool = False  # paragraphs in ctx.style need ctx.indent set on them
    list_level: int = 0
    text_bullets: bool = False  # bullets as text, as in a facts box
    fmt: Fmt = Fmt()
    align: str | None = None


# ---------------------------------------------------------------- public API


def write_docx(html: str, reference: bytes, *, created: datetime.datetime, language: str,
               resolve_image: Callable[[str], bytes],
               annotate: Callable[[WordDocument, list[Bookmark]], None] | None = None,
               classes: Mapping[str, str] | None = None,
               stylesheet: str | None = None, anchor_pages: Mapping[str, int] | None = None) -> bytes:
    """Return the .docx bytes of a dialect document in the reference's styles.

    `annotate` is given the finished document and the bookmarks of its sourced
    elements before it is saved (the map back to the sources goes in there);
    `classes` are the theme's own classes by `element.class`, each with its Word style.
    `stylesheet` is the one the PDF is laid out with: its @page rules give the sections' page
    size, margins and first page; without it the reference's page is kept. `anchor_pages` are the
    pages the PDF put each element id on: the contents list shows them until Word works them out again.
    """
    token = THEME_CLASSES.set(classes or {})
    try:
        return _write_docx(html, reference, created, language, resolve_image, annotate, stylesheet, anchor_pages or {})
    finally:
        THEME_CLASSES.reset(token)


def _write_docx(html: str, reference: bytes, created: datetime.datetime, language: str,
                resolve_image: Callable[[str], bytes], annotate: Callable[[WordDocument, list[Bookmark]], None] | None,
                stylesheet: str | None, anchor_pages: Mapping[str, int]) -> bytes:
    """Write the document, with the theme's classes known."""
    root = lxml_html.document_fromstring(html)
    document = docx.Document(io.BytesIO(reference))
    check_styles(document)
    _check_theme_styles(document)
    when = _utc_naive(created)
    pages = page_layout(stylesheet) if stylesheet is not None else None
    writer = _Writer(document, root, resolve_image, hashlib.sha256(reference).hexdigest(), pages, anchor_pages)
    writer.write()
    _set_core_properties(document, _head_meta(root), when, language)
    _set_language(document, language)
    if annotate is not None:
        annotate(document, writer.sourced)
    out = io.BytesIO()
    document.save(out)
    return deterministic_zip(out.getvalue(), when)


def add_custom_xml(document: WordDocument, xml: bytes, namespace: str) -> None:
    """Add a custom XML part with its properties part, as Word keeps data in a document (ECMA-376 Part 1, 15.2.4-5)."""
    package = document.part.package
    item = Part(package.next_partname("/customXml/item%d.xml"), "application/xml", xml, package)
    number = re.search(r"(\d+)\.xml$", str(item.partname)).group(1)
    # A fixed id worked out from the content keeps the document's bytes a function of its sources.
    item_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{namespace}#{hashlib.sha256(xml).hexdigest()}")
    props = (f'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
             f'<ds:datastoreItem ds:itemID="{{{str(item_id).upper()}}}" xmlns:ds="{DATASTORE}">'
             f'<ds:schemaRefs><ds:schemaRef ds:uri="{namespace}"/></ds:schemaRefs></ds:datastoreItem>')
    properties = Part(PackURI(f"/customXml/itemProps{number}.xml"), CUSTOM_XML_PROPERTIES,
                      props.encode("utf-8"), package)
    item.relate_to(properties, RT.CUSTOM_XML_PROPS)
    document.part.relate_to(item, RT.CUSTOM_XML)


def deterministic_zip(data: bytes, when: datetime.datetime) -> bytes:
    """Re-pack a .docx so its bytes depend only on its parts and `when`."""
    stamp = max(_utc_naive(when), ZIP_EPOCH).timetuple()[:6]
    stamp = (min(stamp[0], 2107),) + stamp[1:]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in sorted(source.namelist(), key=_entry_rank):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name), compresslevel=6)
    return out.getvalue()


def _entry_rank(name: str) -> tuple[int, str]:
    """Sort key putting the content types and package relationships first, as Word does."""
    first = {"[Content_Types].xml": 0, "_rels/.rels": 1}
    return first.get(name, 2), name


def _utc_naive(when: datetime.datetime) -> datetime.datetime:
    """Return `when` as a naive UTC time (naive input is taken to be UTC)."""
    if when.tzinfo is None:
        return when
    return when.astimezone(datetime.timezone.utc).replace(tzinfo=None)


def insert_in_order(parent: etree._Element, child: etree._Element, order: tuple[str, ...]) -> None:
    """Insert child where the schema's sequence `order` (local names) puts it, replacing a namesake."""
    local = etree.QName(child).localname
    for old in parent.findall(qn(f"w:{local}")):
        parent.remove(old)
    later = order[order.index(local) + 1:]
    for index, sibling in enumerate(parent):
        if etree.QName(sibling).localname in later:
            parent.insert(index, child)
            return
    parent.append(child)


# ---------------------------------------------------------------- document level


def check_styles(document: WordDocument) -> None:
    """Raise ThemeError naming every style the writer needs that the reference lacks."""
    names = {style.name for style in document.styles}
    missing = [name for name in REQUIRED_STYLES if name not in names]
    if missing:
        raise ThemeError(f"reference .docx lacks the styles: {', '.join(missing)}")


def _head_meta(root: etree._Element) -> dict[str, str]:
    """Return the title and named meta contents of the document head."""
    meta = {"title": " ".join((root.findtext(".//head/title") or "").split())}
    for element in root.iterfind(".//head/meta[@name]"):
        meta[element.get("name", "").lower()] = element.get("content", "").strip()
    return meta


def _set_core_properties(document: WordDocument, meta: dict[str, str],
                         when: datetime.datetime, language: str) -> None:
    """Replace every core property so none of the template's values survive."""
    props = document.core_properties
    for child in list(props._element):
        props._element.remove(child)
    author = _core_text(meta.get("author", ""))
    props.title = _core_text(meta["title"])
    props.author = author
    props.subject = _core_text(meta.get("description", ""))
    props.keywords = _core_text(meta.get("keywords", ""))
    props.language = language
    props.last_modified_by = author
    props.created = when
    props.modified = when
    props.revision = 1


CORE_PROPERTY_LIMIT = 255
"""The most characters Word keeps in a core property (title, author, subject, keywords)."""


def _core_text(text: str) -> str:
    """Return text short enough for a core property, cut at a word with an ellipsis; the body keeps it whole."""
    if len(text) <= CORE_PROPERTY_LIMIT:
        return text
    cut = text[: CORE_PROPERTY_LIMIT - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:") + "…"


def _set_language(document: WordDocument, language: str) -> None:
    """Set the document language on the default run properties."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = _child(defaults, "w:rPrDefault", first=True)
    rpr = _child(rpr_default, "w:rPr")
    lang = _child(rpr, "w:lang")
    lang.set(qn("w:val"), language)


def _child(parent: etree._Element, tag: str, *, first: bool = False) -> etree._Element:
    """Return parent's child `tag`, adding it (first or last) if missing."""
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        parent.insert(0, found) if first else parent.append(found)
    return found


# ---------------------------------------------------------------- HTML helpers


def _classes(element: etree._Element) -> list[str]:
    """Return the element's class names."""
    return element.get("class", "").split()


def _label(element: etree._Element) -> str:
    """Return 'tag.class' for messages."""
    return "".join([str(element.tag), *(f".{name}" for name in _classes(element))])


def _where(element: etree._Element) -> str:
    """Return the element's ancestry below <body>, e.g. 'main > section > div.para'."""
    chain = [element, *element.iterancestors()]
    labels = [_label(e) for e in reversed(chain) if e.tag not in ("html", "body")]
    return " > ".join(labels) or "body"


class DialectError(RenderError):
    """An element or class of the paper's HTML outside the dialect: the fault is in a template, not the paper."""

    located = False
    """Whether the message already names the file at fault (then nothing else need be named)."""

    def __init__(self, message: str, tag: str, classes: list[str]) -> None:
        super().__init__(message)
        self.tag, self.classes = tag, classes

    def about(self, name: str) -> str:
        """Return the message as said of one paper: the template's place first once it is known, as for a template error."""
        return f"{self} (while laying out {name})" if self.located else super().about(name)

    def in_templates(self, folders: list[Path], root: Path) -> DialectError:
        """Return the error naming the template (file:line:column) that writes the element, council's first."""
        for folder in folders:
            for template in sorted(folder.rglob("*.j2")):
                text = template.read_text(encoding="utf-8", errors="replace")
                found = self._pattern().search(text)
                if found:
                    line = text.count("\n", 0, found.start()) + 1
                    column = found.start() - text.rfind("\n", 0, found.start())
                    located = DialectError(f"{relative(template, root)}:{line}:{column}: {self}", self.tag, self.classes)
                    located.located = True
                    return located
        return self

    def _pattern(self) -> re.Pattern[str]:
        """Return what the element looks like in a template's source."""
        tag = re.escape(self.tag)
        if not self.classes:
            return re.compile(rf"<{tag}[\s>/]")
        name = re.escape(self.classes[0])
        return re.compile(rf"<{tag}\b[^>]*\bclass=[\"'][^\"']*(?<![\w-]){name}(?![\w-])")


def _unknown(element: etree._Element, what: str = "unknown element", refused: list[str] | None = None) -> RenderError:
    """Return the error for an element the writer cannot map."""
    parent = element.getparent()
    where = _where(parent) if parent is not None else "document"
    return DialectError(f"{where}: {what} <{_label(element)}>", str(element.tag),
                        refused if refused is not None else _classes(element))


def _misplaced(element: etree._Element) -> RenderError:
    """Return the error for a dialect element where the dialect does not put it."""
    _check_known(element)
    return _unknown(element, "element not allowed here:")


def _theme_style(element: etree._Element) -> str | None:
    """Return the Word style of the first class on an element that the theme declares, if any."""
    theme = THEME_CLASSES.get()
    return next((theme[f"{element.tag}.{name}"] for name in _classes(element) if f"{element.tag}.{name}" in theme), None)


def _check_theme_styles(document: WordDocument) -> None:
    """Raise ThemeError unless the reference has every style the theme's classes name, of the right type."""
    for key, name in THEME_CLASSES.get().items():
        tag, cls = key.split(".", 1)
        if cls in ALLOWED_CLASSES[tag]:  # the dialect's own meaning would be lost
            raise ThemeError(f"theme class {cls!r}: expected a name the dialect does not use, got {tag}.{cls}, which it does")
        found = next((s for s in document.styles if s.name == name), None)
        if found is None or found.type != STYLE_TYPES[tag]:
            kind = {"p": "paragraph", "span": "character", "table": "table"}[tag]
            raise ThemeError(f"theme class {cls!r}: expected a {kind} style named {name!r} in the reference.docx, "
                             f"got {'a style of another type' if found is not None else 'none'}")


def _check_known(element: etree._Element) -> None:
    """Raise RenderError unless the element and its classes are in the dialect or the theme."""
    allowed = ALLOWED_CLASSES.get(element.tag)
    if allowed is None:
        raise _unknown(element)
    theme = THEME_CLASSES.get()
    extra = [name for name in _classes(element) if name not in allowed and f"{element.tag}.{name}" not in theme]
    if extra:
        raise _unknown(element, f"unknown class {extra[0]!r} on", extra)


def _child_nodes(element: etree._Element) -> Iterator[Node]:
    """Yield the element's text pieces and child elements in order, skipping comments."""
    if element.text:
        yield element.text
    for child in element:
        if isinstance(child.tag, str):
            yield child
        if child.tail:
            yield child.tail


def _child_elements(element: etree._Element) -> list[etree._Element]:
    """Return the child elements, refusing any text between them."""
    children = []
    for node in _child_nodes(element):
        if isinstance(node, str):
            if node.strip():
                raise RenderError(f"{_where(element)}: text {node.strip()[:40]!r} outside an allowed element")
        else:
            children.append(node)
    return children


def _flow_parts(element: etree._Element) -> Iterator[etree._Element | list[Node]]:
    """Yield block children, and runs of loose inline content grouped as lists."""
    group: list[Node] = []
    for node in _child_nodes(element):
        if isinstance(node, str) or node.tag in INLINE_TAGS:
            group.append(node)
            continue
        if _has_content(group):
            yield group
        group = []
        yield node
    if _has_content(group):
        yield group


def _has_content(group: list[Node]) -> bool:
    """Return whether a group of inline nodes holds more than whitespace."""
    return any(not isinstance(node, str) or node.strip() for node in group)


def _style_properties(element: etree._Element) -> dict[str, str]:
    """Return the element's inline CSS declarations."""
    declarations = {}
    for declaration in element.get("style", "").split(";"):
        if declaration.strip():
            name, _, value = declaration.partition(":")
            declarations[name.strip().lower()] = value.strip()
    return declarations


def _dialect_style(element: etree._Element, allowed: set[str]) -> dict[str, str]:
    """Return the element's inline CSS, refusing a property the dialect does not give this element."""
    declarations = _style_properties(element)
    unknown = sorted(set(declarations) - allowed)
    if unknown:
        raise RenderError(f"{_where(element)}: style {unknown[0]!r} is not in the dialect")
    return declarations


def _hex_colour(element: etree._Element, value: str) -> str:
    """Return 'RRGGBB' from a CSS '#RRGGBB' or '#RGB' colour."""
    match = re.fullmatch(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})", value)
    if not match:
        raise RenderError(f"{_where(element)}: expected a colour like #RRGGBB, got {value!r}")
    digits = match.group(1)
    return (digits if len(digits) == 6 else "".join(c * 2 for c in digits)).upper()


def bookmark_names(ids: list[str]) -> dict[str, str]:
    """Map HTML ids to unique Word bookmark names (letter first, [A-Za-z0-9_], <= 40 chars)."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for html_id in ids:
        base = re.sub(r"[^A-Za-z0-9_]", "_", html_id)
        if not base[:1].isalpha():
            base = f"b{base}"
        base = base[:40]
        name, number = base, 2
        while name.lower() in taken:  # Word compares bookmark names without case
            suffix = f"_{number}"
            name, number = base[:40 - len(suffix)] + suffix, number + 1
        taken.add(name.lower())
        names[html_id] = name
    return names


# ---------------------------------------------------------------- inline content


def sources_inline(body: etree._Element) -> None:
    """Carry each element's data-src and data-from to a span around the text it shows, so one bookmark marks it.

    A bookmark lies inside one paragraph (LibreOffice splits one that spans
    paragraphs and loses where it ends), so a block holding other blocks
    hands its sources down to them, and a block of text wraps its text.
    """
    for element in list(body.iter()):
        if not isinstance(element.tag, str) or element.tag in INLINE_TAGS:
            continue
        found = {k: element.attrib.pop(k) for k in ("data-src", "data-from") if element.get(k)}
        if not found:
            continue
        children = [c for c in element if isinstance(c.tag, str)]
        first_block = next((c for c in children if c.tag not in INLINE_TAGS), None)
        loose = [c for c in children[: children.index(first_block)]] if first_block is not None else children
        if (element.text or "").strip() or loose:
            _wrap_inline(element, found, first_block)
        else:
            for child in children:
                if child.tag not in INLINE_TAGS and not (child.get("data-src") or child.get("data-from")):
                    child.attrib.update(found)


def _wrap_inline(element: etree._Element, attributes: dict[str, str], stop: etree._Element | None) -> None:
    """Move an element's inline content (up to its first block child) into a new span with the attributes."""
    span = element.makeelement("span", attributes)
    span.text, element.text = element.text, None
    for child in list(element):
        if child is stop:
            break
        span.append(child)
    if stop is not None:
        span.tail = None
        stop.addprevious(span)
    else:
        element.append(span)


def _collapse(items: list[Item]) -> list[Item]:
    """Collapse whitespace as HTML does and merge neighbouring text of one format."""
    out: list[Item] = []
    at_break = True
    for item in items:
        if isinstance(item, Text):
            text = WHITESPACE.sub(" ", item.text)
            if at_break:
                text = text.lstrip(" ")
            if not text:
                continue
            at_break = text.endswith(" ")
            last = out[-1] if out else None
            if isinstance(last, Text) and last.fmt == item.fmt:
                out[-1] = Text(last.text + text, item.fmt)
            else:
                out.append(Text(text, item.fmt))
        elif isinstance(item, (Tab, Break)):
            _strip_trailing(out)
            out.append(item)
            at_break = True
        else:
            at_break = at_break if isinstance(item, Mark) else False
            out.append(item)
    _strip_trailing(out)
    return out


def _strip_trailing(items: list[Item]) -> None:
    """Remove the trailing space of the last text, looking past bookmarks."""
    for index in range(len(items) - 1, -1, -1):
        item = items[index]
        if isinstance(item, Mark):
            continue
        if isinstance(item, Text):
            text = item.text.rstrip(" ")
            if text:
                items[index] = Text(text, item.fmt)
            else:
                del items[index]
                _strip_trailing(items)
        return


def _has_text(items: list[Item]) -> bool:
    """Return whether the items show anything on the page."""
    return any(not isinstance(item, Mark) for item in items)


def _grid_cell(table: Table, row: int, column: int) -> _Cell:
    """Return the cell starting at a grid position; Table.cell lists every cell of the table on each call."""
    return _Cell(table.rows[row]._tr.tc_at_grid_offset(column), table)


# ---------------------------------------------------------------- the writer


# Style ids by reference document, style and type. python-docx finds an id by
# walking every style of the reference, twice, on each look-up: most of the
# time a long table took to write.
_STYLE_IDS: dict[tuple[str, str, WD_STYLE_TYPE], str | None] = {}


@dataclass
class _Writer:
    """Walks the dialect tree once and writes it into the Word document."""

    document: WordDocument
    root: etree._Element
    resolve_image: Callable[[str], bytes]
    reference: str
    """The hash of the reference document, whose style ids are the same for every paper made from it."""
    pages: PageLayout | None = None
    """The stylesheet's page geometry; None keeps the reference's page."""
    anchor_pages: Mapping[str, int] = field(default_factory=dict)
    """The PDF's page of each element id, shown as a contents entry's page until Word updates the field."""
    page_names: dict[etree._Element, str] = field(default_factory=dict)
    section_pages: list[str] = field(default_factory=lambda: [""])
    """The page name of each Word section so far, in order."""
    running_lines: dict[str, int] = field(default_factory=dict)
    bookmarks: dict[str, str] = field(default_factory=dict)
    pending_marks: list[str] = field(default_factory=list)
    page_break_pending: bool = False
    landscape: bool = False
    portrait_pending: bool = False
    next_mark_id: int = 0
    open_marks: dict[str, int] = field(default_factory=dict)
    after_table: Container | None = None
    styles: dict[str, BaseStyle] = field(default_factory=dict)
    cell_fonts: dict[bool, tuple[str, float]] = field(default_factory=dict)
    sourced: list[Bookmark] = field(default_factory=list)
    """The bookmarks of elements that show sourced values (data-src, data-from), in document order."""

    def _style(self, name: str) -> BaseStyle:
        """Return a style of the reference by name; python-docx searches every style on each look-up."""
        if name not in self.styles:
            self.styles[name] = self.document.styles[name]
        return self.styles[name]

    def _style_id(self, name: str, kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH) -> str | None:
        """Return the id a style is applied by (None for the default), looked up once per reference document."""
        key = (self.reference, name, kind)
        if key not in _STYLE_IDS:
            _STYLE_IDS[key] = self.document.part.get_style_id(self._style(name), kind)
        return _STYLE_IDS[key]

    def _add_paragraph(self, container: Container, style: str) -> Paragraph:
        """Add a paragraph in a paragraph style."""
        paragraph = container.add_paragraph()
        paragraph._p.style = self._style_id(style)
        return paragraph

    def write(self) -> None:
        """Write the running header and footer, then the main content."""
        body = self.root.find("body")
        if body is None:
            raise RenderError("document: no <body>")
        ids = [e.get("id") for e in body.iter() if isinstance(e.tag, str) and e.get("id")]
        self._check_unique(ids)
        self.bookmarks = bookmark_names(ids)
        sources_inline(body)
        main = self._body_parts(body)
        if self.pages is not None:
            self.page_names = self.pages.page_names(self.root)
            self._use_page(self.document.sections[0], "")
        self._write_blocks(main, self._body_ctx())
        self._first_page()
        self._number_pictures()

    def _check_unique(self, ids: list[str]) -> None:
        """Raise RenderError for an id used twice: a link to it would be ambiguous."""
        seen: set[str] = set()
        for html_id in ids:
            if html_id in seen:
                raise RenderError(f"document: id {html_id!r} is used more than once")
            seen.add(html_id)

    def _body_parts(self, body: etree._Element) -> etree._Element:
        """Write header and footer; return <main>."""
        main = None
        running: list[tuple[etree._Element, str, str]] = []
        for child in _child_elements(body):
            _check_known(child)
            if child.tag == "header" and "running-header" in _classes(child):
                running.append((child, "header", "Running Header"))
            elif child.tag == "footer" and "running-footer" in _classes(child):
                running.append((child, "footer", "Running Footer"))
            elif child.tag == "main" and main is None:
                main = child
            else:
                raise _unknown(child, "unexpected element")
        if main is None:
            raise RenderError("body: no <main>")
        self._running_parts(running)
        return main

    def _running_parts(self, running: list[tuple[etree._Element, str, str]]) -> None:
        """Fill the first section's header and footer; one marked after-first is left off the first page."""
        section = self.document.sections[0]
        bare_first = any("after-first" in _classes(element) for element, _, _ in running)
        if bare_first:
            section.different_first_page_header_footer = True
        for element, which, style in running:
            self._running(element, getattr(section, which), style)
            if bare_first and "after-first" not in _classes(element):
                self._running(element, getattr(section, f"first_page_{which}"), style)

    def _body_ctx(self) -> Ctx:
        """Return the context for the document body in its first section."""
        return Ctx(container=self.document, text_width=self._text_width(self.document.sections[-1]))

    @staticmethod
    def _text_width(section: Section) -> int:
        """Return the width between the section's margins in twips."""
        return int(Emu(section.page_width - section.left_margin - section.right_margin).twips)

    # ------------------------------------------------ running header and footer

    def _running(self, element: etree._Element, part: _Header | _Footer, style: str) -> None:
        """Fill a header or footer with the element's inline content."""
        part.is_linked_to_previous = False
        paragraph = part.paragraphs[0]
        paragraph._p.style = self._style_id(style)
        items = _collapse(self._inline_nodes(list(_child_nodes(element)), Fmt()))
        self._emit(paragraph, items)
        self.running_lines[style] = 1 + sum(isinstance(item, Break) for item in items)

    # ------------------------------------------------ page geometry

    def _use_page(self, section: Section, name: str) -> None:
        """Give a section the size and margins of the stylesheet's page of this name."""
        if self.pages is None:
            return
        box = self.pages.box(name)
        section.orientation = WD_ORIENT.LANDSCAPE if box.landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = _mm(box.width), _mm(box.height)
        section.top_margin, section.bottom_margin = _mm(box.top), _mm(box.bottom)
        section.left_margin, section.right_margin = _mm(box.left), _mm(box.right)
        # The PDF's running header sits in the top margin, its last line on the text; the
        # footer's first line right under the text. Word measures both from the page edge.
        section.header_distance = _mm(self._header_place(name)[0])
        section.footer_distance = _mm(max(box.bottom - self._running_height("Running Footer") - RUNNING_GAP,
                                          MIN_RUNNING_DISTANCE))

    def _header_place(self, name: str) -> tuple[float, float]:
        """Return where the running header starts (mm from the page's top) and the space below it."""
        assert self.pages is not None
        box, first = self.pages.box(name), self.pages.first_page(name)
        header = self._running_height("Running Header")
        distance = box.top - header - RUNNING_GAP
        if first.top is not None and first.top < box.top:
            # Page 1 has the smaller margin: start the header above it and pad its last line
            # down to where the text of the later pages starts.
            distance = min(distance, first.top - header / self.running_lines.get("Running Header", 1) - RUNNING_GAP)
        distance = max(distance, MIN_RUNNING_DISTANCE)
        # Padded, the header itself pushes the text down, to the stylesheet's top margin exactly.
        return distance, max(box.top - distance - header, 0)

    def _running_height(self, style: str) -> float:
        """Return the height in millimetres of the running header or footer, from its lines and size."""
        size = self._style(style).font.size
        points = size.pt if size is not None else 9.0
        return self.running_lines.get(style, 1) * points * LINE_HEIGHT * 25.4 / 72

    def _first_page(self) -> None:
        """Give page 1 no running header, and its own top margin, where the stylesheet's :first page says so."""
        if self.pages is None:
            return
        first = self.pages.first_page(self.section_pages[0])
        section = self.document.sections[0]
        padding = self._header_place(self.section_pages[0])[1]
        if padding:
            section.header.paragraphs[-1].paragraph_format.space_after = Pt(round(padding * 72 / 25.4, 1))
        if first.top is not None and first.top < self.pages.box(self.section_pages[0]).top:
            # Word has one top margin a section: page 1's is used, and on the later pages the
            # header, placed as above, pushes the text down to where the PDF starts it.
            section.top_margin = _mm(first.top)
        if first.header:
            return
        section.different_first_page_header_footer = True
        header = section.first_page_header
        header.is_linked_to_previous = False
        header.paragraphs[0]._p.style = self._style_id("Running Header")
        footer = section.first_page_footer
        footer.is_linked_to_previous = False
        for child in list(footer._element):
            footer._element.remove(child)
        for child in section.footer._element:
            footer._element.append(_clone(child))

    # ------------------------------------------------ blocks

    def _write_blocks(self, element: etree._Element, ctx: Ctx) -> None:
        """Write the element's mixed content as blocks."""
        for part in _flow_parts(element):
            self._write_part(part, ctx)

    def _write_part(self, part: etree._Element | list[Node], ctx: Ctx) -> None:
        """Write one block element, or loose inline content as a paragraph."""
        if isinstance(part, list):
            self._paragraph(ctx, self._inline_nodes(part, ctx.fmt))
        else:
            self._block(part, ctx)

    def _block(self, element: etree._Element, ctx: Ctx) -> None:
        """Write one block element."""
        _check_known(element)
        handler = BLOCK_HANDLERS.get(element.tag)
        if handler is None:
            raise _unknown(element, "element not allowed here:")
        self._queue_mark(element)
        handler(self, element, ctx)

    def _section(self, element: etree._Element, ctx: Ctx) -> None:
        """Write a section's children, on a new page or in landscape as its classes say."""
        classes = _classes(element)
        if "new-page" in classes:
            self.page_break_pending = True
        if "keep-with-previous" in classes:
            self._keep_last_with_next()
        if "landscape" not in classes or self.landscape:
            self._write_blocks(element, ctx)
            return
        if ctx.container is not self.document:
            raise _unknown(element, "landscape section must be at the top level:")
        self._begin_landscape(self.page_names.get(element, "landscape"))
        self._write_blocks(element, replace(ctx, text_width=self._text_width(self.document.sections[-1])))
        self.landscape = False
        self.portrait_pending = True  # switched back only when more content follows

    def _heading(self, element: etree._Element, ctx: Ctx) -> None:
        """Write h1-h4 as a heading paragraph; a span.subtitle in it becomes a Subtitle paragraph below."""
        style = ctx.heading_style or f"Heading {element.tag[1]}"
        nodes = list(_child_nodes(element))
        subtitle = next((n for n in nodes if not isinstance(n, str) and "subtitle" in _classes(n)), None)
        title = nodes[:nodes.index(subtitle)] if subtitle is not None else nodes
        while subtitle is not None and title and (isinstance(title[-1], str) and not title[-1].strip()
                                                   or not isinstance(title[-1], str) and title[-1].tag == "br"):
            title.pop()  # the line break before the subtitle: the Subtitle paragraph starts a line
        paragraph = self._paragraph(ctx, self._inline_nodes(title, ctx.fmt), style=style)
        if paragraph is not None and ctx.heading_style:
            paragraph.paragraph_format.keep_with_next = True
        if subtitle is not None:
            rest = nodes[nodes.index(subtitle):]
            self._paragraph(ctx, self._inline_nodes(rest, ctx.fmt), style="Subtitle")

    def _p(self, element: etree._Element, ctx: Ctx) -> None:
        """Write a paragraph, in the style its class maps to."""
        classes = _classes(element)
        style = ((P_CLASS_STYLES.get(classes[0]) or _theme_style(element)) if classes else None) or ctx.style
        paragraph = self._paragraph(ctx, self._inline(element, ctx.fmt), style=style)
        if paragraph is not None and "caption" in classes:
            paragraph.paragraph_format.keep_with_next = True  # a caption stays with what it captions

    def _div(self, element: etree._Element, ctx: Ctx) -> None:
        """Write a div by its class."""
        classes = _classes(element)
        if "para" in classes:
            self._numbered_paragraph(element, ctx)
        elif "banner" in classes:
            self._write_blocks(element, replace(ctx, style="Banner", direct_indent=False))
        elif "cover" in classes:
            self._write_blocks(element, ctx)
        elif "signatories" in classes:
            self._signatories(element, ctx)
        elif "page-break" in classes:
            if _has_content(list(_child_nodes(element))):
                raise _unknown(element, "content inside")
            self.page_break_pending = True
        elif "side-by-side" in classes:
            self._side_by_side(element, ctx)
        else:
            raise _unknown(element, "element not allowed here:")

    def _signatories(self, element: etree._Element, ctx: Ctx) -> None:
        """Write div.signatories as a table of one row, a cell per div.signatory, in equal widths and without rules."""
        people = _child_elements(element)
        if not people or any(p.tag != "div" or _classes(p) != ["signatory"] for p in people):
            raise RenderError(f"{_where(element)}: expected <div.signatory> children only")
        table = etree.Element("table", {"class": "signatories"})
        columns = etree.SubElement(table, "colgroup")
        row = etree.SubElement(etree.SubElement(table, "tbody"), "tr")
        for person in people:
            etree.SubElement(columns, "col", {"style": f"width: {100 / len(people):g}%"})
            etree.SubElement(row, "td").extend(copy.deepcopy(_child_elements(person)))
        self._table(table, ctx)

    def _numbered_paragraph(self, element: etree._Element, ctx: Ctx) -> None:
        """Write div.para: number, tab, first paragraph; later blocks indented under it."""
        children = _child_elements(element)
        if len(children) != 2 or children[0].tag != "span" or _classes(children[0]) != ["num"] \
                or children[1].tag != "div" or _classes(children[1]) != ["body"]:
            raise RenderError(f"{_where(element)}: expected <span.num> then <div.body>")
        number = self._inline_nodes([children[0]], ctx.fmt)
        parts = list(_flow_parts(children[1]))
        first = parts[0] if parts else []
        if isinstance(first, list) or (first.tag == "p" and not _classes(first)):
            parts = parts[1:]
            if not isinstance(first, list):
                self._note_id(first)
            nodes = first if isinstance(first, list) else list(_child_nodes(first))
            number += self._inline_nodes(nodes, ctx.fmt)
        indent = self._style_left("Numbered Paragraph")
        if ctx.indent:
            # A numbered paragraph inside another (4.1 under 4) hangs from the body's indent.
            self._paragraph(ctx, number, style="Numbered Paragraph", left=ctx.indent + indent, hanging=indent)
        else:
            self._paragraph(ctx, number, style="Numbered Paragraph")
        body = replace(ctx, style="Body Indent", indent=ctx.indent + indent, direct_indent=False)
        for part in parts:
            self._write_part(part, body)

    def _note_id(self, element: etree._Element) -> None:
        """Queue the bookmark of an element written by its parent's handler."""
        _check_known(element)
        self._queue_mark(element)

    def _queue_mark(self, element: etree._Element) -> None:
        """Queue the bookmark of an element's id: it opens at the next paragraph written."""
        if element.get("id"):
            self.pending_marks.append(self.bookmarks[element.get("id")])

    @staticmethod
    def _numbered(style: BaseStyle | None) -> bool:
        """Tell whether a paragraph style, or one it is based on, carries numbering."""
        while style is not None:
            if style.element.xpath("w:pPr/w:numPr/w:numId"):
                return True
            style = style.base_style
        return False

    @staticmethod
    def _style_before(style: BaseStyle | None) -> int:
        """Return a paragraph style's space before in EMU, from the style or the styles it is based on."""
        while style is not None:
            before = style.paragraph_format.space_before
            if before is not None:
                return int(before)
            style = style.base_style
        return 0

    def _style_left(self, style: str) -> int:
        """Return a paragraph style's left indent in twips."""
        left = self._style(style).paragraph_format.left_indent
        return int(left.twips) if left is not None else 0

    # ------------------------------------------------ lists

    def _list(self, element: etree._Element, ctx: Ctx) -> None:
        """Write ul/ol items; ol numbers and facts bullets are written as text."""
        ordered = element.tag == "ol"
        endnotes = "endnotes" in _classes(element)
        closing = ")" if "paren" in _classes(element) else "."
        number = int(element.get("start", "1")) if ordered else 0
        for item in _child_elements(element):
            if item.tag != "li":
                raise _misplaced(item)
            self._note_id(item)
            if endnotes:
                self._text_item(item, [], replace(ctx, style="Endnote Text", direct_indent=False))
            elif ctx.text_bullets:
                marker = f"{number}{closing}" if ordered else "\u2022"
                self._text_item(item, [Text(marker, ctx.fmt), Tab(ctx.fmt)], ctx)
            else:
                self._word_list_item(item, ordered, f"{number}{closing}", ctx)
            number += 1

    def _text_item(self, item: etree._Element, marker: list[Item], ctx: Ctx) -> None:
        """Write a list item whose style gives the indent (facts boxes, endnotes)."""
        parts = list(_flow_parts(item))
        first = parts.pop(0) if parts and self._is_plain(parts[0]) else []
        self._paragraph(ctx, marker + self._part_inline(first, ctx))
        for part in parts:
            self._write_part(part, ctx)

    def _word_list_item(self, item: etree._Element, ordered: bool, number: str, ctx: Ctx) -> None:
        """Write a list item in List Bullet / List Number styles, nested lists a level in.

        In a table cell the Table List styles are used: the cell's text size, a smaller indent.
        """
        level = min(ctx.list_level, 1)
        in_cell = isinstance(ctx.container, _Cell)
        prefix, step = ("Table ", CELL_LIST_STEP) if in_cell else ("", LIST_STEP)
        style = f"{prefix}List {'Number' if ordered else 'Bullet'}{' 2' if level else ''}"
        marker: list[Item] = [Text(number, ctx.fmt), Tab(ctx.fmt)] if ordered else []
        parts = list(_flow_parts(item))
        first = parts.pop(0) if parts and self._is_plain(parts[0]) else []
        left = ctx.indent + step
        self._paragraph(ctx, marker + self._part_inline(first, ctx), style=style, left=left,
                        hanging=step, no_numbering=ordered, force=True)
        inner = replace(ctx, style=f"{prefix}List Continue{' 2' if level else ''}", indent=left,
                        direct_indent=True, list_level=ctx.list_level + 1)
        for part in parts:
            self._write_part(part, inner)

    def _is_plain(self, part: etree._Element | list[Node]) -> bool:
        """Return whether a flow part is inline content or a class-less <p>."""
        return isinstance(part, list) or (part.tag == "p" and not _classes(part))

    def _part_inline(self, part: etree._Element | list[Node], ctx: Ctx) -> list[Item]:
        """Return the inline items of loose content or of a <p>."""
        if isinstance(part, list):
            return self._inline_nodes(part, ctx.fmt)
        self._note_id(part)
        return self._inline(part, ctx.fmt)

    # ------------------------------------------------ other blocks

    def _dl(self, element: etree._Element, ctx: Ctx) -> None:
        """Write dt as Definition Term and dd as Definition paragraphs."""
        for child in _child_elements(element):
            self._note_id(child)
            if child.tag == "dt":
                self._paragraph(ctx, self._inline(child, ctx.fmt), style="Definition Term")
            elif child.tag == "dd":
                self._write_blocks(child, replace(ctx, style="Definition", direct_indent=False))
            else:
                raise _misplaced(child)

    def _aside(self, element: etree._Element, ctx: Ctx) -> None:
        """Write aside.facts as a box of Facts paragraphs."""
        if "facts" not in _classes(element):
            raise _unknown(element, "element not allowed here:")
        facts = replace(ctx, style="Facts", heading_style="Facts Heading", text_bullets=True,
                        direct_indent=False)
        before = len(_paragraphs(ctx))
        self._write_blocks(element, facts)
        box = _paragraphs(ctx)[before:]
        for paragraph in box[:-1]:
            paragraph.paragraph_format.keep_with_next = True  # aside.facts { break-inside: avoid }
        if box:
            box[-1].paragraph_format.space_after = Pt(FACTS_LIST_AFTER)

    def _blockquote(self, element: etree._Element, ctx: Ctx) -> None:
        """Write a quotation as Quote paragraphs, its footer as the right-aligned source."""
        quote = replace(ctx, style="Quote", direct_indent=False)
        for part in _flow_parts(element):
            if not isinstance(part, list) and part.tag == "footer" and not _classes(part):
                self._note_id(part)
                written = _paragraphs(ctx)
                if written:
                    written[-1].paragraph_format.keep_with_next = True  # the source never stands alone on a page
                self._paragraph(ctx, self._inline(part, ctx.fmt), style="Quote Source")
            else:
                self._write_part(part, quote)

    def _figure(self, element: etree._Element, ctx: Ctx) -> None:
        """Write each picture with its alt text, then the caption."""
        for child in _child_elements(element):
            self._note_id(child)
            if child.tag == "img":
                picture = self._picture(child, ctx)
                self._paragraph(ctx, [picture], style="Figure")
            elif child.tag == "figcaption":
                self._paragraph(ctx, self._inline(child, ctx.fmt), style=self._figure_caption_style())
            else:
                raise _misplaced(child)

    def _figure_caption_style(self) -> str:
        """Return the figure caption's style: Figure Caption, or Caption in a reference saved before it was added."""
        names = {style.name for style in self.document.styles}
        return FIGURE_CAPTION if FIGURE_CAPTION in names else "Caption"

    def _picture(self, img: etree._Element, ctx: Ctx) -> Picture:
        """Return the picture for an <img>, no wider than the text."""
        # A chart carries its SVG for the PDF and web page and its PNG for Word.
        src, alt = img.get("data-docx-src") or img.get("src"), img.get("alt")
        if not src or alt is None:
            raise RenderError(f"{_where(img)}: <img> needs src and alt")
        data = self.resolve_image(src)
        try:
            native = Image.from_blob(data).width
        except UnrecognizedImageError as error:
            raise RenderError(f"{_where(img)}: {src}: not an image Word can show") from error
        room = Twips(ctx.text_width - ctx.indent)
        return Picture(data, alt.strip(), int(min(native, room)))

    # ------------------------------------------------ tables

    def _table(self, element: etree._Element, ctx: Ctx) -> None:
        """Write a table: caption, widths, repeating header rows, merged and shaded cells."""
        caption, widths, rows = self._table_parts(element)
        if caption is not None:
            paragraph = self._paragraph(ctx, self._inline(caption, ctx.fmt), style="Caption")
            if paragraph is not None:
                paragraph.paragraph_format.keep_with_next = True
        cells, columns = _grid(rows)
        room = ctx.text_width - ctx.indent
        room = round(room * NARROW) if "narrow" in _classes(element) else room
        least, most = self._content_widths(cells, rows, columns)
        if widths:
            widths = _fit_words(_column_widths(widths, columns, room), least)
        else:
            widths = _auto_widths(least, most, room)
        self._before_block(ctx)
        table = ctx.container.add_table(len(rows), columns)
        # Signatories stand side by side with no rules: Word's plain table style.
        style = _theme_style(element) or ("Normal Table" if "signatories" in _classes(element) else "Table Grid")
        table._tbl.tblStyle_val = self._style_id(style, WD_STYLE_TYPE.TABLE)
        self._size_table(table, widths, ctx)
        _look(table, header=any(header for _, header in rows))
        keep = "keep" in _classes(element)
        for index, (row, header) in enumerate(rows):
            whole = keep or header or self._short_row(row, widths, cells, index)
            self._row_properties(table.rows[index]._tr, header, whole)
        for placed in cells:
            self._cell(table, placed, rows, widths, ctx)
        if keep:
            _keep_together(table)
        self.after_table = ctx.container

    def _table_parts(self, element: etree._Element) -> tuple[
            etree._Element | None, list[float], list[tuple[etree._Element, bool]]]:
        """Return a table's caption, column percentages and rows (with a header flag)."""
        caption, widths, rows = None, [], []
        for child in _child_elements(element):
            _check_known(child)
            if child.tag == "caption":
                caption = child
            elif child.tag == "colgroup":
                widths = [self._col_width(col) for col in _child_elements(child)]
            elif child.tag in ("thead", "tbody"):
                rows += [(tr, child.tag == "thead") for tr in _child_elements(child)]
            elif child.tag == "tr":
                rows.append((child, False))
            else:
                raise _misplaced(child)
        for tr, _ in rows:
            _check_known(tr)
            if tr.tag != "tr":
                raise _misplaced(tr)
        if not rows:
            raise RenderError(f"{_where(element)}: a table without rows")
        return caption, widths, rows

    def _col_width(self, col: etree._Element) -> float:
        """Return a <col>'s width in percent."""
        _check_known(col)
        if col.tag != "col":
            raise _misplaced(col)
        value = _style_properties(col).get("width", "")
        match = re.fullmatch(r"(\d+(?:\.\d+)?)%", value)
        if not match:
            raise RenderError(f"{_where(col)}: expected style=\"width: N%\", got {value!r}")
        return float(match.group(1))

    def _size_table(self, table: Table, widths: list[int], ctx: Ctx) -> None:
        """Give the table real column widths, a percentage width and the indent."""
        table.autofit = False
        tbl_pr = table._tbl.tblPr
        tbl_w = OxmlElement("w:tblW")
        total = sum(widths)
        tbl_w.set(qn("w:w"), str(round(5000 * total / ctx.text_width)))
        tbl_w.set(qn("w:type"), "pct")
        insert_in_order(tbl_pr, tbl_w, TBLPR_ORDER)
        if ctx.indent:
            tbl_ind = OxmlElement("w:tblInd")
            tbl_ind.set(qn("w:w"), str(ctx.indent))
            tbl_ind.set(qn("w:type"), "dxa")
            insert_in_order(tbl_pr, tbl_ind, TBLPR_ORDER)
        for column, width in zip(table.columns, widths):
            column.width = Twips(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths):
                cell.width = Twips(width)

    @staticmethod
    def _row_properties(tr: etree._Element, header: bool, whole: bool) -> None:
        """Keep a row on one page where the PDF does; mark header rows to repeat on every page."""
        tr_pr = tr.get_or_add_trPr()
        if whole:
            insert_in_order(tr_pr, OxmlElement("w:cantSplit"), TRPR_ORDER)
        if header:
            insert_in_order(tr_pr, OxmlElement("w:tblHeader"), TRPR_ORDER)

    def _cell(self, table: Table, placed: Placed,
              rows: list[tuple[etree._Element, bool]], widths: list[int], ctx: Ctx) -> None:
        """Merge, shade and fill one HTML cell."""
        row, column, rowspan, colspan, element = placed
        cell = _grid_cell(table, row, column)
        if rowspan > 1 or colspan > 1:
            cell = cell.merge(_grid_cell(table, row + rowspan - 1, column + colspan - 1))
        tr, header = rows[row]
        group = "group" in _classes(tr)
        css = _dialect_style(element, {"background-color", "color", "text-align"})
        fill = self._cell_fill(element, css, header, group)
        if fill:
            _shade(cell, fill)
        align = css.get("text-align") or ("center" if "score" in _classes(element) else None)
        bold = "total" in _classes(tr)
        colour = _hex_colour(element, css["color"]) if "color" in css else ctx.fmt.colour
        self._fill_cell(cell, element, header, group, align, sum(widths[column:column + colspan]),
                        replace(ctx, fmt=replace(ctx.fmt, bold=ctx.fmt.bold or bold, colour=colour)))
        if "background-color" in css and (header or group):
            # The Table Heading style shades its paragraphs, which would hide the cell's own fill.
            for p in cell._tc.iter(qn("w:p")):
                insert_in_order(p.get_or_add_pPr(), shading(fill), PPR_ORDER)
        if group:
            # A sub-heading row stays with the row after it, as in the stylesheet.
            for p in cell._tc.iter(qn("w:p")):
                Paragraph(p, None).paragraph_format.keep_with_next = True

    def _cell_fill(self, element: etree._Element, css: dict[str, str], header: bool,
                   group: bool) -> str | None:
        """Return the cell's fill: its own style, else the fill of the header or sub-heading style."""
        if "background-color" in css:
            return _hex_colour(element, css["background-color"])
        if header and element.tag == "th":
            return self._style_fill("Table Heading")
        if group and element.tag == "th":
            return self._style_fill("Table Subheading")
        return None

    def _style_fill(self, name: str) -> str | None:
        """Return the fill a paragraph style of the reference shades its paragraphs with, if any."""
        fills = self._style(name).element.xpath("w:pPr/w:shd/@w:fill")
        return str(fills[0]) if fills and fills[0] != "auto" else None

    # ------------------------------------------------ column widths and row heights

    def _cell_font(self, heading: bool) -> tuple[str, float]:
        """Return the font family and size (points) of table text, or of a header cell: looked up once, asked of every cell."""
        if heading not in self.cell_fonts:
            style = self._style("Table Heading" if heading else "Table Text")
            family, size = None, None
            while style is not None and (family is None or size is None):
                family = family or style.font.name
                size = size or (style.font.size.pt if style.font.size is not None else None)
                style = style.base_style
            self.cell_fonts[heading] = (family or "Arial", size or 10.0)
        return self.cell_fonts[heading]

    def _content_widths(self, cells: list[Placed], rows: list[tuple[etree._Element, bool]],
                        columns: int) -> tuple[list[int], list[int]]:
        """Return each column's least width (its longest word) and its widest line unbroken, in twips.

        These are a browser's min-content and max-content widths, with the cells' padding.
        """
        least, most = [0] * columns, [0] * columns
        for row, column, _, colspan, element in cells:
            if colspan > 1:
                continue
            heading = rows[row][1] or element.tag == "th" or "total" in _classes(rows[row][0])
            family, size = self._cell_font(heading)
            inset = CELL_INSET + WORD_SLACK + (CELL_LIST_STEP if element.find(".//li") is not None else 0)

            def width(text: str) -> int:
                return round(text_width(text, family, size, bold=heading) * 20) + inset

            least[column] = max([least[column], *map(width, _unbreakable(element))])
            most[column] = max([most[column], *map(width, _cell_lines(element))])
        return least, most

    def _short_row(self, tr: etree._Element, widths: list[int], cells: list[Placed], index: int) -> bool:
        """Tell whether a row fits on a page: the stylesheet keeps rows whole (tr { break-inside: avoid }),
        so the PDF splits only a row taller than a page, and so may Word."""
        family, size = self._cell_font(False)
        section = self.document.sections[-1]
        page = Emu(section.page_height - section.top_margin - section.bottom_margin).pt
        for row, column, _, colspan, element in cells:
            if row != index:
                continue
            room = max(sum(widths[column:column + colspan]) - CELL_INSET, 1) / 20
            lines = sum(max(1, -(-text_width(text, family, size) // room)) for text in _cell_lines(element))
            if lines * size * ROW_LINE_HEIGHT > page:
                return False
        return True

    def _fill_cell(self, cell: _Cell, element: etree._Element, header: bool, group: bool,
                   align: str | None, width: int, ctx: Ctx) -> None:
        """Write the cell's content in table paragraph styles, replacing the placeholder paragraph."""
        placeholder = cell._tc.p_lst[0]
        heading_row = header and element.tag == "th"
        style = "Table Heading" if heading_row else "Table Subheading" if group and element.tag == "th" else "Table Text"
        fmt = replace(ctx.fmt, bold=ctx.fmt.bold or (element.tag == "th" and style == "Table Text"))
        inner = Ctx(container=cell, text_width=width, style=style, fmt=fmt, align=align)
        self._queue_mark(element)
        self._write_blocks(element, inner)
        written = [e for e in cell._tc if e is not placeholder and e.tag != qn("w:tcPr")]
        if written:
            cell._tc.remove(placeholder)
        else:
            placeholder.style = self._style_id(style)
        if cell._tc[-1].tag != qn("w:p"):
            self._add_paragraph(cell, style)  # Word needs a cell to end with one

    # ------------------------------------------------ side by side and contents

    def _side_by_side(self, element: etree._Element, ctx: Ctx) -> None:
        """Write blocks set side by side as a borderless table of one row, a cell for each `div.side`."""
        sides = _child_elements(element)
        for side in sides:
            _check_known(side)
            if side.tag != "div" or _classes(side) != ["side"]:
                raise _misplaced(side)
        self._before_block(ctx)
        room = ctx.text_width - ctx.indent
        widths = _column_widths([], len(sides), room)
        table = ctx.container.add_table(1, len(sides))
        self._size_table(table, widths, ctx)
        _borderless(table)
        for side, cell, width in zip(sides, table.rows[0].cells, widths):
            placeholder = cell._tc.p_lst[0]
            self._write_blocks(side, Ctx(container=cell, text_width=width, fmt=ctx.fmt))
            if len(cell._tc.p_lst) > 1 or cell._tc[-1].tag != qn("w:p"):
                cell._tc.remove(placeholder)
            if cell._tc[-1].tag != qn("w:p"):
                self._add_paragraph(cell, "Normal")  # Word needs a cell to end with one
        self.after_table = ctx.container

    def _contents(self, element: etree._Element, ctx: Ctx) -> None:
        """Write a contents list as a TOC field Word updates, its entries (with PAGEREF page numbers) as the field's result."""
        if _classes(element) != ["contents"]:
            raise _unknown(element, "unknown class on")
        entries: list[etree._Element] = []
        for child in _child_elements(element):
            _check_known(child)
            if child.tag == "ul":
                entries = _child_elements(child)
            else:
                self._block(child, ctx)
        paragraphs = [self._contents_entry(li, ctx) for li in entries]
        if not paragraphs:
            return
        levels = max(int(_classes(li)[0].removeprefix("toc-")) for li in entries)
        begin = FieldCode(f'TOC \\o "2-{levels + 1}" \\h \\z \\u', "", Fmt())
        start, instr, separate, _, end = _field(begin)
        start.find(qn("w:fldChar")).set(qn("w:dirty"), "true")  # Word works the page numbers out again on opening
        first = paragraphs[0]._p
        anchor = first.find(qn("w:pPr"))
        at = 0 if anchor is None else list(first).index(anchor) + 1
        for offset, run in enumerate((start, instr, separate)):
            first.insert(at + offset, run)
        paragraphs[-1]._p.append(end)

    def _contents_entry(self, li: etree._Element, ctx: Ctx) -> Paragraph:
        """Write one contents entry: the heading's words linked to it, a dotted tab, and its page as a PAGEREF field."""
        _check_known(li)
        classes = _classes(li)
        links = [a for a in _child_elements(li) if a.tag == "a"]
        if li.tag != "li" or len(classes) != 1 or len(links) != 1 or not links[0].get("href", "").startswith("#"):
            raise _misplaced(li)
        level = int(classes[0].removeprefix("toc-"))
        target = links[0].get("href")[1:]
        bookmark = self.bookmarks.get(target)
        if bookmark is None:
            raise RenderError(f"{_where(li)}: a contents entry links to {links[0].get('href')!r}, which is no heading")
        page = str(self.anchor_pages.get(target, ""))  # the PDF's page, what Word shows until it updates the field
        items = self._inline(li, ctx.fmt) + [Tab(ctx.fmt), FieldCode(f"PAGEREF {bookmark} \\h", page, ctx.fmt)]
        paragraph = self._paragraph(ctx, items, style="Normal", left=LIST_STEP * (level - 1), force=True)
        assert paragraph is not None
        room = ctx.text_width - ctx.indent
        paragraph.paragraph_format.tab_stops.add_tab_stop(Twips(room), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        return paragraph

    # ------------------------------------------------ sections and page breaks

    def _before_block(self, ctx: Ctx) -> None:
        """Return the page to portrait if a landscape section ended and body content follows."""
        if ctx.container is not self.document or not self.portrait_pending:
            return
        self.portrait_pending = False
        self._end_section()
        self.section_pages.append("")
        self._turn(WD_ORIENT.PORTRAIT, "")

    def _begin_landscape(self, name: str) -> None:
        """End the section so far and turn the new last section to landscape."""
        if self.portrait_pending:
            self.portrait_pending = False  # landscape follows landscape: stay turned
        else:
            if self._last_body_block() is not None:
                self._end_section()
                self.section_pages.append(name)
            self._turn(WD_ORIENT.LANDSCAPE, name)
        self.landscape = True
        self.page_break_pending = False  # the section break already starts a page

    def _turn(self, orientation: WD_ORIENT, name: str) -> None:
        """Turn the last section, to the stylesheet's page of that name where there is one."""
        self.section_pages[-1] = name
        if self.pages is None:
            _turn(self.document.sections[-1], orientation)
        else:
            self._use_page(self.document.sections[-1], name)

    def _end_section(self) -> None:
        """Close the current section on the last body paragraph; later sections link their header."""
        last = self._last_body_block()
        if last is None or last.tag != qn("w:p"):
            # A table cannot carry section properties; Word itself adds a paragraph here.
            last = self.document.add_paragraph()._p
        sentinel = self.document.element.body.sectPr
        last.set_sectPr(_clone(sentinel))
        for reference in sentinel.xpath("w:headerReference|w:footerReference|w:titlePg"):
            sentinel.remove(reference)  # later sections link to this one's header, and only the document's first page is bare
        self.page_break_pending = False

    def _keep_last_with_next(self) -> None:
        """Keep the last body paragraph, or a table's last row, on the page with what follows."""
        last = self._last_body_block()
        paragraphs = [] if last is None else [last] if last.tag == qn("w:p") else last.xpath("./w:tr[last()]//w:p")
        for paragraph in paragraphs:
            Paragraph(paragraph, None).paragraph_format.keep_with_next = True

    def _last_body_block(self) -> etree._Element | None:
        """Return the last paragraph or table in the body, if any."""
        blocks = [e for e in self.document.element.body if e.tag in (qn("w:p"), qn("w:tbl"))]
        return blocks[-1] if blocks else None

    # ------------------------------------------------ paragraphs

    def _paragraph(self, ctx: Ctx, items: list[Item], *, style: str | None = None,
                   left: int | None = None, hanging: int | None = None,
                   no_numbering: bool = False, force: bool = False) -> Paragraph | None:
        """Add a paragraph of inline items; skip it if it would be empty (space comes from styles)."""
        items = _collapse(items)
        if not _has_text(items) and not force:
            self.pending_marks += [item.name for item in items if isinstance(item, Mark) and item.start]
            return None
        self._before_block(ctx)
        style = style or ctx.style
        paragraph = self._add_paragraph(ctx.container, style)
        if left is None and ctx.direct_indent and style == ctx.style:
            left = ctx.indent
        self._paragraph_format(paragraph, ctx, left, hanging, no_numbering)
        marks = [m for name in self.pending_marks for m in (Mark(name, True), Mark(name, False))]
        self.pending_marks = []
        self._emit(paragraph, marks + items)
        return paragraph

    def _paragraph_format(self, paragraph: Paragraph, ctx: Ctx, left: int | None,
                          hanging: int | None, no_numbering: bool) -> None:
        """Apply the few direct paragraph properties the structure needs."""
        fmt = paragraph.paragraph_format
        if self.after_table is ctx.container:
            # Word puts no space below a table; give the text after it the usual gap, or its
            # style's own larger space before (a heading's), as the PDF's margins collapse to the larger.
            gap = self._style("Normal").paragraph_format.space_after or 0
            fmt.space_before = max(gap, self._style_before(paragraph.style))
        self.after_table = None if self.after_table is ctx.container else self.after_table
        if self.page_break_pending:
            fmt.page_break_before = True
            self.page_break_pending = False
        if left is not None:
            fmt.left_indent = Twips(left)
        if hanging is not None:
            fmt.first_line_indent = Twips(-hanging)
        if ctx.align in ("right", "center", "left"):
            fmt.alignment = {"right": WD_ALIGN_PARAGRAPH.RIGHT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                             "left": WD_ALIGN_PARAGRAPH.LEFT}[ctx.align]
        if no_numbering and self._numbered(paragraph.style):
            # numId 0 switches off the numbering of the paragraph's style (ECMA-376 Part 1,
            # 17.9.18): the number is in the text. Only where the style has numbering to remove.
            num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_numId().val = 0

    # ------------------------------------------------ inline collection

    def _inline(self, element: etree._Element, fmt: Fmt) -> list[Item]:
        """Return the inline items of an element's content."""
        return self._inline_nodes(list(_child_nodes(element)), fmt)

    def _inline_nodes(self, nodes: list[Node], fmt: Fmt) -> list[Item]:
        """Return the inline items of text pieces and inline elements."""
        items: list[Item] = []
        for node in nodes:
            if isinstance(node, str):
                items.append(Text(node, fmt))
            else:
                items += self._inline_element(node, fmt)
        return items

    def _inline_element(self, element: etree._Element, fmt: Fmt) -> list[Item]:
        """Return the items of one inline element, wrapped in its bookmark if it has an id."""
        _check_known(element)
        if element.tag not in INLINE_TAGS:
            raise _unknown(element, "block element inside inline content:")
        if element.get("lang"):
            fmt = replace(fmt, lang=element.get("lang"))
        items = self._inline_content(element, fmt)
        if element.get("id"):
            name = self.bookmarks[element.get("id")]
            items = [Mark(name, True), *items, Mark(name, False)]
        if element.get("data-src") or element.get("data-from"):
            items = self._source_mark(element, items)
        return items

    def _source_mark(self, element: etree._Element, items: list[Item]) -> list[Item]:
        """Bookmark what a sourced span shows, and note its sources for the map (provenance.docx_map)."""
        name = f"{SOURCE_PREFIX}{len(self.sourced) + 1:04d}"
        shown, inputs = (element.get("data-src") or "").split(), (element.get("data-from") or "").split()
        self.sourced.append(Bookmark(name, element.getparent().tag, "".join(element.itertext()), tuple(shown), tuple(inputs)))
        return [Mark(name, True), *items, Mark(name, False)]

    def _inline_content(self, element: etree._Element, fmt: Fmt) -> list[Item]:
        """Return the items an inline element stands for."""
        tag, classes = element.tag, _classes(element)
        if tag in ("strong", "b"):
            return self._inline(element, replace(fmt, bold=True))
        if tag in ("em", "i"):
            return self._inline(element, replace(fmt, italic=True))
        if tag in ("sup", "sub"):
            return self._inline(element, replace(fmt, vert="superscript" if tag == "sup" else "subscript"))
        if tag == "br":
            return [Break(fmt)]
        if tag == "a":
            return self._inline(element, replace(fmt, link=self._link(element, fmt)))
        if "status" in classes:
            return self._inline(element, self._status_fmt(element, fmt))
        if tag == "span" and _theme_style(element):
            return self._inline(element, replace(fmt, style=self._style_id(_theme_style(element), WD_STYLE_TYPE.CHARACTER)))
        if "page-number" in classes or "page-count" in classes:
            shown = "".join(element.itertext()).strip() or "1"
            return [FieldCode("PAGE" if "page-number" in classes else "NUMPAGES", shown, fmt)]
        items = self._inline(element, fmt)
        if "num" in classes or "note-label" in classes:
            items.append(Tab(fmt))  # the dialect's "number, then a tab"
        return items

    def _status_fmt(self, element: etree._Element, fmt: Fmt) -> Fmt:
        """Return the format of an inline status: its fill as run shading, its text colour."""
        css = _dialect_style(element, {"background-color", "color"})
        shade = _hex_colour(element, css["background-color"]) if "background-color" in css else fmt.shade
        colour = _hex_colour(element, css["color"]) if "color" in css else fmt.colour
        return replace(fmt, shade=shade, colour=colour)

    def _link(self, element: etree._Element, fmt: Fmt) -> Link:
        """Return the target of an <a href>, refusing links Word cannot follow."""
        href = (element.get("href") or "").strip()
        if fmt.link is not None:
            raise RenderError(f"{_where(element)}: a link inside a link")
        if href.startswith("#"):
            if href[1:] not in self.bookmarks:
                raise RenderError(f"{_where(element)}: link to {href}: no element has that id")
            return Link(anchor=self.bookmarks[href[1:]], style_id=self._hyperlink_style())
        if href.lower().startswith(EXTERNAL_SCHEMES):
            return Link(url=href, style_id=self._hyperlink_style())
        raise RenderError(f"{_where(element)}: link {href!r} is neither #id nor http(s)/mailto/tel")

    def _hyperlink_style(self) -> str:
        """Return the style id of the reference's Hyperlink character style."""
        return self._style("Hyperlink").style_id

    # ------------------------------------------------ XML output

    def _emit(self, paragraph: Paragraph, items: list[Item]) -> None:
        """Append runs, fields, pictures, bookmarks and hyperlinks to a paragraph."""
        current: Link | None = None
        hyperlink: etree._Element | None = None
        for item in items:
            link = None if isinstance(item, Mark) else item.fmt.link
            if link != current:
                current = link
                hyperlink = self._hyperlink(paragraph, link) if link else None
            target = hyperlink if hyperlink is not None else paragraph._p
            if isinstance(item, Picture):
                self._add_picture(paragraph, target, item)
            else:
                for element in self._xml(item):
                    target.append(element)

    def _hyperlink(self, paragraph: Paragraph, link: Link) -> etree._Element:
        """Add and return a w:hyperlink, internal (anchor) or external (relationship)."""
        hyperlink = OxmlElement("w:hyperlink")
        if link.anchor:
            hyperlink.set(qn("w:anchor"), link.anchor)
        else:
            hyperlink.set(qn("r:id"), paragraph.part.relate_to(link.url, RT.HYPERLINK, is_external=True))
        hyperlink.set(qn("w:history"), "1")
        paragraph._p.append(hyperlink)
        return hyperlink

    def _xml(self, item: Item) -> list[etree._Element]:
        """Return the WordprocessingML elements of one inline item."""
        if isinstance(item, Mark):
            return [self._bookmark(item)]
        if isinstance(item, Text):
            return [_run(item.fmt, _text(item.text))]
        if isinstance(item, Tab):
            return [_run(item.fmt, OxmlElement("w:tab"))]
        if isinstance(item, Break):
            return [_run(item.fmt, OxmlElement("w:br"))]
        return _field(item)

    def _bookmark(self, mark: Mark) -> etree._Element:
        """Return a bookmark start or end, numbered in document order."""
        if mark.start:
            element = OxmlElement("w:bookmarkStart")
            element.set(qn("w:id"), str(self.next_mark_id))
            element.set(qn("w:name"), mark.name)
            self.open_marks[mark.name] = self.next_mark_id
            self.next_mark_id += 1
        else:
            element = OxmlElement("w:bookmarkEnd")
            element.set(qn("w:id"), str(self.open_marks.pop(mark.name)))
        return element

    def _add_picture(self, paragraph: Paragraph, target: etree._Element, picture: Picture) -> None:
        """Add an inline picture whose alt text is its description and title."""
        r = _run(picture.fmt)
        target.append(r)
        Run(r, paragraph).add_picture(io.BytesIO(picture.data), width=Emu(picture.width))
        for doc_pr in r.iter(qn("wp:docPr"), qn("pic:cNvPr")):
            doc_pr.set("descr", picture.alt)
            doc_pr.set("title", picture.alt)

    def _number_pictures(self) -> None:
        """Number drawing ids in document order so output never depends on earlier ids."""
        for number, doc_pr in enumerate(self.document.element.body.iter(qn("wp:docPr")), start=1):
            doc_pr.set("id", str(number))
            doc_pr.set("name", f"Picture {number}")


BLOCK_HANDLERS: dict[str, Callable[[_Writer, etree._Element, Ctx], None]] = {
    "section": _Writer._section,
    "h1": _Writer._heading, "h2": _Writer._heading, "h3": _Writer._heading, "h4": _Writer._heading,
    "p": _Writer._p,
    "div": _Writer._div,
    "ul": _Writer._list, "ol": _Writer._list,
    "table": _Writer._table,
    "nav": _Writer._contents,
    "dl": _Writer._dl,
    "aside": _Writer._aside,
    "blockquote": _Writer._blockquote,
    "figure": _Writer._figure,
}


# ---------------------------------------------------------------- small XML builders


def _look(table: Table, *, header: bool) -> None:
    """Apply the style's header-row look only to a table that has a header row."""
    look = table._tbl.tblPr.find(qn("w:tblLook"))
    if look is None:
        look = OxmlElement("w:tblLook")
        insert_in_order(table._tbl.tblPr, look, TBLPR_ORDER)
    for name, value in (("firstRow", header), ("firstColumn", False), ("lastRow", False),
                        ("lastColumn", False), ("noHBand", True), ("noVBand", True)):
        look.set(qn(f"w:{name}"), "1" if value else "0")
    look.attrib.pop(qn("w:val"), None)


def _auto_widths(least: list[int], most: list[int], room: int) -> list[int]:
    """Share a full-width table's room as a browser's automatic table layout does (CSS 2.1, 17.5.2.2).

    Every column gets its longest word; the rest goes as far as each column's
    widest unbroken line asks, then in proportion to it.
    """
    if sum(most) <= room:
        spare = room - sum(most)
        return [round(m + spare * m / sum(most)) for m in most] if sum(most) else [room // len(most)] * len(most)
    if sum(least) >= room:
        return [round(room * n / sum(least)) for n in least]
    share = (room - sum(least)) / (sum(most) - sum(least))
    return [round(n + (m - n) * share) for n, m in zip(least, most)]


def _borderless(table: Table) -> None:
    """Take every border off a table that only sets blocks side by side."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "nil")
        borders.append(line)
    insert_in_order(table._tbl.tblPr, borders, TBLPR_ORDER)


def _keep_together(table: Table) -> None:
    """Keep a short table on one page: each row keeps with the next, as Word does it."""
    for row in table.rows[:-1]:
        for paragraph in row._tr.iter(qn("w:p")):
            Paragraph(paragraph, None).paragraph_format.keep_with_next = True


def _mm(length: float) -> Emu:
    """Return a length in millimetres as EMU, rounded to whole twips as Word stores them."""
    return Twips(round(length * 1440 / 25.4))


def _clone(element: etree._Element) -> etree._Element:
    """Return a deep copy of an oxml element."""
    return copy.deepcopy(element)


def _turn(section: Section, orientation: WD_ORIENT) -> None:
    """Set a section's orientation, swapping page width and height; margins stay."""
    if section.orientation == orientation:
        return
    section.orientation = orientation
    section.page_width, section.page_height = section.page_height, section.page_width


def _run(fmt: Fmt, *content: etree._Element) -> etree._Element:
    """Return a w:r with the format's run properties and the given content."""
    r = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    style_id = fmt.link.style_id if fmt.link is not None else fmt.style
    if style_id:
        style = OxmlElement("w:rStyle")
        style.set(qn("w:val"), style_id)
        rpr.append(style)
    for on, tag in ((fmt.bold, "w:b"), (fmt.italic, "w:i")):
        if on:
            rpr.append(OxmlElement(tag))
    if fmt.colour:
        colour = OxmlElement("w:color")
        colour.set(qn("w:val"), fmt.colour)
        rpr.append(colour)
    if fmt.shade:
        rpr.append(shading(fmt.shade))
    for value, tag in ((fmt.vert, "w:vertAlign"), (fmt.lang, "w:lang")):
        if value:
            element = OxmlElement(tag)
            element.set(qn("w:val"), value)
            rpr.append(element)
    if len(rpr):
        r.append(rpr)
    for element in content:
        r.append(element)
    return r


def _text(text: str) -> etree._Element:
    """Return a w:t keeping its spaces."""
    t = OxmlElement("w:t")
    t.text = text
    if text != text.strip():
        t.set(qn("xml:space"), "preserve")
    return t


def _field(item: FieldCode) -> list[etree._Element]:
    """Return the runs of a complex field (PAGE, NUMPAGES) with its shown result."""
    def char(kind: str) -> etree._Element:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return _run(item.fmt, element)

    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {item.instr} "
    return [char("begin"), _run(item.fmt, instr), char("separate"),
            _run(item.fmt, _text(item.shown)), char("end")]


def shading(fill: str) -> etree._Element:
    """Return a solid w:shd of a fill colour."""
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    return shd


def _shade(cell: _Cell, fill: str) -> None:
    """Give a cell a solid fill."""
    insert_in_order(cell._tc.get_or_add_tcPr(), shading(fill), TCPR_ORDER)


Placed = tuple[int, int, int, int, etree._Element]  # row, column, rowspan, colspan, cell


def _grid(rows: list[tuple[etree._Element, bool]]) -> tuple[list[Placed], int]:
    """Place each cell on the table grid; return the placed cells and the column count."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for row_index, (tr, _) in enumerate(rows):
        column = 0
        for cell in _child_elements(tr):
            _check_known(cell)
            if cell.tag not in ("th", "td"):
                raise _misplaced(cell)
            while (row_index, column) in taken:
                column += 1
            colspan = _span(cell, "colspan")
            rowspan = min(_span(cell, "rowspan"), len(rows) - row_index)
            taken |= {(row_index + r, column + c) for r in range(rowspan) for c in range(colspan)}
            placed.append((row_index, column, rowspan, colspan, cell))
            column += colspan
    columns = max(c for _, c in taken) + 1 if taken else 1
    return placed, columns


def _span(cell: etree._Element, name: str) -> int:
    """Return a cell's colspan or rowspan."""
    value = cell.get(name, "1")
    if not value.isdigit() or int(value) < 1:
        raise RenderError(f"{_where(cell)}: {name} must be a whole number, got {value!r}")
    return int(value)


def _paragraphs(ctx: Ctx) -> list[Paragraph]:
    """Return the paragraphs written so far where the context writes (the body, or a cell)."""
    parent = ctx.container.element.body if isinstance(ctx.container, WordDocument) else ctx.container._tc
    return [Paragraph(p, None) for p in parent.xpath("./w:p")]


def _unbreakable(element: etree._Element) -> list[str]:
    """Return the pieces of a cell's text no line may break: its words, or all of it in a score cell."""
    text = " ".join("".join(element.itertext()).split())
    if "score" in _classes(element):
        return [text]
    # A line may break after a hyphen or a slash, as in a browser, but not before a digit:
    # "29/07/2015" and "2014-15" stay whole (Unicode line breaking, UAX #14 rule LB25).
    breaks = r"(?<=[\u2010\u2013])|(?<=[-/])(?!\d)"
    return [piece for word in text.split(" ") for piece in re.split(breaks, word) if piece]


def _cell_lines(element: etree._Element) -> list[str]:
    """Return the texts of a cell's paragraphs and list items, each starting a new line."""
    blocks = element.xpath(".//p | .//li | .//dt | .//dd")
    if not blocks:
        return [" ".join("".join(element.itertext()).split())]
    return [" ".join("".join(block.itertext()).split()) for block in blocks]


def _fit_words(widths: list[int], need: list[int]) -> list[int]:
    """Widen each column to its longest word, taking the room from columns that have some to spare.

    A browser gives a column at least its longest word (its min-content
    width); Word would break the word instead.
    """
    total = sum(widths)
    if sum(need) >= total:  # not every word fits: share the width as the words need it
        return [round(total * n / sum(need)) for n in need] if sum(need) else widths
    short = sum(max(n - w, 0) for w, n in zip(widths, need))
    if not short:
        return widths
    spare = [max(w - n, 0) for w, n in zip(widths, need)]
    taken = [short * s / sum(spare) for s in spare]
    return [max(w, n) if n > w else round(w - t) for w, n, t in zip(widths, need, taken)]


def _column_widths(percentages: list[float], columns: int, room: int) -> list[int]:
    """Return column widths in twips from the colgroup percentages of the room."""
    if not percentages:
        percentages = [100 / columns] * columns
    if len(percentages) < columns:
        rest = max(100 - sum(percentages), 0) / (columns - len(percentages))
        percentages = percentages + [rest] * (columns - len(percentages))
    return [round(room * share / 100) for share in percentages[:columns]]
