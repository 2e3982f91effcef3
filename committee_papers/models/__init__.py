"""The kinds of paper, declared as pydantic models."""

from __future__ import annotations

from .committee_report import CommitteeReport
from .paper import PaperBase
from .performance_statement import PerformanceStatement
from .portfolio_plan import PortfolioPlan

Paper = PaperBase

KINDS: dict[str, type[PaperBase]] = {
    "committee-report": CommitteeReport,
    "portfolio-plan": PortfolioPlan,
    "performance-statement": PerformanceStatement,
}
