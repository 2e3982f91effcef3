"""A performance report to a partnership's officers' group: numbered paragraphs, statuses, risk counts by quarter."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import Discriminator, Field, Tag

from .blocks import Block
from .common import TAG_PREFIX, DataFile, Prose, Strict
from .paper import Located, PaperBase
from .period import FinancialQuarter
from .status import Rating, StatusName

if TYPE_CHECKING:
    from ..figures import StackedBarChart
    from ..theme import StatusScale

MEASURES = (("outcomes", "Outcomes"), ("delivery", "Delivery"))
"""The counts each block reports, and their headings."""


class Meeting(Strict):
    """The meeting the report goes to."""

    name: str = Field(examples=["Leicestershire Strategic Senior Officers' Group"])
    """The group, as the council names it: Leicestershire Strategic Senior Officers' Group."""
    date: datetime.date
    """The meeting date (ISO: 2007-02-14)."""


class Point(Strict):
    """A sub-numbered point (4.1, 4.2 ...) with its status."""

    text: Prose
    """What the point says (Markdown)."""
    status: Rating | None = None
    """A status, or labelled statuses (drug treatment: Amber; two further: N/A)."""
    remark: str | None = None
    """A word after the status, or instead of one: "awaiting actual ASB measure", "Baseline established"."""


class PointsParagraph(Strict):
    """A numbered paragraph followed by sub-numbered points that carry a status each."""

    text: Prose
    """The numbered paragraph that leads into the points (Markdown)."""
    points: list[Point] = Field(min_length=1)
    """The points, numbered under the paragraph: 4.1, 4.2 ..."""


def _item_tag(value: Any) -> str:
    if isinstance(value, dict) and "points" in value:
        return TAG_PREFIX + "points"
    return TAG_PREFIX + "block"


Item = Annotated[
    Union[Annotated[PointsParagraph, Tag(TAG_PREFIX + "points")], Annotated[Block, Tag(TAG_PREFIX + "block")]],
    Discriminator(_item_tag),
]
"""Text (a numbered paragraph), a paragraph with points, or a block such as a table."""


class Section(Strict):
    """A headed section; its paragraphs carry on the numbering of the one before."""

    heading: str = Field(examples=["Purpose"])
    """The section heading."""
    content: list[Item] = Field(min_length=1)
    """Paragraphs (numbered), paragraphs with points, and tables, in order."""


class Recommendations(Strict):
    """The recommendations paragraph: its lead-in and the items (i), (ii), (iii)."""

    heading: str = "Recommendations"
    """The heading over the recommendations."""
    lead: str = "It is RECOMMENDED:-"
    """The words that lead into the items."""
    items: list[Prose] = Field(min_length=1, examples=[["that SSOG notes performance against the mandatory targets;"]])
    """What the group is asked to decide, one item each; they are numbered (i), (ii), (iii)."""


class Contact(Strict):
    """The officer to contact."""

    name: str = Field(examples=["John Wright"])
    """The officer's name."""
    post: str = Field(examples=["Senior Policy and Performance Officer (LAA)"])
    """The officer's post."""
    phone: str | None = Field(default=None, examples=["0116 265 8015"])
    """A telephone number or extension."""
    email: str | None = Field(default=None, examples=["officer@example.gov.uk"])
    """An email address."""


class BlockCounts(Strict):
    """One indicator block's counts of indicators at each status."""

    block: str = Field(examples=["Children and Young People"])
    """The block: Children and Young People, Cleaner and Greener ..."""
    outcomes: dict[StatusName, int] = {}
    """Outcome risk: how many indicators at each status (a status left out was not reported)."""
    delivery: dict[StatusName, int] = {}
    """Delivery risk: how many at each status (left out when the block did not report it)."""


class QuarterCounts(FinancialQuarter):
    """A data file: one quarter's counts per block, as the blocks reported them."""

    kind: Literal["quarter-counts"] = "quarter-counts"
    """The kind of data file: quarter-counts."""
    blocks: list[BlockCounts] = Field(min_length=1)
    """Each block's counts, in the order the table lists the blocks."""

    def problems(self) -> list[Located]:
        names = [b.block for b in self.blocks]
        return [(("blocks", i, "block"), f"the block {name!r} is listed twice") for i, name in enumerate(names) if name in names[:i]]

    def get(self, block: str) -> BlockCounts | None:
        return next((b for b in self.blocks if b.block == block), None)


class RiskSummary(Strict):
    """The risk summary table: this quarter's counts, last quarter's in brackets, totals worked out."""

    caption: str = Field(min_length=1, examples=["Scoring guidance"])
    """The table's title, shown above it and read out by screen readers first: every table needs one."""
    this_quarter: DataFile = Field(examples=["../data/laa/2006-07-q3.yaml"])
    """This quarter's counts: a quarter-counts data file, its path from this paper's folder."""
    last_quarter: DataFile = Field(examples=["../data/laa/2006-07-q2.yaml"])
    """The quarter before's counts, shown in brackets: a quarter-counts data file, its path from this paper's folder."""
    outcomes: list[StatusName] = Field(min_length=1, examples=[["Green", "Amber", "Red", "N/A", "Refresh"]])
    """The outcome status columns, in order."""
    delivery: list[StatusName] = Field(default=[], examples=[["Green", "Amber", "Red"]])
    """The delivery status columns, in order."""


class RewardTarget(Strict):
    """A reward target, its block and its status (the band it is listed under)."""

    target: str = Field(examples=["Waste lowest authority"])
    """The reward target, as the plan names it."""
    block: str = Field(examples=["Cleaner and Greener"])
    """The block it belongs to."""
    status: StatusName
    """Its status, which is the band it is listed under: Green."""


class Appendix(Strict):
    """An appendix: a risk summary, reward targets by status band, or other blocks."""

    title: str = Field(examples=["Overall Risk Summary table"])
    """The appendix title; the build numbers it."""
    content: list[Block] = []
    """Paragraphs, tables and other blocks, in order."""
    risk_summary: RiskSummary | None = None
    """A risk summary table worked out from two quarters' data files."""
    reward_targets: list[RewardTarget] = []
    """Reward targets, listed under the band of their status."""


@dataclass
class Figure:
    """A count this quarter and, in brackets, last quarter."""

    now: int | None
    before: int | None
    partial: bool = False
    """A total whose last-quarter figure lacks some blocks."""

    def __str__(self) -> str:
        now = "" if self.now is None else str(self.now)
        if self.before is None:
            return now
        before = f"({self.before}{'†' if self.partial else ''})"
        return f"{now} {before}" if now else before


@dataclass
class RiskTable:
    """The risk summary worked out from two quarters' data files."""

    this: QuarterCounts
    last: QuarterCounts
    columns: list[tuple[str, str]]
    """(measure, status) of each count column."""
    rows: list[tuple[str, list[Figure]]]
    totals: list[Figure]
    missing: dict[str, list[str]]
    """For each measure, the blocks whose last-quarter figures are missing from a total."""


@dataclass
class Outline:
    """Paragraph numbers: each section's items with their number (None for a table), then the recommendations'."""

    sections: list[tuple[Section, list[tuple[str | None, Any]]]]
    recommendations: str


class PerformanceReport(PaperBase):
    """A quarterly performance report to a partnership's officers' group."""

    kind: Literal["performance-report"]
    """The kind of paper: performance-report."""
    council: str = Field(examples=["leicestershire"])
    """The council's theme: a folder in templates/ whose theme has status scales."""
    status_scale: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9-]*$", examples=["laa-risk"])
    """The status scale the report rates on (a name under `statuses:` in the theme); the first when not given."""
    meeting: Meeting
    """The meeting the report goes to."""
    sections: list[Section] = Field(min_length=1)
    """The report's sections; paragraphs are numbered 1, 2 ... across them."""
    recommendations: Recommendations
    """The recommendations, numbered after the last paragraph."""
    contact: Contact
    """The officer to contact about the report."""
    appendices: list[Appendix] = []
    """Appendices, numbered as the council's theme says."""

    def document_date(self) -> datetime.date:
        return self.meeting.date

    def committee_name(self) -> str | None:
        """Return the group the report goes to."""
        return self.meeting.name

    def data_files(self) -> list[tuple[tuple[Any, ...], str, type[Any]]]:
        files = []
        for i, appendix in enumerate(self.appendices):
            if appendix.risk_summary:
                path = ("appendices", i, "risk_summary")
                files.append(((*path, "this_quarter"), appendix.risk_summary.this_quarter, QuarterCounts))
                files.append(((*path, "last_quarter"), appendix.risk_summary.last_quarter, QuarterCounts))
        return files

    def outline(self) -> Outline:
        """Number paragraphs 1, 2 ... across sections; tables and other blocks are not numbered."""
        number = 0
        sections = []
        for section in self.sections:
            items = []
            for item in section.content:
                numbered = isinstance(item, (str, PointsParagraph)) or "text" in type(item).model_fields
                number += numbered
                items.append((str(number) if numbered else None, item))
            sections.append((section, items))
        return Outline(sections, str(number + 1))

    def risk_tables(self) -> dict[int, RiskTable]:
        """Return each appendix's risk summary worked out from its data files, by appendix index."""
        tables = {}
        for i, appendix in enumerate(self.appendices):
            summary = appendix.risk_summary
            if summary:
                path = ("appendices", i, "risk_summary")
                tables[i] = _risk_table(summary, self.data((*path, "this_quarter")), self.data((*path, "last_quarter")))
        return tables

    def problems(self) -> list[Located]:
        found = super().problems()
        for i, appendix in enumerate(self.appendices):
            summary = appendix.risk_summary
            if not summary:
                continue
            path = ("appendices", i, "risk_summary")
            this, last = self.data((*path, "this_quarter")), self.data((*path, "last_quarter"))
            if (last.quarter, last.financial_year) != this.previous():
                found.append(((*path, "last_quarter"), f"expected the quarter before {this.short}, got {last.short}"))
            for name, data in (("this_quarter", this), ("last_quarter", last)):
                for block in data.blocks:
                    for measure in ("outcomes", "delivery"):
                        extra = [s for s in getattr(block, measure) if s not in getattr(summary, measure)]
                        if extra:
                            columns = ", ".join(getattr(summary, measure)) or "none"
                            found.append(((*path, measure), f"{getattr(summary, name)} counts {block.block} {measure} at {', '.join(extra)}, which is not a column here ({columns})"))
            unknown = [b.block for b in last.blocks if this.get(b.block) is None]
            if unknown:
                found.append(((*path, "last_quarter"), f"last quarter has blocks this quarter does not: {', '.join(unknown)}"))
        return found

    def derived(self) -> dict[str, Any]:
        """Return paragraph numbers, the risk tables, and counts per block and status (for a chart)."""
        risk = self.risk_tables()
        counts = {
            i: {b.block: {"outcomes": Counter(b.outcomes), "delivery": Counter(b.delivery)} for b in table.this.blocks}
            for i, table in risk.items()
        }
        return {"outline": self.outline(), "risk_tables": risk, "status_counts": counts}

    def status_chart(self, index: int, scale: StatusScale) -> StackedBarChart:
        """Return an appendix's status summary chart: each block's counts per measure, stacked in the scale's order."""
        from ..figures import Segment, StackedBarChart, StackPanel

        derived = self.derived()
        counts: dict[str, dict[str, Counter[str]]] = derived["status_counts"][index]
        this = derived["risk_tables"][index].this
        measures = [(m, title) for m, title in MEASURES if any(c[m] for c in counts.values())]
        counted = {status for c in counts.values() for m, _ in measures for status in c[m]}
        statuses = [s for s in scale.statuses if s.label in counted]
        panels = tuple(
            StackPanel(title, tuple(tuple(c[m].get(s.label) for s in statuses) for c in counts.values()))
            for m, title in measures
        )
        return StackedBarChart(
            title=f"Indicators at each status by block, quarter {this.quarter} {this.financial_year}",
            value_title="Indicators",
            category_title="Block",
            categories=tuple(counts),
            segments=tuple(Segment(s.label, s.colour, s.text_colour, s.mark) for s in statuses),
            panels=panels,
        )


def _risk_table(summary: RiskSummary, this: QuarterCounts, last: QuarterCounts) -> RiskTable:
    columns = [("outcomes", s) for s in summary.outcomes] + [("delivery", s) for s in summary.delivery]
    rows = []
    for block in this.blocks:
        before = last.get(block.block)
        figures = []
        for measure, status in columns:
            now = getattr(block, measure).get(status)
            prev = getattr(before, measure).get(status) if before else None
            figures.append(Figure(now, prev))
        rows.append((block.block, figures))
    totals = []
    missing: dict[str, list[str]] = {}
    for index, (measure, _) in enumerate(columns):
        figures = [row[1][index] for row in rows]
        now = [f.now for f in figures if f.now is not None]
        before = [f.before for f in figures if f.before is not None]
        lacking = [name for name, row in rows if row[index].now is not None and row[index].before is None]
        partial = bool(before) and bool(lacking)
        if partial:
            missing.setdefault(measure, [])
            missing[measure] += [name for name in lacking if name not in missing[measure]]
        totals.append(Figure(sum(now) if now else None, sum(before) if before else None, partial))
    return RiskTable(this, last, columns, rows, totals, missing)
