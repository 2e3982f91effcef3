"""The build: load and validate every paper first, then render and write each one."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cache import PdfCache, inputs_digest, tree_digest
from .errors import ContentError, PaperError, Problem, ThemeError
from .loader import Source, load
from .models import PaperBase
from .models.meeting import Meeting
from .output import write_all
from .packs import Pack, check_meeting
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

    @property
    def meetings(self) -> Path:
        return self.content / "meetings"


@dataclass
class Job:
    """A paper that passed validation, ready to render."""

    source: Source
    paper: PaperBase
    theme: Theme

    def target(self, config: Config, extension: str) -> Path:
        """Return where one output of the paper goes: output/<council>/<path in content>.

        An exempt paper goes under output/confidential/ instead, so that
        publishing output/<council>/ can never publish it.
        """
        relative = self.source.path.resolve().relative_to(config.content.resolve())
        folder = config.output / "confidential" if self.paper.exempt else config.output
        return (folder / self.theme.slug / relative).with_suffix(f".{extension}")


@dataclass
class Report:
    """What a build did: papers and packs checked or built, what failed with why, what the clerk should know."""

    built: list[str] = field(default_factory=list)
    packs: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    failed: dict[str, list[str]] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)
    """Every layout the build made, in order: what a rebuild could not reuse."""

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self, verb: str) -> str:
        """Return the one-line summary the command line ends with."""
        done = self.built if verb == "built" else self.checked
        line = _count(len(done), "paper") + f" {verb}"
        if self.packs:
            line += f", {_count(len(self.packs), 'agenda pack')} built"
        if self.failed:
            line += f", {len(self.failed)} failed: {', '.join(self.failed)}"
        return line


@dataclass
class Checked:
    """Phase one's result: the papers and packs ready to render, and the report so far."""

    jobs: list[Job]
    packs: list[Pack]
    report: Report


class Themes:
    """Each council's theme, loaded once however many papers name it."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._loaded: dict[str, Theme | PaperError] = {}

    def of(self, source: Source, council: str) -> Theme:
        """Return the theme a source names, or raise ContentError at its council field."""
        if council not in self._loaded:
            try:
                self._loaded[council] = load_theme(self.config.templates, council, self.config.root)
            except (ThemeError, ContentError) as err:
                self._loaded[council] = err
        theme = self._loaded[council]
        if isinstance(theme, ContentError):
            raise ContentError([*theme.problems, source.problem(("council",), "the council's theme has problems (above)")])
        if isinstance(theme, PaperError):
            raise ContentError([source.problem(("council",), str(theme))])
        return theme


def check(config: Config) -> Checked:
    """Load and validate every paper and meeting, with their themes; render nothing."""
    report = Report()
    themes = Themes(config)
    meetings = _load_meetings(config, _selected(config, meeting=True), report)
    wanted = _selected(config, meeting=False)
    if config.papers:  # a named meeting brings the papers it binds
        wanted += [(config.content / item.paper).resolve() for _, m in meetings for item in m.items if item.paper]
    papers: dict[Path, Job | ContentError] = {}
    for path in dict.fromkeys(wanted):
        name = _name(path, config.root)
        try:
            papers[path] = _check_paper(path, name, config, themes)
        except ContentError as err:
            papers[path] = err
            report.failed[name] = [str(p) for p in err.problems]
            continue
        report.checked.append(name)
    packs = [p for p in (_check_pack(s, m, config, themes, papers, report) for s, m in meetings) if p]
    jobs = [job for job in papers.values() if isinstance(job, Job)]
    return Checked(jobs, packs, report)


def _selected(config: Config, *, meeting: bool) -> list[Path]:
    """Return the named sources (or all of content/) that are meetings, or that are papers."""
    folder = config.meetings.resolve()
    paths = [p.resolve() for p in config.papers] if config.papers else sorted(config.content.resolve().rglob("*.yaml"))
    return [p for p in paths if p.is_relative_to(folder) == meeting]


def _load_meetings(config: Config, paths: list[Path], report: Report) -> list[tuple[Source, Meeting]]:
    loaded = []
    for path in paths:
        name = _name(path, config.root)
        try:
            source = load(path, name)
            loaded.append((source, validate(source, {"meeting": Meeting})))
        except ContentError as err:
            report.failed[name] = [str(p) for p in err.problems]
    return loaded


def _check_pack(source: Source, meeting: Meeting, config: Config, themes: Themes, papers: dict[Path, Job | ContentError], report: Report) -> Pack | None:
    try:
        pack = check_meeting(source, meeting, themes.of(source, meeting.council), config.content, papers)
    except ContentError as err:
        report.failed[source.name] = [str(p) for p in err.problems]
        return None
    report.checked.append(source.name)
    report.notices += pack.notices
    return pack


def _check_paper(path: Path, name: str, config: Config, themes: Themes) -> Job:
    if not path.is_file():
        raise ContentError([Problem(name, 1, 1, "", "no such file")])
    if not path.is_relative_to(config.content.resolve()):
        raise ContentError([Problem(name, 1, 1, "", f"papers live in {_name(config.content, config.root)}/; this file is outside it")])
    source = load(path, name)
    paper = validate(source)
    theme = themes.of(source, paper.council)
    problems = [source.problem(path, message) for path, message in paper.theme_problems(theme)]
    if problems:
        raise ContentError(problems)
    return Job(source, paper, theme)


def build(config: Config) -> Report:
    """Check every paper and meeting, then render each valid paper and bind each valid pack."""
    checked = check(config)
    report = checked.report
    if not checked.jobs and not checked.packs:
        return report
    # The renderers are imported only when there is work for them.
    from .binder import Assembler
    from .render import Renderer

    renderer = Renderer(config.content, config.templates)
    for job in checked.jobs:
        _build_paper(job, renderer, config, report)
    assembler = Assembler(renderer, PdfCache(config.output), lambda job, number: paper_digest(config, job, number))
    for pack in checked.packs:
        _build_pack(pack, assembler, config, report)
    report.rendered = renderer.rendered
    return report


def _build_paper(job: Job, renderer: Any, config: Config, report: Report) -> None:
    name = job.source.name
    try:
        files = renderer.outputs(job.paper, job.theme, job.source.path.parent, name)
    except PaperError as err:
        report.failed[name] = [f"{name}: {err}"]
        return
    write_all({job.target(config, ext): data for ext, data in files.items()})
    report.built.append(name)
    logger.info("built %s", name)


def _build_pack(pack: Pack, assembler: Any, config: Config, report: Report) -> None:
    name = pack.source.name
    failed = [e.job.source.name for e in pack.items if e.job and e.job.source.name in report.failed]
    if failed:
        report.failed[name] = [f"{name}: its papers failed to build: {', '.join(failed)}"]
        return
    try:
        files = assembler.build(pack)
    except PaperError as err:
        report.failed[name] = [f"{name}: {err}"]
        return
    folder = config.output / "meetings" / pack.slug
    write_all({folder / file: data for file, data in files.items()})
    report.packs.append(name)
    logger.info("bound %s", name)


def paper_digest(config: Config, job: Job, agenda_item: str) -> str:
    """Return the hash of everything a paper's laid-out PDF depends on."""
    templates = [tree_digest(config.templates / "default"), tree_digest(config.templates / job.theme.slug)]
    return inputs_digest(job.source.digest, *templates, agenda_item, os.environ.get("SOURCE_DATE_EPOCH", ""))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def _name(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
