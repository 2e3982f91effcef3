"""Quarters of the UK financial year (April to March): Q3 2007-08 is October to December 2007."""

from __future__ import annotations

import datetime
import re
from typing import Annotated

from pydantic import AfterValidator, Field, field_validator

from ..sources.dates import FIRST_YEAR, LAST_YEAR, in_range
from .common import Strict

_MONTHS = ("April to June", "July to September", "October to December", "January to March")
_LAST_DAY = ((6, 30), (9, 30), (12, 31), (3, 31))


class FinancialQuarter(Strict):
    """A quarter of a financial year: `quarter: 3` and `financial_year: 2007-08`."""

    quarter: int = Field(ge=1, le=4, examples=[3])
    """The quarter, 1 to 4: 1 is April to June, 2 July to September, 3 October to December, 4 January to March."""
    financial_year: str = Field(pattern=r"^\d{4}-\d{2}$", examples=["2007-08"])
    """The financial year as councils write it: 2007-08 (April 2007 to March 2008)."""

    @field_validator("financial_year")
    @classmethod
    def _consecutive(cls, value: str) -> str:
        start, end = int(value[:4]), int(value[5:])
        if not (in_range(start) and start < LAST_YEAR):
            first, last = f"{FIRST_YEAR}-{(FIRST_YEAR + 1) % 100:02d}", f"{LAST_YEAR - 1}-{LAST_YEAR % 100:02d}"
            raise ValueError(f"expected a financial year from {first} to {last}")
        if (start + 1) % 100 != end:
            raise ValueError(f"expected a financial year such as {start}-{(start + 1) % 100:02d} (April {start} to March {start + 1})")
        return value

    @property
    def start_year(self) -> int:
        return int(self.financial_year[:4])

    @property
    def calendar_year(self) -> int:
        """Return the calendar year the quarter falls in (Q4 is in the year the financial year ends)."""
        return self.start_year + (self.quarter == 4)

    @property
    def short(self) -> str:
        """Return the quarter as the council's titles write it: Q3 2007-08."""
        return f"Q{self.quarter} {self.financial_year}"

    @property
    def months(self) -> str:
        """Return the months the quarter covers: October to December 2007."""
        return f"{_MONTHS[self.quarter - 1]} {self.calendar_year}"

    @property
    def end(self) -> datetime.date:
        """Return the quarter's last day."""
        month, day = _LAST_DAY[self.quarter - 1]
        return datetime.date(self.calendar_year, month, day)

    def previous(self) -> tuple[int, str]:
        """Return the (quarter, financial year) before this one."""
        if self.quarter > 1:
            return self.quarter - 1, self.financial_year
        start = self.start_year - 1
        return 4, f"{start}-{(start + 1) % 100:02d}"


def _quarter_text(value: str) -> str:
    match = re.fullmatch(r"Q([1-4]) (\d{4}-\d{2})", value)
    if not match:
        raise ValueError("expected a quarter of a financial year such as Q3 2007-08")
    start, end = int(match[2][:4]), int(match[2][5:])
    if (start + 1) % 100 != end:
        raise ValueError(f"expected a financial year such as Q{match[1]} {start}-{(start + 1) % 100:02d} (April {start} to March {start + 1})")
    return value


QuarterText = Annotated[str, AfterValidator(_quarter_text), Field(examples=["Q3 2007-08"])]
"""A quarter of a financial year as councils write it: Q3 2007-08 (October to December 2007)."""


def financial_quarter(text: str) -> FinancialQuarter:
    """Return the quarter a checked `QuarterText` names."""
    return FinancialQuarter.model_construct(quarter=int(text[1]), financial_year=text[3:])
