"""The kinds of paper, declared as pydantic models."""

from __future__ import annotations

from .common import Strict
from .paper import PaperBase
from .counts import PeriodCounts

Paper = PaperBase

KINDS: dict[str, type[PaperBase]] = {
}

DATA_KINDS: dict[str, type[Strict]] = {"period-counts": PeriodCounts}
"""The kinds of data file in content/data/: papers name them, and read and check them."""
