"""The kinds of paper, declared as pydantic models."""

from __future__ import annotations

from .committee_report import CommitteeReport
from .common import Strict
from .paper import PaperBase
from .performance_report import PerformanceReport, QuarterCounts

Paper = PaperBase

KINDS: dict[str, type[PaperBase]] = {
    "committee-report": CommitteeReport,
    "performance-report": PerformanceReport,
}

DATA_KINDS: dict[str, type[Strict]] = {"quarter-counts": QuarterCounts}
"""The kinds of data file in content/data/: papers name them, and read and check them."""
