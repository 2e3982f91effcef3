"""The reference part of docs/blocks.md: every block and its fields, written from the models' docstrings."""

from __future__ import annotations

import datetime
import types
import typing
from pathlib import Path
from typing import Any, Union

from pydantic import BaseModel

from ..models.blocks import BLOCK_KEYS
from ..models.common import TypeHelp, field_note

DOC = Path("docs") / "blocks.md"
MARKER = "<!-- Everything below is written by `python build.py schema` from the models' docstrings: do not edit it by hand. -->"

SIMPLE = {str: "text", int: "whole number", float: "number", bool: "Yes or No", datetime.date: "date (ISO: 2007-11-10)"}


def describe(annotation: Any) -> str:
    """Return how an officer writes a value of a type: text, Markdown, a list of ..."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        help_ = next((m for m in args[1:] if isinstance(m, TypeHelp)), None)
        if help_ is not None and help_.extra.get("format") == "markdown":
            return "Markdown text"
        return describe(args[0])
    if origin in (Union, types.UnionType):
        members = [describe(a) for a in args if a is not type(None)]
        return " or ".join(dict.fromkeys(members))
    if origin in (list, tuple):
        return f"list of {describe(args[0])}"
    if origin is dict:
        return f"mapping of {describe(args[1])}"
    if origin is typing.Literal:
        return " or ".join(str(a) for a in args)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    return SIMPLE.get(annotation, getattr(annotation, "__name__", str(annotation)))


def models_in(annotation: Any) -> list[type[BaseModel]]:
    """Return the models a type holds, outermost first."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in models_in(arg)]


def fields_table(model: type[BaseModel]) -> list[str]:
    """Return a model's fields as Markdown table rows: name, how it is written, required or its default, what it is."""
    rows = ["| field | written as | required | meaning |", "|---|---|---|---|"]
    for name, info in model.model_fields.items():
        required = "yes" if info.is_required() else f"no ({info.default!r})" if info.default not in (None, [], {}) else "no"
        meaning = " ".join((field_note(model, name) or "").split()).replace("|", "\\|")
        rows.append(f"| `{name}` | {describe(typing.Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation)} "
                    f"| {required} | {meaning} |")
    return rows


def section(key: str, block: type[BaseModel], seen: list[type[BaseModel]]) -> list[str]:
    """Return the reference of one block: what it is, its template, its fields and the models inside it not yet described."""
    (name, info), = block.model_fields.items()
    lines = [f"### `{key}`", "", " ".join((block.__doc__ or "").split()), "",
             f"Template: `blocks/{key}.html.j2`; `item.{name}` is {describe(info.annotation)}: "
             f"{' '.join((field_note(block, name) or '').split())}", ""]
    pending = models_in(info.annotation)
    while pending:
        model = pending.pop(0)
        if model in seen:
            continue
        seen.append(model)
        lines += [f"#### {model.__name__}", "", " ".join((model.__doc__ or "").split()), "", *fields_table(model), ""]
        pending += [m for f in model.model_fields.values() for m in models_in(f.annotation)]
    return lines


def reference() -> str:
    """Return the generated part of docs/blocks.md."""
    lines = [MARKER, "", "## Every block", ""]
    seen: list[type[BaseModel]] = []
    for key, block in BLOCK_KEYS.items():
        lines += section(key, block, seen)
    return "\n".join(lines).rstrip() + "\n"


def expected(root: Path) -> str:
    """Return docs/blocks.md as it should be: its hand-written part, then the reference."""
    current = (root / DOC).read_text(encoding="utf-8") if (root / DOC).is_file() else ""
    return current.split(MARKER)[0] + reference()


def stale(root: Path) -> bool:
    """Tell whether docs/blocks.md differs from what the models give."""
    path = root / DOC
    return not path.is_file() or path.read_text(encoding="utf-8") != expected(root)


def write(root: Path) -> Path:
    """Write docs/blocks.md with a current reference; return its path."""
    from ..outputs.output import write_atomic

    text = expected(root)
    write_atomic(root / DOC, text.encode("utf-8"))
    return root / DOC
