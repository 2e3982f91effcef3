"""Write a reviewer's tracked changes back into the YAML: only the bytes of the values they change.

Each tracked change lies inside a bookmark the build made around a value
(provenance.py), so the value it changes is known: its file and field. The
changed words are found in that value's own span of the YAML as typed (the
loader gives the span), with a few words either side so the place is
unique, and only those words are replaced: comments, key order, quoting and
the layout of every other line stay as they are. A change is applied whole
or not at all; a change to a worked-out figure, across two values, or to
text the template writes is listed as not applied, with why. Every file
changed is loaded and validated again before it is written, so a paper is
never left invalid; the officer reviews the result as a git diff.
"""

from __future__ import annotations

import difflib
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree
from yaml.nodes import ScalarNode

from ..models.validate import validate
from ..outputs.output import write_atomic
from ..pipeline.checking import Themes
from ..sources.errors import ContentError, PaperError, relative
from ..sources.loader import loads, node_at, undotted
from ..sources.package import Package, PackageError
from ..sources.project import Config
from ..sources.provenance import PREFIX, Anchor, anchor_name, normalise
from .review import ReviewError, anchors_of, story_parts

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTEXT = 4
"""Words either side of a change used to find its one place in the value."""


class ApplyError(PaperError):
    """The reviewed file cannot be applied at all."""


@dataclass
class Change:
    """The reviewer's changes inside one value: its text before and after."""

    anchor: str
    old: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    changed: bool = False
    problem: str = ""

    @property
    def before(self) -> str:
        return normalise("".join(self.old))

    @property
    def after(self) -> str:
        return normalise("".join(self.new))


@dataclass
class Outcome:
    """What apply did: each change applied, and each not, with why."""

    applied: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def report(self) -> str:
        """Return the outcome as the officer reads it."""
        lines = [f"applied: {line}" for line in self.applied] + [f"not applied: {line}" for line in self.refused]
        if self.files:
            lines.append("changed " + ", ".join(self.files) + ": review with `git diff`, then build")
        elif not self.applied and not self.refused:
            lines.append("no tracked changes to apply")
        return "\n".join(lines)


def apply_review(root: Path, docx: Path, *, force: bool = False) -> Outcome:
    """Apply a reviewed DOCX's tracked changes to the YAML they came from; return what was and was not applied."""
    try:
        with Package(docx, docx.name) as package:
            anchors = anchors_of(package)
            changes = _changes(package)
    except (PackageError, ReviewError) as err:
        raise ApplyError(str(err)) from None
    outcome = Outcome()
    config = Config(root)
    themes = Themes(config)  # each council's theme loaded once, however many changes are checked against it
    by_file: dict[str, list[tuple[Change, dict[str, Any]]]] = {}
    for change in changes:
        where = _source(change, anchors.get(change.anchor), root)
        if isinstance(where, str):
            outcome.refused.append(where)
        else:
            by_file.setdefault(where["file"], []).append((change, where))
    for file, found in sorted(by_file.items()):
        _apply_file(config, themes, file, found, outcome, force)
    return outcome


# ---------------------------------------------------------------- reading the changes


def _changes(package: Package) -> list[Change]:
    """Return the changes of every story, grouped by the value (anchor) they are inside."""
    found: list[Change] = []
    for part, _ in story_parts(package):
        for p in package.xml(part).iter(f"{{{W}}}p"):
            found += _paragraph_changes(p)
    return [c for c in found if c.changed]


def _paragraph_changes(p: Any) -> list[Change]:
    """Return each value of a paragraph with its old and new text; a change outside any value is a Change of its own."""
    open_marks: dict[str, Change] = {}
    stack: list[Change] = []
    loose: Change | None = None
    out: list[Change] = []
    for element in p.iter():
        tag = etree.QName(element).localname if isinstance(element.tag, str) else ""
        if tag == "bookmarkStart" and (element.get(f"{{{W}}}name") or "").startswith(PREFIX):
            change = Change(anchor_name(element.get(f"{{{W}}}name")))
            if loose is not None and not loose.problem:  # a change just before a value's start belongs to it
                change.old, change.new, change.changed, loose = loose.old, loose.new, True, None
            if _across(element, before=True):
                change.problem = "a change across two values"
            open_marks[element.get(f"{{{W}}}id")] = change
            stack.append(change)
            out.append(change)
        elif tag == "bookmarkEnd" and element.get(f"{{{W}}}id") in open_marks:
            closed = open_marks.pop(element.get(f"{{{W}}}id"))
            stack.remove(closed)
            if _across(element, before=False):
                closed.problem = "a change across two values"
        elif tag in ("t", "delText") and not _note_marker(element):
            kind = _kind(element, tag)
            target = stack[-1] if stack else None
            if target is None:
                if kind != "both":
                    loose = loose or Change("")
                    loose.changed = True
                    (loose.old if kind == "old" else loose.new).append(element.text or "")
                elif loose is not None and (element.text or "").strip():
                    loose.problem = "text the template writes, not a value of the paper"
                continue
            if kind in ("both", "old"):
                target.old.append(element.text or "")
            if kind in ("both", "new"):
                target.new.append(element.text or "")
            target.changed = target.changed or kind != "both"
        elif tag == "tab" and stack:
            stack[-1].old.append(" ")
            stack[-1].new.append(" ")
    if loose is not None:
        loose.problem = loose.problem or "text the template writes, not a value of the paper"
        out.append(loose)
    return out


def _kind(element: Any, tag: str) -> str:
    """Return whether text is in both versions, only the old (deleted) or only the new (inserted)."""
    if tag == "delText":
        return "old"
    for ancestor in element.iterancestors():
        name = etree.QName(ancestor).localname
        if name in ("ins", "moveTo"):
            return "new"
        if name in ("del", "moveFrom"):
            return "old"
        if name == "p":
            break
    return "both"


def _note_marker(element: Any) -> bool:
    """Return whether text is a note's marker (a superscript link to the note), which the YAML writes as [^key]."""
    run = element.getparent()
    link = run.getparent() if run is not None else None
    raised = run is not None and run.find(f"{{{W}}}rPr/{{{W}}}vertAlign[@{{{W}}}val='superscript']") is not None
    return raised and link is not None and etree.QName(link).localname == "hyperlink" and link.get(f"{{{W}}}anchor") is not None


def _across(mark: Any, *, before: bool) -> bool:
    """Return whether a value's bookmark start (or end) lies inside a change with changed text before (or after) it.

    LibreOffice puts a bookmark inside a change that begins (or ends) exactly
    where the value does: that change is still inside one value.
    """
    change = next((a for a in mark.iterancestors() if etree.QName(a).localname in ("ins", "del", "moveTo", "moveFrom")), None)
    if change is None:
        return False
    texts = list(change.iter(f"{{{W}}}t", f"{{{W}}}delText"))
    order = {e: n for n, e in enumerate(change.iter())}
    at = order[mark]
    return any((order[t] < at) == before and (t.text or "").strip() for t in texts)


# ---------------------------------------------------------------- where each change goes


def _source(change: Change, anchor: Anchor | None, root: Path) -> dict[str, Any] | str:
    """Return the value a change is inside, or why it cannot be applied."""
    said = f"\u201c{change.before}\u201d \u2192 \u201c{change.after}\u201d"
    if change.problem or anchor is None:
        return f"{said}: {change.problem or 'text the template writes, not a value of the paper'}"
    if not anchor.sources:
        inputs = ", ".join(f"{i['file']}:{i['line']}: {i['field']}" for i in anchor.inputs[:3])
        return f"{said}: a figure worked out from other values ({inputs}{' ...' if len(anchor.inputs) > 3 else ''}): change those"
    where = anchor.sources[0]
    at = f"{where['file']}:{where['line']}:{where['column']}: {where['field']}"
    if len(anchor.sources) > 1:
        return f"{at}: {said}: the text shows several values at once; change each in the YAML"
    path = (root / where["file"]).resolve()
    if not path.is_relative_to((root / "content").resolve()):
        return f"{at}: {said}: not a paper's value (text from the council's theme or outside content/): change it by hand"
    return {**where, "said": said, "at": at, "path": path}


def _apply_file(config: Config, themes: Themes, file: str, found: list[tuple[Change, dict[str, Any]]], outcome: Outcome, force: bool) -> None:
    """Apply every change to one file, validate it, and write it only if it is still a valid paper."""
    path = found[0][1]["path"]
    refusal = _uncommitted(config.root, path) if not force else None
    if refusal:
        outcome.refused += [f"{where['at']}: {where['said']}: {refusal}" for _, where in found]
        return
    text = path.read_text(encoding="utf-8")
    done: list[str] = []
    for change, where in found:
        try:
            changed = _replace(text, where["field"], change)
        except _NotHere as reason:
            outcome.refused.append(f"{where['at']}: {where['said']}: {reason}")
            continue
        problems = _still_valid(config, themes, path, changed)  # each change on its own: one the paper cannot take holds back no other
        if problems:
            outcome.refused.append(f"{where['at']}: {where['said']}: the paper would no longer be valid ({problems})")
            continue
        text = changed
        done.append(f"{where['at']}: {where['said']}")
    if not done:
        return
    write_atomic(path, text.encode("utf-8"))
    outcome.applied += done
    outcome.files.append(file)


def _uncommitted(root: Path, path: Path) -> str | None:
    """Return why a file must not be changed now: uncommitted changes, or no version control to review a diff in."""
    try:
        done = subprocess.run(["git", "status", "--porcelain", "--", str(path)], cwd=root, capture_output=True, text=True, check=False)
    except OSError:
        return "git is not installed, so the change could not be reviewed as a diff (use --force to apply anyway)"
    if done.returncode != 0:
        return "the file is not under version control, so the change could not be reviewed as a diff (use --force to apply anyway)"
    if done.stdout.strip():
        return f"{relative(path, root)} has uncommitted changes: commit them first (or use --force)"
    return None


def _still_valid(config: Config, themes: Themes, path: Path, text: str) -> str:
    """Return the problems the changed text would have as a paper, or nothing."""
    try:
        source = loads(text, relative(path, config.root), path)
        validate(source, themes.kinds(source), theme_of=themes.get, content=config.content)
    except ContentError as err:
        return "; ".join(str(p) for p in err.problems[:3])
    return ""


# ---------------------------------------------------------------- changing one value's bytes


class _NotHere(Exception):
    """A change cannot be placed in its value as typed."""


def _replace(text: str, field_path: str, change: Change) -> str:
    """Return the file's text with a change applied inside the value at a field: every fragment, or none."""
    node = node_at(text, undotted(field_path))
    if not isinstance(node, ScalarNode):
        raise _NotHere(f"text the template writes for {field_path} (a heading), not a value of the paper")
    start, end = node.start_mark.index, node.end_mark.index
    span = text[start:end]
    old, new = change.before.split(), change.after.split()
    pieces = [op for op in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes() if op[0] != "equal"]
    for _, i1, i2, j1, j2 in reversed(pieces):  # from the end, so earlier places keep their offsets
        span = _replace_words(span, old, i1, i2, new[j1:j2])
    changed = text[:start] + span + text[end:]
    now = node_at(changed, undotted(field_path))
    if not isinstance(now, ScalarNode) or any(_read(new, j1, j2) not in normalise(now.value) for _, _, _, j1, j2 in pieces):
        raise _NotHere("the new words cannot be written there as the value is typed (quoting or escapes): change it by hand")
    return changed


def _read(new: list[str], j1: int, j2: int) -> str:
    """Return the new words of a piece with a word either side: what the value must now read."""
    return " ".join(new[max(0, j1 - 1) : j2 + 1])


def _replace_words(span: str, old: list[str], i1: int, i2: int, new: list[str]) -> str:
    """Replace old[i1:i2] by the new words where they, with the words around them, occur once in the span."""
    for context in range(CONTEXT, -1, -1):
        before, after = old[max(0, i1 - context) : i1], old[i2 : i2 + context]
        if not (before or after or old[i1:i2]):
            break
        matches = list(_pattern(before, old[i1:i2], after).finditer(span))
        if len(matches) == 1:
            return _splice(span, matches[0], new, bool(before), bool(after))
        if len(matches) > 1:
            break
    raise _NotHere("the words changed are not in the value as typed (Markdown, a note marker or a formatted date or figure): change it by hand")


def _pattern(before: list[str], old: list[str], after: list[str]) -> re.Pattern[str]:
    def words(items: list[str]) -> str:
        return r"\s+".join(re.escape(w) for w in items)

    parts = [f"(?<![\\w]){words(before)}"] if before else []
    parts.append(f"(?P<lead>\\s*)(?P<old>{words(old)})(?P<trail>\\s*)")
    if after:
        parts.append(f"{words(after)}(?![\\w])")
    return re.compile("".join(parts))


def _splice(span: str, match: re.Match[str], new: list[str], before: bool, after: bool) -> str:
    """Write the new words where the old ones matched, keeping the spacing around them."""
    lead, trail, words = match.group("lead"), match.group("trail"), " ".join(new)
    head, tail = span[: match.start("lead")], span[match.end("trail") :]
    if match.group("old") and words:
        return span[: match.start("old")] + words + span[match.end("old") :]
    if match.group("old"):  # a deletion: the words go, and one of the spaces around them
        return head + (lead or trail if before and after else "") + tail
    gap = lead + trail  # an insertion between two words, or at either end of the value
    if before and after:
        return head + gap + words + " " + tail
    return head + (gap + words if before else words + " " + gap) + tail
