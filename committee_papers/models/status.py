"""Statuses in content: names from the council's scale (theme `statuses`), checked against it.

A paper never says what a status looks like or means; it names one (Green,
Completed, N/A ...) and the council's theme gives its colour, mark and key
text. A status is a field typed `StatusName` (or a mapping keyed by one);
`status_refs` finds them all, so a new kind gets the check for nothing.
"""

from __future__ import annotations

import difflib
import typing
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Annotated, Any

from pydantic import BaseModel, Field

from .common import Strict, TypeHelp, by_shape


class _StatusMarker:
    """Marks a field (or the key type of a mapping) as holding a status name."""

    def __repr__(self) -> str:
        return "STATUS"


STATUS = _StatusMarker()

StatusName = Annotated[
    str, STATUS, TypeHelp("A status of the council's scale, as its theme labels it: Green."), Field(examples=["Green"])
]


class LabelledStatus(Strict):
    """One labelled part of a several-part status: "Nos in Treatment: Amber"."""

    label: str
    """What this part of the status is about."""
    status: StatusName
    """The status of this part, as the council's scale labels it: Amber."""


Rating = by_shape(
    {str: StatusName, list: list[LabelledStatus]},
    "expected a status such as Green, or a list of mappings with label and status",
)
"""A status, or several labelled statuses in one cell."""


def ratings(value: str | list[LabelledStatus] | None) -> list[str]:
    """Return the status names a rating holds, in order."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [part.status for part in value]


def count(statuses: Iterable[str]) -> Counter[str]:
    """Return how many times each status occurs."""
    return Counter(statuses)


def _marked(annotation: Any) -> bool:
    """Return whether a type is, or directly contains, a status name."""
    if STATUS in getattr(annotation, "__metadata__", ()):
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return False
    return any(_marked(arg) for arg in typing.get_args(annotation))


def _keys_marked(annotation: Any) -> bool:
    """Return whether a mapping's keys are status names (not a mapping of such mappings)."""
    if typing.get_origin(annotation) is dict:
        return _marked(typing.get_args(annotation)[0])
    return any(_keys_marked(arg) for arg in typing.get_args(annotation))


@lru_cache(maxsize=None)
def _status_fields(model: type[BaseModel]) -> tuple[tuple[str, bool], ...]:
    """Return the fields of a model that hold status names, each with whether a mapping's keys are the names.

    Worked out once per class: a paper of a few hundred rows asked it of every row's annotations.
    """
    return tuple(
        (name, _keys_marked(info.annotation))
        for name, info in model.model_fields.items()
        if _marked(info.annotation) or STATUS in info.metadata
    )


def status_refs(paper: Any) -> Iterator[tuple[tuple[Any, ...], str, bool]]:
    """Yield (path, status name, written as a key) for every status in a validated model."""
    from .paper import blocks_of

    for path, model in blocks_of(paper):
        for name, keys_marked in _status_fields(type(model)):
            value = getattr(model, name)
            if isinstance(value, str):
                yield (*path, name), value, False
            elif isinstance(value, dict) and not keys_marked:  # mappings keyed by status, by measure
                for outer, inner in value.items():
                    for key in inner if isinstance(inner, dict) else ():
                        yield (*path, name, outer, key), key, True
            elif isinstance(value, dict):
                for key in value:
                    yield (*path, name, key), key, True
            elif isinstance(value, (list, tuple)):
                for index, item in enumerate(value):
                    if isinstance(item, str):
                        yield (*path, name, index), item, False


def unknown_status(label: str, scale_name: str, labels: list[str]) -> str:
    """Return the message for a status the scale does not have, with a did-you-mean."""
    lowered = {option.lower(): option for option in labels}
    close = lowered.get(label.lower()) or next(
        iter(difflib.get_close_matches(label.lower(), list(lowered), n=1, cutoff=0.5)), None
    )
    hint = f" (did you mean {lowered.get(close, close)!r}?)" if close else ""
    return f"expected a status of the council's {scale_name!r} scale ({', '.join(labels)}), got {label!r}{hint}"
