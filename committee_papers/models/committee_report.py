"""The committee report: the standard UK report to a committee or Cabinet."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import Field

from ..errors import did_you_mean
from .blocks import Block, as_block, numbered_paragraphs
from .common import Contact, Officer, Paragraph, Prose, Strict
from .decisions import Decision, DecisionStatus, Decisions, ForwardTimetable, Implication, StatusLine, TimetableEntry
from .paper import Located, PaperBase, blocks_of
from .scoring import ScoreTable, ScoringRules


class Meeting(Strict):
    """The meeting a paper goes to."""

    committee: str = Field(examples=["Cabinet"])
    """The committee, board or Cabinet, as the council names it."""
    date: datetime.date
    """The meeting date (ISO: 2007-11-10)."""





class Section(Strict):
    """A headed, numbered section of the report."""

    heading: str = Field(examples=["Purpose of Report"])
    """The section heading; the build numbers it."""
    id: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9-]*$")
    """A short name, lower case with hyphens, if other parts refer to this section."""
    content: list[Block] = Field(min_length=1)
    """Paragraphs (each numbered), tables and other blocks, in order."""


class SignedImplication(Implication):
    """A key implication and the officer who signs it off."""

    signed_by: Officer
    """The officer who signs the implications off."""


class OtherImplication(Strict):
    """A line of the "other implications" table."""

    implication: str = Field(examples=["Equal Opportunities"])
    """The kind of implication: Equal Opportunities, Policy, Sustainable and Environmental ..."""
    applies: bool
    """Yes or No: whether the implication applies."""
    paragraphs: list[str] = Field(default=[], examples=[["1.1"]])
    """Paragraph references (2.3, or a paragraph id) within the report."""


class Implications(Strict):
    """Key financial, legal and other implications."""

    financial: SignedImplication
    """Financial implications, signed off by a finance officer."""
    legal: SignedImplication
    """Legal implications, signed off by a legal officer."""
    other: list[OtherImplication] = []
    """The other implications table: each implication, whether it applies, and where."""


class KeyDecisionStatus(Strict):
    """The decision status table at the end of a report."""

    key_decision: bool
    """Yes or No: whether this is a key decision."""
    reason: str | None = None
    """Why it is (or is not) a key decision."""
    forward_plan: Literal["Yes", "No", "N/A"]
    """Whether it appeared in the forward plan."""
    forward_plan_published: datetime.date | None = None
    """When a key decision was first published on the forward plan (28 clear days' notice are needed)."""
    decision_by: str
    """Executive (Cabinet) or Council, as the council writes it."""

    def table(self) -> DecisionStatus:
        """Return the status as the rows of a decision status table."""
        rows = [("Key Decision", "Yes" if self.key_decision else "No"), ("Reason", self.reason),
                ("Appeared in Forward Plan", self.forward_plan), ("Executive or Council Decision", self.decision_by)]
        return DecisionStatus(rows=[StatusLine(label=label, value=value) for label, value in rows if value is not None])


class SubSection(Strict):
    """A headed part of an appendix; parts may nest."""

    heading: str
    """The heading of this part."""
    id: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9-]*$")
    """A short name, lower case with hyphens, if other parts refer to this one."""
    content: list[Block] = []
    """Paragraphs, tables and other blocks, in order."""
    sections: list[SubSection] = []
    """Parts nested inside this one."""


class Appendix(Strict):
    """An appendix: headed narrative and its own endnotes."""

    title: str = Field(examples=["Self assessment"])
    """The appendix title; the build gives it its number or letter."""
    content: list[Block] = []
    """Paragraphs, tables and other blocks before the first headed part."""
    sections: list[SubSection] = []
    """Headed parts of the appendix."""
    notes: dict[str, Prose] = {}
    """Endnotes by marker: write [^marker] in the text; numbers are given in reading order."""


class CommitteeReport(PaperBase):
    """A report to a committee, Cabinet or Council."""

    kind: Literal["committee-report"]
    """The kind of paper: committee-report."""
    meeting: Meeting
    """The meeting the report goes to."""
    wards_affected: str = Field(examples=["All Wards"])
    """The wards the report affects, or All Wards."""
    forward_timetable: list[TimetableEntry] = []
    """The forward timetable of consultation and meetings."""
    subtitle: str | None = None
    """A line under the title, if any."""
    report_of: Officer
    """The officer whose report it is."""
    sections: list[Section] = Field(min_length=1)
    """The report's own sections, numbered 1, 2 ... before the standard parts."""
    recommendations: list[Decision] = Field(min_length=1, examples=[["Cabinet is recommended to approve the report."]])
    """What the committee is asked to decide, one item each: text, or a mapping with text and the reason for it."""
    implications: Implications
    """Key financial, legal and other implications."""
    background_papers: list[Prose] = []
    """Background papers under the Local Government Act 1972, one each."""
    consultations: list[Prose] = []
    """Who was consulted, one each."""
    author: Contact
    """The report author to contact."""
    decision_status: KeyDecisionStatus | None = None
    """The decision status table, if the council uses one."""
    notes: dict[str, Prose] = {}
    """Endnotes for the report itself, by marker."""
    appendices: list[Appendix] = []
    """Appendices, numbered or lettered as the council does."""

    def outline(self) -> Outline:
        """Return the numbered parts of the report."""
        return number(self)

    def document_date(self) -> datetime.date:
        """Return the meeting date: the date the report is written for."""
        return self.meeting.date

    def committee_name(self) -> str | None:
        """Return the committee the report goes to."""
        return self.meeting.committee

    def part_block(self, key: str) -> Strict | None:
        """Return a standard part (recommendations, implications, author ...) as the block that draws it."""
        implications = {"financial": self.implications.financial, "legal": self.implications.legal}
        values: dict[str, Any] = {
            "recommendations": Decisions.model_construct(items=self.recommendations),  # already checked
            "implications": implications,
            "background_papers": self.background_papers,
            "consultations": self.consultations,
            "author": self.author,
            "decision_status": self.decision_status.table() if self.decision_status else None,
            "forward_timetable": ForwardTimetable.model_construct(meetings=self.forward_timetable) if self.forward_timetable else None,
        }
        value = values.get(key)
        return as_block(key, value) if value else None

    def derived(self) -> dict[str, Any]:
        """Return paragraph numbers and overall scores."""
        models = [m for _, m in blocks_of(self)]
        rule_sets = {m.id: m for m in models if isinstance(m, ScoringRules)}
        tables = {m.id: m for m in models if isinstance(m, ScoreTable)}
        overall = {i: rule_sets[t.rules].overall(t.scores()) for i, t in tables.items()}
        return {"outline": self.outline(), "score_tables": tables, "overall": overall}

    def theme_problems(self, theme: Any) -> list[Located]:
        """Return the block checks, and the report's own implications checked against the council's headings."""
        implications = self.part_block("implications")
        return super().theme_problems(theme) + implications.theme_problems(theme, self.committee_name())

    def problems(self) -> list[Located]:
        """Return tables, scores, notes and paragraph references that do not add up."""
        return super().problems() + _reference_problems(self, self.outline())

    def note_scopes(self) -> dict[tuple[Any, ...], set[str]]:
        """Return the report's own notes and each appendix's."""
        appendices = {("appendices", i): set(a.notes) for i, a in enumerate(self.appendices)}
        return {(): set(self.notes), **appendices}


@dataclass
class NumberedBlock:
    """A block of a numbered section and the number it carries, if any (the first, for a block of several)."""

    number: str | None
    block: Any
    numbers: list[str] = field(default_factory=list)
    """Every number the block carries: one per recommendation of a recommendations block."""


@dataclass
class NumberedPart:
    """A numbered part of the report: one of the officer's sections or a standard one."""

    number: str
    heading: str
    key: str
    blocks: list[NumberedBlock] = field(default_factory=list)
    id: str | None = None


@dataclass
class Outline:
    """The report's parts with their numbers, and every paragraph number by id."""

    parts: list[NumberedPart]
    paragraphs: dict[str, str]

    def part(self, key: str) -> NumberedPart | None:
        """Return a standard part by key (recommendations, implications ...)."""
        return next((p for p in self.parts if p.key == key), None)


def number(report: CommitteeReport) -> Outline:
    """Number sections 1, 2 ... and their paragraphs 1.1, 1.2 ... in reading order."""
    parts: list[NumberedPart] = []
    paragraphs: dict[str, str] = {}
    for section in report.sections:
        part = NumberedPart(str(len(parts) + 1), section.heading, "section", id=section.id)
        count = 0
        for block in section.content:
            labels = [f"{part.number}.{count + i}" for i in range(1, numbered_paragraphs(block) + 1)]
            count += len(labels)
            part.blocks.append(NumberedBlock(labels[0] if labels else None, block, labels))
            paragraphs.update({label: label for label in labels})
            if labels and isinstance(block, Paragraph):
                paragraphs[block.id] = labels[0]
        parts.append(part)
    for key, heading, items in _standard_parts(report):
        part = NumberedPart(str(len(parts) + 1), heading, key)
        part.blocks = [NumberedBlock(f"{part.number}.{i}", item) for i, item in enumerate(items, 1)]
        paragraphs.update({b.number: b.number for b in part.blocks if b.number})
        parts.append(part)
    return Outline(parts, paragraphs)


def _standard_parts(report: CommitteeReport) -> list[tuple[str, str, list[Any]]]:
    """Return the parts every committee report has, in the usual order, if present."""
    implications = report.implications
    candidates = [
        ("recommendations", "Recommendations", list(report.recommendations)),
        ("implications", "Key Financial, Legal and Other Implications", [implications.financial, implications.legal]),
        ("background_papers", "Background Papers", []),
        ("consultations", "Consultations", []),
        ("author", "Report Author to contact", []),
    ]
    present = {"background_papers": report.background_papers, "consultations": report.consultations}
    return [c for c in candidates if c[0] not in present or present[c[0]]]


def _reference_problems(report: CommitteeReport, outline: Outline) -> list[Located]:
    found: list[Located] = []
    ids = [key for key in outline.paragraphs if not key[0].isdigit()]
    for i, line in enumerate(report.implications.other):
        for j, ref in enumerate(line.paragraphs):
            if ref not in outline.paragraphs:
                found.append(
                    (("implications", "other", i, "paragraphs", j), f"expected a paragraph number or id in this report, got {ref!r}{did_you_mean(ref, ids)}")
                )
    return found
