"""The blocks a paper's parts are written in: text, tables, facts, timelines, quotes, scores, decision parts.

Each block is drawn by its own template, blocks/<key>.html.j2 (docs/blocks.md).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Discriminator, Field, Tag

from .common import TAG_PREFIX, Fact, Paragraph, Prose, Quote, StatusSummary, Strict, Table, Timeline
from .counts import CountTable
from .decisions import DECISION_BLOCKS
from .kpi import Kpi
from .milestones import Milestones
from .points import Points, StatusList
from .risk import HeatMap, RiskRegister
from .scoring import ScoreSummary, ScoreTable, ScoringRules
from .summary import StatusBreakdown, StatusKey
from .totals import TotalsTable


class TableBlock(Strict):
    """A table, written `- table:`."""

    table: Table
    """A table with a header row."""


class FactsBlock(Strict):
    """A facts-and-figures box, written `- facts:`."""

    facts: Fact
    """A boxed facts-and-figures list."""


class TimelineBlock(Strict):
    """A timeline, written `- timeline:`."""

    timeline: Timeline
    """Events by period."""


class QuoteBlock(Strict):
    """A quotation, written `- quote:`."""

    quote: Quote
    """A quotation and its source."""


class ScoringRulesBlock(Strict):
    """Scoring rules, written `- scoring_rules:`."""

    scoring_rules: ScoringRules
    """Rules that turn theme scores into an overall score."""


class ScoreTableBlock(Strict):
    """A score table, written `- score_table:`."""

    score_table: ScoreTable
    """Scores by theme and the overall score they give."""


class ScoreSummaryBlock(Strict):
    """A score summary, written `- score_summary:`."""

    score_summary: ScoreSummary
    """A summary of a score table elsewhere in the paper."""


class TotalsTableBlock(Strict):
    """A table of amounts whose totals are worked out, written `- totals_table:`."""

    totals_table: TotalsTable
    """Amounts by row and column, with a totals row the build adds up."""


class KpiBlock(Strict):
    """Indicators against target, written `- kpi:`."""

    kpi: Kpi
    """Indicators with target, actual and earlier periods; status and direction of travel worked out."""


class RiskRegisterBlock(Strict):
    """A risk register, written `- risk_register:`."""

    risk_register: RiskRegister
    """Risks scored on the council's scales, with their bands and heat maps."""


class HeatMapBlock(Strict):
    """A heat map given as counts, written `- heat_map:`."""

    heat_map: HeatMap
    """Risks per cell of likelihood by impact, checked against a register when one is named."""


class MilestonesBlock(Strict):
    """A workplan, written `- milestones:`."""

    milestones: Milestones
    """Numbered actions with lettered milestones, end dates, progress and status."""


class StatusSummaryBlock(Strict):
    """Counts by status of a table elsewhere in the paper, written `- status_summary:`."""

    status_summary: StatusSummary
    """The table and status column counted, and how the counts are worded."""


class StatusKeyBlock(Strict):
    """A status key, written `- status_key: {}`."""

    status_key: StatusKey
    """Each status of the council's scale with its mark, colour and meaning."""


class StatusBreakdownBlock(Strict):
    """The statuses in the paper's tables broken down by group, written `- status_breakdown:`."""

    status_breakdown: StatusBreakdown
    """How many rows of the paper's tables are at each status, by group and overall."""


class PointsBlock(Strict):
    """A paragraph with points that carry statuses, written `- points:`."""

    points: Points
    """The paragraph (numbered) and its points, numbered under it with their statuses."""

    def paragraphs(self) -> int:
        """Return the one paragraph number the block takes."""
        return self.points.paragraphs()

    def subparagraphs(self) -> int:
        """Return how many points are numbered under it."""
        return self.points.subparagraphs()


class StatusListBlock(Strict):
    """Things listed by status band, written `- status_list:`."""

    status_list: StatusList
    """The things and their statuses; a heading for each band that has any."""


class CountTableBlock(Strict):
    """Counts at each status from two periods' data files, written `- count_table:`."""

    count_table: CountTable
    """The data files, the measures and their status columns, and an optional chart."""


class Contents(Strict):
    """A contents list of the paper's headings, with page numbers in print."""

    title: str = "Contents"
    """The heading above the list."""
    depth: int = Field(default=2, ge=1, le=3)
    """How many levels of heading it lists: 1 (parts), 2 (and their sections) or 3."""
    scope: Literal["paper", "part"] = "paper"
    """List the whole paper's headings, or only those of the part (an appendix) the list sits in."""


class ContentsBlock(Strict):
    """A contents list, written `- contents: {}` (or with a title and depth)."""

    contents: Contents
    """The heading and depth of the contents list."""


class SideBySideBlock(Strict):
    """Two blocks side by side, written `- side_by_side: [block, block]`."""

    side_by_side: list[Block] = Field(min_length=2, max_length=2)  # type: ignore[valid-type]
    """Two blocks (tables, figures, heat maps, text) set next to each other."""


# A block written as a mapping is named by its one key: `- table: {...}`.
BLOCK_KEYS: dict[str, type[Strict]] = {
    "table": TableBlock,
    "facts": FactsBlock,
    "timeline": TimelineBlock,
    "quote": QuoteBlock,
    "scoring_rules": ScoringRulesBlock,
    "score_table": ScoreTableBlock,
    "score_summary": ScoreSummaryBlock,
    "totals_table": TotalsTableBlock,
    "kpi": KpiBlock,
    "risk_register": RiskRegisterBlock,
    "heat_map": HeatMapBlock,
    "milestones": MilestonesBlock,
    "status_key": StatusKeyBlock,
    "status_breakdown": StatusBreakdownBlock,
    "status_summary": StatusSummaryBlock,
    "points": PointsBlock,
    "status_list": StatusListBlock,
    "count_table": CountTableBlock,
    "contents": ContentsBlock,
    "side_by_side": SideBySideBlock,
    **DECISION_BLOCKS,
}


def as_block(key: str, value: Any) -> Strict:
    """Return a value a kind holds in a field of its own (its recommendations, say) as the block of that key, to draw it."""
    return BLOCK_KEYS[key].model_construct(**{key: value})


def _block_tag(value: Any) -> str | None:
    """Name the kind of block a content item is, from its shape."""
    if isinstance(value, str):
        return TAG_PREFIX + "text"
    if isinstance(value, Paragraph):  # a checked block, as a kind file's fixed content is when it is written out again
        return TAG_PREFIX + "paragraph"
    if not isinstance(value, dict):
        key = next((key for key, model in BLOCK_KEYS.items() if type(value) is model), None)
        return TAG_PREFIX + key if key else None
    if "text" in value or "id" in value:
        return TAG_PREFIX + "paragraph"
    first = next(iter(value), None)
    return TAG_PREFIX + first if first in BLOCK_KEYS else None


Block = Annotated[
    Union[
        (
            Annotated[Prose, Tag(TAG_PREFIX + "text")],
            Annotated[Paragraph, Tag(TAG_PREFIX + "paragraph")],
            *(Annotated[model, Tag(TAG_PREFIX + key)] for key, model in BLOCK_KEYS.items()),
        )
    ],
    Discriminator(
        _block_tag,
        custom_error_type="block_kind",
        custom_error_message="expected text, a mapping with text and id, or one of: " + ", ".join(BLOCK_KEYS),
    ),
]

SideBySideBlock.model_rebuild()
