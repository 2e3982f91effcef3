"""Status keys and status summaries: what a monitoring paper's statuses mean, and how many of each its tables hold."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pydantic import Field

from ..sources.provenance import worked_out
from .common import Strict, Table

SCALE = Field(default=None, pattern=r"^[a-z][a-z0-9-]*$")


class StatusKey(Strict):
    """The key of a status scale: each status's mark and colour, with what the council says it means."""

    scale: str | None = SCALE
    """The council's status scale (a name under `statuses:` in its theme); the paper's when not given."""


class StatusBreakdown(Strict):
    """Counts of the statuses in the paper's tables: a heading row for each top-level part holding rated tables, a row
    for each group of rows under it (a table with no groups is one row, named by the heading above it), and a total."""

    caption: str = Field(min_length=1, examples=["Statuses by group, Q3 2007-08"])
    """The table's title, read out by screen readers first."""
    label: str = "Group"
    """The heading of the first column."""
    total: str = Field(default="All rows", examples=["All commitments"])
    """The label of the totals row."""
    noun: str = Field(default="row", examples=["commitment"])
    """What a rated row is, in the line under the table: "20 commitments with 21 statuses"."""
    scale: str | None = SCALE
    """The council's status scale counted (a name under `statuses:` in its theme); the paper's when not given."""

    def view(self, paper: Any, labels: list[str]) -> Summary:
        """Return the counts of each status in the rated tables of a paper of a declared kind."""
        parts = []
        for section in paper.outline().sections:
            rows = [row for heading, table in _tables(section, section.heading) for row in _rows(table, heading)]
            if rows:
                parts.append(SummaryPart(section.heading or "", [_count(label, statuses, labels) for label, statuses in _grouped(rows)]))
        everything = [statuses for part in parts for row in part.rows for statuses in row.items]
        return Summary(parts, _count(self.total, everything, labels))


@dataclass
class SummaryRow:
    """How many of each status a group of rows has, and how many rows it has."""

    label: str
    counts: dict[str, Any]
    lines: Any
    total: Any
    items: list[list[str]] = field(default_factory=list)


@dataclass
class SummaryPart:
    heading: str
    rows: list[SummaryRow]


@dataclass
class Summary:
    parts: list[SummaryPart]
    overall: SummaryRow


def _tables(section: Any, heading: str | None) -> list[tuple[str | None, Table]]:
    """Return the tables with a status column in a numbered part and those inside it, each with the heading nearest above it."""
    found = [(heading, item.block.table) for item in section.blocks if isinstance(getattr(item.block, "table", None), Table)]
    found = [(h, t) for h, t in found if any(c.type == "status" for c in t.column_specs)]
    for child in section.sections:
        found += _tables(child, child.heading or heading)
    return found


def _rows(table: Table, heading: str | None) -> list[tuple[str, list[str]]]:
    """Return each rated row of a table with the group it falls under (the heading above, before any group row)."""
    from .columns import place

    columns = [n for n, c in enumerate(table.column_specs) if c.type == "status"]
    placed, _ = place(table)
    group, found = heading or table.caption, []
    for row in placed:
        if row.group is not None:
            group = row.group
            continue
        statuses = [s for cell in row.cells if cell.column in columns for s in _statuses(cell)]
        found.append((group, statuses))
    return found


def _statuses(cell: Any) -> list[str]:
    """Return the statuses a status cell holds: its labelled ones, or its text."""
    if cell.statuses:
        return [part.status for part in cell.statuses]
    return [cell.text] if cell.text.strip() else []


def _grouped(rows: list[tuple[str, list[str]]]) -> list[tuple[str, list[list[str]]]]:
    found: dict[str, list[list[str]]] = {}
    for label, statuses in rows:
        found.setdefault(label, []).append(statuses)
    return list(found.items())


def _count(label: str, items: list[list[str]], labels: list[str]) -> SummaryRow:
    """Count the statuses of some rated rows; each count carries the statuses it counts (provenance.py)."""
    statuses = [s for item in items for s in item]
    counts = Counter(str(s).strip() for s in statuses)
    by_label = {name: worked_out(counts[name], *(s for s in statuses if str(s).strip() == name)) for name in labels}
    return SummaryRow(label, by_label, worked_out(len(items), *statuses), worked_out(sum(counts.values()), *statuses), items)
