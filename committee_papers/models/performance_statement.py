"""The portfolio holder's performance management statement to a scrutiny panel."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, Literal, Union

from pydantic import Discriminator, Field, Tag

from ..provenance import carry, refs_of
from .common import TAG_PREFIX, Prose, Strict, by_shape
from .paper import Located, PaperBase, blocks_of
from .values import Count, Percent


class CrossTabRow(Strict):
    """A row of counts, with its total if the paper states it (it is checked)."""

    label: str
    """The row's label: the target group, say."""
    counts: list[Count]
    """The row's counts, whole numbers in column order."""
    total: Count | None = None
    """Only if the paper states the row's total: it is checked."""


CrossTabRowValue = by_shape(
    {list: list[str], dict: CrossTabRow},
    "expected a list (the row's label, then its counts) or a mapping with label, counts and total",
)


class CrossTab(Strict):
    """Counts by row and column (target groups by reach area); totals are worked out."""

    caption: str = Field(min_length=1, examples=["Scoring guidance"])
    """The table's title, shown above it and read out by screen readers first: every table needs one."""
    row_heading: str = ""
    """The heading over the row labels."""
    columns: list[str] = Field(min_length=1)
    """The column headings, left to right: the reach areas, say."""
    rows: list[CrossTabRowValue] = Field(min_length=1)  # type: ignore[valid-type]
    """Each row: [label, count, count ...] in column order, or a mapping with label, counts and total."""
    total_label: str = "Total"
    """The heading of the totals column."""
    totals_row_label: str | None = None
    """The label of the totals row; the total_label when not given."""
    column_totals: list[Count] | None = None
    """Only if the paper states them: they are checked."""
    total: Count | None = None
    """Only if the paper states the grand total: it is checked."""

    def table(self) -> list[tuple[str, list[int], int | None]]:
        """Return every row as (label, counts, stated total); a list row's counts are read as whole numbers."""
        out = []
        for row in self.rows:
            if isinstance(row, CrossTabRow):
                out.append((row.label, row.counts, row.total))
            else:
                out.append((row[0] if row else "", [_count(v) for v in row[1:]], None))
        return out

    def row_totals(self) -> list[int]:
        return [sum(c for c in counts if c is not None) for _, counts, _ in self.table()]

    def computed_column_totals(self) -> list[int]:
        return [sum(counts[i] for _, counts, _ in self.table() if i < len(counts) and counts[i] is not None) for i in range(len(self.columns))]

    def grand_total(self) -> int:
        return sum(self.row_totals())

    def problems(self) -> list[Located]:
        found: list[Located] = []
        unreadable = False
        for i, (label, counts, stated) in enumerate(self.table()):
            if any(c is None for c in counts):
                bad = next(v for v, c in zip(self.rows[i][1:], counts) if c is None) if isinstance(self.rows[i], list) else ""
                found.append((("rows", i), f"expected whole numbers after the row's label, got {bad!r}"))
                unreadable = True
                continue
            if len(counts) != len(self.columns):
                found.append((("rows", i), f"expected {len(self.columns)} counts to match the columns, got {len(counts)}"))
                unreadable = True
            if stated is not None and stated != sum(counts):
                found.append((("rows", i, "total"), f"the row {label!r} adds up to {sum(counts)} but the paper states {stated}"))
        if unreadable:
            return found
        computed = self.computed_column_totals()
        if self.column_totals is not None:
            if len(self.column_totals) != len(self.columns):
                found.append((("column_totals",), f"expected {len(self.columns)} totals, got {len(self.column_totals)}"))
            for j, (stated, actual) in enumerate(zip(self.column_totals, computed)):
                if stated != actual:
                    found.append(
                        (("column_totals", j), f"the column {self.columns[j]!r} adds up to {actual} but the paper states {stated}")
                    )
        if self.total is not None and self.total != self.grand_total():
            found.append((("total",), f"the counts add up to {self.grand_total()} but the paper states {self.total}"))
        return found


def _count(value: str) -> int | None:
    text = value.replace(",", "").strip()
    return carry(int(text), refs_of(value)) if re.fullmatch(r"[0-9]{1,15}", text) else None  # not '²', nor 5,000 digits


class AgainstTarget(Strict):
    """An actual figure against its target; the difference and whether it is better or worse are worked out."""

    caption: str = Field(min_length=1, examples=["Scoring guidance"])
    """The table's title, shown above it and read out by screen readers first: every table needs one."""
    actual_heading: str = "Actual"
    """The heading over the actual figure: Actual Patronage April."""
    target_heading: str = "Target"
    """The heading over the target: Target Patronage."""
    actual: int
    """The actual figure, a whole number."""
    target: int
    """The target for the same period, a whole number."""
    better: Literal["higher", "lower"]
    """Whether a higher or a lower figure is better."""
    difference: int | None = None
    """Only if the paper states it: it is checked against actual less target."""
    full_year_target: int | None = None
    """The target for the whole year, if the paper gives it."""

    @property
    def computed_difference(self) -> int:
        return self.actual - self.target

    def performance(self) -> Literal["better", "worse", "on_target"]:
        """Return how the actual figure compares with the target, by the measure's polarity."""
        d = self.computed_difference
        if d == 0:
            return "on_target"
        return "better" if (d > 0) == (self.better == "higher") else "worse"

    def problems(self) -> list[Located]:
        if self.difference is not None and self.difference != self.computed_difference:
            return [
                (
                    ("difference",),
                    f"actual {self.actual} less target {self.target} is {self.computed_difference} "
                    f"but the paper states {self.difference}",
                )
            ]
        return []


class BreakdownRow(Strict):
    """A row of percentages, written as a mapping."""

    label: str
    """The row's label: the leisure centre, say."""
    shares: list[Percent]
    """The row's percentages in column order: 22.6% or 22.6."""


BreakdownRowValue = by_shape(
    {list: list[str], dict: BreakdownRow}, "expected a list (the row's label, then its percentages) or a mapping with label and shares"
)


class Breakdown(Strict):
    """Percentages by row (a satisfaction survey); each row must add up to 100 within rounding."""

    caption: str = Field(min_length=1, examples=["Scoring guidance"])
    """The table's title, shown above it and read out by screen readers first: every table needs one."""
    row_heading: str = ""
    """The heading over the row labels."""
    columns: list[str] = Field(min_length=2)
    """The column headings, left to right: Great, Good, Ok, Poor."""
    rows: list[BreakdownRowValue] = Field(min_length=1)  # type: ignore[valid-type]
    """Each row: [label, 22.6%, 54.1% ...] in column order."""

    def table(self) -> list[tuple[str, list[str]]]:
        """Return each row's label and its percentages as typed (without %)."""
        out = []
        for row in self.rows:
            if isinstance(row, BreakdownRow):
                out.append((row.label, [carry(str(s), refs_of(s)) for s in row.shares]))
            else:
                out.append((row[0] if row else "", [carry(v.strip().removesuffix("%").strip(), refs_of(v)) for v in row[1:]]))
        return out

    def problems(self) -> list[Located]:
        found: list[Located] = []
        for i, (label, shares) in enumerate(self.table()):
            try:
                values = [Decimal(s) for s in shares]
            except ArithmeticError:
                found.append((("rows", i), f"expected percentages such as 22.6% after the row's label, got {shares}"))
                continue
            if len(values) != len(self.columns):
                found.append((("rows", i), f"expected {len(self.columns)} percentages to match the columns, got {len(values)}"))
                continue
            total = sum(values, Decimal(0))
            # Each figure may be out by half its last place; together they may be out by the sum of those halves.
            slack = sum((Decimal(5) * Decimal(10) ** (v.as_tuple().exponent - 1) for v in values), Decimal(0))
            if abs(total - 100) > slack:
                found.append(
                    (("rows", i), f"the percentages of {label!r} add up to {total}% but should make 100% (within rounding, ±{slack})")
                )
        return found


class CrossTabBlock(Strict):
    """A table of counts, written `- crosstab:`."""

    crosstab: CrossTab
    """Counts by row and column; the totals are worked out."""


class AgainstTargetBlock(Strict):
    """A figure against its target, written `- against_target:`."""

    against_target: AgainstTarget
    """An actual figure against its target; the difference is worked out."""


class BreakdownBlock(Strict):
    """A table of percentages, written `- breakdown:`."""

    breakdown: Breakdown
    """Percentages by row; each row is checked to make 100%."""


DATA_KEYS = {"crosstab": CrossTabBlock, "against_target": AgainstTargetBlock, "breakdown": BreakdownBlock}


def _data_tag(value: Any) -> str | None:
    if isinstance(value, str):
        return TAG_PREFIX + "text"
    if isinstance(value, dict):
        first = next(iter(value), None)
        return TAG_PREFIX + first if first in DATA_KEYS else None
    return None


StatementBlock = Annotated[
    Union[
        (
            Annotated[Prose, Tag(TAG_PREFIX + "text")],
            *(Annotated[model, Tag(TAG_PREFIX + key)] for key, model in DATA_KEYS.items()),
        )
    ],
    Discriminator(
        _data_tag,
        custom_error_type="block_kind",
        custom_error_message="expected text or one of: " + ", ".join(DATA_KEYS),
    ),
]


class ActionReport(Strict):
    """What happened on one action of the portfolio plan, by its code."""

    code: str = Field(examples=["CEC 01"])
    """The action code: CEC 01, CEC CON. 01."""
    title: str = Field(examples=["Deliver Children's Centre services to at least full core offer standard"])
    """The action, as the plan words it."""
    content: list[StatementBlock] = []  # type: ignore[valid-type]
    """Narrative (Markdown) and data blocks, in order: crosstab, against_target, breakdown."""


class ThemedSection(Strict):
    """A themed narrative section: Equalities, Health and Wellbeing."""

    heading: str = Field(examples=["Equalities"])
    """The theme's heading."""
    content: list[StatementBlock] = Field(min_length=1)  # type: ignore[valid-type]
    """Narrative (Markdown) and data blocks, in order: crosstab, against_target, breakdown."""


class WorkInProgress(Strict):
    """Current work in progress: narrative, then themed sections."""

    content: list[StatementBlock] = []  # type: ignore[valid-type]
    """Narrative (Markdown) and data blocks, in order, before the themed sections."""
    themes: list[ThemedSection] = []
    """Themed sections of the work in progress."""


class PerformanceStatement(PaperBase):
    """A portfolio holder's performance management statement to scrutiny."""

    kind: Literal["performance-statement"]
    """The kind of paper: performance-statement."""
    council: str = Field(examples=["harborough"])
    """The council's theme: a folder in templates/."""
    title: str = "Performance Management Statement to Scrutiny"
    """The title, as the first page heads it."""
    appendix: str | None = None
    """The appendix letter it is published as (A)."""
    panel: str = Field(examples=["Scrutiny People"])
    """The scrutiny panel, as the running header names it: Scrutiny People."""
    portfolio: str = Field(examples=["Community Engagement, Cohesion and Wellbeing"])
    """The portfolio, as the council names it."""
    portfolio_holder: str = Field(examples=["Cllr Pain"])
    """The councillor who holds the portfolio."""
    year: str = Field(pattern=r"^\d{4}/\d{4}$", examples=["2011/2012"])
    """The year reported on, written 2011/2012."""
    achievements: list[ActionReport] = Field(min_length=1)
    """One section per action code."""
    themes: list[ThemedSection] = []
    """Themed narrative after the action codes."""
    work_in_progress: WorkInProgress | None = None
    """Current work in progress: narrative, then themed sections."""
    future_plans: list[StatementBlock] = []  # type: ignore[valid-type]
    """Future plans: narrative (Markdown) and data blocks, in order."""
    areas_of_concern: list[StatementBlock] = []  # type: ignore[valid-type]
    """Areas of concern: narrative (Markdown) and data blocks, in order."""

    def problems(self) -> list[Located]:
        """Return totals, differences and percentages that do not add up."""
        found = super().problems()
        for path, model in blocks_of(self):
            if isinstance(model, (CrossTab, AgainstTarget, Breakdown)):
                found += [((*path, *sub), message) for sub, message in model.problems()]
        return found + self._repeated_codes()

    def _repeated_codes(self) -> list[Located]:
        """Return action codes written twice: each code heads one section, and links go to it."""
        first: dict[str, int] = {}
        found: list[Located] = []
        for i, action in enumerate(self.achievements):
            key = " ".join(action.code.lower().replace(".", "").split())
            if key in first:
                found.append((("achievements", i, "code"), f"expected each action code once, got {action.code!r} again (first at achievements[{first[key]}])"))
            first.setdefault(key, i)
        return found

    def running_title(self) -> str:
        """Return the running header text, as the seed prints it."""
        return (
            f"PERFORMANCE MANAGEMENT Statement to {self.panel} by the {self.portfolio} Portfolio Holder "
            f"({self.portfolio_holder}) {self.year}"
        )
