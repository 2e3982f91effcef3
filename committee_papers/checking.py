"""Phase one of a build: load and validate every paper and meeting, with their themes; lay nothing out.

It imports the models, so the build imports it only once it knows there is
work to do: a build with nothing to do never pays for pydantic.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cache import Checks, Fingerprints
from .errors import ContentError, PaperError, Problem, ThemeError
from .kinds import declared_kinds
from .loader import Source, load
from .models import KINDS, PaperBase
from .models.meeting import Meeting
from .packs import Pack, check_meeting
from .project import Config, Report
from .revision import version_stamp
from .theme import Theme, load_theme
from .validate import validate


@dataclass
class Job:
    """A paper that passed validation, ready to render."""

    source: Source
    paper: PaperBase
    theme: Theme
    stamp: str | None = None
    """A draft's version stamp (revision and date); None for a final paper."""

    def loaded(self) -> Source:
        """Return the paper's source with every value's mark, reading the file again.

        A checked paper keeps only its source's path, name and hash: the
        marks of every value of every paper, held at once, would make the
        build's memory grow with the corpus. Laying a paper out needs them
        for the DOCX's anchors, so they are read again then. A file saved
        since it was checked gives the new marks: its anchors may be a line
        out in this build, and the next build, seeing the new hash, makes it
        again.
        """
        return self.source if self.source.data is not None else load(self.source.path, self.source.name)

    def target(self, config: Config, extension: str) -> Path:
        """Return where one output of the paper goes: output/<council>/<path in content>.

        An exempt paper goes under output/confidential/ instead, so that
        publishing output/<council>/ can never publish it. Papers kept in a
        folder named after their council (content/<council>/...) are not put
        under that name twice.
        """
        relative = self.source.path.resolve().relative_to(config.content.resolve())
        if len(relative.parts) > 1 and relative.parts[0] == self.theme.slug:
            relative = relative.relative_to(self.theme.slug)
        folder = config.output / "confidential" if self.paper.exempt else config.output
        return (folder / self.theme.slug / relative).with_suffix(f".{extension}")


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
        self.warnings: list[str] = []
        """Warnings of the themes loaded so far, each told once."""

    def get(self, council: str) -> Theme | None:
        """Return a council's theme, or None if it cannot be loaded (of() says why)."""
        if council not in self._loaded:
            try:
                self._loaded[council] = load_theme(self.config.templates, council, self.config.root)
            except (ThemeError, ContentError) as err:
                self._loaded[council] = err
            else:
                self.warnings += self._loaded[council].warnings
        theme = self._loaded[council]
        return theme if isinstance(theme, Theme) else None

    def of(self, source: Source, council: str) -> Theme:
        """Return the theme a source names, or raise ContentError at its council field."""
        self.get(council)
        theme = self._loaded[council]
        if isinstance(theme, ContentError):
            raise ContentError([*theme.problems, source.problem(("council",), "the council's theme has problems, told in its own lines")])
        if isinstance(theme, PaperError):
            raise ContentError([source.problem(("council",), str(theme))])
        return theme


def check(config: Config, checks: Checks | None = None, prints: Fingerprints | None = None) -> Checked:
    """Load and validate every paper and meeting, with their themes; render nothing.

    With `checks`, a paper whose source, data files, theme and engine are as
    they were when it last passed is not loaded or validated again; `prints`
    are the build's hashes of them, so each file is read for them once.
    """
    report = Report()
    themes = Themes(config)
    checks = checks or Checks(config.output, forget=True)
    prints = prints or Fingerprints(config)
    meetings = _load_meetings(config, _selected(config, meeting=True), report)
    wanted = _selected(config, meeting=False)
    if config.papers:  # a named meeting brings the papers it binds
        wanted += [(config.content / item.paper).resolve() for _, m in meetings for item in m.items if item.paper]
    papers: dict[Path, Job | ContentError] = {}
    for path in dict.fromkeys(wanted):
        name = _name(path, config.root)
        try:
            papers[path] = _check_paper(path, name, config, themes, checks, prints)
        except ContentError as err:
            papers[path] = err
            report.failed[name] = err.lines
            continue
        report.checked.append(name)
    packs = [p for p in (_check_pack(s, m, config, themes, papers, report) for s, m in meetings) if p]
    jobs = [job for job in papers.values() if isinstance(job, Job)]
    report.notices += themes.warnings
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
            report.failed[name] = err.lines
    return loaded


def _check_pack(source: Source, meeting: Meeting, config: Config, themes: Themes, papers: dict[Path, Job | ContentError], report: Report) -> Pack | None:
    try:
        pack = check_meeting(source, meeting, themes.of(source, meeting.council), config.content, papers)
    except ContentError as err:
        report.failed[source.name] = err.lines
        return None
    report.checked.append(source.name)
    report.notices += pack.notices
    return pack


def _check_paper(path: Path, name: str, config: Config, themes: Themes, checks: Checks, prints: Fingerprints) -> Job:
    if not path.is_file():
        raise ContentError([Problem(name, 1, 1, "", "no such file")])
    if not path.is_relative_to(config.content.resolve()):
        raise ContentError([Problem(name, 1, 1, "", f"papers live in {_name(config.content, config.root)}/; this file is outside it")])
    remembered = checks.get(name, path, prints)
    if remembered is not None:
        source, paper = remembered
        return Job(source, paper, themes.of(source, paper.council), _stamp(source, paper))
    source = load(path, name)
    paper = validate(source, kinds_of(config, source), theme_of=themes.get, content=config.content)
    theme = themes.of(source, paper.council)
    checks.put(source, paper, prints.council(paper.council)[1])  # only a paper that passed everything, its theme included
    return Job(Source(path, name, None, source.digest), paper, theme, _stamp(source, paper))


def kinds_of(config: Config, source: Source) -> dict[str, Any]:
    """Return the kinds a paper may be: the engine's own, then those its council and the defaults declare in kind files."""
    council = source.data.get("council") if isinstance(source.data, dict) else None
    return {**KINDS, **declared_kinds(config.templates, council, config.root)}


def _stamp(source: Source, paper: PaperBase) -> str | None:
    """Return a draft's version stamp, from git and the paper's own date; None for a final paper."""
    if paper.status != "draft":
        return None
    files = [source.path, *(data.path for data, _ in paper.data_sources())]
    return version_stamp(paper, files)


def _name(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
