"""Counts at each status by period: a data file per quarter, and the table and chart worked out from two of them.

A `period-counts` data file holds one quarter's counts: for each row (a block, a service, a directorate), how many
things were at each status of the council's scale, under one or more measures (outcomes, delivery ...). A
`count_table` block names this quarter's file and last quarter's; the build works out each cell (last quarter's
figure in brackets), the totals, a † where a total lacks some rows' last-quarter figures, and a stacked bar chart.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, field_validator

from ..sources.provenance import shows
from .common import DataFile, Strict, pattern_problem
from .period import FinancialQuarter
from .status import StatusName

if TYPE_CHECKING:
    from .figures import StackedBarChart
    from .theme import StatusScale

Located = tuple[tuple[Any, ...], str]

MeasureKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]

PERIOD_NAMES = ("quarter", "months", "financial_year", "last_quarter", "last_months", "last_financial_year")
"""What a count table's headings and chart patterns may name in braces."""


class CountRow(Strict):
    """One row's counts at each status, under each measure."""

    label: str = Field(examples=["Children and Young People"])
    """What the row counts: a block, a service, a directorate."""
    counts: dict[MeasureKey, dict[StatusName, Annotated[int, Field(ge=0, le=10**9)]]] = Field(
        examples=[{"outcomes": {"Green": 28, "Amber": 3}}])
    """By measure (outcomes, delivery ...), how many things were at each status; a status left out was not reported,
    a measure left out was not reported at all."""


class PeriodCounts(FinancialQuarter):
    """A data file: one quarter's counts at each status, per row and measure, as they were reported."""

    kind: Literal["period-counts"] = "period-counts"
    """The kind of data file: period-counts."""
    rows: list[CountRow] = Field(min_length=1)
    """Each row's counts, in the order the table lists the rows."""

    def problems(self) -> list[Located]:
        """Return a row listed twice."""
        names = [r.label for r in self.rows]
        return [(("rows", i, "label"), f"expected each row once, got {name!r} again") for i, name in enumerate(names) if name in names[:i]]

    def get(self, label: str) -> CountRow | None:
        """Return the row of a label, or None."""
        return next((r for r in self.rows if r.label == label), None)


def _check(value: str | None) -> str | None:
    problem = pattern_problem(value, PERIOD_NAMES) if value else None
    if problem:
        raise ValueError(problem)
    return value


class CountMeasure(Strict):
    """A measure counted in the data files: its columns (the statuses) and its heading."""

    key: MeasureKey = Field(examples=["outcomes"])
    """The measure's key in the data files: outcomes."""
    title: str = Field(examples=["Outcomes"])
    """What the measure is called: the chart panel's title and the start of the † note."""
    heading: str | None = Field(default=None, examples=["Outcomes (quarter {last_quarter} count in brackets)"])
    """The heading over its columns, if not the title; {quarter}, {months}, {last_quarter} ... name the periods."""
    statuses: list[StatusName] = Field(min_length=1, examples=[["Green", "Amber", "Red"]])
    """The status columns, in order."""

    @field_validator("heading")
    @classmethod
    def _sound_heading(cls, value: str | None) -> str | None:
        return _check(value)


class CountChart(Strict):
    """A stacked bar chart of this period's counts: a panel per measure, a bar per row, a segment per status."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$", examples=["status-summary-1"])
    """The figure's id, for links to it."""
    title: str = Field(examples=["Indicators at each status by block, quarter {quarter} {financial_year}"])
    """The chart's title; {quarter}, {months}, {financial_year} name this period."""
    caption: str | None = Field(default=None, examples=["Status summary, quarter {quarter} ({months})"])
    """The caption under the chart."""
    value_title: str = Field(default="Count", examples=["Indicators"])
    """What the bars count, on the value axis."""

    @field_validator("title", "caption")
    @classmethod
    def _sound_patterns(cls, value: str | None) -> str | None:
        return _check(value)


@dataclass
class Figure:
    """A count this period and, in brackets, last period's."""

    now: int | None
    before: int | None
    partial: bool = False
    """A total whose last-period figure lacks some rows."""

    def __str__(self) -> str:
        now = "" if self.now is None else str(self.now)
        if self.before is None:
            return now
        before = f"({self.before}{'†' if self.partial else ''})"
        return f"{now} {before}" if now else before


@dataclass
class CountView:
    """A count table worked out from its two data files."""

    this: PeriodCounts
    last: PeriodCounts
    columns: list[tuple[CountMeasure, str]]
    """(measure, status) of each count column."""
    rows: list[tuple[str, list[Figure]]]
    totals: list[Figure]
    missing: list[tuple[CountMeasure, list[str]]]
    """Each measure whose last-period total lacks some rows, and those rows."""


class CountTable(Strict):
    """Counts at each status per row, worked out from this period's and last period's data files, with totals."""

    caption: str = Field(min_length=1, examples=["Overall risk summary - outcomes and delivery by block"])
    """The table's title, shown above it and read out by screen readers first."""
    this_period: DataFile = Field(examples=["../data/laa/2006-07-q3.yaml"])
    """This quarter's counts: a period-counts data file, its path from this paper's folder."""
    last_period: DataFile = Field(examples=["../data/laa/2006-07-q2.yaml"])
    """The quarter before's counts, shown in brackets: a period-counts data file."""
    label: str = Field(default="Row", examples=["Block"])
    """The heading of the first column, and the chart's category axis."""
    total: str = "Totals"
    """The label of the totals row."""
    noun: str = Field(default="rows", examples=["blocks"])
    """What the rows are, in the plural, for the † note: "Health and Older People gave none" of the blocks."""
    measures: list[CountMeasure] = Field(min_length=1)
    """The measures, each a group of status columns, in order."""
    chart: CountChart | None = None
    """A stacked bar chart of this period's counts, under the table."""

    def data_files(self) -> list[tuple[tuple[Any, ...], str, type[Any]]]:
        """Return the data files the table reads: (field, path, model)."""
        return [(("this_period",), self.this_period, PeriodCounts), (("last_period",), self.last_period, PeriodCounts)]

    def data_problems(self, data: Any) -> list[Located]:
        """Return a last period that is not the quarter before, counts under no column, and rows last period alone has."""
        this, last = data(self.this_period), data(self.last_period)
        found: list[Located] = []
        if (last.quarter, last.financial_year) != this.previous():
            found.append((("last_period",), f"expected the quarter before {this.short}, got {last.short}"))
        measures = {m.key: m for m in self.measures}
        for field, period in (("this_period", this), ("last_period", last)):
            for row in period.rows:
                for key, counts in row.counts.items():
                    measure = measures.get(key)
                    if measure is None:
                        found.append((("measures",), f"{getattr(self, field)} counts {row.label} under {key!r}, which is not a measure here ({', '.join(measures)})"))
                        continue
                    extra = [s for s in counts if s not in measure.statuses]
                    if extra:
                        found.append((("measures", self.measures.index(measure), "statuses"),
                                      f"{getattr(self, field)} counts {row.label} {key} at {', '.join(extra)}, which is not a column here ({', '.join(measure.statuses)})"))
        unknown = [r.label for r in last.rows if this.get(r.label) is None]
        if unknown:
            found.append((("last_period",), f"last quarter has rows this quarter does not: {', '.join(unknown)}"))
        return found

    def names(self, this: PeriodCounts, last: PeriodCounts) -> dict[str, Any]:
        """Return what a heading or chart pattern may name."""
        return {"quarter": this.quarter, "months": this.months, "financial_year": this.financial_year,
                "last_quarter": last.quarter, "last_months": last.months, "last_financial_year": last.financial_year}

    def view(self, paper: Any) -> CountView:
        """Return the table worked out from the paper's copies of its two data files."""
        this, last = paper.data_named(self.this_period), paper.data_named(self.last_period)
        columns = [(m, s) for m in self.measures for s in m.statuses]
        rows = []
        for row in this.rows:
            before = last.get(row.label)
            figures = []
            for measure, status in columns:
                now = row.counts.get(measure.key, {}).get(status)
                prev = before.counts.get(measure.key, {}).get(status) if before else None
                figures.append(shows(Figure(now, prev), now, prev))
            rows.append((row.label, figures))
        totals, missing = _totals(columns, rows)
        return CountView(this, last, columns, rows, totals, missing)

    def status_chart(self, paper: Any, scale: StatusScale) -> StackedBarChart:
        """Return the chart of this period's counts: a panel per measure reported, stacked in the scale's order."""
        from .figures import Segment, StackedBarChart, StackPanel

        this, last = paper.data_named(self.this_period), paper.data_named(self.last_period)
        counts = {r.label: {k: Counter(v) for k, v in r.counts.items()} for r in this.rows}
        measures = [m for m in self.measures if any(c.get(m.key) for c in counts.values())]
        counted = {status for c in counts.values() for m in measures for status in c.get(m.key, {})}
        statuses = [s for s in scale.statuses if s.label in counted]
        panels = tuple(
            StackPanel(m.title, tuple(tuple(c.get(m.key, Counter()).get(s.label) for s in statuses) for c in counts.values()))
            for m in measures
        )
        assert self.chart is not None
        return StackedBarChart(
            title=self.chart.title.format_map(self.names(this, last)),
            value_title=self.chart.value_title,
            category_title=self.label,
            categories=tuple(counts),
            segments=tuple(Segment(s.label, s.colour, s.text_colour, s.mark) for s in statuses),
            panels=panels,
        )


def _totals(columns: list[tuple[CountMeasure, str]], rows: list[tuple[str, list[Figure]]]) -> tuple[list[Figure], list[tuple[CountMeasure, list[str]]]]:
    """Return each column's totals, marked partial where some rows that count now gave no last-period figure."""
    totals = []
    missing: dict[str, tuple[CountMeasure, list[str]]] = {}
    for index, (measure, _) in enumerate(columns):
        now = [row[1][index].now for row in rows if row[1][index].now is not None]
        before = [row[1][index].before for row in rows if row[1][index].before is not None]
        lacking = [name for name, row in rows if row[index].now is not None and row[index].before is None]
        partial = bool(before) and bool(lacking)
        if partial:
            named = missing.setdefault(measure.key, (measure, []))[1]
            named += [name for name in lacking if name not in named]
        total, total_before = (sum(now) if now else None), (sum(before) if before else None)
        totals.append(shows(Figure(total, total_before, partial), total, total_before))
    return totals, list(missing.values())
