"""Dates as councils write them on their papers."""

from __future__ import annotations

import datetime
import os
from typing import Any

_ORDINALS = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}


def long_date(value: datetime.date) -> str:
    """Write a date as councils do on their papers: Monday, 12th November 2007."""
    return f"{value:%A}, {value.day}{_ORDINALS.get(value.day, 'th')} {value:%B %Y}"


def day_month_year(value: datetime.date) -> str:
    """Write a date without its weekday: 14th February 2007."""
    return f"{value.day}{_ORDINALS.get(value.day, 'th')} {value:%B %Y}"


def created(paper: Any) -> datetime.datetime:
    """Return the timestamp a paper's files carry: from the sources, never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.timezone.utc).replace(tzinfo=None)
    day = paper.document_date() or datetime.date(1980, 1, 1)
    return datetime.datetime.combine(day, datetime.time(0, 0))
