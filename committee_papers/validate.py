"""Turn a loaded source into a typed paper, or into messages an officer can act on."""

from __future__ import annotations

import difflib
import posixpath
import re
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any, Union

from pydantic import BaseModel, ValidationError
from pydantic_core.core_schema import ErrorType

from .errors import ContentError, Problem, did_you_mean
from .loader import Path_, Source, load
from .models import KINDS, Paper
from .models.blocks import BLOCK_KEYS
from .models.common import TAG_PREFIX
from .models.paper import blocks_of, texts
from .models.risk import heat_map_problems
from .models.status import status_refs, unknown_status
from .prose import text_problems
from .spreadsheets import fill_rows
from .theme import Theme


def validate(
    source: Source,
    kinds: dict[str, Any] = KINDS,
    theme_of: Callable[[str], Theme | None] | None = None,
    content: Path | None = None,
) -> Any:
    """Return the typed paper (or meeting) of a source, or raise ContentError with every problem in it.

    With `theme_of` (a council's theme, or None when it cannot be loaded) every
    status is checked against the council's scale before the paper's own checks.
    Data files a paper names must lie inside `content` (the paper's folder when not given).
    """
    data = source.data
    if not isinstance(data, dict):
        raise ContentError([source.problem((), f"expected a mapping of fields starting with 'kind:', got {_describe(data)}")])
    sheets = fill_rows(source, content or source.path.parent)
    model = _kind(source, data.get("kind"), kinds)
    try:
        paper = model.model_validate(data)
    except ValidationError as err:
        raise ContentError(problems_of(source, model, err)) from None
    _keep_sheets(paper, sheets)
    problems = _attach_data(source, paper, content or source.path.parent) if isinstance(paper, Paper) else []
    theme = theme_of(paper.council) if theme_of and not problems else None
    if theme is not None:  # every check that needs the council's theme, before the paper's own checks
        problems = check_statuses(source, paper, theme)
        problems += [source.problem(path, message) for path, message in council_problems(paper, theme)]
        problems += [source.problem(path, message) for path, message in paper.theme_problems(theme)]
    if problems:
        raise ContentError(problems)
    problems = [source.problem(path, message) for path, message in paper.problems()]
    sources = [(source, paper), *(paper.data_sources() if isinstance(paper, Paper) else [])]
    problems += [src.problem_at(path, piece, text, message) for src, model in sources for path, text in texts(model) for message, piece in text_problems(text)]
    if problems:
        raise ContentError(problems)
    return paper


def _keep_sheets(paper: Any, sheets: list[tuple[Path_, Source]]) -> None:
    """Keep each spreadsheet a paper's rows came from as one of its data files: a changed workbook makes the paper out of date.

    Its rows are checked where they stand in the paper, so the data file carries no model of its own to check again.
    """
    if isinstance(paper, Paper):
        for path, sheet in sheets:
            paper.attach(path, sheet, None)


def _attach_data(source: Source, paper: Paper, content: Path) -> list[Problem]:
    """Read and check each data file the paper names; return the problems found, in whichever file."""
    found: list[Problem] = []
    folder = source.path.parent
    for path, relative, model in paper.data_files():
        target = (folder / relative).resolve()
        name = posixpath.normpath(posixpath.join(posixpath.dirname(source.name), relative))
        if not target.is_relative_to(content.resolve()):
            found.append(source.problem(path, f"expected a data file inside content/, got {relative!r}: a paper may not read files outside it"))
            continue
        if not target.is_file():
            found.append(source.problem(path, f"expected a data file, got {relative!r}: there is no {name}"))
            continue
        data_source = load(target, name)
        try:
            data = model.model_validate(data_source.data)
        except ValidationError as err:
            found += problems_of(data_source, model, err)
            continue
        check = getattr(data, "problems", None)
        if check is not None:
            found += [data_source.problem(p, message) for p, message in check()]
        paper.attach(path, data_source, data)
    return found


def check_statuses(source: Source, paper: Paper, theme: Theme) -> list[Problem]:
    """Return every status in a paper (and its data files) that the council's scale does not have."""
    refs = [(src, ref) for src, model in [(source, paper), *paper.data_sources()] for ref in status_refs(model)]
    if not refs:
        return []
    scale = theme.scale(paper.status_scale)
    if scale is None:
        if paper.status_scale:
            scales = ", ".join(theme.statuses) or "none"
            message = f"the theme {theme.slug!r} has no status scale {paper.status_scale!r} (its scales: {scales})"
            return [source.problem(("status_scale",), message)]
        message = f"the paper rates statuses but the theme {theme.slug!r} defines none: add `statuses:` to its theme.yaml"
        return [source.problem(("kind",), message)]
    name = paper.status_scale or next(iter(theme.statuses))
    return [
        src.problem(path, unknown_status(label, name, scale.labels), key=key)
        for src, (path, label, key) in refs
        if scale.get(label) is None
    ]


def council_problems(paper: Paper, theme: Theme) -> list[tuple[tuple[Any, ...], str]]:
    """Return what the general blocks of a paper (typed tables, KPIs, registers) find against the council's theme."""
    models = list(blocks_of(paper))
    found = [
        ((*path, *sub), message)
        for path, model in models
        if model is not paper and hasattr(model, "council_problems")
        for sub, message in model.council_problems(theme, paper.status_scale)
    ]
    return found + heat_map_problems(models, theme)


def problems_of(source: Source, model: type[BaseModel], error: ValidationError) -> list[Problem]:
    """Return a pydantic error as problems at the lines of a source.

    A misspelt key leaves its field missing too; the did-you-mean on the
    misspelling says all there is to say, so the missing field is not repeated.
    """
    errors = error.errors()
    misspelt = {(*e["loc"][:-1], _suggestion(model, e)) for e in errors if e["type"] == "extra_forbidden"}
    return [_problem(source, model, e) for e in errors if not (e["type"] == "missing" and tuple(e["loc"]) in misspelt)]


def _suggestion(model: type[BaseModel], error: Any) -> str | None:
    close = difflib.get_close_matches(str(error["loc"][-1]), _fields_at(model, error["loc"][:-1]), n=1, cutoff=0.6)
    return close[0] if close else None


def _kind(source: Source, kind: Any, kinds: dict[str, Any]) -> type[Any]:
    if isinstance(kind, str) and isinstance(kinds.get(kind), ContentError):  # a council's kind file that is wrong
        return _broken_kind(source, kinds[kind])
    if isinstance(kind, str) and kind in kinds:
        return kinds[kind]
    known = ", ".join(kinds)
    if kind is None:
        raise ContentError([source.problem((), f"expected 'kind:' first, naming one of: {known}")])
    suggestion = did_you_mean(kind, kinds) if isinstance(kind, str) else ""
    raise ContentError([source.problem(("kind",), f"expected one of: {known}, got {_describe(kind)}{suggestion}")])


def _broken_kind(source: Source, error: ContentError) -> type[Any]:
    raise ContentError([*error.problems, source.problem(("kind",), "the kind file of this kind has problems (above)")])


def _problem(source: Source, model: type[BaseModel], error: Any) -> Problem:
    loc: Path_ = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith(TAG_PREFIX)))
    kind = error["type"]
    if kind == "extra_forbidden":
        fields = _fields_at(model, error["loc"][:-1])
        return source.problem(loc, f"unknown key{did_you_mean(str(loc[-1]), fields)}; expected one of: {', '.join(fields)}", key=True)
    if kind == "missing":
        return source.problem(loc, "expected a value, got nothing: this field is required")
    return source.problem(loc, _message(kind, error))


def _message(kind: str, error: dict[str, Any]) -> str:
    ctx = error.get("ctx") or {}
    got = _describe(error.get("input"))
    expected = {
        "int_parsing": "a whole number",
        "int_type": "a whole number",
        "int_parsing_size": "a whole number of at most 19 digits",
        "int_from_float": "a whole number",
        "float_parsing": "a number such as 12.5",
        "float_type": "a number such as 12.5",
        "finite_number": "a number such as 12.5",
        "decimal_parsing": "a number such as 12.5",
        "greater_than": f"a number over {ctx.get('gt')}",
        "less_than": f"a number under {ctx.get('lt')}",
        "date_from_datetime_inexact": "an ISO date such as 2007-11-10",
        "date_future": "an ISO date such as 2007-11-10",
        "string_too_short": f"text of at least {ctx.get('min_length')} character(s)",
        "string_too_long": f"text of at most {ctx.get('max_length')} characters",
        "too_long": f"at most {ctx.get('max_length')} item(s)",
        "enum": f"one of {ctx.get('expected')}",
        "bool_parsing": "Yes or No",
        "bool_type": "Yes or No",
        "date_from_datetime_parsing": "an ISO date such as 2007-11-10",
        "date_parsing": "an ISO date such as 2007-11-10",
        "date_type": "an ISO date such as 2007-11-10",
        "string_type": "text",
        "list_type": "a list (lines starting with '- ')",
        "dict_type": "a mapping (lines of 'key: value')",
        "model_type": "a mapping (lines of 'key: value')",
        "model_attributes_type": "a mapping (lines of 'key: value')",
        "greater_than_equal": f"a number of at least {ctx.get('ge')}",
        "less_than_equal": f"a number of at most {ctx.get('le')}",
        "too_short": f"at least {ctx.get('min_length')} item(s)",
        "string_pattern_mismatch": _PATTERNS.get(ctx.get("pattern", ""), f"text matching {ctx.get('pattern')}"),
        "literal_error": f"one of {ctx.get('expected')}",
    }.get(kind)
    if kind in ("too_short", "too_long"):
        return f"expected {expected}, got {ctx.get('actual_length')}"
    if kind == "string_too_long":
        return f"expected {expected}, got {len(str(error.get('input')))}"
    if kind == "literal_error":
        options = [o.strip(" '") for o in str(ctx.get("expected", "")).replace(" or ", ", ").split(",")]
        return f"expected {expected}, got {got}{did_you_mean(str(error.get('input')), options)}"
    if kind == "block_kind":
        return f"{error['msg']}; got {_describe_block(error.get('input'))}"
    if expected:
        hint = _shape_hint(kind, error.get("input"))
        return f"expected {expected}, got {got}" + (f" (hint: {hint})" if hint else "")
    if kind in ("value_error", "assertion_error") or kind not in _PYDANTIC_TYPES:  # our models' own words
        message = error["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        # A check on a whole mapping (a status's colours, say) says in its message what it found.
        return message if isinstance(error.get("input"), (dict, list)) else f"{message}; got {got}"
    # pydantic's own wording is a programmer's: say only what was found
    return f"expected a different kind of value here, got {got}; see the schema for what this field holds"


_MAPPING_TYPES = {"dict_type", "model_type", "model_attributes_type"}


_PYDANTIC_TYPES = frozenset(typing.get_args(ErrorType))
"""The error types pydantic itself raises; any other is a model's own and already in officers' words."""


def _shape_hint(kind: str, value: Any) -> str:
    """Explain the usual cause of a value of the wrong shape in an officer's words."""
    if kind.startswith("date") and isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return f"{value} is not a day of the calendar"
    if kind.startswith("date") and isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ].*", value):
        return "a date without a time"
    if kind.startswith("date") and isinstance(value, str) and value.isdigit():
        return "write the date as year-month-day"
    if kind in _MAPPING_TYPES and isinstance(value, list):
        return "remove the '- ' before the keys"
    if kind in _MAPPING_TYPES and isinstance(value, str):
        return "write each field as 'key: value' on its own line, indented under this one"
    if kind == "list_type" and isinstance(value, dict):
        return "start each item with '- '"
    if kind == "list_type" and isinstance(value, str) and value.startswith("-"):
        return "a list item needs a space after the dash: '- item'"
    if kind == "list_type" and isinstance(value, str):
        return "write each item on its own line starting with '- ', indented under this one"
    if kind == "string_type" and isinstance(value, (dict, list)):
        return "text that contains ': ' or starts with '- ' must be in quotes"
    return ""


# What each pattern in the models means, in an officer's words.
_PATTERNS = {
    r"^[a-z][a-z0-9-]*$": "a short name in lower-case letters, digits and hyphens, starting with a letter",
    r"^#[0-9A-Fa-f]{6}$": "a colour written as #RRGGBB",
    r"^[a-z]{2}(-[A-Z]{2})?$": "a language tag such as en-GB",
    r"^\w[\w .'&+-]{0,63}$": "a font family's name such as Arial (letters, digits, spaces and . ' & + -, at most 64)",
}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _describe_block(value: Any) -> str:
    if isinstance(value, dict) and value:
        key = next(iter(value))
        return f"a mapping starting with {key!r}{did_you_mean(key, BLOCK_KEYS)}"
    return _describe(value)


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Return the keys allowed in the mapping at an error location."""
    current: Any = model
    for part in loc:
        current = _step(current, part)
    target = _model_of(current)
    return list(target.model_fields) if target else []


def _step(annotation: Any, part: Any) -> Any:
    if isinstance(part, str) and part.startswith(TAG_PREFIX):
        return _strip(annotation, part)
    annotation = _strip(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation.model_fields[part].annotation
    args = typing.get_args(annotation)
    return args[-1] if args else annotation


def _strip(annotation: Any, part: Any = None) -> Any:
    """Look through Annotated, Optional and tagged unions to the type at hand."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            tagged = [m for m in members if _tag(m) == part]
            annotation = tagged[0] if tagged else next((m for m in members if _model_of(m)), members[0])
            if tagged:
                return typing.get_args(annotation)[0]
        else:
            return annotation


def _tag(annotation: Any) -> str | None:
    for meta in getattr(annotation, "__metadata__", ()):
        if hasattr(meta, "tag"):
            return meta.tag
    return None


def _model_of(annotation: Any) -> type[BaseModel] | None:
    annotation = _strip(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None
