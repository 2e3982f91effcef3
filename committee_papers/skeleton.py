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
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Union

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic.json_schema import SkipJsonSchema

from .errors import PaperError, did_you_mean
from .schema import BOOL_EXAMPLE, DATE_EXAMPLE, comment

_PLAIN = re.compile(r"[A-Za-z0-9][\w .,'()/&-]*")
_YAML_WORDS = {"yes", "no", "true", "false", "on", "off", "null", "~", "y", "n"}


def new_paper(kind: str, path: Path, root: Path, council: str | None = None) -> None:
    """Write a new paper of a kind at path, refusing to overwrite a file that is there.

    With a council, its kinds declared in kind files may be named too, and the paper names the council.
    """
    from .kinds import declared_kinds

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
    lines = [
        first_line,
        f"# A new {kind}. {_sentence(model.__doc__)}",
        "# Fill in every blank value (an example follows e.g.); uncomment the optional parts the paper has.",
        "# Then run: python build.py check <this file>",
    ]
    _fields(model, 0, lines, (model,), commented=False)
    if council:
        lines = [f"council: {council}" if line.startswith("council:") else line for line in lines]
    return "\n".join(lines) + "\n"


def _fields(model: type[BaseModel], indent: int, lines: list[str], stack: tuple[type, ...], *, commented: bool, first: str = "") -> None:
    for i, (name, info) in enumerate(model.model_fields.items()):
        if any(isinstance(m, SkipJsonSchema) for m in info.metadata):
            continue  # worked out, never typed: a Theme's slug, a monitoring paper's title
        lead = first if i == 0 and first else " " * indent
        _field(model, name, info, lead, indent, lines, stack, commented=commented)


def _field(model: type[BaseModel], name: str, info: FieldInfo, lead: str, indent: int, lines: list[str], stack: tuple[type, ...], *, commented: bool) -> None:
    annotation = _strip(info.annotation)
    required = info.is_required()
    optional_part = not required and (info.default is None and _model(annotation) or typing.get_origin(annotation) is list)
    hide = commented or bool(optional_part)
    note = _note(info, annotation, required, model)
    emit = _emitter(lines, hide)
    if name == "kind":
        emit(f"{lead}kind: {typing.get_args(annotation)[0]}  # the kind of paper; keep it first")
    elif _model(annotation):
        inner = _model(annotation)
        emit(f"{lead}{name}:  # {note}")
        _fields(inner, indent + 2, lines, (*stack, inner), commented=hide)
    elif typing.get_origin(annotation) is list and _model(typing.get_args(annotation)[0]) in stack:
        emit(f"{lead}{name}: []  # {note} Each has the same fields as the part above.")
    elif typing.get_origin(annotation) is list:
        emit(f"{lead}{name}:  # {note}")
        _item(info, typing.get_args(annotation)[0], indent + 2, lines, (*stack,), hide, model)
    elif typing.get_origin(annotation) is dict:
        emit(f"{lead}{name}: {{}}  # {note}")
    elif not required and info.default is not None:
        emit(f"{lead}{name}: {_scalar(info.default)}  # {note}")
    else:
        emit(f"{lead}{name}:  # {note}")


def _item(info: FieldInfo, annotation: Any, indent: int, lines: list[str], stack: tuple[type, ...], hide: bool, owner: type) -> None:
    inner = _model(annotation)
    lead = " " * indent + "- "
    if inner is None:
        emit = _emitter(lines, hide)
        for example in _item_examples(info, annotation, owner):
            emit(f"{lead} # {_describe(annotation)}, e.g. {example}")
    else:
        _fields(inner, indent + 2, lines, (*stack, inner), commented=hide, first=lead)


def _emitter(lines: list[str], hide: bool) -> typing.Callable[[str], None]:
    return lambda line: lines.append(_comment_out(line) if hide else line)


def _comment_out(line: str) -> str:
    body = line.lstrip(" ")
    return f"{line[: len(line) - len(body)]}# {body}" if not body.startswith("# ") else line


def _note(info: FieldInfo, annotation: Any, required: bool, owner: type) -> str:
    what = "required" if required else "optional"
    description = info.description or _sentence(getattr(_model(annotation), "__doc__", None))
    parts = [f"{what}: {_describe(annotation)}.", description or ""]
    if _is_scalar(annotation) and (required or info.default is None):
        parts.append(f"e.g. {_example(info, annotation, owner)}")
    return " ".join(p for p in parts if p).replace("\n", " ")


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
    return [_example(None, annotation, owner)]


def _example(info: FieldInfo | None, annotation: Any, owner: type) -> str:
    """Return an example value of a field: the model's first example, else its type's, else one made from its type."""
    examples = _examples_of(info) if info is not None else _type_examples(annotation)
    if examples:
        return _scalar(examples[0])
    annotation = _strip(annotation)
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
    text = str(value)
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
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
