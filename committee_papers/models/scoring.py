"""Scored themes (a self assessment) and the rules that give the overall score."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ..sources.errors import did_you_mean
from ..sources.provenance import worked_out
from .common import Prose, Strict


class ScoringRule(Strict):
    """One line of a scoring rule table, tried in order."""

    when: str
    """The rule as the paper states it."""
    at_least: int | None = Field(default=None, ge=1)
    """How many themes must reach `score`."""
    score: int | None = Field(default=None, ge=1)
    """The score those themes must reach (or beat)."""
    none_below: int | None = Field(default=None, ge=1)
    """No theme may score less than this."""
    overall: int = Field(ge=1)
    """The overall score the rule gives."""

    def applies(self, scores: list[int]) -> bool:
        """Return whether the theme scores meet this rule."""
        if self.at_least is not None and sum(s >= (self.score or 0) for s in scores) < self.at_least:
            return False
        return self.none_below is None or min(scores) >= self.none_below


class ScoringRules(Strict):
    """Rules that turn theme scores into an overall score; the first that applies wins."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    """A short name that score tables refer to."""
    caption: str = Field(min_length=1, examples=["Scoring guidance"])
    """The table's title, shown above it and read out by screen readers first: every table needs one."""
    columns: tuple[str, str] = ("Scores on themes", "Overall score")
    """The two column headings of the rules table."""
    rules: list[ScoringRule] = Field(min_length=1)
    """The rules, tried in order."""

    def overall(self, scores: list[int]) -> int | None:
        """Return the overall score the first applicable rule gives."""
        for rule in self.rules:
            if rule.applies(scores):
                return worked_out(rule.overall, *scores, rule.overall)
        return None


class ScoredTheme(Strict):
    """A theme, its risks and actions, and its (anticipated) score."""

    theme: str
    """The theme scored."""
    risks: Prose = ""
    """Key areas of risk (Markdown, often a bullet list)."""
    actions: Prose = ""
    """Key actions or comments (Markdown)."""
    score: int = Field(ge=1)
    """The theme's score."""


class ScoreTable(Strict):
    """Scores by theme with an overall score derived by a set of rules."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    """A short name that score summaries refer to."""
    rules: str
    """The id of the scoring rules that give the overall score."""
    caption: str = Field(min_length=1, examples=["Scoring guidance"])
    """The table's title, shown above it and read out by screen readers first: every table needs one."""
    columns: tuple[str, str, str, str] = ("Theme", "Key areas of risk", "Key actions/comments", "Score")
    """The four column headings."""
    themes: list[ScoredTheme] = Field(min_length=1)
    """The themes and their scores."""
    overall: int | None = None
    """The overall score, if the paper states it; it is checked against the rules."""

    def scores(self) -> list[int]:
        """Return the theme scores in order."""
        return [t.score for t in self.themes]

    def shown_overall(self, rules: ScoringRules) -> int | None:
        """Return the overall score to show: the rules', or the paper's own where it states it (checked equal)."""
        computed = rules.overall(self.scores())
        return worked_out(computed, computed, stated=self.overall)


class ScoreSummary(Strict):
    """A two-column summary (theme, score) of a score table elsewhere in the paper."""

    of: str
    """The id of the score table summarised."""
    caption: str = Field(min_length=1, examples=["Scoring guidance"])
    """The table's title, shown above it and read out by screen readers first: every table needs one."""
    columns: tuple[str, str] = ("Theme", "Score")
    """The two column headings."""


def check_scores(rule_sets: dict[str, ScoringRules], table: ScoreTable) -> list[tuple[tuple[Any, ...], str]]:
    """Return problems with a score table: unknown rules, or a stated overall that disagrees."""
    rules = rule_sets.get(table.rules)
    if rules is None:
        return [(("rules",), f"expected the id of scoring rules ({', '.join(rule_sets) or 'none defined'}), got {table.rules!r}{did_you_mean(table.rules, rule_sets)}")]
    computed = rules.overall(table.scores())
    if table.overall is not None and table.overall != computed:
        return [(("overall",), f"the paper states {table.overall} but the rules '{rules.id}' give {computed}")]
    return []


def score_problems(models: list[tuple[tuple[Any, ...], Any]]) -> list[tuple[tuple[Any, ...], str]]:
    """Return problems of every score table and score summary among a paper's models."""
    rule_sets = {m.id: m for _, m in models if isinstance(m, ScoringRules)}
    tables = {m.id: m for _, m in models if isinstance(m, ScoreTable)}
    found: list[tuple[tuple[Any, ...], str]] = []
    for path, model in models:
        if isinstance(model, ScoreTable):
            found += [((*path, *sub), message) for sub, message in check_scores(rule_sets, model)]
        elif isinstance(model, ScoreSummary) and model.of not in tables:
            found.append(((*path, "of"), f"expected the id of a score table ({', '.join(tables) or 'none defined'}), got {model.of!r}{did_you_mean(model.of, tables)}"))
    return found


def worked_out_scores(models: list[tuple[tuple[Any, ...], Any]]) -> dict[str, Any]:
    """Return a paper's score tables by id and the overall score each shows, for its templates (checked already)."""
    rule_sets = {m.id: m for _, m in models if isinstance(m, ScoringRules)}
    tables = {m.id: m for _, m in models if isinstance(m, ScoreTable)}
    overall = {i: t.shown_overall(rule_sets[t.rules]) for i, t in tables.items() if t.rules in rule_sets}
    return {"score_tables": tables, "overall": overall}
