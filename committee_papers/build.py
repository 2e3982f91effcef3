"""The build: load and validate every paper first, then render and write each one."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ContentError, PaperError, Problem, ThemeError
from .loader import Source, load
from .models import PaperBase
from .theme import Theme, load_theme
from .validate import validate

logger = logging.getLogger(__name__)

FORMATS = ("pdf", "docx", "html")


@dataclass
class Config:
    """Where the sources are and what to do with them."""

    root: Path
    papers: list[Path] = field(default_factory=list)
    """Only these papers; every paper in content/ when empty."""

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def output(self) -> Path:
        return self.root / "output"


@dataclass
class Job:
    """A paper that passed validation, ready to render."""

    source: Source
    paper: PaperBase
    theme: Theme

    def target(self, config: Config, extension: str) -> Path:
        """Return where one output of the paper goes: output/<council>/<path in content>."""
        relative = self.source.path.resolve().relative_to(config.content.resolve())
        return (config.output / self.theme.slug / relative).with_suffix(f".{extension}")


@dataclass
class Report:
    """What a build did: papers checked or built, and what failed with why."""

    built: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    failed: dict[str, list[str]] = field(default_factory=dict)
    outputs: dict[str, list[str]] = field(default_factory=dict)
    """The files each built paper was written to, as paths from the project root."""

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self, verb: str) -> str:
        """Return the one-line summary the command line ends with."""
        done = self.built if verb == "built" else self.checked
        line = f"{len(done)} paper{'s' * (len(done) != 1)} {verb}"
        if self.failed:
            line += f", {len(self.failed)} failed: {', '.join(self.failed)}"
        return line


def sources(config: Config) -> list[Path]:
    """Return the paper sources to build, in a stable order."""
    if config.papers:
        return [p.resolve() for p in config.papers]
    meetings = config.content / "meetings"
    return sorted(p for p in config.content.rglob("*.yaml") if not p.is_relative_to(meetings))


def check(config: Config) -> tuple[list[Job], Report]:
    """Load and validate every paper and its theme; render nothing."""
    report = Report()
    themes: dict[str, Theme | PaperError] = {}
    jobs = []
    for path in sources(config):
        name = _name(path, config.root)
        try:
            job = _check_one(path, name, config, themes)
        except ContentError as err:
            report.failed[name] = [str(p) for p in err.problems]
            continue
        jobs.append(job)
        report.checked.append(name)
    return jobs, report


def _check_one(path: Path, name: str, config: Config, themes: dict[str, Theme | PaperError]) -> Job:
    if not path.is_file():
        raise ContentError([Problem(name, 1, 1, "", "no such file")])
    if not path.is_relative_to(config.content.resolve()):
        raise ContentError([Problem(name, 1, 1, "", f"papers live in {_name(config.content, config.root)}/; this file is outside it")])
    source = load(path, name)
    paper = validate(source)
    if paper.council not in themes:
        try:
            themes[paper.council] = load_theme(config.templates, paper.council, config.root)
        except (ThemeError, ContentError) as err:
            themes[paper.council] = err
    theme = themes[paper.council]
    if isinstance(theme, ContentError):
        raise ContentError([*theme.problems, source.problem(("council",), "the council's theme has problems (above)")])
    if isinstance(theme, PaperError):
        raise ContentError([source.problem(("council",), str(theme))])
    return Job(source, paper, theme)


Progress = Callable[[str, int, int], None]
"""Told the paper about to be rendered, how many are done and how many there are."""


def build(config: Config, progress: Progress | None = None) -> Report:
    """Check every paper, then render each valid one to PDF, DOCX and HTML."""
    jobs, report = check(config)
    if not jobs:
        return report
    from .render import Renderer  # the renderers are imported only when there is work for them

    renderer = Renderer(config)
    for done, job in enumerate(jobs):
        name = job.source.name
        if progress:
            progress(name, done, len(jobs))
        try:
            renderer.render(job)
        except PaperError as err:
            report.failed[name] = [f"{name}: {err}"]
            continue
        report.built.append(name)
        report.outputs[name] = [_name(job.target(config, extension), config.root) for extension in FORMATS]
        logger.info("built %s", name)
    return report


def _name(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
