"""The typed parts of a paper: blocks, tables, figures and the model every declared kind is made from.

No kind of paper is a model here: councils declare their kinds in kind files, which
committee_papers/kinds.py makes into models of `DeclaredPaper`.
"""

from __future__ import annotations

from .common import Strict
from .counts import PeriodCounts
from .paper import PaperBase

Paper = PaperBase

DATA_KINDS: dict[str, type[Strict]] = {"period-counts": PeriodCounts}
"""The kinds of data file in content/data/: papers name them, and read and check them."""
