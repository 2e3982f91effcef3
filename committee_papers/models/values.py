"""Typed values a model may share: money, months, counts and per cents, read as the typed tables read them."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator, Field, PlainSerializer, WithJsonSchema

from ..dates import IN_RANGE, in_range
from .columns import NotANumber, read_number


def _money(value: object) -> object:
    """Read an amount as the typed tables do: 1E+999999999, NaN and Infinity are no council's figures."""
    try:
        return read_number("money", value) if isinstance(value, str) else value
    except NotANumber as err:
        raise ValueError(f"expected {err.expected}") from None  # the message names what was typed


Money = Annotated[
    Decimal,
    BeforeValidator(_money),
    WithJsonSchema({"type": ["number", "string"], "description": "An amount in pounds: 125000, 125,000 or -4500.50."}),
    Field(examples=[125000]),
]
"""An amount in pounds: 125000, 125,000 or -4500.50."""


def _percent(value: object) -> object:
    """Read a percentage as the typed tables do, its decimal places as typed."""
    try:
        return read_number("percent", value.strip()) if isinstance(value, str) else value
    except NotANumber as err:
        raise ValueError(f"expected {err.expected}") from None


Percent = Annotated[
    Decimal,
    BeforeValidator(_percent),
    WithJsonSchema(
        {
            "type": ["number", "string"],
            "pattern": r"^\s*-?\d+(\.\d+)?\s*%?\s*$",
            "description": "A percentage: 22.6 or 22.6%.",
        }
    ),
    Field(examples=["22.6%"]),
]
"""A percentage as typed: 22.6 or 22.6%; its decimal places say how it was rounded."""

Count = Annotated[int, Field(ge=0)]


def _month(value: object) -> object:
    if isinstance(value, str):
        match = re.fullmatch(r"(\d{4})-(\d{2})(-(\d{2}))?", value.strip())
        if not match:
            raise ValueError("expected a month such as 2012-03 or a date such as 2012-03-31")
        year, month, day = int(match[1]), int(match[2]), match[4]
        if not in_range(year):
            raise ValueError(f"expected {IN_RANGE}")
        try:
            return Month(datetime.date(year, month, int(day or 1)), day is not None)
        except ValueError:
            raise ValueError("expected a real month or date such as 2012-03 or 2012-03-31") from None
    return value


@dataclass(frozen=True)
class Month:
    """A month (2012-03, shown as March 2012) or a date (2012-03-31, shown as 31 March 2012)."""

    date: datetime.date
    has_day: bool

    def __str__(self) -> str:
        return f"{self.date.day} {self.date:%B %Y}" if self.has_day else f"{self.date:%B %Y}"


MonthOrDate = Annotated[
    Month,
    BeforeValidator(_month),
    PlainSerializer(str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\s*\d{4}-\d{2}(-\d{2})?\s*$",
            "description": "A month (2012-03) or a date (2012-03-31).",
        }
    ),
    Field(examples=["2012-03"]),
]


def money_text(value: Decimal | None) -> str:
    """Write an amount as the budget table shows it: 125,000 or (4,500) for a negative; blank when unknown."""
    if value is None:
        return ""
    text = f"{abs(value):,.2f}".removesuffix(".00")
    return f"({text})" if value < 0 else text
