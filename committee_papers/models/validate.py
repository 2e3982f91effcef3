"""Turn a loaded source into a typed paper, or into messages an officer can act on."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..sources.errors import ContentError, Problem, did_you_mean
from ..sources.loader import Path_, Source, load
from ..sources.prose import text_problems
from ..sources.spreadsheets import fill_rows
from . import Paper
from .common import Table
from .memo import walked_once
from .messages import describe, problems_of
from .paper import blocks_of, texts
from .risk import heat_map_problems
from .status import status_refs, unknown_status
from .theme import Theme


def validate(
    source: Source,
    kinds: dict[str, Any],
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
        raise ContentError([source.problem((), f"expected a mapping of fields starting with 'kind:', got {describe(data)}")])
    sheets = fill_rows(source, content or source.path.parent)
    model = _kind(source, data.get("kind"), kinds)
    try:
        paper = model.model_validate(data, context=_context(model))
    except ValidationError as err:
        raise ContentError(problems_of(source, model, err)) from None
    _keep_sheets(paper, sheets)
    with walked_once():  # a dozen checks each walk the whole paper, which none of them changes
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


def _context(model: type[Any]) -> dict[str, Any]:
    """Return what checking a paper needs of its kind (a meeting needs nothing)."""
    context = getattr(model, "validation_context", None)
    return context() if context is not None else {}


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
    rated = any(isinstance(m, Table) and any(c.type == "status" and c.scale is None for c in m.column_specs) for _, m in models)
    if rated and paper.status_scale and theme.scale(paper.status_scale) is None and not any(status_refs(paper)):
        found.append((("status_scale",), f"the theme {theme.slug!r} has no status scale {paper.status_scale!r} (its scales: {', '.join(theme.statuses) or 'none'})"))
    return found + heat_map_problems(models, theme)


def _kind(source: Source, kind: Any, kinds: dict[str, Any]) -> type[Any]:
    if isinstance(kind, str) and isinstance(kinds.get(kind), ContentError):  # a council's kind file that is wrong
        return _broken_kind(source, kinds[kind])
    if isinstance(kind, str) and kind in kinds:
        return kinds[kind]
    known = ", ".join(kinds)
    if kind is None:
        raise ContentError([source.problem((), f"expected 'kind:' first, naming one of: {known}")])
    suggestion = did_you_mean(kind, kinds) if isinstance(kind, str) else ""
    raise ContentError([source.problem(("kind",), f"expected one of: {known}, got {describe(kind)}{suggestion}")])


def _broken_kind(source: Source, error: ContentError) -> type[Any]:
    raise ContentError([*error.problems, source.problem(("kind",), "the kind file of this kind has problems (above)")])
