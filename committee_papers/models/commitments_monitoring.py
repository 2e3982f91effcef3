"""Quarterly monitoring of a plan's commitments: each rated on the council's status scale."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator
from pydantic.json_schema import SkipJsonSchema

from ..provenance import worked_out
from .common import Prose, Strict, by_key
from .paper import Located, PaperBase
from .period import FinancialQuarter
from .status import Rating, ratings


class Commitment(Strict):
    """A commitment of the plan, who answers for it, its status and progress."""

    commitment: Prose
    """The commitment as the plan words it (Markdown)."""
    officer: str = Field(examples=["Andy Robinson"])
    """The responsible officer."""
    status: Rating
    """A status (Green), or labelled statuses for its parts (Nos in Treatment: Amber ...)."""
    comments: Prose
    """Comments on progress (Markdown)."""


class CommitmentGroup(Strict):
    """Commitments under a sub-heading that spans the table (Safer Communities ...)."""

    group: str = Field(examples=["Leading and engaging communities"])
    """The sub-heading, as the plan words it."""
    commitments: list[Commitment] = Field(min_length=1)
    """The commitments under the sub-heading, in order."""


class Priority(Strict):
    """A high priority, what the council will achieve, and its status."""

    priority: str
    """The high priority, as the plan words it."""
    achieve: Prose
    """What "we will achieve" (Markdown)."""
    officer: str = Field(examples=["Andy Robinson"])
    """The responsible officer."""
    status: Rating
    """A status (Green), or labelled statuses for its parts (Nos in Treatment: Amber ...)."""
    comments: Prose
    """Comments on progress (Markdown)."""


class _Part(Strict):
    """A theme of the plan, headed, with one table."""

    heading: str = Field(examples=["B - Improved Quality of Life for Communities"])
    """The plan's theme: B - Improved Quality of Life for Communities."""
    subheading: str | None = None
    """A second heading line, such as the service area."""


class CommitmentsPart(_Part):
    """A theme of the plan whose table lists commitments under spanning sub-headings."""

    groups: list[CommitmentGroup] = Field(min_length=1)
    """Commitments under spanning sub-headings (the first table shape)."""
    priorities: ClassVar[list[Priority]] = []

    @property
    def items(self) -> list[Commitment]:
        """Return every rated line of the part in order."""
        return [c for g in self.groups for c in g.commitments]


class PrioritiesPart(_Part):
    """A theme of the plan whose table lists high priorities and what will be achieved."""

    priorities: list[Priority] = Field(min_length=1)
    """High priorities and what will be achieved (the second table shape)."""
    groups: ClassVar[list[CommitmentGroup]] = []

    @property
    def items(self) -> list[Priority]:
        """Return every rated line of the part in order."""
        return list(self.priorities)


MonitoringPart = by_key(
    {"groups": CommitmentsPart, "priorities": PrioritiesPart},
    "expected a mapping with either groups (of commitments) or priorities, not both",
)
"""A theme of the plan and its table: commitments in groups, or high priorities."""


@dataclass
class SummaryRow:
    """How many ratings of each status a group (or a part, or the paper) has."""

    label: str
    counts: Counter[str]
    lines: int
    """How many commitments or priorities it has."""

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class SummaryPart:
    heading: str
    rows: list[SummaryRow] = field(default_factory=list)


@dataclass
class Summary:
    """The counts at the top of the paper, worked out from the statuses."""

    parts: list[SummaryPart]
    overall: SummaryRow


class CommitmentsMonitoring(FinancialQuarter, PaperBase):
    """A quarter's monitoring of a plan's commitments, with a status for each."""

    kind: Literal["commitments-monitoring"]
    """The kind of paper: commitments-monitoring."""
    council: str = Field(examples=["leicestershire"])
    """The council's theme: a folder in templates/ whose theme has status scales."""
    status_scale: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9-]*$", examples=["trajectory"])
    """The status scale the commitments are rated on (a name under `statuses:` in the theme); else the first."""
    plan: str = Field(examples=["MTCS and Annual Plan Commitments Monitoring"])
    """The plan monitored, as the title starts: MTCS and Annual Plan Commitments Monitoring."""
    department: str = Field(examples=["Chief Executives"])
    """The department reporting: Chief Executives."""
    title: SkipJsonSchema[str] = ""
    """Built from plan, quarter, financial year and department: do not type it."""
    parts: list[MonitoringPart] = Field(min_length=1)
    """The plan's themes, each with one table: commitments under `groups:`, or high priorities under `priorities:`."""

    @model_validator(mode="after")
    def _build_title(self) -> CommitmentsMonitoring:
        # object.__setattr__ leaves model_fields_set alone: it still says whether a title was typed.
        object.__setattr__(self, "title", f"{self.plan} {self.short} - {self.department}")
        return self

    def problems(self) -> list[Located]:
        found = super().problems()
        if "title" in self.model_fields_set:
            found.append((("title",), f"the title is built from plan, quarter, financial_year and department ({self.title!r}): remove this line"))
        return found

    def document_date(self) -> datetime.date:
        """Return the last day of the quarter monitored."""
        return self.end

    def derived(self) -> dict[str, Any]:
        """Return the status counts: per group, per part and overall."""
        return {"summary": summarise(self)}


def summarise(paper: CommitmentsMonitoring) -> Summary:
    """Count the ratings of each status in each group (a priorities table is one row), and overall."""
    parts = []
    for part in paper.parts:
        summary = SummaryPart(part.heading)
        for group in part.groups:
            summary.rows.append(_row(group.group, group.commitments))
        if part.priorities:
            summary.rows.append(_row(part.subheading or part.heading, part.priorities))
        parts.append(summary)
    everything = [item for part in paper.parts for item in part.items]
    return Summary(parts, _row("All commitments", everything))


def _row(label: str, items: list[Any]) -> SummaryRow:
    statuses = [s for item in items for s in ratings(item.status)]
    counts = Counter(statuses)
    for status in counts:  # each count knows the ratings it counts (provenance.py)
        counts[status] = worked_out(counts[status], *(s for s in statuses if s == status))
    return SummaryRow(label, counts, worked_out(len(items), *(item.status for item in items)))
