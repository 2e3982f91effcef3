"""A table of amounts by row and column whose totals are worked out, with footnote markers."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from pydantic import Field

from ..sources.provenance import carries, carry, refs_of
from .columns import LIMIT
from .common import Prose, Strict

_AMOUNT = re.compile(r"^(?P<number>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<pence>\d\d))?\s*(?P<marker>[^\w\s]*)$")


class TotalsTable(Strict):
    """Amounts by row and column, with a computed totals row; `25000*` marks a figure with the note `*`."""

    caption: str = Field(min_length=1, examples=["Scoring guidance"])
    """The table's title, shown above it and read out by screen readers first: every table needs one."""
    label: str = Field(examples=["District"])
    """The heading of the first column (District)."""
    group: str | None = None
    """A heading spanning the amount columns (Estimated Funding gap)."""
    columns: list[str] = Field(min_length=1, examples=[["2007/8"]])
    """The headings of the amount columns (2007/8, 2008/9)."""
    unit: str = "£"
    """Written before each amount."""
    total: str = "TOTAL"
    """The label of the totals row."""
    rows: list[list[str]] = Field(min_length=1, examples=[[["Blaby", "25000"]]])
    """Each row: its label, then one amount per column (25000, 12,500 or 24000* with a note marker)."""
    notes: dict[str, Prose] = {}
    """Footnotes by marker, defined once and shown under the table: {"*": Rough initial estimate}."""

    def parse(self, value: str) -> tuple[Decimal, str]:
        """Return an amount and its note marker ('' when none)."""
        match = _AMOUNT.match(value.strip())
        if not match:
            raise ValueError(value)
        number = Decimal(match["number"].replace(",", "") + (f".{match['pence']}" if match["pence"] else ""))
        if number >= LIMIT:  # a thousand million million: a typing slip, whose sum would be no figure at all
            raise ValueError(value)
        return carry(number, refs_of(value)), match["marker"]

    def cells(self) -> list[tuple[str, list[tuple[Decimal, str]]]]:
        """Return each row's label and its (amount, marker) pairs."""
        return [(row[0], [self.parse(v) for v in row[1:]]) for row in self.rows]

    def totals(self) -> list[Decimal]:
        """Return the total of each amount column."""
        return [sum((amounts[i][0] for _, amounts in self.cells()), Decimal(0)) for i in range(len(self.columns))]

    @carries
    def money(self, amount: Decimal) -> str:
        """Write an amount as the council does: £139,555 (pence only when there are any)."""
        text = f"{amount:,.2f}"
        return self.unit + (text[:-3] if text.endswith(".00") else text)

    def problems(self) -> list[tuple[tuple[Any, ...], str]]:
        """Return rows of the wrong width, amounts that are not amounts, and markers without notes (or notes unused)."""
        found: list[tuple[tuple[Any, ...], str]] = []
        used: set[str] = set()
        for i, row in enumerate(self.rows):
            if len(row) != len(self.columns) + 1:
                found.append((("rows", i), f"expected a label and {len(self.columns)} amount(s), got {len(row)} cells"))
                continue
            for j, value in enumerate(row[1:], 1):
                try:
                    marker = self.parse(value)[1]
                except ValueError:
                    found.append((("rows", i, j), f"expected an amount such as 25000, 12,500 or 24000*, got {value!r}"))
                    continue
                if marker and marker not in self.notes:
                    defined = ", ".join(self.notes) or "none defined"
                    found.append((("rows", i, j), f"the marker {marker!r} has no note under `notes:` ({defined})"))
                used.add(marker)
        found += [(("notes", m), f"the note {m!r} is not used by any amount") for m in self.notes if m not in used]
        return found
