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
import warnings
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


class TaggedBinder:
    """Bind tagged PDFs into one tagged PDF: pages, structure trees, bookmarks and links joined."""

    def __init__(self, *, title: str, author: str, language: str) -> None:
        self.pdf = Pdf.new()
        self.pdf.Root.Lang = pikepdf.String(language)
        self.pdf.Root.MarkInfo = Dictionary(Marked=True)
        self.pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        self.nums = Array()
        root = self.pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot, ParentTree=Dictionary(Nums=self.nums)))
        self.document = self.pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root, K=Array()))
        root.K = Array([self.document])
        self.pdf.Root.StructTreeRoot = root
        self.dests: list[tuple[str, Any]] = []
        self.outline: list[pikepdf.OutlineItem] = []
        self.next_key = 0
        self.title, self.author, self.language = title, author, language

    def append(self, data: bytes, bookmark: str, *, nested: bool = True) -> None:
        """Add a tagged PDF's pages and structure, bookmarked; nested keeps its own bookmarks under it."""
        part = len(self.outline)
        src = Pdf.open(io.BytesIO(data))
        first = len(self.pdf.pages)
        with warnings.catch_warnings():
            # the named destinations are joined below, each paper's under its own prefix
            warnings.simplefilter("ignore", getattr(pikepdf, "PageCopyWarning", Warning))
            self.pdf.pages.extend(src.pages)
        pages = {page.objgen: first + i for i, page in enumerate(src.pages)}
        offset = self.next_key
        for page in self.pdf.pages[first:]:
            self._renumber(page, offset, f"p{part}-")
        src_root = src.Root.StructTreeRoot
        for kid in _kids(src_root.K[0]):
            del kid["/P"]
            copy = self.pdf.copy_foreign(kid)
            copy.P = self.document
            self.document.K.append(copy)
            _prefix_ids(copy, f"p{part}-")
        src_nums = src_root.ParentTree.Nums
        for i in range(0, len(src_nums), 2):
            value = src_nums[i + 1]
            value = Array([self.pdf.copy_foreign(e) if isinstance(e, Dictionary) else None for e in value]) \
                if isinstance(value, Array) else self.pdf.copy_foreign(value)
            self.nums.extend([int(src_nums[i]) + offset, value])
            self.next_key = max(self.next_key, int(src_nums[i]) + offset + 1)
        if "/Names" in src.Root and "/Dests" in src.Root.Names:
            for name, dest in pikepdf.NameTree(src.Root.Names.Dests).items():
                self.dests.append((f"p{part}-{name}", self._destination(dest, pages)))
        item = pikepdf.OutlineItem(bookmark, first)
        if nested:
            with src.open_outline() as outline:
                item.children.extend(self._bookmarks(outline.root, pages))
        self.outline.append(item)

    def _renumber(self, page: pikepdf.Page, offset: int, prefix: str) -> None:
        """Move a page's ParentTree keys past those already used, and its link names into the part's."""
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + offset
        for annotation in page.obj.get("/Annots", []):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + offset
            if isinstance(annotation.get("/Dest"), (pikepdf.String, Name)):
                annotation.Dest = pikepdf.String(prefix + str(annotation.Dest).lstrip("/"))

    def _destination(self, dest: Any, pages: dict[tuple[int, int], int]) -> Array:
        dest = dest.D if isinstance(dest, Dictionary) else dest
        return Array([self.pdf.pages[pages[dest[0].objgen]].obj, *list(dest)[1:]])

    def _bookmarks(self, items: list[pikepdf.OutlineItem], pages: dict[tuple[int, int], int]) -> list[pikepdf.OutlineItem]:
        found = []
        for item in items:
            dest = item.destination
            copy = pikepdf.OutlineItem(item.title)
            if isinstance(dest, Array):
                copy.destination = self._destination(dest, pages)
            copy.children.extend(self._bookmarks(item.children, pages))
            found.append(copy)
        return found

    def page_sizes(self) -> list[tuple[float, float]]:
        """Return the width and height of every page bound so far."""
        return [(float(p.mediabox[2] - p.mediabox[0]), float(p.mediabox[3] - p.mediabox[1])) for p in self.pdf.pages]

    def stamp(self, overlay: bytes) -> None:
        """Draw each page of an overlay over the matching page, as an artifact."""
        stamps = Pdf.open(io.BytesIO(overlay))
        for number, (page, stamp) in enumerate(zip(self.pdf.pages, stamps.pages), 1):
            form = self.pdf.copy_foreign(stamp.as_form_xobject())
            # a paper's pages may share one resource dictionary: each stamp needs its own name
            name = page.add_resource(form, Name.XObject, Name(f"/PackPage{number}"))
            page.contents_add(b"q\n", prepend=True)
            page.contents_add(b"Q\n/Artifact <</Type /Pagination>> BDC q " + bytes(name) + b" Do Q EMC\n")

    def write(self) -> bytes:
        """Return the bound PDF."""
        pdf = self.pdf
        if self.dests:
            tree = pikepdf.NameTree.new(pdf)
            for name, dest in sorted(self.dests):
                tree[name] = dest
            pdf.Root.Names = Dictionary(Dests=tree.obj)
        with pdf.open_outline() as outline:
            outline.root.extend(self.outline)
        pdf.docinfo = pdf.make_indirect(Dictionary(Title=pikepdf.String(self.title), Author=pikepdf.String(self.author),
                                                   Producer=pikepdf.String("committee-papers")))
        pdf.Root.Metadata = pdf.make_stream(_xmp(self.title, self.author).encode("utf-8"), Type=Name.Metadata, Subtype=Name.XML)
        pdf.Root.PageMode = Name.UseOutlines
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, min_version="1.7")
        return out.getvalue()


def _prefix_ids(element: Dictionary, prefix: str) -> None:
    """Keep header cell ids unique in a bound pack: each paper's get its own prefix."""
    for e in _walk(element):
        if "/ID" in e:
            e.ID = pikepdf.String(prefix + str(e.ID))
        attributes = e.get("/A")
        if isinstance(attributes, Dictionary) and "/Headers" in attributes:
            attributes.Headers = Array([pikepdf.String(prefix + str(h)) for h in attributes.Headers])


def _xmp(title: str, author: str) -> str:
    """Return the XMP packet of a bound pack: PDF/UA-1, its title and author."""
    from xml.sax.saxutils import escape

    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1"/>'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>'
        f'<dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator></rdf:Description>'
        '<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" pdf:Producer="committee-papers"/>'
        '</rdf:RDF></x:xmpmeta>\n<?xpacket end="w"?>'
    )
