"""Phase one of a build: load and validate every paper and meeting, with their themes; lay nothing out.

It imports the models, so the build imports it only once it knows there is
work to do: a build with nothing to do never pays for pydantic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..agenda.packs import Pack, check_meeting, exemption_disputes
from ..models import PaperBase
from ..models.jobs import Job
from ..models.kinds import declared_kinds
from ..models.meeting import Meeting
from ..models.theme import Theme, load_theme
from ..models.validate import validate
from ..sources.errors import ContentError, PaperError, Problem, ThemeError, relative
from ..sources.loader import Source, load
from ..sources.project import Config, Report, require_content, walk
from ..sources.revision import version_stamp


@dataclass
class Checked:
    """Phase one's result: the papers and packs ready to render, and the report so far."""

    jobs: list[Job]
    packs: list[Pack]
    report: Report
    withheld: set[str] = field(default_factory=set)
    """Papers that failed and are, or that a meeting says are, exempt: none of their public outputs may stay."""
    binds: dict[str, set[str]] = field(default_factory=dict)
    """The papers each meeting names, valid or not."""


class Themes:
    """Each council's theme and kinds of paper, loaded once however many papers name it."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._loaded: dict[str, Theme | PaperError] = {}
        self._kinds: dict[str | None, dict[str, Any]] = {}
        self.warnings: list[str] = []
        """Warnings of the themes loaded so far, each told once."""

    def get(self, council: str) -> Theme | None:
        """Return a council's theme, or None if it cannot be loaded (of() says why)."""
        if council not in self._loaded:
            try:
                self._refuse_links_outside(council)
                self._loaded[council] = load_theme(self.config.templates, council, self.config.root)
            except (ThemeError, ContentError) as err:
                self._loaded[council] = err
            else:
                self.warnings += self._loaded[council].warnings
        theme = self._loaded[council]
        return theme if isinstance(theme, Theme) else None

    def _refuse_links_outside(self, council: str) -> None:
        """Raise ThemeError naming every path in the default templates or the council's folder that leads outside the project."""
        templates = self.config.templates
        folders = [templates / "default"] + ([templates / council] if (templates / council).resolve().is_relative_to(templates.resolve()) else [])
        outside = [path for folder in folders for path in walk(folder, self.config.root)[1]]
        if outside:
            raise ThemeError("; ".join(_outside_message(path, self.config.root) for path in outside))

    def kinds(self, source: Source) -> dict[str, Any]:
        """Return the kinds a paper may be: those its council and the defaults declare in kind files."""
        council = source.data.get("council") if isinstance(source.data, dict) else None
        key = council if isinstance(council, str) else None
        if key not in self._kinds:
            self._kinds[key] = declared_kinds(self.config.templates, key, self.config.root)
        return self._kinds[key]

    def of(self, source: Source, council: str) -> Theme:
        """Return the theme a source names, or raise ContentError at its council field."""
        self.get(council)
        theme = self._loaded[council]
        if isinstance(theme, ContentError):
            raise ContentError([*theme.problems, source.problem(("council",), "the council's theme has problems, told in its own lines")])
        if isinstance(theme, PaperError):
            raise ContentError([source.problem(("council",), str(theme))])
        return theme


def check(config: Config) -> Checked:
    """Load and validate every paper and meeting, with their themes; render nothing.

    Every paper is validated each time: a checked model kept between builds
    would have to be kept in a format that can run code, or hold exempt
    text. A paper that a meeting disagrees with about being exempt fails,
    so nothing of it is published.
    """
    require_content(config)
    report = Report()
    themes = Themes(config)
    found = _found(config, report)
    meetings = _load_meetings(config, [p for p in found if _is_meeting(p, config)], report)
    wanted = [p for p in found if not _is_meeting(p, config)]
    if config.papers:  # a named meeting brings the papers it binds
        wanted += [(config.content / item.paper).resolve() for _, m in meetings for item in m.items if item.paper]
    papers: dict[Path, Job | ContentError] = {}
    withheld: set[str] = set()
    for path in dict.fromkeys(wanted):
        name = _name(path, config.root)
        try:
            papers[path] = _check_paper(path, name, config, themes, withheld)
        except ContentError as err:
            papers[path] = err
            report.failed[name] = err.lines
            continue
        report.checked.append(name)
    packs = [p for p in (_check_pack(s, m, config, themes, papers, report) for s, m in meetings) if p]
    withheld |= _fail_disputed(config, meetings, papers, report)
    jobs = [job for job in papers.values() if isinstance(job, Job)]
    report.notices += themes.warnings
    binds = {s.name: {_name(config.content / item.paper, config.root) for item in m.items if item.paper} for s, m in meetings}
    return Checked(jobs, packs, report, withheld, binds)


def _fail_disputed(config: Config, meetings: list[tuple[Source, Meeting]], papers: dict[Path, Job | ContentError], report: Report) -> set[str]:
    """Fail every paper that a meeting and the paper disagree about, exempt or not; return their names."""
    disputed: set[str] = set()
    for source, meeting in meetings:
        for path, problem in exemption_disputes(source, meeting, config.content, papers):
            name = _name(path, config.root)
            papers[path] = ContentError([problem])
            report.failed.setdefault(name, []).append(
                f"{name}: not built, so that nothing of it is published, while {problem.file}:{problem.line} disagrees with it about whether it is exempt"
            )
            report.checked = [n for n in report.checked if n != name]
            disputed.add(name)
    return disputed


def sources(config: Config) -> list[Path]:
    """Return every paper and meeting to build (or just those named), in a stable order."""
    found = _found(config, Report())
    return [p for p in found if not _is_meeting(p, config)] + [p for p in found if _is_meeting(p, config)]


def _found(config: Config, report: Report) -> list[Path]:
    """Return the named sources (or every YAML file in content/ but its data), failing any path that leads outside the project.

    content/data holds the data files papers name; they are read with their papers, never built alone.
    """
    if config.papers:
        paths = [p.resolve() for p in config.papers]
    else:
        files, outside = walk(config.content, config.root)
        for path in outside:
            report.failed[_name(path, config.root, resolve=False)] = [_outside_message(path, config.root)]
        paths = sorted(p.resolve() for p in files if p.suffix == ".yaml")
    data = (config.content / "data").resolve()
    return [p for p in paths if not p.is_relative_to(data)]


def _is_meeting(path: Path, config: Config) -> bool:
    return path.is_relative_to(config.meetings.resolve())


def _outside_message(path: Path, root: Path) -> str:
    """Return the message for a link that leads outside the project."""
    return f"{_name(path, root, resolve=False)}: leads outside the project (to {path.resolve()}); nothing outside the project is read: copy the file in, or delete the link"


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


def _check_paper(path: Path, name: str, config: Config, themes: Themes, withheld: set[str]) -> Job:
    if not path.is_file():
        raise ContentError([Problem(name, 1, 1, "", "no such file")])
    if not path.is_relative_to(config.content.resolve()):
        raise ContentError([Problem(name, 1, 1, "", f"papers live in {_name(config.content, config.root)}/; this file is outside it")])
    try:
        source = load(path, name)
    except OSError as err:  # deleted or unreadable since it was found
        raise ContentError([Problem(name, 1, 1, "", f"cannot be read: {err.strerror or err}")]) from None
    try:
        paper = validate(source, themes.kinds(source), theme_of=themes.get, content=config.content)
    except ContentError as err:
        if isinstance(source.data, dict) and source.data.get("exempt"):  # an exempt paper with problems: its public outputs go
            withheld.add(name)
        council = source.data.get("council") if isinstance(source.data, dict) else None
        if isinstance(council, str) and not (config.templates / council).is_dir():  # its kinds were not its council's
            try:
                themes.of(source, council)
            except ContentError as missing:
                raise ContentError([*missing.problems, *err.problems]) from None
        raise
    theme = themes.of(source, paper.council)
    return Job(Source(path, name, None, source.digest), paper, theme, _stamp(source, paper), config.content)


def _stamp(source: Source, paper: PaperBase) -> str | None:
    """Return a draft's version stamp, from git and the paper's own date; None for a final paper."""
    if paper.status != "draft":
        return None
    files = [source.path, *(data.path for data, _ in paper.data_sources())]
    return version_stamp(paper, files)


def _name(path: Path, root: Path, *, resolve: bool = True) -> str:
    """Return a path from the project root; a link's own path, unless told to follow it."""
    return relative(path, root) if resolve else (path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix())
