"""Make WeasyPrint's PDF structure tree whole, and bind tagged PDFs into one tagged pack.

WeasyPrint 70 builds the tag tree page by page: an element that crosses a
page break becomes one structure element per page (Kozea/WeasyPrint#2902,
#2903), a table's repeated header row is tagged again on every page, and
header cells carry no /Scope (#2508). `install` wraps WeasyPrint's tagging
so that the tree is mended in memory, on pydyf's objects, before the file
is written: while WeasyPrint tags, a side table keys each structure element
by the HTML element it comes from; once the tree is built, `mend` merges
adjacent pieces with the same key, takes repeated header rows out of the
tree, and turns content whose element is not in the tree (repeated header
rows, the running header and footer) into artifacts in the pages' operator
lists. The keys never reach the file.

The binder works on finished files, with pikepdf.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import pikepdf
import pydyf
from pikepdf import Array, Dictionary, Name, Pdf

logger = logging.getLogger(__name__)

Key = tuple[int, str]
"""What names the HTML element a structure element comes from: the same on every page it is laid out on."""

_keys: ContextVar[dict[int, Key] | None] = ContextVar("structure_keys", default=None)
"""The side table of the document being tagged: structure element's object number -> key."""

_id_prefix: ContextVar[str] = ContextVar("id_prefix", default="")
"""What the header cell ids of the document being tagged begin with (see `ids_prefixed`)."""

SCOPES = {"col": "/Column", "colgroup": "/Column", "row": "/Row", "rowgroup": "/Row"}


def install() -> None:
    """Wrap WeasyPrint's tagging so that the tree it builds is mended before the PDF is written."""
    import weasyprint.pdf
    from weasyprint.pdf import tags

    if getattr(weasyprint.pdf.add_tags, "mended", False):
        return
    build_box_tree, add_tags = tags._build_box_tree, weasyprint.pdf.add_tags

    def keyed(box: Any, *args: Any) -> Iterator[Any]:
        keys = _keys.get()
        for element in build_box_tree(box, *args):
            # an element is yielded again by each box it is passed up through: the first names it
            if keys is not None and element.number not in keys:
                keys[element.number] = _key_of(box)
                _scope(box, element)
            yield element

    def mended(pdf: pydyf.PDF, document: Any, pdf_version: Any, page_streams: list[Any]) -> None:
        keys: dict[int, Key] = {}
        token = _keys.set(keys)
        try:
            add_tags(pdf, document, pdf_version, page_streams)
        finally:
            _keys.reset(token)
        mend(pdf, page_streams, keys, _id_prefix.get())

    mended.mended = True  # type: ignore[attr-defined]
    tags._build_box_tree = keyed
    weasyprint.pdf.add_tags = mended  # looked up as a module global when generate_pdf calls it


@contextmanager
def ids_prefixed(prefix: str) -> Iterator[None]:
    """Begin the header cell ids of the PDFs written inside with this prefix.

    WeasyPrint numbers them from each document's own object numbers, so two
    papers bound in one pack would share ids; a prefix unique to the paper
    spares the binder rewriting every id of every paper it binds.
    """
    token = _id_prefix.set(prefix)
    try:
        yield
    finally:
        _id_prefix.reset(token)


def _key_of(box: Any) -> Key:
    """Return the key naming a box's HTML element.

    The HTML tree lives as long as the layout, so its elements' ids are
    stable keys while the document is tagged; they never reach the file.
    """
    box = getattr(box, "_box", box)  # an absolutely placed box's placeholder
    element = getattr(box, "element", None)
    return (id(element) if element is not None else id(box), box.element_tag)


def _scope(box: Any, element: pydyf.Dictionary) -> None:
    """Give a header cell the /Scope its HTML scope attribute says (WeasyPrint leaves it out)."""
    html = getattr(box, "element", None)
    if getattr(box, "element_tag", None) == "th" and html is not None and "A" in element:
        element["A"]["Scope"] = SCOPES.get(html.get("scope", "col"), "/Column")


def mend(pdf: pydyf.PDF, page_streams: list[Any], keys: dict[int, Key], prefix: str = "") -> None:
    """Give a PDF WeasyPrint has just tagged one structure element per HTML element, in place; prefix its header cell ids."""
    tree = _Tree(pdf.objects, keys)
    root = tree.objects[_number(pdf.catalog["StructTreeRoot"])]
    document = tree.objects[_number(root["K"][0])]
    tree.merge_pieces(document)
    if prefix:
        tree.prefix_ids(document, prefix)
    in_tree = {element.number for element in tree.walk(document)}
    parent_tree = tree.objects[_number(root["ParentTree"])]
    artifacts = tree.update_parent_tree(parent_tree["Nums"], in_tree)
    tree.clear_orphans(parent_tree.number, in_tree, parent_tree["Nums"])
    _artifact_content(pdf, page_streams, artifacts)


def _number(reference: bytes) -> int:
    """Return the object number of a pydyf reference (b"12 0 R")."""
    return int(reference.split(b" ", 1)[0])


class _Tree:
    """A pydyf PDF's structure elements, reached by object number, and the keys of their HTML elements."""

    def __init__(self, objects: list[Any], keys: dict[int, Key]) -> None:
        self.objects = objects
        self.keys = keys
        self.replaced: dict[int, int] = {}
        """Each merged piece's object number -> that of the element it continues."""

    def element(self, kid: Any) -> pydyf.Dictionary | None:
        """Return the structure element a kid refers to; None for marked content or an annotation's reference."""
        if isinstance(kid, bytes):
            target = self.objects[_number(kid)]
            if isinstance(target, dict) and target.get("Type") == "/StructElem":
                return target
        return None

    def walk(self, element: pydyf.Dictionary) -> Iterator[pydyf.Dictionary]:
        """Yield a structure element and every element under it, in reading order."""
        stack = [element]
        while stack:
            element = stack.pop()
            yield element
            stack.extend(e for kid in reversed(element["K"]) if (e := self.element(kid)) is not None)

    def merge_pieces(self, element: pydyf.Dictionary) -> None:
        """Merge adjacent kids that are pieces of one HTML element, at every level.

        A table's header row repeated on a later page is taken out of the tree
        (its content becomes an artifact), so the body rows around it join up.
        """
        merged: list[Any] = []
        heads: dict[Key, pydyf.Dictionary] = {}
        headers: dict[str, pydyf.String] = {}
        for kid in element["K"]:
            piece = self.element(kid)
            if piece is not None and piece["S"] == "/THead" and piece.number in self.keys:
                first = heads.setdefault(self.keys[piece.number], piece)
                if first is not piece:
                    headers.update((r.string, f) for r, f in zip(self._header_ids(piece), self._header_ids(first)))
                    continue
            last = self.element(merged[-1]) if merged else None
            if piece is not None and last is not None and self._same(last, piece):
                self._absorb(last, piece)
            else:
                merged.append(kid)
        element["K"] = pydyf.Array(merged)
        if headers:
            self._redirect_headers(element, headers)
        for kid in merged:
            if (child := self.element(kid)) is not None:
                self.merge_pieces(child)

    def _same(self, a: pydyf.Dictionary, b: pydyf.Dictionary) -> bool:
        """Tell whether two elements are pieces of one HTML element."""
        key = self.keys.get(a.number)
        return key is not None and key == self.keys.get(b.number) and a["S"] == b["S"]

    def _absorb(self, into: pydyf.Dictionary, piece: pydyf.Dictionary) -> None:
        """Move a piece's kids into the element it continues; marked content keeps its page."""
        for kid in piece["K"]:
            if (child := self.element(kid)) is not None:
                child["P"] = into.reference
            elif isinstance(kid, int) and piece["Pg"] != into["Pg"]:
                kid = pydyf.Dictionary({"Type": "/MCR", "Pg": piece["Pg"], "MCID": kid})
            into["K"].append(kid)
        self.replaced[piece.number] = into.number

    def _header_ids(self, head: pydyf.Dictionary) -> list[pydyf.String]:
        """Return the ids of a header row's cells, in reading order."""
        return [e["ID"] for e in self.walk(head) if e["S"] == "/TH" and "ID" in e]

    def _redirect_headers(self, table: pydyf.Dictionary, first_of: dict[str, pydyf.String]) -> None:
        """Point data cells at the first header row's cells instead of a repeated row's."""
        for cell in self.walk(table):
            attributes = cell.get("A")
            if attributes is not None and "Headers" in attributes:
                attributes["Headers"] = pydyf.Array([first_of.get(h.string, h) for h in attributes["Headers"]])

    def prefix_ids(self, document: pydyf.Dictionary, prefix: str) -> None:
        """Begin every header cell id, and every data cell's reference to one, with the prefix."""
        for element in self.walk(document):
            if "ID" in element:
                element["ID"] = pydyf.String(prefix + element["ID"].string)
            attributes = element.get("A")
            if attributes is not None and "Headers" in attributes:
                attributes["Headers"] = pydyf.Array([pydyf.String(prefix + h.string) for h in attributes["Headers"]])

    def update_parent_tree(self, nums: list[Any], in_tree: set[int]) -> dict[int, set[int]]:
        """Point the ParentTree at merged elements; return the MCIDs, by page, now artifacts.

        Content whose element is not in the tree is an artifact: the running
        header and footer (WeasyPrint tags them but links them nowhere) and
        repeated header rows.
        """
        artifacts: dict[int, set[int]] = {}
        for i in range(0, len(nums), 2):
            entries = nums[i + 1]
            if isinstance(entries, bytes):  # an annotation's element
                number = _number(entries)
                if number in self.replaced:
                    nums[i + 1] = self.objects[self.replaced[number]].reference
                continue
            for mcid, owner in enumerate(entries):
                number = _number(owner)
                number = self.replaced.get(number, number)
                if number in in_tree:
                    entries[mcid] = self.objects[number].reference
                else:
                    entries[mcid] = b"null"
                    artifacts.setdefault(nums[i], set()).add(mcid)
        return artifacts

    def clear_orphans(self, first: int, in_tree: set[int], nums: list[Any]) -> None:
        """Empty the structure elements left out of the tree, so that no stray element reaches the file.

        An annotation's element stays whole, with its ancestors, wherever it
        is: the ParentTree still names it. Elements are emptied, not freed:
        pydyf's compressed writer numbers its cross-reference stream wrongly
        when an object is marked free.
        """
        kept = set(in_tree)
        for entries in nums[1::2]:
            element = self.element(entries) if isinstance(entries, bytes) else None
            while element is not None and element.number not in kept:
                kept.add(element.number)
                element = self.element(element.get("P"))
        for target in self.objects[first:]:
            if isinstance(target, dict) and target.get("Type") == "/StructElem" and target.number not in kept:
                target.clear()


def _artifact_content(pdf: pydyf.PDF, page_streams: list[Any], artifacts: dict[int, set[int]]) -> None:
    """Turn the marked content with these MCIDs, by page, into artifacts in the operator lists.

    A page's content may also be drawn in form XObjects (a group for an
    element with opacity, for one): they share the page's tags, and so its MCIDs.
    """
    page_of = {id(stream._tags): i for i, stream in enumerate(page_streams)}
    for stream in pdf.objects:
        tags = getattr(stream, "_tags", None)
        page = page_of.get(id(tags)) if tags is not None else None
        if page is not None and page in artifacts:
            _artifact_operators(stream.stream, artifacts[page])


def _artifact_operators(operators: list[Any], mcids: set[int]) -> None:
    """Rewrite `/Tag <</MCID n>> BDC` as `/Artifact <</Type /Pagination>> BDC` for these MCIDs."""
    for i, operand in enumerate(operators):
        # pydyf appends a marked-content sequence's tag, property list and BDC one after another
        if isinstance(operand, pydyf.Dictionary) and operand.get("MCID") in mcids:
            operators[i - 1:i + 1] = ["/Artifact", pydyf.Dictionary({"Type": "/Pagination"})]


# The binder: finished, tagged PDFs read with pikepdf.


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
        self.bound: set[bytes] = set()
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
        # Each paper's header cell ids are its own (ids_prefixed); a paper bound twice needs a second set.
        again = data in self.bound
        self.bound.add(data)
        for kid in _kids(src_root.K[0]):
            del kid["/P"]
            copy = self.pdf.copy_foreign(kid)
            copy.P = self.document
            self.document.K.append(copy)
            if again:
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
