"""The kinds of paper, declared as pydantic models."""

from __future__ import annotations

from .common import Strict
from .paper import PaperBase
from .counts import PeriodCounts
from .portfolio_plan import PortfolioPlan

Paper = PaperBase

KINDS: dict[str, type[PaperBase]] = {
    "portfolio-plan": PortfolioPlan,
}

DATA_KINDS: dict[str, type[Strict]] = {"period-counts": PeriodCounts}
"""The kinds of data file in content/data/: papers name them, and read and check them."""
