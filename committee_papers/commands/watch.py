"""Rebuild papers as soon as their YAML, a data file, a template or a theme is saved, and say how it went on one screen."""

from __future__ import annotations

import io
import logging
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..pipeline.build import Config, Report, build
from ..pipeline.checking import sources
from ..sources.errors import PaperError
from .console import Console

logger = logging.getLogger(__name__)

CLEAR = "\x1b[2J\x1b[H"


def affected(config: Config, changed: Iterable[Path]) -> list[Path]:
    """Return the papers a set of saved files calls for: all of them for a template, theme or data file, else the papers saved.

    Building all of them costs little: the build lays out again only those whose inputs changed.
    """
    watched = sources(config)
    shared = [config.templates.resolve(), (config.content / "data").resolve()]
    changed = [Path(p).resolve() for p in changed]
    if any(p.is_relative_to(folder) for p in changed for folder in shared):
        return watched
    content = config.content.resolve()
    papers = {p.resolve() for p in watched}
    return [p for p in changed if p in papers or (not config.papers and p.suffix == ".yaml" and p.is_relative_to(content) and p.is_file())]


@dataclass
class Rebuilt:
    """What one rebuild did: the sources it built, the build's report (None if it could not finish) and the screen to show."""

    papers: list[Path] = field(default_factory=list)
    report: Report | None = None
    screen: str = ""


def rebuild(config: Config, changed: Iterable[Path] | None = None) -> str:
    """Build the papers a change calls for (every watched paper when None) and return the screen to show."""
    return rebuild_affected(config, changed).screen


def rebuild_affected(config: Config, changed: Iterable[Path] | None = None) -> Rebuilt:
    """Build the papers a change calls for (every watched paper when None), in this process, and say what happened."""
    papers = sources(config) if changed is None else affected(config, changed)
    if not papers:
        return Rebuilt()
    out, err = io.StringIO(), io.StringIO()
    report = None
    try:
        report = build(replace(config, papers=papers))
        Console(out=out, err=err).report(report, "built")
    except PaperError as error:
        err.write(f"error: {error}\n")
    except Exception:  # noqa: BLE001 - a bug must not end the officer's session; show it and keep watching
        err.write(traceback.format_exc())
        err.write("This is a bug in committee-papers, not in the paper; please report it.\n")
    return Rebuilt(papers, report, err.getvalue() + out.getvalue())


def watch(config: Config, *, show: Console) -> int:
    """Build once, then rebuild on every save until interrupted."""
    from watchfiles import watch as changes  # imported here: only this command needs it

    started = False
    try:
        # The first build waits for the watcher's first (empty) tick, so a save made during it is not missed.
        batches = changes(config.content, config.templates, watch_filter=relevant, yield_on_timeout=True, rust_timeout=500)
        for batch in batches:
            screen = rebuild(config, [Path(path) for _, path in batch] if started else None)
            started = True
            if screen:
                _show(show, screen)
    except KeyboardInterrupt:
        pass
    return 0


WATCHED = {".yaml", ".j2", ".css", ".docx", ".png", ".jpg", ".jpeg", ".svg", ".csv", ".xlsx", ".xlsm"}
"""Sources, data files (spreadsheets too), templates, themes and their assets: what a save of calls for a rebuild."""


def relevant(change: object, path: str) -> bool:
    """Tell whether a saved file is one the build reads (not an editor's swap or lock file, such as Excel's ~$kpis.xlsx)."""
    name = Path(path).name
    return not name.startswith((".", "~$")) and Path(path).suffix.lower() in WATCHED


def _show(show: Console, screen: str) -> None:
    clear = CLEAR if show.out.isatty() else ""
    show.out.write(f"{clear}{screen}watching content/ and templates/ for changes; Ctrl+C to stop\n")
    show.out.flush()
