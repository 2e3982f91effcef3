"""Agenda packs: the front sheet and every report of a meeting, in order, as the clerk publishes them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..models.jobs import Job
from ..models.meeting import AgendaItem, Meeting
from ..models.theme import Theme
from ..sources.dates import long_date
from ..sources.errors import ContentError
from ..sources.loader import Source
from .deadlines import CLEAR_DAYS, key_decision_notice_late, publication_deadline


@dataclass
class PackItem:
    """An agenda item with its number and, if it has one, its checked paper."""

    number: str
    item: AgendaItem
    job: Job | None
    report_of: str = ""
    """The line that says whose report it is, for the agenda; empty for an exempt item, whose paper gives the agenda nothing."""


@dataclass
class Pack:
    """A checked meeting, ready to be assembled."""

    source: Source
    meeting: Meeting
    theme: Theme
    items: list[PackItem]
    notices: list[str] = field(default_factory=list)
    """What the clerk should know: the publication deadline, late notice of key decisions."""

    def for_binding(self) -> Pack:
        """Return the pack without its papers' models: a worker binds their PDFs and needs no more of them."""
        return replace(self, items=[replace(e, job=None) for e in self.items], notices=[])

    @property
    def slug(self) -> str:
        """Return the meeting's folder name under output/meetings/."""
        return self.source.path.stem


def check_meeting(source: Source, meeting: Meeting, theme: Theme, content: Path, papers: dict[Path, Job | ContentError]) -> Pack:
    """Return a meeting whose papers exist, are valid and are on time, or raise ContentError."""
    problems = []
    items = []
    for i, (number, item) in enumerate(zip(meeting.derived()["numbers"], meeting.items)):
        job = None
        if item.paper is not None:
            job, problem = _paper_of(source, ("items", i, "paper"), item.paper, content, papers, meeting)
            problems += [problem] if problem else []
            problems += _exemption_problems(source, i, item, job)
            if job and job.paper.agenda_item not in (None, number):
                problems.append(source.problem(("items", i, "paper"), f"the paper {item.paper} says it is item {job.paper.agenda_item}, but it is item {number} here"))
        items.append(PackItem(number, item, job, _report_of(item, job)))
    deadline = publication_deadline(meeting.date, theme.access_to_information)
    problems += _late_items(source, meeting, items, deadline)
    if problems:
        raise ContentError(problems)
    pack = Pack(source, meeting, theme, items)
    days = CLEAR_DAYS[theme.access_to_information]
    pack.notices.append(
        f"{source.name}: publish by {long_date(deadline)} ({days} clear working days before the meeting on {long_date(meeting.date)}); "
        f"published {long_date(meeting.published)}"
    )
    pack.notices += _key_decision_warnings(pack)
    return pack


def _report_of(item: AgendaItem, job: Job | None) -> str:
    """Return whose report an item's paper is; nothing for an exempt item, whose agenda entry shows only what the meeting file says."""
    officer = getattr(job.paper, "report_of", None) if job and not item.exempt else None
    return f"Report of the {officer.post}" if officer else ""


def _paper_of(
    source: Source, path: tuple[Any, ...], reference: str, content: Path, papers: dict[Path, Job | ContentError], meeting: Meeting
) -> tuple[Job | None, Any]:
    council, meeting_date = meeting.council, meeting.date
    target = (content / reference).resolve()
    if not target.is_relative_to(content.resolve()) or target not in papers:
        return None, source.problem(path, f"expected a paper in content/ (such as cabinet/report.yaml), got {reference!r}: no such paper")
    job = papers[target]
    if isinstance(job, ContentError):
        return None, source.problem(path, f"the paper {reference} has problems; fix them first")
    if job.paper.council != council:
        return None, source.problem(path, f"the paper {reference} is {job.paper.council}'s, but this meeting is {council}'s")
    written_for = getattr(job.paper, "meeting", None)
    if written_for is not None and written_for.date != meeting_date:
        return None, source.problem(path, f"the paper {reference} is written for the meeting on {written_for.date}, not this one on {meeting_date}")
    return job, None


def exemption_disputes(source: Source, meeting: Meeting, content: Path, papers: dict[Path, Job | ContentError]) -> list[tuple[Path, Any]]:
    """Return each paper a meeting and the paper itself disagree about, exempt or not, with the meeting's problem."""
    disputes = []
    for i, item in enumerate(meeting.items):
        path = (content / item.paper).resolve() if item.paper else None
        job = papers.get(path) if path else None
        if path and job is not None and not isinstance(job, ContentError):
            disputes += [(path, problem) for problem in _exemption_problems(source, i, item, job)]
    return disputes


def _exemption_problems(source: Source, i: int, item: AgendaItem, job: Job | None) -> list[Any]:
    """Return disagreements between an item and its paper about whether the paper may be published."""
    if job is None:
        return []
    paper = job.paper.exempt
    if item.exempt and not paper:
        return [source.problem(("items", i, "exempt"), f"the item is exempt but its paper {item.paper} is not: add exempt: with paragraph {item.exempt.paragraph} to the paper")]
    if paper and not item.exempt:
        return [source.problem(("items", i, "paper"), f"the paper {item.paper} is exempt (paragraph {paper.paragraph}), so the item must be too: add exempt: to the item")]
    if item.exempt and paper and item.exempt.paragraph != paper.paragraph:
        return [source.problem(("items", i, "exempt", "paragraph"), f"expected paragraph {paper.paragraph}, as the paper says, got {item.exempt.paragraph}")]
    return []


def _late_items(source: Source, meeting: Meeting, items: list[PackItem], deadline: Any) -> list[Any]:
    """Return items published after the deadline that the chair has not agreed to take as urgent."""
    problems = []
    for i, entry in enumerate(items):
        published = entry.item.published or meeting.published
        if entry.item.paper and published > deadline and not entry.item.urgency:
            where = ("items", i, "published") if entry.item.published else ("published",)
            problems.append(
                source.problem(
                    where,
                    f"item {entry.number} is published on {long_date(published)}, after the deadline of {long_date(deadline)}: "
                    "publish it by then, or give the chair's reason for taking it as urgent in the item's urgency",
                )
            )
    return problems


def _key_decision_warnings(pack: Pack) -> list[str]:
    warnings = []
    for entry in pack.items:
        paper = entry.job.paper if entry.job else None
        status = paper.key_decision_status() if hasattr(paper, "key_decision_status") else None
        if status and status.key_decision and status.forward_plan_published:
            if key_decision_notice_late(status.forward_plan_published, pack.meeting.date):
                warnings.append(
                    f"warning: {entry.job.source.name}: item {entry.number} is a key decision first on the forward plan on "
                    f"{long_date(status.forward_plan_published)}, less than 28 clear days before the meeting"
                )
    return warnings
