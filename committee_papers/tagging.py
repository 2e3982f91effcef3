"""Make WeasyPrint's PDF structure tree whole, and bind tagged PDFs into one tagged pack.

WeasyPrint 70 builds the tag tree page by page: an element that crosses a
page break becomes one structure element per page (Kozea/WeasyPrint#2902,
#2903), a table's repeated header row is tagged again on every page, and
header cells carry no /Scope (#2508). `mend` puts the pieces back together:
while WeasyPrint tags, each structure element is keyed by the HTML element
it comes from; afterwards adjacent pieces with the same key are merged,
repeated header rows become artifacts, and the keys are removed.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf

logger = logging.getLogger(__name__)

KEY = Name("/CPKey")
"""Where a structure element keeps the HTML element it comes from, until `mend` removes it."""

SCOPES = {"col": "/Column", "colgroup": "/Column", "row": "/Row", "rowgroup": "/Row"}


def install() -> None:
    """Wrap WeasyPrint's tag builder so that every structure element names its HTML element."""
    from weasyprint.pdf import tags

    if getattr(tags._build_box_tree, "keyed", False):
        return
    original = tags._build_box_tree

    def keyed(box: Any, *args: Any) -> Iterator[Any]:
        for element in original(box, *args):
            if "CPKey" not in element:
                element["CPKey"] = _key_of(box)
                _scope(box, element)
            yield element

    keyed.keyed = True  # type: ignore[attr-defined]
    tags._build_box_tree = keyed


def _key_of(box: Any) -> Any:
    """Return a key naming a box's HTML element: the same on every page it is laid out on.

    The HTML tree lives as long as the layout, so its elements' ids are stable
    keys; they never reach the file.
    """
    import pydyf

    box = getattr(box, "_box", box)  # an absolutely placed box's placeholder
    element = getattr(box, "element", None)
    return pydyf.String(f"{id(element) if element is not None else id(box)}|{box.element_tag}")


def _scope(box: Any, element: Any) -> None:
    """Give a header cell the /Scope its HTML scope attribute says (WeasyPrint leaves it out)."""
    html = getattr(box, "element", None)
    if getattr(box, "element_tag", None) == "th" and html is not None and "A" in element:
        scope = SCOPES.get(html.get("scope", "col"), "/Column")
        element["A"]["Scope"] = scope


def mend(data: bytes) -> bytes:
    """Return a WeasyPrint PDF whose structure tree has one element per HTML element."""
    with Pdf.open(io.BytesIO(data)) as pdf:
        document = pdf.Root.StructTreeRoot.K[0]
        replaced: dict[tuple[int, int], Dictionary] = {}
        _merge_pieces(document, replaced)
        in_tree = {element.objgen for element in _walk(document)}
        for index, mcids in _update_parent_tree(pdf, replaced, in_tree).items():
            _artifact_content(pdf, pdf.pages[index], mcids)
        for element in _walk(document):
            if KEY in element:
                del element[KEY]
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def _kids(element: Dictionary) -> list[Any]:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _is_element(kid: Any) -> bool:
    return isinstance(kid, Dictionary) and kid.get("/Type") == Name.StructElem


def _walk(element: Dictionary) -> Iterator[Dictionary]:
    """Yield a structure element and every element under it, in reading order."""
    yield element
    for kid in _kids(element):
        if _is_element(kid):
            yield from _walk(kid)


def _merge_pieces(element: Dictionary, replaced: dict[tuple[int, int], Dictionary]) -> None:
    """Merge adjacent kids that are pieces of one HTML element, at every level.

    A table's header row repeated on a later page is taken out of the tree
    (its content becomes an artifact), so the body rows around it join up.
    """
    merged: list[Any] = []
    heads: dict[str, Dictionary] = {}
    repeats: list[tuple[Dictionary, Dictionary]] = []
    for kid in _kids(element):
        if _is_element(kid) and kid.S == Name.THead and KEY in kid:
            first = heads.setdefault(str(kid[KEY]), kid)
            if first.objgen != kid.objgen:
                repeats.append((kid, first))
                continue
        last = merged[-1] if merged else None
        if _is_element(kid) and _is_element(last) and _same(last, kid):
            _absorb(last, kid)
            replaced[kid.objgen] = last
        else:
            merged.append(kid)
    if "/K" in element:
        element.K = Array(merged)
    for repeat, first in repeats:
        _redirect_headers(element, _header_ids(repeat), _header_ids(first))
    for kid in merged:
        if _is_element(kid):
            _merge_pieces(kid, replaced)


def _same(a: Dictionary, b: Dictionary) -> bool:
    """Tell whether two elements are pieces of one HTML element."""
    return KEY in a and a.get(KEY) == b.get(KEY) and a.S == b.S


def _absorb(into: Dictionary, piece: Dictionary) -> None:
    """Move a piece's kids into the element it continues; marked content keeps its page."""
    kids = _kids(into)
    for kid in _kids(piece):
        if _is_element(kid):
            kid.P = into
        elif isinstance(kid, int) and piece.Pg.objgen != into.Pg.objgen:
            kid = Dictionary(Type=Name.MCR, Pg=piece.Pg, MCID=int(kid))
        kids.append(kid)
    into.K = Array(kids)


def _header_ids(head: Dictionary) -> list[Any]:
    return [e.ID for e in _walk(head) if e.S == Name.TH and "/ID" in e]


def _redirect_headers(table: Dictionary, repeated: list[Any], first: list[Any]) -> None:
    """Point data cells at the first header row's cells instead of a repeated row's."""
    mapping = {bytes(r): f for r, f in zip(repeated, first)}
    for cell in _walk(table):
        attributes = cell.get("/A")
        if isinstance(attributes, Dictionary) and "/Headers" in attributes:
            attributes.Headers = Array([mapping.get(bytes(h), h) for h in attributes.Headers])


def _update_parent_tree(pdf: Pdf, replaced: dict[tuple[int, int], Dictionary],
                        in_tree: set[tuple[int, int]]) -> dict[int, set[int]]:
    """Point the ParentTree at merged elements; return the MCIDs, by page, now artifacts.

    Content whose element is not in the tree is an artifact: the running
    header and footer (WeasyPrint tags them but links them nowhere) and
    repeated header rows.
    """
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    artifacts: dict[int, set[int]] = {}
    for i in range(0, len(nums), 2):
        entries = nums[i + 1]
        if not isinstance(entries, Array):
            if entries.objgen in replaced:
                nums[i + 1] = replaced[entries.objgen]
            continue
        for mcid, owner in enumerate(list(entries)):
            if not isinstance(owner, Dictionary):
                continue
            owner = replaced.get(owner.objgen, owner)
            if owner.objgen in in_tree:
                entries[mcid] = owner
            else:
                entries[mcid] = None
                artifacts.setdefault(int(nums[i]), set()).add(mcid)
    return artifacts


def _artifact_content(pdf: Pdf, page: pikepdf.Page, mcids: set[int]) -> None:
    """Turn the marked content with these MCIDs into artifacts on one page."""
    instructions = []
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) == "BDC" and isinstance(operands[1], Dictionary) and int(operands[1].get("/MCID", -1)) in mcids:
            operands = [Name.Artifact, Dictionary(Type=Name.Pagination)]
        instructions.append((operands, operator))
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
