"""Write a new paper of a kind: every field present, each commented with what it means.

Required values are left blank for the officer to fill (`check` names each
one still blank at its line); optional parts are written commented out, to
be uncommented when the paper has them. Each blank carries an example after
`e.g.` taken from the model, or from its type where the model gives none.
"""

from __future__ import annotations

import datetime
import json
import re
import types
import typing
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Union

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic.json_schema import SkipJsonSchema

from ..models.columns import EXPECTED, NUMERIC
from ..models.common import UNIQUE, Column, StandardTable, Table, field_note
from ..sources.errors import PaperError, did_you_mean
from .schema import BOOL_EXAMPLE, DATE_EXAMPLE, comment

CELL_EXAMPLES: dict[str, Any] = {
    "number": Decimal(46), "money": Decimal(1250), "percent": Decimal(83), "date": DATE_EXAMPLE, "month": DATE_EXAMPLE[:7],
    "status": "Green", "yes/no": "Yes", "impact": Decimal(1), "likelihood": Decimal(1),
}
"""An example cell of each column type that is more than text."""
CELL_KINDS = {
    "prose": "Markdown", "choice": "one of {options}", "status": "a status of the council's scale",
    "paragraph-refs": "paragraph ids as {{refs: [id]}}, or text", "reference": "the id of a part of this paper",
}
"""What a cell of a column type holds, in words, where EXPECTED does not say."""
_PLAIN = re.compile(r"[A-Za-z0-9][\w .,'()/&-]*")
_YAML_WORDS = {"yes", "no", "true", "false", "on", "off", "null", "~", "y", "n"}


def new_paper(kind: str, path: Path, root: Path, council: str | None = None) -> None:
    """Write a new paper of a kind at path, refusing to overwrite a file that is there.

    With a council, its kinds declared in kind files may be named too, and the paper names the council.
    """
    from ..models.kinds import declared_kinds

    kinds = declared_kinds(root / "templates", council, root)  # without a council, the default kind files
    if kind not in kinds:
        raise PaperError(f"unknown kind {kind!r}{did_you_mean(kind, kinds)}; expected one of: {', '.join(kinds)}")
    if isinstance(kinds[kind], PaperError):
        raise kinds[kind]
    if path.exists():
        raise PaperError(f"{path} already exists; choose another name (new never overwrites a paper)")
    if not path.resolve().is_relative_to((root / "content").resolve()):
        raise PaperError(f"{path}: papers live in content/; give a path inside it")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
        handle.write(skeleton(kind, comment(path, root, kind, council), kinds[kind], council))


def skeleton(kind: str, first_line: str, model: type[BaseModel], council: str | None = None) -> str:
    """Return the text of a new paper of a kind, given the model its kind file makes (and the council, if any)."""
    declaration = getattr(model, "declaration", None)
    writer = _Writer(dict(getattr(declaration, "tables", {}) or {}))
    writer.lines += [
        first_line,
        f"# A new {kind}. {_sentence(model.__doc__)}",
        "# Fill in every blank value (an example follows e.g.); uncomment the optional parts the paper has.",
        "# Then run: python build.py check <this file>",
    ]
    writer.fields(model, 0, (model,), commented=False)
    lines = writer.lines
    if council:
        lines = [f"council: {council}" if line.startswith("council:") else line for line in lines]
    return "\n".join(lines) + "\n"


class _Writer:
    """Write a skeleton's lines: a table naming one of the kind's standard tables gets a row of its columns, and a
    field whose values are each used once in a paper gets a numbered example wherever it is written."""

    def __init__(self, tables: dict[str, StandardTable]) -> None:
        self.lines: list[str] = []
        self.tables = tables
        self.given: Counter[tuple[type, str]] = Counter()

    def emit(self, line: str, hide: bool) -> None:
        self.lines.append(_comment_out(line) if hide else line)

    def fields(self, model: type[BaseModel], indent: int, stack: tuple[type, ...], *, commented: bool, first: str = "") -> None:
        for i, (name, info) in enumerate(model.model_fields.items()):
            if any(isinstance(m, SkipJsonSchema) for m in info.metadata):
                continue  # worked out, never typed: a Theme's slug, a monitoring paper's title
            lead = first if i == 0 and first else " " * indent
            self.field(model, name, info, lead, indent, stack, commented=commented)

    def field(self, model: type[BaseModel], name: str, info: FieldInfo, lead: str, indent: int, stack: tuple[type, ...], *, commented: bool) -> None:
        annotation = _strip(info.annotation)
        required = info.is_required()
        optional_part = not required and (info.default is None and _model(annotation) or typing.get_origin(annotation) is list)
        hide = commented or bool(optional_part)
        note = self.note(model, name, info, annotation, required)
        if name == "kind":
            self.emit(f"{lead}kind: {typing.get_args(annotation)[0]}  # the kind of paper; keep it first", hide)
        elif _model(annotation) is Table and name in self.tables:
            self.emit(f"{lead}{name}:  # {note}", hide)
            self.standard_table(name, self.tables[name], indent + 2, stack, hide)
        elif _model(annotation):
            inner = _model(annotation)
            self.emit(f"{lead}{name}:  # {note}", hide)
            self.fields(inner, indent + 2, (*stack, inner), commented=hide)
        elif typing.get_origin(annotation) is list and _model(typing.get_args(annotation)[0]) in stack:
            self.emit(f"{lead}{name}: []  # {note} Each has the same fields as the part above.", hide)
        elif typing.get_origin(annotation) is list:
            self.emit(f"{lead}{name}:  # {note}", hide)
            self.item(info, typing.get_args(annotation)[0], indent + 2, stack, hide, model)
        elif typing.get_origin(annotation) is dict:
            self.emit(f"{lead}{name}: {{}}  # {note}", hide)
        elif not required and info.default is not None:
            self.emit(f"{lead}{name}: {_scalar(info.default)}  # {note}", hide)
        else:
            self.emit(f"{lead}{name}:  # {note}", hide)

    def item(self, info: FieldInfo, annotation: Any, indent: int, stack: tuple[type, ...], hide: bool, owner: type) -> None:
        inner = _model(annotation)
        lead = " " * indent + "- "
        if inner is None:
            for example in _item_examples(info, annotation, owner):
                self.emit(f"{lead} # {_describe(annotation)}, e.g. {example}", hide)
        else:
            self.fields(inner, indent + 2, (*stack, inner), commented=hide, first=lead)

    def note(self, owner: type, name: str, info: FieldInfo, annotation: Any, required: bool) -> str:
        what = "required" if required else "optional"
        description = field_note(owner, name) or _sentence(getattr(_model(annotation), "__doc__", None))
        parts = [f"{what}: {_describe(annotation)}.", description or ""]
        if _is_scalar(annotation) and (required or info.default is None):
            example = _example(info, annotation, owner)
            if UNIQUE in info.metadata:  # each value used once in a paper: each place it is written gets its own
                self.given[(owner, name)] += 1
                example = _numbered(example, self.given[(owner, name)])
            parts.append(f"e.g. {example}")
        return " ".join(p for p in parts if p).replace("\n", " ")

    def standard_table(self, name: str, standard: StandardTable, indent: int, stack: tuple[type, ...], hide: bool) -> None:
        """Write a table that names one of the kind's standard tables: its rows by column key, and what applies to its columns."""
        columns = [c if isinstance(c, Column) else Column(title=c) for c in standard.columns]
        pad = " " * indent
        for field_name, info in Table.model_fields.items():
            if field_name == "columns":
                titles = "; ".join(c.title for c in columns if c.title)
                self.emit(f"{pad}columns: {name}  # the kind's standard table {name}, its columns: {titles}. Keep this line.", hide)
            elif field_name == "rows":
                self.emit(f"{pad}rows:  # required: a list. {_table_rows_note(columns)}", hide)
                headings = [heading for figure in standard.worked_rows for heading in figure.inputs] or [None]
                for heading in dict.fromkeys(headings):
                    self.row(columns, heading, indent + 2, hide)
            elif field_name == "worked_rows" and standard.worked_rows:
                kept = "; ".join(f.label for f in standard.worked_rows)
                self.emit(f"{pad}worked_rows:  # optional: a list. {_sentence(field_note(Table, field_name))} The kind works out {kept}: leave this out to keep them, or write your own.", True)
                for figure in standard.worked_rows:
                    self.emit(f"{pad}  - label: {_scalar(figure.label)}", True)
                    self.emit(f"{pad}    {figure.rule}: {_scalar(figure.inputs)}", True)
            elif field_name == "head":
                self.emit(f"{pad}head:  # optional: a list. {field_note(Table, field_name)}", True)
                self.emit(f"{pad}  -  # a row of heading cells, e.g. [{{text: Text, span: {len(columns)}}}]", True)
            elif field_name == "rows_add_up_to" and _applies(field_name, columns):
                total = sum(CELL_EXAMPLES[c.type] for c in columns if c.type in NUMERIC and c.figure is None)
                self.emit(f"{pad}rows_add_up_to:  # optional: a number. {_sentence(field_note(Table, field_name))} e.g. {total}", hide)
            elif _applies(field_name, columns):
                self.field(Table, field_name, info, pad, indent, (*stack, Table), commented=hide)

    def row(self, columns: list[Column], heading: str | None, indent: int, hide: bool) -> None:
        """Write an example row: a cell for each column the paper types, the first the row's heading where one is named."""
        typed = [c for c in columns if c.figure is None]
        examples = [_cell_example(c) for c in typed]
        if heading is not None:
            examples[0] = _scalar(heading)
        if not all(c.key for c in typed):
            self.emit(f"{' ' * indent}-  # a list of cells in column order, e.g. [{', '.join(examples)}]", hide)
            return
        for i, (column, example) in enumerate(zip(typed, examples)):
            lead = " " * indent + ("- " if i == 0 else "  ")
            title = f" {column.title}." if column.title else ""
            self.emit(f"{lead}{column.key}:  # {_cell_kind(column)}.{title} e.g. {example}", hide)


def _applies(name: str, columns: list[Column]) -> bool:
    """Tell whether a table field applies to a standard table's columns: figures to numbers, counts to statuses."""
    if name in ("worked_rows", "totals", "rows_add_up_to"):
        return any(c.type in NUMERIC for c in columns)
    if name == "counts":
        return any(c.type == "status" and c.key for c in columns)
    return True


def _table_rows_note(columns: list[Column]) -> str:
    worked = [c.title for c in columns if c.figure is not None]
    left = f" ({'; '.join(worked)}: worked out, left out)" if worked else ""
    return f"A row each, its cells by column key{left}, or a `group:` sub-heading."


def _cell_kind(column: Column) -> str:
    """Return what a cell of a column holds, in words."""
    if column.type in EXPECTED:
        return EXPECTED[column.type]
    return CELL_KINDS.get(column.type, "text").format(options=", ".join(column.options))


def _cell_example(column: Column) -> str:
    """Return an example cell of a column's type: a choice's first option, a number, a date ..."""
    if column.type == "choice" and column.options:
        return _scalar(column.options[0])
    return _scalar(CELL_EXAMPLES.get(column.type, "Text"))


def _numbered(example: str, n: int) -> str:
    """Return the nth of a run of examples: CEC 01, CEC 02 ...; text with no number at its end gets one."""
    if n == 1:
        return example
    match = re.search(r"\d+(?=\W*$)", example)
    if match is None:
        return f"{example} {n}"
    number = str(int(match.group()) + n - 1).zfill(len(match.group()))
    return example[: match.start()] + number + example[match.end() :]


def _comment_out(line: str) -> str:
    body = line.lstrip(" ")
    return f"{line[: len(line) - len(body)]}# {body}" if not body.startswith("# ") else line


def _describe(annotation: Any) -> str:
    annotation = _strip(annotation)
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return "one of " + ", ".join(str(a) for a in typing.get_args(annotation))
    if origin is list:
        return "a list"
    if origin is dict:
        return "a mapping"
    if _model(annotation):
        return "a mapping"
    known = {bool: "Yes or No", datetime.date: "a date", int: "a whole number", float: "a number", Decimal: "a number"}
    return known.get(annotation, "text")


def _item_examples(info: FieldInfo, annotation: Any, owner: type) -> list[str]:
    """Return a blank for each item of a list's example (columns that must all be there), else one from its type."""
    examples = _examples_of(info)
    if examples and isinstance(examples[0], list):
        return [_scalar(value) for value in examples[0]]
    least = next((m.min_length for m in info.metadata if getattr(m, "min_length", None)), 1)
    return [_example(None, annotation, owner)] * least


def _example(info: FieldInfo | None, annotation: Any, owner: type) -> str:
    """Return an example value of a field: the model's first example, else its type's, else one made from its type."""
    examples = _examples_of(info) if info is not None else _type_examples(annotation)
    if examples:
        return _scalar(examples[0])
    annotation = _strip(annotation)
    if typing.get_origin(annotation) is list:  # a list in a list: a row of cells
        return "[" + _example(None, typing.get_args(annotation)[0], owner) + "]"
    if typing.get_origin(annotation) is Literal:
        return _scalar(typing.get_args(annotation)[0])
    if annotation is bool:
        return BOOL_EXAMPLE
    if annotation is datetime.date:
        return DATE_EXAMPLE
    if annotation in (int, float):
        low = next((m.ge for m in (info.metadata if info else []) if hasattr(m, "ge")), 1)
        return str(low)
    if any(getattr(m, "pattern", None) for m in (info.metadata if info else [])):
        return re.sub(r"(?<!^)(?=[A-Z])", "-", owner.__name__).lower()
    return "Text"


def _examples_of(info: FieldInfo) -> list[Any] | None:
    """Return a field's own examples, else those of its type."""
    return info.examples or _type_examples(info.annotation)


def _type_examples(annotation: Any) -> list[Any] | None:
    """Return the examples a shared type carries (Money, StatusName ...), found through Optional and unions."""
    for meta in getattr(annotation, "__metadata__", ()):
        if isinstance(meta, FieldInfo) and meta.examples:
            return meta.examples
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _type_examples(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return _type_examples(next(a for a in typing.get_args(annotation) if a is not type(None)))
    return None


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    text = str(value)
    if isinstance(value, (int, Decimal)):
        return text
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if _PLAIN.fullmatch(text) and text.lower() not in _YAML_WORDS and not text[0].isdigit():
        return text
    return json.dumps(text, ensure_ascii=False)


def _sentence(doc: str | None) -> str:
    return (doc or "").strip().split("\n\n")[0].replace("\n", " ")


def _is_scalar(annotation: Any) -> bool:
    annotation = _strip(annotation)
    return not (_model(annotation) or typing.get_origin(annotation) in (list, dict, tuple))


def _model(annotation: Any) -> type[BaseModel] | None:
    annotation = _strip(annotation)
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _strip(annotation: Any) -> Any:
    """Look through Annotated and Optional, and choose the first member of any other union."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        else:
            return annotation
