"""Turn a source into a typed paper or into messages: the kinds of paper and the blocks they are written in
(pydantic models), kind files, numbering, a council's theme, the figures a paper's data gives, validation, and
a checked paper (a job).

It imports only from itself and sources. Nothing here imports layout, outputs, agenda, pipeline, reviewing,
commands: tests/test_layers.py fails if it does.

The typed parts of a paper: blocks, tables, figures and the model every declared kind is made from.

No kind of paper is a model here: councils declare their kinds in kind files, which
committee_papers/models/kinds.py makes into models of `DeclaredPaper`.
"""

from __future__ import annotations

from .common import Strict
from .counts import PeriodCounts
from .paper import PaperBase

Paper = PaperBase

DATA_KINDS: dict[str, type[Strict]] = {"period-counts": PeriodCounts}
"""The kinds of data file in content/data/: papers name them, and read and check them."""
