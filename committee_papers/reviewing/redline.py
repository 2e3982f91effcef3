"""What changed in a paper since a revision: a DOCX with word-level tracked changes and a side-by-side web page.

The comparison is difflib's SequenceMatcher, first over the paragraphs of
the two renders, then over the words of each changed paragraph. It is in the
standard library, fast on papers of a few hundred paragraphs, and works on
the documents our own writer made, so the redline keeps the council's styles.
python-redlines (the other candidate) runs a .NET binary over two DOCX files:
a large runtime to install for a comparison we can do on text we already
have, and one whose output we could not keep deterministic.
"""

from __future__ import annotations

import copy
import datetime
import difflib
import html
import io
import logging
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from ..models.meeting import Meeting
from ..models.validate import validate
from ..outputs.output import write_all
from ..pipeline.checking import Job, Themes, check
from ..sources.errors import ContentError, PaperError, Problem, relative
from ..sources.loader import MAX_BYTES, load, load_bytes
from ..sources.project import Config
from ..sources.provenance import Origin, paragraph_text
from ..sources.revision import dated, git, revision

logger = logging.getLogger(__name__)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TOKENS = re.compile(r"\s+|[^\s]+")  # words and the spaces between them


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


class RedlineError(PaperError):
    """The paper at the revision asked for cannot be read."""


@dataclass(frozen=True)
class Change:
    """Who and when, as every tracked change carries it."""

    author: str
    date: str | None
    """None where neither the paper, SOURCE_DATE_EPOCH nor git gives one: Word shows no date rather than a made-up one."""


def redline(config: Config, since: str, paper: Path) -> list[Path]:
    """Write <paper>.redline.docx and .redline.html beside the paper's outputs; return their paths."""
    _not_a_meeting(config, paper)
    commit = verified_revision(config.root, since)
    checked = check(Config(config.root, papers=[paper]))
    if checked.report.failed:
        raise RedlineError("\n".join(m for messages in checked.report.failed.values() for m in messages))
    if not checked.jobs:
        raise RedlineError(f"{paper}: not a paper in content/")
    job = checked.jobs[0]
    old = _paper_at(config, job, since, commit)
    from ..outputs.render import Renderer

    renderer = Renderer(config.content, config.templates)
    folder = job.source.path.parent
    origin = Origin.of(job.loaded(), [s for s, _ in job.paper.data_sources()])
    new_docx = renderer.docx(renderer.traced_dialect(job.paper, job.theme, origin, stamp=job.stamp), job.paper, job.theme, folder, origin)
    old_docx = renderer.docx(renderer.dialect(old, job.theme), old, job.theme, folder)
    change = Change(f"Changes since {since}", _change_date(job))
    docx, rows = tracked(old_docx, new_docx, change)
    target = job.target(config, "docx")
    out = {target.with_suffix(".redline.docx"): docx, target.with_suffix(".redline.html"): side_by_side(job.paper.title, since, rows).encode("utf-8")}
    write_all(out)
    return list(out)


def _not_a_meeting(config: Config, path: Path) -> None:
    """Refuse a meeting file with the papers whose redlines make up its agenda's."""
    if not path.resolve().is_relative_to(config.meetings.resolve()):
        return
    name = relative(path, config.root)
    try:
        meeting = validate(load(path, name), {"meeting": Meeting})
        papers = [f"content/{item.paper}" for item in meeting.items if item.paper]
    except ContentError:
        papers = []
    listed = ": " + ", ".join(papers) if papers else ""
    raise RedlineError(f"{name}: a meeting file; a redline is made of one paper, so run redline on each paper of its agenda{listed}")


def verified_revision(root: Path, since: str) -> str:
    """Return the commit a revision names, asking git to verify it as a revision and nothing else.

    `--end-of-options` makes a revision such as `--output=x` a name to look
    up, never an option to act on.
    """
    if not since.strip():
        raise RedlineError("--since: expected a git revision (a hash, a tag or HEAD~1), got nothing")
    try:
        done = subprocess.run(["git", "rev-parse", "--verify", "--quiet", "--end-of-options", f"{since}^{{commit}}"], cwd=root, capture_output=True, check=False)
    except OSError:
        raise RedlineError("git is not installed: a redline needs the paper's history") from None
    commit = done.stdout.decode("ascii", errors="replace").strip()
    if done.returncode != 0 or not re.fullmatch(r"[0-9a-f]{40,64}", commit):
        raise RedlineError(f"--since: {since!r} is not a revision of this project's git history (try a hash from `git log`, a tag or HEAD~1)")
    return commit


def _paper_at(config: Config, job: Job, since: str, commit: str) -> Any:
    """Return the paper as it was at a commit, loaded with load()'s checks and validated in memory."""
    relative_name = relative(job.source.path, config.root)
    blob = f"{commit}:./{job.source.path.name}"
    size = git(job.source.path.parent, "cat-file", "-s", blob)
    if size is None:
        raise RedlineError(f"{relative_name} at {since}: the paper is not in that revision")
    if int(size or 0) > MAX_BYTES:  # refused before git hands over the bytes
        raise ContentError([Problem(f"{relative_name}@{since}", 1, 1, "", f"the file is {int(size) / 2**20:.1f} MB at that revision; a paper may be at most {MAX_BYTES // 2**20} MB")])
    data = subprocess.run(["git", "cat-file", "blob", blob], cwd=job.source.path.parent, capture_output=True, check=False).stdout
    source = load_bytes(data, f"{relative_name}@{since}", job.source.path)
    themes = Themes(config)
    return validate(source, themes.kinds(source), theme_of=themes.get, content=config.content)


def _change_date(job: Job) -> str | None:
    """Return when the changes were made, as the sources tell it (revision.dated), in the form a tracked change carries."""
    when = dated(job.paper, revision([job.source.path]))
    return when.strftime("%Y-%m-%dT%H:%M:%SZ") if when else None


# ---------------------------------------------------------------- tracked changes


def _paragraphs(body: Any) -> list[Any]:
    """Return every paragraph of a body (in cells too) that shows text, in reading order."""
    return [p for p in body.iter(_w("p")) if paragraph_text(p)]


def tracked(old: bytes, new: bytes, change: Change) -> tuple[bytes, list[tuple[str, str, str]]]:
    """Return the new DOCX with the changes from the old as w:ins and w:del, and the rows of the side-by-side view."""
    import docx

    from ..outputs.docx_writer import ZIP_EPOCH, deterministic_zip

    before = _paragraphs(docx.Document(io.BytesIO(old)).element.body)
    document = docx.Document(io.BytesIO(new))
    after = _paragraphs(document.element.body)
    ids = iter(range(_max_id(document) + 1, 10**9))
    rows: list[tuple[str, str, str]] = []
    matcher = difflib.SequenceMatcher(None, [paragraph_text(p) for p in before], [paragraph_text(p) for p in after], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows += [("equal", paragraph_text(p), paragraph_text(p)) for p in after[j1:j2]]
            continue
        pairs = _pair(before[i1:i2], after[j1:j2])
        j = j1
        for old_p, new_p in pairs:
            if new_p is None:  # removed: put back, deleted, before the next paragraph still there
                anchor = after[j] if j < len(after) else None
                rows.append(_deleted(old_p, anchor, after[-1], change, ids))
            elif old_p is None:
                _wrap(new_p, "ins", change, ids)
                rows.append(("insert", "", paragraph_text(new_p)))
                j += 1
            else:
                rows.append(_words(old_p, new_p, change, ids))
                j += 1
    out = io.BytesIO()
    document.save(out)
    return deterministic_zip(out.getvalue(), created_of(change) or ZIP_EPOCH), rows


def _pair(old: list[Any], new: list[Any]) -> list[tuple[Any | None, Any | None]]:
    """Pair the paragraphs of a changed stretch that are versions of each other, in order; the rest stand alone."""
    out: list[tuple[Any | None, Any | None]] = []
    j = 0
    for old_p in old:
        text = paragraph_text(old_p)
        scores = [(difflib.SequenceMatcher(None, text, paragraph_text(p), autojunk=False).ratio(), k) for k, p in enumerate(new[j:], j)]
        best = max(scores, default=(0.0, -1))
        if best[0] < 0.5:
            out.append((old_p, None))
            continue
        out += [(None, p) for p in new[j:best[1]]] + [(old_p, new[best[1]])]
        j = best[1] + 1
    return out + [(None, p) for p in new[j:]]


def created_of(change: Change) -> datetime.datetime | None:
    """Return the timestamp of the redline's files: its changes' date."""
    return datetime.datetime.strptime(change.date, "%Y-%m-%dT%H:%M:%SZ") if change.date else None


def _max_id(document: Any) -> int:
    ids = [int(i) for i in document.element.xpath("//w:bookmarkStart/@w:id | //w:ins/@w:id | //w:del/@w:id") if str(i).isdigit()]
    return max(ids, default=0)


def _mark(tag: str, change: Change, ids: Iterator[int]) -> Any:
    attributes = {_w("id"): str(next(ids)), _w("author"): change.author}
    if change.date:
        attributes[_w("date")] = change.date
    return etree.Element(_w(tag), attributes)


def _tokens(p: Any) -> list[tuple[str, Any]]:
    """Return a paragraph's words and spaces, each with the run properties it was written in."""
    found = []
    for run in p.iter(_w("r")):
        rpr = run.find(_w("rPr"))
        for child in run:
            if child.tag == _w("t"):
                found += [(token, rpr) for token in _TOKENS.findall(child.text or "")]
            elif child.tag == _w("tab"):
                found.append(("\t", rpr))
            elif child.tag == _w("br"):
                found.append(("\n", rpr))
    return found


def _run(token: str, rpr: Any, deleted: bool) -> Any:
    run = etree.Element(_w("r"))
    if rpr is not None:
        run.append(copy.deepcopy(rpr))
    if token in ("\t", "\n"):
        etree.SubElement(run, _w("tab" if token == "\t" else "br"))
    else:
        text = etree.SubElement(run, _w("delText" if deleted else "t"))
        text.text = token
        text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run


def _rewritable(p: Any) -> bool:
    """Return whether a paragraph holds only runs of text (no fields or pictures) that can be rewritten word by word."""
    return not p.xpath(".//w:drawing | .//w:fldChar | .//w:fldSimple")


def _words(old_p: Any, new_p: Any, change: Change, ids: Iterator[int]) -> tuple[str, str, str]:
    """Rewrite a changed paragraph as its words, the removed ones deleted and the new ones inserted."""
    if not _rewritable(new_p):
        return ("replace", paragraph_text(old_p), paragraph_text(new_p))
    old, new = _tokens(old_p), _tokens(new_p)
    for child in list(new_p):
        if child.tag in (_w("r"), _w("hyperlink")):
            new_p.remove(child)
    end = next((c for c in new_p if c.tag == _w("bookmarkEnd")), None)
    left, right = [], []
    matcher = difflib.SequenceMatcher(None, [t for t, _ in old], [t for t, _ in new], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        pieces: list[Any] = []
        if op == "equal":
            pieces = [_run(t, r, False) for t, r in new[j1:j2]]
            words = "".join(t for t, _ in new[j1:j2])
            left.append(html.escape(words))
            right.append(html.escape(words))
        if op in ("delete", "replace"):
            deleted = _mark("del", change, ids)
            deleted.extend(_run(t, r, True) for t, r in old[i1:i2])
            pieces.append(deleted)
            left.append(f"<del>{html.escape(''.join(t for t, _ in old[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            inserted = _mark("ins", change, ids)
            inserted.extend(_run(t, r, False) for t, r in new[j1:j2])
            pieces.append(inserted)
            right.append(f"<ins>{html.escape(''.join(t for t, _ in new[j1:j2]))}</ins>")
        for piece in pieces:
            if end is not None:
                end.addprevious(piece)
            else:
                new_p.append(piece)
    return ("words", "".join(left), "".join(right))


def _wrap(p: Any, tag: str, change: Change, ids: Iterator[int]) -> None:
    """Mark a whole paragraph inserted (or deleted): its runs and its paragraph mark."""
    for run in [r for r in p.iter(_w("r")) if r.getparent().tag != _w(tag)]:
        mark = _mark(tag, change, ids)
        run.addprevious(mark)
        mark.append(run)
        if tag == "del":
            for text in run.iter(_w("t")):
                text.tag = _w("delText")
    ppr = p.find(_w("pPr"))
    if ppr is None:
        ppr = etree.Element(_w("pPr"))
        p.insert(0, ppr)
    rpr = ppr.find(_w("rPr"))
    if rpr is None:
        rpr = etree.SubElement(ppr, _w("rPr"))
    rpr.append(_mark(tag, change, ids))


def _deleted(old_p: Any, before: Any | None, last: Any, change: Change, ids: Iterator[int]) -> tuple[str, str, str]:
    """Put a removed paragraph back, deleted, where it was: before the next paragraph that is still there."""
    p = copy.deepcopy(old_p)
    for mark in p.xpath("./w:bookmarkStart | ./w:bookmarkEnd"):
        p.remove(mark)
    _wrap(p, "del", change, ids)
    if before is not None:
        before.addprevious(p)
    else:
        last.addnext(p)
    return ("delete", paragraph_text(old_p), "")


# ---------------------------------------------------------------- the web page


def side_by_side(title: str, since: str, rows: list[tuple[str, str, str]]) -> str:
    """Return a page showing the paper at the revision and now, paragraph by paragraph, changes marked."""
    body = []
    for kind, left, right in rows:
        if kind == "equal":
            left = right = html.escape(left)
        elif kind == "delete":
            left, right = f"<del>{html.escape(left)}</del>", ""
        elif kind == "insert":
            left, right = "", f"<ins>{html.escape(right)}</ins>"
        elif kind == "replace":
            left, right = f"<del>{html.escape(left)}</del>", f"<ins>{html.escape(right)}</ins>"
        changed = "" if kind == "equal" else ' class="changed"'
        body.append(f"<tr{changed}><td>{left}</td><td>{right}</td></tr>")
    name = html.escape(title)
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>{name}: changes since {html.escape(since)}</title>
<style>
body {{ font-family: Arial, sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; width: 100%; table-layout: fixed; }}
th, td {{ border: 1px solid #999; padding: 4px 8px; vertical-align: top; }}
tr.changed td {{ background: #fffbe6; }}
del {{ background: #ffd7d5; color: #6b0000; }}
ins {{ background: #d4f8d4; color: #004400; text-decoration: underline; }}
</style>
</head>
<body>
<h1>{name}: changes since {html.escape(since)}</h1>
<p>Removed words are <del>struck through</del>; added words are <ins>underlined</ins>.</p>
<table>
<thead><tr><th scope="col">At {html.escape(since)}</th><th scope="col">Now</th></tr></thead>
<tbody>
{chr(10).join(body)}
</tbody>
</table>
</body>
</html>
"""
