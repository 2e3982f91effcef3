"""The kinds of paper, declared as pydantic models."""

from __future__ import annotations

from .commitments_monitoring import CommitmentsMonitoring
from .committee_report import CommitteeReport
from .paper import PaperBase

Paper = PaperBase

KINDS: dict[str, type[PaperBase]] = {
    "committee-report": CommitteeReport,
    "commitments-monitoring": CommitmentsMonitoring,
}
