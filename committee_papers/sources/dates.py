"""Dates as councils write them on their papers."""

from __future__ import annotations

import datetime
import os
from typing import Any, Literal

FIRST_YEAR, LAST_YEAR = 1900, 2199
"""The years a council paper's dates fall in: outside them a date is a slip (0207 for 2007, 9999 for a blank),
and working days out from the ends of the calendar would run off it."""
IN_RANGE = f"a date from {FIRST_YEAR} to {LAST_YEAR}"


def in_range(year: int) -> bool:
    """Tell whether a year is one a council paper's date can be in."""
    return FIRST_YEAR <= year <= LAST_YEAR


_ORDINALS = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}


def long_date(value: datetime.date) -> str:
    """Write a date as councils do on their papers: Monday, 12th November 2007."""
    return f"{value:%A}, {value.day}{_ORDINALS.get(value.day, 'th')} {value:%B %Y}"


def day_month_year(value: datetime.date) -> str:
    """Write a date without its weekday: 14th February 2007."""
    return f"{value.day}{_ORDINALS.get(value.day, 'th')} {value:%B %Y}"


DateStyle = Literal["ordinal", "day-month-year", "short", "numeric", "weekday-ordinal", "weekday"]
"""A style of date councils write, by name (DATE_STYLES)."""

DATE_STYLES = {
    "ordinal": day_month_year,
    "day-month-year": lambda value: f"{value.day} {value:%B %Y}",
    "short": lambda value: f"{value.day} {value:%b %Y}",
    "numeric": lambda value: f"{value:%d/%m/%Y}",
    "weekday-ordinal": lambda value: f"{value:%A} {day_month_year(value)}",
    "weekday": lambda value: f"{value:%A} {value.day} {value:%B %Y}",
}
"""How councils write a date: 18th January 2013, 18 January 2013, 18 Jan 2013, 18/01/2013,
Friday 18th January 2013, Friday 18 January 2013."""


def council_date(value: datetime.date, style: str | None = None) -> str:
    """Write a date in one of the styles councils use (DATE_STYLES); ordinal when no style is named."""
    return DATE_STYLES[style or "ordinal"](value)


def created(paper: Any) -> datetime.datetime:
    """Return the timestamp a paper's files carry: from the sources, never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.timezone.utc).replace(tzinfo=None)
    day = paper.document_date() or datetime.date(1980, 1, 1)
    return datetime.datetime.combine(day, datetime.time(0, 0))
