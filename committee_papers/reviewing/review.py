"""Read a reviewed DOCX: every comment, its thread, the text it is on, and the YAML line that text came from.

Only the reviewed file is read: the anchors (bookmarks) and the map of what
they point at (a custom XML part) were put in it when it was built
(provenance.py), and Word and LibreOffice keep both when they save.
"""

from __future__ import annotations

import posixpath
from dataclasses import asdict, dataclass
from dataclasses import field as default
from pathlib import Path
from typing import Any

from lxml import etree

from ..sources.errors import PaperError
from ..sources.package import Package, PackageError
from ..sources.provenance import CUSTOM_XML, PREFIX, Anchor, anchor_name, normalise, read_map

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
R = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"


class ReviewError(PaperError):
    """A reviewed file cannot be read back to its sources."""


@dataclass
class Comment:
    """A reviewer's comment and where in the sources it belongs."""

    id: str
    author: str
    date: str
    text: str
    commented: str = ""
    """The text the comment is on, as it now reads (the reviewer's insertions in, deletions out)."""
    edits: list[dict[str, str]] = default(default_factory=list)
    """Tracked changes inside the commented text: {"deleted": ...} or {"inserted": ...}, with their author."""
    part: str = "body"
    """body, header or footer."""
    file: str | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None
    derived_from: list[dict[str, Any]] = default(default_factory=list)
    also: list[dict[str, Any]] = default(default_factory=list)
    """Further values the commented text shows (a line made of several fields, a comment over several paragraphs)."""
    near: bool = False
    """The text is the template's, not a value's: the location is the nearest value before it."""
    replies: list[Comment] = default(default_factory=list)
    _para: str | None = None
    _parent: str | None = None
    _span: tuple[int, int] = (0, 0)
    _range: tuple[Any, ...] = ()
    """What the comment covers (its anchors and text): a reply covers the same."""

    def to_json(self) -> dict[str, Any]:
        """Return the comment as plain data, its replies nested."""
        data = {k: v for k, v in asdict(self).items() if not k.startswith("_")}
        data["replies"] = [r.to_json() for r in self.replies]
        return data


@dataclass
class Edit:
    """A tracked insertion or deletion, and the value it is in."""

    kind: str
    """inserted or deleted."""
    author: str
    date: str
    text: str
    part: str = "body"
    file: str | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None
    near: bool = False
    """The edit is in the template's text, not a value's: the location is the nearest value before it."""
    _key: tuple[Any, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Return the edit as plain data."""
        return {k: v for k, v in asdict(self).items() if not k.startswith("_")}


@dataclass
class Review:
    """Everything a reviewer left in a file: comments with their replies, and every tracked change."""

    comments: list[Comment]
    edits: list[Edit]

    def to_json(self) -> dict[str, Any]:
        """Return the review as plain data."""
        return {"comments": [c.to_json() for c in self.comments], "edits": [e.to_json() for e in self.edits]}


def read_review(path: Path) -> Review:
    """Return the comments (replies nested) and tracked changes of a reviewed DOCX, each at its source."""
    try:
        with Package(path, path.name) as package:
            return _read(package)
    except PackageError as err:
        raise ReviewError(str(err)) from None


def read_comments(path: Path) -> list[Comment]:
    """Return the top-level comments of a reviewed DOCX, replies nested, ordered by file and line."""
    return read_review(path).comments


def _read(package: Package) -> Review:
    comments = _comments(package)
    anchors = anchors_of(package)
    edits: list[Edit] = []
    for part, kind in story_parts(package):
        walk = _Walk(comments, anchors, kind)
        walk.run(package.xml(part))
        edits += walk.edits
    _thread(package, comments)
    top = [c for c in comments.values() if c._parent is None]
    top.sort(key=lambda c: (c.file or "~", c.line or 0, c.column or 0, c._span, int(c.id) if c.id.isdigit() else 0))
    return Review(top, edits)


def _comments(package: Package) -> dict[str, Comment]:
    if "word/comments.xml" not in package:
        return {}
    root = package.xml("word/comments.xml")
    found = {}
    for element in root.iterfind(f"{{{W}}}comment"):
        paragraphs = element.findall(f".//{{{W}}}p")
        text = "\n".join(normalise("".join(t.text or "" for t in p.iter(f"{{{W}}}t"))) for p in paragraphs)
        comment = Comment(element.get(f"{{{W}}}id"), element.get(f"{{{W}}}author", ""), element.get(f"{{{W}}}date", ""), text.strip())
        comment._para = paragraphs[-1].get(f"{{{W14}}}paraId") if paragraphs else None
        found[comment.id] = comment
    return found


def anchors_of(package: Package) -> dict[str, Anchor]:
    """Return the anchor map the build put in the file."""
    rels = "word/_rels/document.xml.rels"
    targets = [_target("word", r.get("Target", "")) for r in _rels(package, rels) if r.get("Type") == CUSTOM_XML]
    for target in sorted(set(targets) | {n for n in package.names if n.startswith("customXml/item") and n.count("/") == 1}):
        if target in package:
            found = _map(package, target)
            if found is not None:
                return found
    raise ReviewError("this document carries no map back to its sources: was it built by committee-papers?")


def _map(package: Package, part: str) -> dict[str, Anchor] | None:
    """Return the anchor map in a custom XML part, None for another custom part; a damaged map is a message."""
    root = package.xml(part)  # within the bounds, no DTD, well-formed
    try:
        return read_map(root)
    except (ValueError, TypeError, KeyError) as err:
        raise ReviewError(f"{package.name}: {part}: the map back to the sources is damaged ({err}); comment on a fresh copy of the built DOCX") from None


def _rels(package: Package, name: str) -> list[Any]:
    return list(package.xml(name).iterfind(f"{{{R}}}Relationship")) if name in package else []


def _target(folder: str, target: str) -> str:
    return posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target))


def story_parts(package: Package) -> list[tuple[str, str]]:
    """Return the parts the package has of the document, then its headers and footers, each with what it is."""
    parts = [("word/document.xml", "body")]
    for rel in _rels(package, "word/_rels/document.xml.rels"):
        kind = {HEADER: "header", FOOTER: "footer"}.get(rel.get("Type", ""))
        if kind:
            parts.append((_target("word", rel.get("Target", "")), kind))
    return sorted({p for p in parts if p[0] in package}, key=lambda p: (p[1] != "body", p[0]))


class _Walk:
    """Walk one story in reading order, noting the anchors each comment's range starts in and the text it covers."""

    def __init__(self, comments: dict[str, Comment], anchors: dict[str, Anchor], kind: str) -> None:
        self.comments, self.anchors, self.kind = comments, anchors, kind
        self.open_marks: dict[str, str] = {}  # bookmark id -> our anchor name
        self.last: str | None = None
        self.ranges: dict[str, list[str]] = {}  # comment id -> anchors seen while it is open
        self.texts: dict[str, list[str]] = {}
        self.done: set[str] = set()
        self.position = 0
        self.paragraphs = 0
        self.edits: list[Edit] = []
        self.cover: dict[str, dict[str, int]] = {}  # comment id -> how much of its text each anchor shows

    def run(self, root: Any) -> None:
        for element in root.iter():
            self.position += 1
            self.visit(element, etree.QName(element).localname if isinstance(element.tag, str) else "")

    def visit(self, element: Any, tag: str) -> None:
        cid = element.get(f"{{{W}}}id")
        if tag == "p":  # every anchor bookmark lies inside one paragraph
            self.open_marks.clear()
            self.paragraphs += 1
        if tag in ("ins", "del", "moveFrom", "moveTo") and element.getparent() is not None and etree.QName(element.getparent()).localname != "rPr":
            self.edit(element, "inserted" if tag in ("ins", "moveTo") else "deleted")
        if tag == "bookmarkStart" and (element.get(f"{{{W}}}name") or "").startswith(PREFIX):
            name = anchor_name(element.get(f"{{{W}}}name"))
            self.open_marks[cid] = name
            self.last = name
            self.place_waiting(name)
            for open_ranges in self.ranges.values():
                open_ranges.append(name)
        elif tag == "bookmarkEnd":
            self.open_marks.pop(cid, None)
        elif tag == "commentRangeStart" and cid in self.comments:
            self.ranges[cid] = list(self.open_marks.values())[::-1]  # the innermost value first
            self.texts[cid] = []
            self.comments[cid]._span = (self.position, 0)
        elif tag == "commentRangeEnd" and cid in self.ranges:
            self.finish(cid)
        elif tag == "commentReference" and cid in self.comments and cid not in self.ranges and cid not in self.done:
            self.ranges[cid] = list(self.open_marks.values())[::-1] or ([self.last] if self.last else [])
            self.texts[cid] = []
            self.finish(cid)
        elif tag in ("t", "delText") and self.texts:
            self.text(element, tag)
        if tag in ("tab", "br", "p") and self.texts:
            for parts in self.texts.values():
                parts.append(" ")

    def edit(self, element: Any, kind: str) -> None:
        """Note a tracked change where it is, joined to the one before if it continues it."""
        text = "".join(t.text or "" for t in element.iter(f"{{{W}}}t", f"{{{W}}}delText", f"{{{W}}}tab"))
        if not text:
            return
        author, date = element.get(f"{{{W}}}author", ""), element.get(f"{{{W}}}date", "")
        key = (self.kind, self.paragraphs, kind, author, date)
        if self.edits and self.edits[-1]._key == key:
            self.edits[-1].text += text
            return
        edit = Edit(kind, author, date, text, self.kind, _key=key)
        names = list(self.open_marks.values())[::-1]
        anchors = [self.anchors[n] for n in names if n in self.anchors]
        if not anchors and self.last in self.anchors:
            # Word may put a change at a value's very start before the value's bookmark: the next anchor of the paragraph claims it.
            anchors, edit.near = [self.anchors[self.last]], True
        _place(edit, anchors)
        self.edits.append(edit)

    def place_waiting(self, name: str) -> None:
        """Give the edits made just before a value's bookmark in the same paragraph to that value."""
        if name not in self.anchors:
            return
        for edit in reversed(self.edits):
            if edit._key[:2] != (self.kind, self.paragraphs) or not edit.near:
                break
            edit.near = False
            _place(edit, [self.anchors[name]])

    def text(self, element: Any, tag: str) -> None:
        change = next((a for a in element.iterancestors(f"{{{W}}}ins", f"{{{W}}}del")), None)
        for cid, parts in self.texts.items():
            if tag == "t":
                parts.append(element.text or "")
                shown = self.cover.setdefault(cid, {})
                for name in ("", *self.open_marks.values()):  # "": all the commented text
                    shown[name] = shown.get(name, 0) + len((element.text or "").strip())
            if change is not None:
                what = "inserted" if etree.QName(change).localname == "ins" else "deleted"
                edit = {what: element.text or "", "author": change.get(f"{{{W}}}author", ""), "date": change.get(f"{{{W}}}date", "")}
                edits = self.comments[cid].edits
                if edits and edits[-1].keys() == edit.keys() and edits[-1]["author"] == edit["author"]:
                    edits[-1][what] += edit[what]
                else:
                    edits.append(edit)

    def finish(self, cid: str) -> None:
        comment = self.comments[cid]
        self.done.add(cid)
        names = self.ranges.pop(cid)
        comment.commented = normalise("".join(self.texts.pop(cid)))
        comment.part = self.kind
        comment._span = (comment._span[0], self.position)
        comment._range = (self.kind, tuple(dict.fromkeys(names)), comment.commented)
        anchors = [self.anchors[n] for n in _most_shown(names, self.cover.pop(cid, {})) if n in self.anchors]
        if not anchors and self.last in self.anchors:
            anchors, comment.near = [self.anchors[self.last]], True
        _locate(comment, anchors)


def _place(edit: Edit, anchors: list[Anchor]) -> None:
    """Point an edit at the value its anchors show first."""
    where = next((s for a in anchors for s in (*a.sources, *a.inputs)), None)
    if where is not None:
        edit.file, edit.line, edit.column, edit.field = where["file"], where["line"], where["column"], where["field"]
        if not any(a.sources for a in anchors):
            edit.field = f"{where['field']} (a figure derived from it)"


def _most_shown(names: list[str], cover: dict[str, int]) -> list[str]:
    """Order the anchors a comment touches: first the innermost one showing (nearly) all the commented text, if one does.

    A comment on a status cell covers the status's mark (from the theme) and
    the paper's rating: the rating's anchor shows the whole cell. A comment
    over a line of several values has no such anchor: the first value leads.
    """
    names = list(dict.fromkeys(names))  # those open where the comment starts come first, innermost first
    total = cover.get("", 0)
    best = next((n for n in names if total and cover.get(n, 0) >= 0.9 * total), None)
    return names if best is None else [best] + [n for n in names if n != best]


def _locate(comment: Comment, anchors: list[Anchor]) -> None:
    """Point a comment at the first value its text shows, or at the inputs of the figure it is on."""
    sources = [s for a in anchors for s in a.sources]
    inputs = [s for a in anchors for s in a.inputs]
    first = sources[0] if sources else (inputs[0] if inputs else None)
    if first is None:
        return
    comment.file, comment.line, comment.column, comment.field = first["file"], first["line"], first["column"], first["field"]
    if not sources:
        comment.field = f"{first['field']} (a figure derived from it)"
    comment.derived_from = list(inputs)
    comment.also = sources[1:]


def _thread(package: Package, comments: dict[str, Comment]) -> None:
    """Attach replies to the comments they answer, where the file records which answers which.

    Word records a reply in commentsExtended.xml (paraIdParent); a comment
    that no such record names as a reply stands on its own, even if it is on
    the same words as another: two reviewers may well comment on one phrase.
    """
    by_para = {c._para: c for c in comments.values() if c._para}
    if "word/commentsExtended.xml" in package:
        for ex in package.xml("word/commentsExtended.xml").iterfind(f"{{{W15}}}commentEx"):
            child, parent = by_para.get(ex.get(f"{{{W15}}}paraId")), by_para.get(ex.get(f"{{{W15}}}paraIdParent"))
            if child is not None and parent is not None and child is not parent:
                child._parent = parent.id
    for comment in sorted(comments.values(), key=lambda c: (c.date, c.id)):
        if comment._parent is not None:
            root_id, seen = comment._parent, {comment.id}
            while comments[root_id]._parent is not None and root_id not in seen:  # a loop of replies is a damaged file
                seen.add(root_id)
                root_id = comments[root_id]._parent
            comments[root_id].replies.append(comment)
            comment.file, comment.line, comment.column, comment.field = (comments[root_id].file, comments[root_id].line, comments[root_id].column, comments[root_id].field)


def report(review: Review) -> str:
    """Return the review as a person reads it: each comment where, who, what, then its thread; then every tracked change."""
    lines: list[str] = []
    for comment in review.comments:
        lines.append(_where(comment))
        lines += _body(comment, "  ")
        for value in comment.also:
            lines.append(f"    also shows {value['file']}:{value['line']}:{value['column']}: {value['field']}")
        for value in comment.derived_from:
            lines.append(f"    derived from {value['file']}:{value['line']}:{value['column']}: {value['field']}")
        for reply in comment.replies:
            lines += _body(reply, "    reply: ")
    if review.edits:
        lines.append(f"Tracked changes ({len(review.edits)}):")
    for edit in review.edits:
        lines.append(_where(edit))
        lines.append(f"  {edit.author}, {edit.date or 'no date'}: {edit.kind} \u201c{edit.text}\u201d")
    return "\n".join(lines)


def _where(found: Comment | Edit) -> str:
    """Return file:line:column: field, and whether that is the value itself or the nearest one before template text."""
    where = f"{found.file}:{found.line}:{found.column}: {found.field}" if found.file else "(no source)"
    if found.near:
        where += " (template text after this field)"
    if found.part != "body":
        where += f" [running {found.part}]"
    return where


def _body(comment: Comment, lead: str) -> list[str]:
    """Return who said what; for a comment that starts a thread, also the text it is on and the changes in that text."""
    out = [f"{lead}{comment.author}, {comment.date}: {comment.text}"]
    if comment.commented and comment._parent is None:  # a reply is on the words its thread is on
        out.append(f"    on: \u201c{comment.commented}\u201d")
    for edit in comment.edits:
        what = "inserted" if "inserted" in edit else "deleted"
        out.append(f"    {edit['author']} {what}: \u201c{edit[what]}\u201d")
    return out
