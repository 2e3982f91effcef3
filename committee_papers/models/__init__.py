"""The kinds of paper, declared as pydantic models."""

from __future__ import annotations

from .commitments_monitoring import CommitmentsMonitoring
from .committee_report import CommitteeReport
from .paper import PaperBase
from .performance_report import PerformanceReport

Paper = PaperBase

KINDS: dict[str, type[PaperBase]] = {
    "committee-report": CommitteeReport,
    "commitments-monitoring": CommitmentsMonitoring,
    "performance-report": PerformanceReport,
}
