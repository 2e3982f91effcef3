"""Read a reviewed DOCX: every comment, its thread, the text it is on, and the YAML line that text came from.

Only the reviewed file is read: the anchors (bookmarks) and the map of what
they point at (a custom XML part) were put in it when it was built
(provenance.py), and Word and LibreOffice keep both when they save.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import asdict, dataclass
from dataclasses import field as default
from pathlib import Path
from typing import Any

from lxml import etree

from .errors import PaperError
from .provenance import CUSTOM_XML, PREFIX, Anchor, anchor_name, normalise, read_map

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


def read_comments(path: Path) -> list[Comment]:
    """Return the top-level comments of a reviewed DOCX, replies nested, ordered by file and line."""
    try:
        package = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as err:
        raise ReviewError(f"{path}: not a Word document ({err})") from None
    with package:
        names = set(package.namelist())
        comments = _comments(package, names)
        anchors = _anchors(package, names)
        for part, kind in _story_parts(package, names):
            _Walk(comments, anchors, kind).run(etree.fromstring(package.read(part)))
        _thread(package, names, comments)
    top = [c for c in comments.values() if c._parent is None]
    return sorted(top, key=lambda c: (c.file or "~", c.line or 0, c.column or 0, c._span, int(c.id) if c.id.isdigit() else 0))


def _comments(package: zipfile.ZipFile, names: set[str]) -> dict[str, Comment]:
    if "word/comments.xml" not in names:
        return {}
    root = etree.fromstring(package.read("word/comments.xml"))
    found = {}
    for element in root.iterfind(f"{{{W}}}comment"):
        paragraphs = element.findall(f".//{{{W}}}p")
        text = "\n".join(normalise("".join(t.text or "" for t in p.iter(f"{{{W}}}t"))) for p in paragraphs)
        comment = Comment(element.get(f"{{{W}}}id"), element.get(f"{{{W}}}author", ""), element.get(f"{{{W}}}date", ""), text.strip())
        comment._para = paragraphs[-1].get(f"{{{W14}}}paraId") if paragraphs else None
        found[comment.id] = comment
    return found


def _anchors(package: zipfile.ZipFile, names: set[str]) -> dict[str, Anchor]:
    """Return the anchor map the build put in the file."""
    rels = "word/_rels/document.xml.rels"
    targets = [_target("word", r.get("Target", "")) for r in _rels(package, rels, names) if r.get("Type") == CUSTOM_XML]
    for target in sorted(set(targets) | {n for n in names if n.startswith("customXml/item") and n.count("/") == 1}):
        if target in names:
            found = read_map(package.read(target))
            if found is not None:
                return found
    raise ReviewError("this document carries no map back to its sources: was it built by committee-papers?")


def _rels(package: zipfile.ZipFile, name: str, names: set[str]) -> list[Any]:
    return list(etree.fromstring(package.read(name)).iterfind(f"{{{R}}}Relationship")) if name in names else []


def _target(folder: str, target: str) -> str:
    return posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target))


def _story_parts(package: zipfile.ZipFile, names: set[str]) -> list[tuple[str, str]]:
    """Return the document, then its headers and footers, each with what it is."""
    parts = [("word/document.xml", "body")]
    for rel in _rels(package, "word/_rels/document.xml.rels", names):
        kind = {HEADER: "header", FOOTER: "footer"}.get(rel.get("Type", ""))
        if kind:
            parts.append((_target("word", rel.get("Target", "")), kind))
    return sorted(set(parts), key=lambda p: (p[1] != "body", p[0]))


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

    def run(self, root: Any) -> None:
        for element in root.iter():
            self.position += 1
            self.visit(element, etree.QName(element).localname if isinstance(element.tag, str) else "")

    def visit(self, element: Any, tag: str) -> None:
        cid = element.get(f"{{{W}}}id")
        if tag == "p":  # every anchor bookmark lies inside one paragraph
            self.open_marks.clear()
        if tag == "bookmarkStart" and (element.get(f"{{{W}}}name") or "").startswith(PREFIX):
            name = anchor_name(element.get(f"{{{W}}}name"))
            self.open_marks[cid] = name
            self.last = name
            for open_ranges in self.ranges.values():
                open_ranges.append(name)
        elif tag == "bookmarkEnd":
            self.open_marks.pop(cid, None)
        elif tag == "commentRangeStart" and cid in self.comments:
            self.ranges[cid] = list(self.open_marks.values())
            self.texts[cid] = []
            self.comments[cid]._span = (self.position, 0)
        elif tag == "commentRangeEnd" and cid in self.ranges:
            self.finish(cid)
        elif tag == "commentReference" and cid in self.comments and cid not in self.ranges and cid not in self.done:
            self.ranges[cid] = list(self.open_marks.values()) or ([self.last] if self.last else [])
            self.texts[cid] = []
            self.finish(cid)
        elif tag in ("t", "delText") and self.texts:
            self.text(element, tag)
        if tag in ("tab", "br", "p") and self.texts:
            for parts in self.texts.values():
                parts.append(" ")

    def text(self, element: Any, tag: str) -> None:
        change = next((a for a in element.iterancestors(f"{{{W}}}ins", f"{{{W}}}del")), None)
        for cid, parts in self.texts.items():
            if tag == "t":
                parts.append(element.text or "")
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
        anchors = [self.anchors[n] for n in dict.fromkeys(names) if n in self.anchors]
        if not anchors and self.last in self.anchors:
            anchors, comment.near = [self.anchors[self.last]], True
        _locate(comment, anchors)


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


def _thread(package: zipfile.ZipFile, names: set[str], comments: dict[str, Comment]) -> None:
    """Attach replies to the comments they answer.

    Word records a reply in commentsExtended.xml (paraIdParent). LibreOffice
    7.4 writes no such part: a reply there is a comment over exactly the same
    text, so without the part, comments sharing a range are one thread,
    oldest first.
    """
    by_para = {c._para: c for c in comments.values() if c._para}
    if "word/commentsExtended.xml" in names:
        root = etree.fromstring(package.read("word/commentsExtended.xml"))
        for ex in root.iterfind(f"{{{W15}}}commentEx"):
            child, parent = by_para.get(ex.get(f"{{{W15}}}paraId")), by_para.get(ex.get(f"{{{W15}}}paraIdParent"))
            if child is not None and parent is not None and child is not parent:
                child._parent = parent.id
    else:
        first: dict[tuple[Any, ...], Comment] = {}
        for comment in sorted(comments.values(), key=lambda c: (c.date, int(c.id) if c.id.isdigit() else 0)):
            key = comment._range
            if key and key in first:
                comment._parent = first[key].id
            else:
                first.setdefault(key, comment)
    for comment in sorted(comments.values(), key=lambda c: (c.date, c.id)):
        if comment._parent is not None:
            root_id = comment._parent
            while comments[root_id]._parent is not None:
                root_id = comments[root_id]._parent
            comments[root_id].replies.append(comment)


def report(comments: list[Comment]) -> str:
    """Return the comments as a person reads them: where, who, what, then the thread."""
    lines: list[str] = []
    for comment in comments:
        where = f"{comment.file}:{comment.line}:{comment.column}: {comment.field}" if comment.file else "(no source)"
        if comment.near:
            where += " (template text after this field)"
        if comment.part != "body":
            where += f" [running {comment.part}]"
        lines.append(where)
        lines += _body(comment, "  ")
        for value in comment.derived_from:
            lines.append(f"    derived from {value['file']}:{value['line']}:{value['column']}: {value['field']}")
        for reply in comment.replies:
            lines += _body(reply, "    reply: ")
    return "\n".join(lines)


def _body(comment: Comment, lead: str) -> list[str]:
    out = [f"{lead}{comment.author}, {comment.date}: {comment.text}"]
    if comment.commented and not lead.strip().startswith("reply"):
        out.append(f"    on: \u201c{comment.commented}\u201d")
    for edit in comment.edits:
        what = "inserted" if "inserted" in edit else "deleted"
        out.append(f"    {edit['author']} {what}: \u201c{edit[what]}\u201d")
    return out
