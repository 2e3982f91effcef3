"""The build: load and validate every paper and meeting first, then lay out what changed and bind the packs."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cache import Fingerprints, Manifest
from .errors import ContentError, PaperError, Problem, ThemeError
from .loader import Source, load
from .models import PaperBase
from .models.meeting import Meeting
from .output import write_all
from .packs import Pack, check_meeting
from .theme import Theme, load_theme
from .revision import version_stamp
from .validate import validate

logger = logging.getLogger(__name__)

FORMATS = ("pdf", "docx", "html")


@dataclass
class Config:
    """Where the sources are and what to do with them."""

    root: Path
    papers: list[Path] = field(default_factory=list)
    """Only these papers (or meetings); every one in content/ when empty."""
    force: bool = False
    """Lay out everything again, whatever the manifest says is up to date."""
    jobs: int = 1
    """How many processes lay papers out at once."""

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
    stamp: str | None = None
    """A draft's version stamp (revision and date); None for a final paper."""

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
    up_to_date: list[str] = field(default_factory=list)
    """Papers and packs whose outputs were already made from the same inputs."""
    outputs: dict[str, list[str]] = field(default_factory=dict)
    """The files each built paper was written to, as paths from the project root."""

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self, verb: str) -> str:
        """Return the one-line summary the command line ends with."""
        done = self.built if verb == "built" else self.checked
        line = _count(len(done), "paper") + f" {verb}"
        if self.packs:
            line += f", {_count(len(self.packs), 'agenda pack')} built"
        if self.up_to_date and verb == "built":
            line += f", {len(self.up_to_date)} up to date"
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

    def get(self, council: str) -> Theme | None:
        """Return a council's theme, or None if it cannot be loaded (of() says why)."""
        if council not in self._loaded:
            try:
                self._loaded[council] = load_theme(self.config.templates, council, self.config.root)
            except (ThemeError, ContentError) as err:
                self._loaded[council] = err
        theme = self._loaded[council]
        return theme if isinstance(theme, Theme) else None

    def of(self, source: Source, council: str) -> Theme:
        """Return the theme a source names, or raise ContentError at its council field."""
        self.get(council)
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


def sources(config: Config) -> list[Path]:
    """Return every paper and meeting to build (or just those named), in a stable order."""
    return _selected(config, meeting=False) + _selected(config, meeting=True)


def _selected(config: Config, *, meeting: bool) -> list[Path]:
    """Return the named sources (or all of content/) that are meetings, or that are papers.

    content/data holds the data files papers name; they are read with their papers, never built alone.
    """
    folder, data = config.meetings.resolve(), (config.content / "data").resolve()
    paths = [p.resolve() for p in config.papers] if config.papers else sorted(config.content.resolve().rglob("*.yaml"))
    return [p for p in paths if p.is_relative_to(folder) == meeting and not p.is_relative_to(data)]


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
    paper = validate(source, theme_of=themes.get, content=config.content)
    return Job(source, paper, themes.of(source, paper.council), _stamp(source, paper))


def _stamp(source: Source, paper: PaperBase) -> str | None:
    """Return a draft's version stamp, from git and the paper's own date; None for a final paper."""
    if paper.status != "draft":
        return None
    files = [source.path, *(data.path for data, _ in paper.data_sources())]
    return version_stamp(paper, files)


Progress = Callable[[str, int, int], None]
"""Told the paper just laid out, how many are done and how many there are."""


def build(config: Config, progress: Progress | None = None) -> Report:
    """Check every paper and meeting, then lay out what changed and bind each pack."""
    checked = check(config)
    plan = Plan(config, checked)
    checked.report.up_to_date = plan.up_to_date(checked)
    if plan.papers or plan.packs:  # a build with nothing to do imports no renderer
        plan.carry_out(checked.report, progress or (lambda name, done, total: None))
        plan.manifest.save()
    return checked.report


class Plan:
    """What a build must lay out and bind: papers and packs whose inputs changed since the last build."""

    def __init__(self, config: Config, checked: Checked) -> None:
        self.config = config
        self.manifest = Manifest(config.output, forget=config.force)
        self.prints = Fingerprints(config.templates)
        self.papers = [j for j in checked.jobs if not self.manifest.fresh(j.source.name, self.digest(j), self.targets(j))]
        self.packs = [p for p in checked.packs if config.force or not self.manifest.fresh(p.source.name, self.pack_digest(p), self.pack_targets(p))]

    def digest(self, job: Job) -> str:
        """Return the hash of what a paper's outputs are made from."""
        data = [source.digest for source, _ in job.paper.data_sources()]
        return self.prints.source(job.source.digest, job.theme.slug, job.stamp or "", *data)

    def pack_digest(self, pack: Pack) -> str:
        """Return the hash of what a pack is made from: its meeting, its papers, its templates."""
        papers = [self.digest(e.job) for e in pack.items if e.job]
        return self.prints.source(pack.source.digest, pack.theme.slug, *papers)

    def targets(self, job: Job) -> list[Path]:
        """Return a paper's output files."""
        return [job.target(self.config, ext) for ext in FORMATS]

    def pack_targets(self, pack: Pack) -> list[Path]:
        """Return a pack's output files."""
        names = ["agenda.pdf", "agenda.docx", "agenda.html", "index.html", "public-pack.pdf"]
        names += ["confidential-pack.pdf"] if any(e.item.exempt for e in pack.items) else []
        return [self.pack_folder(pack) / name for name in names]

    def paper_links(self, pack: Pack) -> dict[str, dict[str, str]]:
        """Return where each public paper's outputs are, relative to the pack's folder, by item number."""
        folder = self.pack_folder(pack)
        return {
            e.number: {ext: Path(os.path.relpath(e.job.target(self.config, ext), folder)).as_posix() for ext in FORMATS}
            for e in pack.items if e.job and not e.item.exempt
        }

    def pack_folder(self, pack: Pack) -> Path:
        """Return where a pack's files go: output/meetings/<meeting>/."""
        return self.config.output / "meetings" / pack.slug

    def up_to_date(self, checked: Checked) -> list[str]:
        """Return the papers and packs that need no work."""
        papers = [j.source.name for j in checked.jobs if j not in self.papers]
        return papers + [p.source.name for p in checked.packs if p not in self.packs]

    def carry_out(self, report: Report, progress: Progress) -> None:
        """Lay out the papers on the workers, then bind the packs here from the papers' own PDFs."""
        from .workers import Workers, lay_out_paper

        total = len(self.papers) + len(self.packs)
        with Workers(self.config.content, self.config.templates, self.config.jobs) as workers:
            for done, (job, outcome) in enumerate(zip(self.papers, workers.map(lay_out_paper, [_task(j) for j in self.papers]))):
                progress(outcome.name, done, total)
                report.rendered += outcome.rendered
                self._write_paper(job, outcome, report)
        if self.packs:
            self._bind_packs(report, progress, total)

    def _write_paper(self, job: Job, outcome: Any, report: Report) -> None:
        name = job.source.name
        if outcome.error is not None:
            report.failed[name] = [f"{name}: {outcome.error}"]
            self.manifest.record(name, None)
            return
        write_all({job.target(self.config, ext): data for ext, data in outcome.files.items()})
        self.manifest.record(name, self.digest(job))
        report.built.append(name)
        report.outputs[name] = [_name(path, self.config.root) for path in self.targets(job)]
        logger.info("built %s", name)

    def _bind_packs(self, report: Report, progress: Progress, total: int) -> None:
        from .binder import Assembler
        from .render import Renderer

        renderer = Renderer(self.config.content, self.config.templates)
        for done, pack in enumerate(self.packs, total - len(self.packs)):
            progress(pack.source.name, done, total)
            self._bind(pack, Assembler(renderer), report)
        report.rendered += renderer.rendered

    def _bind(self, pack: Pack, assembler: Any, report: Report) -> None:
        name = pack.source.name
        # A pack binds each paper's own PDF, as built (now or before): a paper is laid out once, however many packs bind it.
        failed = [e.job.source.name for e in pack.items if e.job and (e.job.source.name in report.failed or not e.job.target(self.config, "pdf").is_file())]
        if failed:
            report.failed[name] = [f"{name}: its papers failed to build: {', '.join(dict.fromkeys(failed))}"]
            self.manifest.record(name, None)
            return
        try:
            papers = {e.number: e.job.target(self.config, "pdf").read_bytes() for e in pack.items if e.job}
            files = assembler.build(pack, papers, self.paper_links(pack))
        except PaperError as err:
            report.failed[name] = [f"{name}: {err}"]
            self.manifest.record(name, None)
            return
        write_all({self.pack_folder(pack) / file: data for file, data in files.items()})
        report.outputs[name] = [_name(self.pack_folder(pack) / file, self.config.root) for file in files]
        self.manifest.record(name, self.pack_digest(pack))
        report.packs.append(name)
        logger.info("bound %s", name)


def _task(job: Job) -> Any:
    """Return what a worker needs to lay out a paper."""
    from .provenance import Origin
    from .workers import Task

    origin = Origin.of(job.source, [source for source, _ in job.paper.data_sources()])
    return Task(job.source.name, job.paper, job.theme, job.source.path.parent, job.stamp, origin)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def _name(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
