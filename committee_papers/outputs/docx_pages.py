"""Read the page geometry of a paper's stylesheet, so the DOCX pages are the PDF's.

The stylesheet's `@page` rules (size, margins, a `:first` page without its
running header) and the rules that put an element on a named page
(`page: landscape`) are the one source of page geometry: WeasyPrint lays the
PDF out from them and the DOCX writer gives its sections the same values.
The laid-out PDF gives the page each heading fell on, for the DOCX's contents list.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import cssselect2
import pikepdf
import tinycss2
from lxml import etree

MM_PER = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72, "pc": 25.4 / 6, "px": 25.4 / 96, "q": 0.25}
# Portrait width and height in millimetres of the sizes CSS names (CSS Paged Media 3, 'size').
PAGE_SIZES = {
    "a5": (148.0, 210.0), "a4": (210.0, 297.0), "a3": (297.0, 420.0),
    "b5": (176.0, 250.0), "b4": (250.0, 353.0), "letter": (215.9, 279.4),
    "legal": (215.9, 355.6), "ledger": (279.4, 431.8),
}
SIDES = ("top", "right", "bottom", "left")


@dataclass(frozen=True)
class PageBox:
    """One kind of page: its size and margins in millimetres."""

    width: float = 210.0
    height: float = 297.0
    top: float = 20.0
    right: float = 20.0
    bottom: float = 20.0
    left: float = 20.0

    @property
    def landscape(self) -> bool:
        """Tell whether the page is wider than it is tall."""
        return self.width > self.height


@dataclass(frozen=True)
class FirstPage:
    """How the document's first page differs from the others of its kind."""

    top: float | None = None
    header: bool = True  # whether the running header shows on it


@dataclass
class PageLayout:
    """The page kinds of a stylesheet and the rules that name a page for an element."""

    boxes: dict[str, PageBox] = field(default_factory=dict)
    first: dict[str, FirstPage] = field(default_factory=dict)
    selectors: list[tuple[tuple[int, int, int], int, Any, str]] = field(default_factory=list)

    def box(self, name: str = "") -> PageBox:
        """Return the geometry of a named page (the unnamed page's, for what it does not set)."""
        return self.boxes.get(name) or self.boxes.get("", PageBox())

    def first_page(self, name: str = "") -> FirstPage:
        """Return how the first page differs when it is a page of this name."""
        return self.first.get(name) or self.first.get("", FirstPage())

    def page_names(self, root: etree._Element) -> dict[etree._Element, str]:
        """Return the page name each element of a document asks for, where a rule names one."""
        names = {}
        for wrapper in cssselect2.ElementWrapper.from_html_root(root.getroottree()).iter_subtree():
            matches = [(specificity, order, name) for specificity, order, selector, name in self.selectors
                       if selector.test(wrapper)]
            if matches:
                names[wrapper.etree_element] = max(matches)[2]
        return names


@lru_cache(maxsize=16)
def page_layout(css: str) -> PageLayout:
    """Return the page geometry a stylesheet gives, as WeasyPrint reads it for print.

    Once per council's stylesheet in a process: every paper of a council has the same, and reading it is a
    tenth of writing a paper's DOCX. The layout is only read after it is made.
    """
    layout = PageLayout()
    declared: dict[str, dict[str, Any]] = {}
    for order, rule in enumerate(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)):
        if rule.type == "at-rule" and rule.lower_at_keyword == "page" and rule.content is not None:
            name, first = _page_selector(rule.prelude)
            _read_page_rule(rule.content, declared.setdefault(f"{name}:first" if first else name, {}))
        elif rule.type == "qualified-rule":
            _read_page_property(rule, order, layout)
    base = _box(declared.get("", {}), PageBox(top=20, right=20, bottom=20, left=20))
    layout.boxes[""] = base
    for name, values in declared.items():
        if name.endswith(":first"):
            continue
        layout.boxes[name] = _box(values, base)
    for name, values in declared.items():
        if name.endswith(":first"):
            page = name[:-len(":first")]
            layout.first[page] = FirstPage(top=values.get("top"), header=not values.get("no-header", False))
    return layout


def _page_selector(prelude: list[Any]) -> tuple[str, bool]:
    """Return the page name and whether the rule is for the first page."""
    tokens = [t for t in prelude if t.type not in ("whitespace", "comment")]
    name = next((t.lower_value for t in tokens if t.type == "ident"), "")
    first = any(t.type == "literal" and t.value == ":" for t in tokens) and \
        any(t.type == "ident" and t.lower_value == "first" for t in tokens)
    if first and name == "first":
        name = ""
    return name, first


def _read_page_rule(content: list[Any], values: dict[str, Any]) -> None:
    """Collect size, margins and a suppressed running header from an @page rule's body."""
    for item in tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True):
        if item.type == "declaration":
            _page_declaration(item, values)
        elif item.type == "at-rule" and item.lower_at_keyword.startswith("top-") and item.content is not None:
            declarations = tinycss2.parse_blocks_contents(item.content, skip_comments=True, skip_whitespace=True)
            if any(d.type == "declaration" and d.lower_name == "content" and _idents(d.value) == ["none"]
                   for d in declarations):
                values["no-header"] = True


def _page_declaration(declaration: Any, values: dict[str, Any]) -> None:
    """Read one declaration of an @page rule into values (millimetres)."""
    name = declaration.lower_name
    tokens = [t for t in declaration.value if t.type not in ("whitespace", "comment")]
    if name == "size":
        values["size"] = _size(tokens)
    elif name == "margin":
        lengths = [_mm(t) for t in tokens]
        if lengths and None not in lengths:
            spread = {1: [0, 0, 0, 0], 2: [0, 1, 0, 1], 3: [0, 1, 2, 1], 4: [0, 1, 2, 3]}.get(len(lengths))
            if spread:
                values.update({side: lengths[i] for side, i in zip(SIDES, spread)})
    elif name.startswith("margin-") and name[len("margin-"):] in SIDES and len(tokens) == 1:
        length = _mm(tokens[0])
        if length is not None:
            values[name[len("margin-"):]] = length


def _size(tokens: list[Any]) -> tuple[float, float] | str | None:
    """Return a page size (width, height) in mm, or just 'landscape'/'portrait' to turn the inherited one."""
    idents = [t.lower_value for t in tokens if t.type == "ident"]
    lengths = [_mm(t) for t in tokens if t.type == "dimension"]
    named = next((PAGE_SIZES[i] for i in idents if i in PAGE_SIZES), None)
    if len(lengths) == 2 and None not in lengths:
        named = (lengths[0], lengths[1])
    turn = next((i for i in idents if i in ("landscape", "portrait")), None)
    if named is None:
        return turn
    width, height = sorted(named) if turn else named
    return (height, width) if turn == "landscape" else (width, height)


def _box(values: dict[str, Any], base: PageBox) -> PageBox:
    """Return base with the size and margins an @page rule sets."""
    box = replace(base, **{side: values[side] for side in SIDES if side in values})
    size = values.get("size")
    if isinstance(size, tuple):
        box = replace(box, width=size[0], height=size[1])
    elif size in ("landscape", "portrait") and box.landscape != (size == "landscape"):
        box = replace(box, width=box.height, height=box.width)
    return box


def _read_page_property(rule: Any, order: int, layout: PageLayout) -> None:
    """Remember a style rule that puts the elements it selects on a named page."""
    declarations = tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True)
    names = [_idents(d.value) for d in declarations if d.type == "declaration" and d.lower_name == "page"]
    if not names or len(names[-1]) != 1:
        return
    try:
        selectors = cssselect2.compile_selector_list(rule.prelude)
    except cssselect2.SelectorError:
        return  # WeasyPrint ignores a rule it cannot parse; so do we
    page = "" if names[-1][0] == "auto" else names[-1][0]
    for selector in selectors:
        if selector.pseudo_element is None:
            layout.selectors.append((selector.specificity, order, selector, page))


def _idents(tokens: list[Any]) -> list[str]:
    """Return the identifiers of a declaration's value."""
    return [t.lower_value for t in tokens if t.type == "ident"]


def _mm(token: Any) -> float | None:
    """Return a length token in millimetres (0 for a bare zero), None if it is not a length."""
    if token.type == "number" and token.value == 0:
        return 0.0
    if token.type == "dimension" and token.lower_unit in MM_PER:
        return float(token.value) * MM_PER[token.lower_unit]
    return None


def anchor_pages(pdf: bytes) -> dict[str, int]:
    """Return the page number (from 1) each named destination of a PDF is on, by the element id it was made from."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        names = document.Root.get("/Names")
        if names is None or "/Dests" not in names:
            return {}
        index = {page.objgen: number for number, page in enumerate(document.pages, start=1)}
        found: dict[str, int] = {}
        for name, destination in pikepdf.NameTree(names.Dests).items():
            target = destination.get("/D", destination) if isinstance(destination, pikepdf.Dictionary) else destination
            if isinstance(target, pikepdf.Array) and len(target) and target[0].objgen in index:
                found[str(name)] = index[target[0].objgen]
        return found
