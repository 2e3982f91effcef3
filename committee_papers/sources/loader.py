"""Read a YAML source into plain values, remembering where each one was written.

Officers' YAML is read with no implicit typing at all: every scalar stays the
string that was typed (so `NO`, `1.10` and `12:30` survive) and the models
decide what a field means. Anchors, aliases, tags and duplicate keys are
refused, because each makes a file mean something other than what it shows.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, MappingEndEvent, ScalarEvent, SequenceEndEvent, SequenceStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from .errors import ContentError, Problem

Path_ = tuple[str | int, ...]

# Characters Word cannot hold in a document: C0 controls other than tab and
# newline, and the non-characters. They arrive when text is pasted from PDFs.
# Lone surrogates (written as "\ud800" escapes) are half a character that no file can hold.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# Characters that make a file read differently from what it means. Bidirectional
# embeddings, overrides and isolates reorder what an editor or reviewer sees
# ("Trojan Source"); the marks U+200E/F only set a direction and are harmless.
# NEL and the line and paragraph separators are line breaks to YAML but not to
# editors: text after one in a comment is read as YAML, and every line number
# after it would be off.
_MISLEADING = re.compile("[\u202a-\u202e\u2066-\u2069\x85\u2028\u2029]")
_MISLEADING_NAMES = {
    "\x85": "a 'next line' control (NEL), often a mis-converted '…'",
    "\u2028": "a line separator",
    "\u2029": "a paragraph separator",
}
# Invisible characters make two keys that look the same differ; in text they
# are harmless (a direction mark, a joiner in a name), so only keys refuse them.
_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff]")
# Papers are a few hundred kilobytes at most; a bigger file is the wrong file, or an attack.
MAX_BYTES = 2 * 1024 * 1024
# Real papers nest a dozen levels; a deeper file would exhaust Python's stack.
MAX_DEPTH = 100
# The longest real paper has a few thousand rows in one table and some tens of
# thousands of values; these bounds are ten times that, and keep a 2 MB file of
# tiny values from taking minutes to check and lay out.
MAX_ITEMS = 10_000
"""The most items in one list: rows of a table, cells of a row, recommendations."""
MAX_KEYS = 1_000
"""The most keys in one mapping."""
MAX_VALUES = 200_000
"""The most values (keys, texts, lists and mappings) in one file."""
_BANG = "a value starting with ! is read as a YAML tag: put the value in quotes"
_NULLS = {"", "~", "null", "Null", "NULL"}


@dataclass(frozen=True)
class Mark:
    """Where a value was written: a line and column, counted from 1 as editors do, or a cell of a spreadsheet.

    A value read from a spreadsheet (`rows_from:`) enters the paper's source
    tree as if typed in YAML; its mark names the spreadsheet and the cell, so
    every check reports it there, and a reviewer's comment can be traced to it.
    """

    line: int
    column: int
    file: str = ""
    """The file the value was read from, when it is not the source's own: content/data/kpis.xlsx."""
    cell: str = ""
    """The cell, as the spreadsheet names it: Sheet1!C12 (C12 in a CSV file); line and column are its row and column."""
    within: int = 0
    """How many leading parts of a field's path lead to the block that read the spreadsheet: its messages name the field from there."""


@dataclass
class Source:
    """A loaded YAML file: its values and the mark of every key and value."""

    path: Path
    name: str
    data: Any
    digest: str = ""
    """A hash of the text as loaded, so later stages can tell a changed source without reading it again."""
    values: dict[Path_, Mark] = field(default_factory=dict)
    keys: dict[Path_, Mark] = field(default_factory=dict)
    text: tuple[str, list[int]] | None = field(default=None, repr=False)
    """The file's text and its lines' starts, kept only once a problem inside a field had to be placed."""

    def mark(self, path: Path_, *, key: bool = False) -> Mark:
        """Return where a field was written, or its nearest written parent."""
        table = self.keys if key else self.values
        if path in table:
            return table[path]
        while path:
            path = path[:-1]
            if path in self.values:
                return self.values[path]
        return Mark(1, 1)

    def problem_at(self, path: Path_, piece: str, value: str, message: str) -> Problem:
        """Return a problem at a piece of a field's text: where the file holds it within the field, else at the field."""
        problem = self.problem(path, message)
        text, starts = self._text()
        if problem.cell or problem.line > len(starts) or "\n" in piece:  # a spreadsheet's cell is named, not searched
            return problem
        start = starts[problem.line - 1] + problem.column - 1
        # The field as written is its value with indentation, quotes and escapes: at most about twice as long.
        found = text.find(piece, start, start + 2 * len(value) + 200)
        return replace(problem, line=problem.line + text.count("\n", start, found), column=found - text.rfind("\n", 0, found)) if found >= 0 else problem

    def _text(self) -> tuple[str, list[int]]:
        """Return the file's text and where each of its lines starts, read once; nothing when it cannot be read."""
        if self.text is None:
            try:
                text = self.path.read_text(encoding="utf-8") if self.path.is_file() else ""
            except (OSError, UnicodeDecodeError):
                text = ""
            self.text = (text, [0, *(m.end() for m in re.finditer("\n", text))])
        return self.text

    def problem(self, path: Path_, message: str, *, key: bool = False) -> Problem:
        """Return a problem at a field of this file."""
        mark = self.mark(path, key=key)
        if mark.cell:
            return cell_problem(mark, dotted(path[mark.within :]), message)
        return Problem(self.name, mark.line, mark.column, dotted(path), message)


def cell_problem(mark: Mark, field: str, message: str) -> Problem:
    """Return a problem at a cell of a spreadsheet: content/data/kpis.xlsx: Sheet1!C12: rows[10].actual: ..."""
    return Problem(mark.file, mark.line, mark.column, field, message, mark.cell)


def unsafe_text(text: str) -> str | None:
    """Return why a text cannot go into a document (a control character Word cannot hold), or None."""
    bad = _UNSAFE.search(text)
    return _unsafe(bad.group()) if bad else None


def dotted(path: Path_) -> str:
    """Write a field path as an officer reads it: risks[0].impact."""
    out = ""
    for part in path:
        if isinstance(part, int) or not re.fullmatch(r"[\w-]+", part):
            out += f"[{part!r}]" if isinstance(part, str) else f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


_PART = re.compile(r"\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\[\"((?:[^\"\\]|\\.)*)\"\]|\.?([\w-]+)")


def undotted(field: str) -> Path_:
    """Return the path a dotted field names: risks[0].impact is ('risks', 0, 'impact')."""
    return tuple(int(index) if index else quoted or double or name for index, quoted, double, name in _PART.findall(field))


_TAG = "tag:yaml.org,2002:str"
"""The tag of every node: no value is typed by its tag (the models type them), so none is resolved."""


_TOO_MANY_ITEMS = f"a list of more than {MAX_ITEMS:,} items; split the paper or the table"
_TOO_MANY_KEYS = f"a mapping of more than {MAX_KEYS:,} keys"


class _TooBig(yaml.MarkedYAMLError):
    """A file past one of the bounds on papers: valid YAML, but no real paper is that big."""


class _StrictComposer(Composer):
    """Compose nodes, refusing anchors, aliases and tags, and files past the bounds on papers.

    Every node of every paper passes through here, so the checks are made
    in line, and a node's tag is never resolved: nothing reads it.
    """

    depth = 0
    count = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        # parent and index are the base Composer's; the bounds on entries are checked in _collection
        event = self.peek_event()
        self.count += 1
        if self.count > MAX_VALUES:
            raise _TooBig(None, None, f"more than {MAX_VALUES:,} values in one file; split the paper", event.start_mark)
        if self.depth >= MAX_DEPTH:
            raise _TooBig(None, None, f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
        if isinstance(event, AliasEvent) or event.anchor is not None:
            raise yaml.MarkedYAMLError(None, None, "anchors and aliases (& and *) are not allowed: write the value out", event.start_mark)
        tag = event.tag
        if tag is not None and tag != "!" and (event.implicit[0] if isinstance(event, ScalarEvent) else event.implicit) is not True:
            raise yaml.MarkedYAMLError(None, None, f"tags such as {tag} are not allowed", event.start_mark)
        self.depth += 1
        try:
            if isinstance(event, ScalarEvent):
                self.get_event()
                return ScalarNode(_TAG, event.value, event.start_mark, event.end_mark, style=event.style)
            return self.compose_sequence_node(None) if isinstance(event, SequenceStartEvent) else self.compose_mapping_node(None)
        finally:
            self.depth -= 1

    def compose_sequence_node(self, anchor: Any) -> SequenceNode:
        return self._collection(SequenceNode, SequenceEndEvent, MAX_ITEMS, _TOO_MANY_ITEMS)

    def compose_mapping_node(self, anchor: Any) -> MappingNode:
        return self._collection(MappingNode, MappingEndEvent, MAX_KEYS, _TOO_MANY_KEYS)

    def _collection(self, kind: type[Any], end: type[Any], most: int, too_many: str) -> Any:
        """Compose a list (its items) or a mapping (its pairs), refusing one entry more than `most`."""
        start = self.get_event()
        node = kind(_TAG, [], start.start_mark, None, flow_style=start.flow_style)
        while not self.check_event(end):
            if len(node.value) >= most:
                raise _TooBig(None, None, too_many, self.peek_event().start_mark)
            item = self.compose_node(node, None)
            node.value.append(item if kind is SequenceNode else (item, self.compose_node(node, None)))
        node.end_mark = self.get_event().end_mark
        return node


class _Loader(Reader, Scanner, Parser, _StrictComposer, SafeConstructor, BaseResolver):
    """A YAML loader with no implicit types."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        _StrictComposer.__init__(self)
        SafeConstructor.__init__(self)
        BaseResolver.__init__(self)


_FastLoader: type | None = None
if yaml.__with_libyaml__:
    from yaml.cyaml import CParser

    class _CLoader(_StrictComposer, CParser, SafeConstructor, BaseResolver):  # type: ignore[misc]
        """The same loader on libyaml's scanner and parser, about ten times faster on a long paper.

        Only the events come from C: _StrictComposer, first in the MRO, still
        builds the nodes and refuses anchors, aliases, tags and deep nesting.
        """

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _StrictComposer.__init__(self)
            SafeConstructor.__init__(self)
            BaseResolver.__init__(self)

    _FastLoader = _CLoader


def load(path: Path, name: str) -> Source:
    """Load one YAML file, or raise ContentError with every problem found."""
    size = path.stat().st_size
    _check_size(size, name)
    return load_bytes(path.read_bytes(), name, path)


def _check_size(size: int, name: str) -> None:
    if size > MAX_BYTES:
        raise ContentError([Problem(name, 1, 1, "", f"the file is {size / 2**20:.1f} MB; a paper may be at most {MAX_BYTES // 2**20} MB (is it the right file?)")])


def load_bytes(data: bytes, name: str, path: Path | None = None) -> Source:
    """Load a YAML file's bytes (from disk or from a git revision) with the checks load() makes, or raise ContentError."""
    _check_size(len(data), name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = len(data[data.rfind(b"\n", 0, err.start) + 1 : err.start].decode("utf-8", "replace")) + 1
        message = f"expected UTF-8 text, got the byte {data[err.start]:#04x}; save the file as UTF-8 (in VS Code: 'Save with Encoding')"
        raise ContentError([Problem(name, line, column, "", message)]) from None
    return loads(text, name, path)


def loads(text: str, name: str, path: Path | None = None) -> Source:
    """Load YAML text, or raise ContentError."""
    source = Source(path or Path(name), name, None, hashlib.sha256(text.encode("utf-8")).hexdigest())
    misleading = [_misleading(name, text, m.start()) for m in _MISLEADING.finditer(text)]
    if misleading:
        raise ContentError(misleading)
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as err:
        raise ContentError([_syntax_problem(name, text, err)]) from None
    except yaml.reader.ReaderError as err:
        raise ContentError([_unsafe_character(name, text, err.position)]) from None
    problems: list[Problem] = []
    source.data = _value(node, (), source, problems) if node is not None else None
    if problems:
        raise ContentError(problems)
    return source


def _compose(text: str) -> Node | None:
    """Compose a document's nodes with libyaml where there is one, else in Python.

    A document libyaml refuses is composed again in Python, whose messages are
    the ones our hints and tests know, so an officer reads the same message
    either way.
    """
    if _FastLoader is not None:
        try:
            return yaml.compose(text, Loader=_FastLoader)  # noqa: S506 - the loaders construct nothing
        except _TooBig:
            raise  # the same in Python, only slower
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=_Loader)  # noqa: S506


def node_at(text: str, path: Path_) -> Node | None:
    """Return the YAML node at a field path of a document, as composed (with its span in the text)."""
    node = _compose(text)
    for part in path:
        if isinstance(node, MappingNode):
            node = next((v for k, v in node.value if isinstance(k, ScalarNode) and k.value == part), None)
        elif isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return None
    return node


def _value(node: Node, path: Path_, source: Source, problems: list[Problem]) -> Any:
    source.values[path] = Mark(node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, MappingNode):
        return _mapping(node, path, source, problems)
    if isinstance(node, SequenceNode):
        return [_value(item, (*path, i), source, problems) for i, item in enumerate(node.value)]
    assert isinstance(node, ScalarNode)
    if not node.style and node.value in _NULLS:  # plain: None from Python's parser, "" from libyaml
        return None
    bad = _UNSAFE.search(node.value)
    if bad:
        problems.append(source.problem(path, _unsafe(bad.group())))
    return node.value


def _mapping(node: MappingNode, path: Path_, source: Source, problems: list[Problem]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            what = "a list" if isinstance(key_node, SequenceNode) else "a mapping"
            problems.append(Problem(source.name, line, column, dotted(path), f"expected a plain key, got {what} as a key (hint: a key cannot start with '[', '{{' or '? '; put it in quotes)"))
            continue
        key = key_node.value
        key_mark = Mark(key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        invisible = _INVISIBLE.search(key)
        if invisible:
            message = f"the key holds an invisible character U+{ord(invisible.group()):04X}; retype the key"
            problems.append(Problem(source.name, key_mark.line, key_mark.column + invisible.start(), dotted((*path, key)), message))
            continue
        if key in out:
            first = source.keys[(*path, key)]
            problems.append(Problem(source.name, key_mark.line, key_mark.column, dotted((*path, key)), f"duplicate key (first written on line {first.line})"))
            continue
        source.keys[(*path, key)] = key_mark
        out[key] = _value(value_node, (*path, key), source, problems)
    return out


def _position(text: str, position: int) -> tuple[int, int]:
    """Return the line and column of a character, counting lines as editors do (by newlines alone)."""
    return text.count("\n", 0, position) + 1, position - (text.rfind("\n", 0, position) + 1) + 1


def _unsafe_character(name: str, text: str, position: int) -> Problem:
    return Problem(name, *_position(text, position), "", _unsafe(text[position]))


def _misleading(name: str, text: str, position: int) -> Problem:
    """Return a problem at a character that makes the file read differently from what it means."""
    character = text[position]
    code = f"U+{ord(character):04X}"
    if character in _MISLEADING_NAMES:
        what = f"contains {_MISLEADING_NAMES[character]} {code}, which YAML reads as a new line though editors do not show one"
        return Problem(name, *_position(text, position), "", f"{what}; replace it with a new line or a space")
    what = f"contains the bidirectional control character {code}, which can make text show in another order than it is read"
    return Problem(name, *_position(text, position), "", f"{what}; delete it (it is invisible: retype the text around it)")


def _unsafe(character: str) -> str:
    code = ord(character)
    what = "half of a character (an unpaired surrogate)" if 0xD800 <= code <= 0xDFFF else "a control character"
    return f"contains {what} U+{code:04X} that Word cannot hold; retype the text around it"


def _syntax_problem(name: str, text: str, err: yaml.MarkedYAMLError) -> Problem:
    mark = err.problem_mark or err.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    if isinstance(err, _TooBig):
        return Problem(name, line, column, "", f"too big for a paper: {err.problem}")
    message = err.problem or "not valid YAML"
    if err.context:
        message = f"{err.context}, {message}"
    hint = _hint(text, line, message)
    return Problem(name, line, column, "", f"YAML syntax: {message}" + (f" (hint: {hint})" if hint else ""))


def _indented_under_a_value(lines: list[str], line: int) -> bool:
    """Return whether a line holding a key is indented deeper than a 'key: value' line above it."""
    if line < 2 or line > len(lines):
        return False
    here, above = lines[line - 1], lines[line - 2]
    indent = len(here) - len(here.lstrip(" "))
    return bool(re.match(r"\s*[\w-]+:\s*\S", above)) and indent > len(above) - len(above.lstrip(" ")) and bool(re.match(r"\s*[\w-]+:", here))


def _hint(text: str, line: int, message: str) -> str:
    """Explain the usual cause of a YAML syntax error in an officer's words."""
    lines = text.splitlines()
    near = lines[max(line - 2, 0) : line + 1]
    if "\t" in "".join(near) or "tab" in message:
        return "indent with spaces, not tabs"
    if 0 < line <= len(lines) and re.match(r"\s*(- )?([\w-]+:\s+)?!", lines[line - 1]):
        return _BANG
    if "mapping values are not allowed" in message and _indented_under_a_value(lines, line):
        return "this line is indented more than the key above it; line up keys at the same level"
    if "mapping values are not allowed" in message:
        return "a colon followed by a space inside a value: put the value in quotes"
    if any(re.match(r"\s*-\S", item) for item in near):
        return "a list item needs a space after the dash: '- item'"
    if "found unexpected end of stream" in message and "quoted scalar" in message:
        return "a quote is opened but never closed"
    if "cannot start any token" in message:
        return "a value starting with @, ` or % must be in quotes"
    if "expected <block end>" in message or "expected <block mapping start>" in message:
        return "this line is indented differently from the lines around it; line up keys at the same level"
    if "could not find expected ':'" in message:
        return "a line without 'key: value'; for text over several lines write 'key: |' and indent the text under it"
    return ""
