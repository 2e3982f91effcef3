"""The kinds of paper, declared as pydantic models."""

from __future__ import annotations

from .common import Strict
from .paper import PaperBase
from .performance_report import PerformanceReport, QuarterCounts
from .portfolio_plan import PortfolioPlan

Paper = PaperBase

KINDS: dict[str, type[PaperBase]] = {
    "portfolio-plan": PortfolioPlan,
    "performance-report": PerformanceReport,
}

DATA_KINDS: dict[str, type[Strict]] = {"quarter-counts": QuarterCounts}
"""The kinds of data file in content/data/: papers name them, and read and check them."""
