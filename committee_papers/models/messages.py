"""Pydantic's validation errors as messages an officer can act on, at the lines they were written."""

from __future__ import annotations

import difflib
import re
import types
import typing
from typing import Any, Union

from pydantic import BaseModel, ValidationError
from pydantic_core.core_schema import ErrorType

from ..sources.errors import Problem, did_you_mean
from ..sources.loader import Path_, Source
from .blocks import BLOCK_KEYS
from .common import TAG_PREFIX


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
    got = describe(error.get("input"))
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
        # A check on a whole mapping (a status's colours, say), or one that names what it found, says it already.
        return message if isinstance(error.get("input"), (dict, list)) or ", got " in message else f"{message}; got {got}"
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


def describe(value: Any) -> str:
    """Say what an officer wrote, in a few words: nothing, a mapping, a list, or the text itself."""
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
    return describe(value)


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
            tagged = [m for m in members if part is not None and _tag(m) == part]
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
