"""The KPI block: indicators against target and earlier periods, status and direction of travel worked out by rule."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field

from .columns import Shown, ShownRow, TableView, number_text, of_text, read
from .common import Column, GroupRow, Prose, Strict, or_group
from .status import StatusName

Located = tuple[tuple[Any, ...], str]
Reporting = Literal["rated", "data only", "not available", "not rated"]

ARROWS = {"better": "↑", "worse": "↓", "same": "→"}
"""Direction of travel as councils draw it: up is better, down is worse, across is the same (whatever the measure's direction)."""


class StatusRule(Strict):
    """How an indicator's status is worked out from its actual, target and first comparison.

    For example Green at, or within 10% of, target; Amber further adrift but
    improved or held level on the same quarter last year; Red otherwise.
    """

    tolerance: Decimal = Field(default=Decimal(0), ge=0, le=100)
    """How far adrift of target, in per cent of the target, still counts as `within`."""
    met: StatusName
    """The status of an indicator at or better than target: Green, Met or exceeded."""
    within: StatusName | None = None
    """The status of one adrift by no more than the tolerance; `met` when not given."""
    improving: StatusName | None = None
    """The status of one further adrift but better than, or level with, the first comparison; `off_target` when not given."""
    off_target: StatusName
    """The status of any other indicator: Red, Significantly below target."""
    action: list[StatusName] = []
    """Statuses that need a corrective action written under the indicator: [Red]."""


class TravelWords(Strict):
    """The words beside a direction-of-travel arrow."""

    better: str = "Better"
    """Beside an up arrow: better than the period compared with."""
    worse: str = "Worse"
    """Beside a down arrow: worse than the period compared with."""
    same: str = "Same"
    """Beside a sideways arrow: the same as the period compared with."""


class Indicator(Strict):
    """One performance indicator: its figures, and what the paper says of it."""

    ref: str | None = None
    """The indicator's reference (NI 15, CP12), if the council gives one."""
    name: Prose
    """What is measured."""
    better: Literal["higher", "lower"] = "higher"
    """Whether a higher or a lower figure is better."""
    type: Literal["number", "percent", "money"] = "number"
    """What the figures are: number, percent or money."""
    actual: str | None = None
    """This period's figure."""
    target: str | None = None
    """This period's target."""
    previous: list[str | None] = []
    """The figures of the comparison periods, in the order of the block's `comparisons` (none where there are none)."""
    reporting: Reporting = "rated"
    """rated, or 'data only', 'not available' or 'not rated': those are shown and counted apart from the statuses."""
    status: StatusName | None = None
    """The status the paper gives; checked against the block's rule where it has one."""
    action: Prose | None = None
    """The corrective action, where the status needs one."""


@dataclass(frozen=True)
class Assessed:
    """An indicator's worked-out status and direction of travel against each comparison."""

    status: str | None
    reason: str
    travel: tuple[str | None, ...]


class Kpi(Strict):
    """Indicators against target: direction of travel and status worked out, counts by status summarised."""

    caption: str = Field(min_length=1)
    """The table's title."""
    id: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9-]*$")
    """A short name, if other parts refer to this block."""
    period: str = "Actual"
    """The heading of this period's figures: Q4 2013/14."""
    target: str = "Target"
    """The heading of the targets: Q4 Target."""
    comparisons: list[str] = []
    """The headings of the earlier periods compared with, in order: [Q3 2013/14, Q4 2012/13]; each gets a direction of travel."""
    rule: StatusRule | None = None
    """How statuses are worked out; without one, each rated indicator states its status."""
    travel: TravelWords = TravelWords()
    """The words beside the direction-of-travel arrows."""
    noun: str = "indicators"
    """What the summary counts: indicators, measures."""
    summary: bool = True
    """Whether the counts by status ("38 of 46 (83%) indicators are Green") are shown under the table."""
    indicators: list[or_group(Indicator, "expected a mapping with name, actual and target, or with group")] = Field(min_length=1)  # type: ignore[valid-type]
    """The indicators, with `- group: Environment` rows between groups."""

    def rows(self) -> list[tuple[int, Indicator]]:
        """Return each indicator with its place in `indicators`."""
        return [(i, item) for i, item in enumerate(self.indicators) if isinstance(item, Indicator)]

    def figure(self, indicator: Indicator, text: str | None) -> Decimal | None:
        """Return one of an indicator's figures as a number (None when blank)."""
        if not text:
            return None
        return read(Column(title="", type=indicator.type), text, False).number

    def assess(self, indicator: Indicator) -> Assessed:
        """Work out an indicator's direction of travel and, by the rule, its status."""
        actual = self.figure(indicator, indicator.actual)
        travel = tuple(_travel(actual, self.figure(indicator, p), indicator.better) for p in indicator.previous)
        if indicator.reporting != "rated" or self.rule is None or actual is None:
            return Assessed(indicator.status if indicator.reporting == "rated" else None, "", travel)
        target = self.figure(indicator, indicator.target)
        if target is None:
            return Assessed(indicator.status, "", travel)
        return Assessed(*_by_rule(self.rule, actual, target, indicator.better, travel[0] if travel else None), travel)

    def problems(self) -> list[Located]:
        """Return figures that are not numbers, statuses that contradict the rule and missing corrective actions."""
        found: list[Located] = []
        for i, indicator in self.rows():
            path = ("indicators", i)
            bad = self._figure_problems(indicator, path)
            if bad:
                found += bad
                continue
            if indicator.previous and len(indicator.previous) != len(self.comparisons):
                found.append(((*path, "previous"), f"expected {len(self.comparisons)} figure(s), one for each of the comparisons "
                              f"({', '.join(self.comparisons) or 'none declared'}), got {len(indicator.previous)}"))
                continue
            found += self._status_problems(indicator, path)
        return found

    def _figure_problems(self, indicator: Indicator, path: tuple[Any, ...]) -> list[Located]:
        found = []
        named = [("actual", indicator.actual), ("target", indicator.target)] + [(("previous", n), p) for n, p in enumerate(indicator.previous)]
        for where, text in named:
            try:
                self.figure(indicator, text)
            except ValueError as err:
                found.append(((*path, *(where if isinstance(where, tuple) else (where,))), str(err)))
        return found

    def _status_problems(self, indicator: Indicator, path: tuple[Any, ...]) -> list[Located]:
        found: list[Located] = []
        assessed = self.assess(indicator)
        if indicator.reporting != "rated":
            if indicator.status:
                found.append(((*path, "status"), f"expected no status for an indicator reported as {indicator.reporting!r}, got {indicator.status!r}"))
            return found
        if self.rule and indicator.status and assessed.reason and indicator.status != assessed.status:
            found.append(((*path, "status"), f"the paper states {indicator.status!r} but {assessed.reason} gives {assessed.status!r}"))
        if assessed.status is None:
            found.append(((*path, "status"), "expected a status: the block has no rule (or the indicator no actual and target) to work it out"))
        elif self.rule and assessed.status in self.rule.action and not indicator.action:
            found.append(((*path, "action"), f"expected a corrective action for an indicator rated {assessed.status!r}, got nothing"))
        return found

    def counts(self) -> tuple[Counter[str], Counter[str]]:
        """Return how many rated indicators have each status, and how many are reported each other way."""
        statuses: Counter[str] = Counter()
        apart: Counter[str] = Counter()
        for _, indicator in self.rows():
            if indicator.reporting == "rated":
                status = self.assess(indicator).status
                if status:
                    statuses[status] += 1
            else:
                apart[indicator.reporting] += 1
        return statuses, apart

    def summary_lines(self, scale: Any) -> list[str]:
        """Return the counts as the council writes them: '38 of 46 (83%) indicators are rated Green'."""
        if scale is None:
            return []
        statuses, apart = self.counts()
        rated = sum(statuses.values())
        lines = [f"{of_text(Decimal(statuses[s.label]), Decimal(rated))} {self.noun} are rated {s.label}" for s in scale.statuses if statuses[s.label]]
        total = rated + sum(apart.values())
        if apart:
            lines.append(f"{total} {self.noun} in all: " + "; ".join(f"{n} {kind}" for kind, n in sorted(apart.items())))
        return lines

    def view(self, theme: Any, scale_name: str | None = None) -> TableView:
        """Return the KPI table laid out for its template."""
        scale = theme.scale(scale_name)
        refs = any(ind.ref for _, ind in self.rows())
        titles = (["Ref"] if refs else []) + ["Indicator", self.target, self.period]
        titles += [c for c in self.comparisons] + [f"Direction of travel: {c}" for c in self.comparisons] + ["Status"]
        head = [ShownRow([Shown(t, tag="th", scope="col") for t in titles])]
        body: list[ShownRow] = []
        for item in self.indicators:
            if isinstance(item, GroupRow):
                body.append(ShownRow([], group=item.group))
                continue
            body.append(ShownRow(self._cells(item, refs, scale, theme.colours)))
            if item.action:
                body.append(ShownRow([Shown(f"**Corrective action:** {item.action}", kind="prose", colspan=len(titles))]))
        figures = [9] * (2 + len(self.comparisons)) + [12] * len(self.comparisons) + [12]
        fixed = ([9] if refs else []) + figures
        widths: list[int | None] = [*fixed[: int(refs)], max(100 - sum(fixed), 20), *figures]
        return TableView(self.caption, self.id, widths, head, body, [], len(titles))

    def _cells(self, indicator: Indicator, refs: bool, scale: Any, colours: Any) -> list[Shown]:
        """Return an indicator's cells: its figures, each comparison's arrow in the theme's colour for it, its status."""
        assessed = self.assess(indicator)
        cells = [Shown(indicator.ref or "", tag="th", scope="row")] if refs else []
        cells.append(Shown(indicator.name, kind="prose", tag="td" if refs else "th", scope=None if refs else "row"))
        previous = indicator.previous or [None] * len(self.comparisons)
        for text in [indicator.target, indicator.actual, *previous]:
            value = self.figure(indicator, text)
            places = max(-value.as_tuple().exponent, 0) if value is not None else 0  # type: ignore[operator]
            cells.append(Shown(number_text(indicator.type, value, places) if value is not None else "", align="right"))
        for way in assessed.travel or (None,) * len(self.comparisons):
            cells.append(Shown(f"{ARROWS[way]} {getattr(self.travel, way)}", colour=getattr(colours, f"travel_{way}")) if way else Shown(""))
        status = scale.get(assessed.status) if assessed.status and scale else None
        if status:
            cells.append(Shown(status.label, kind="status", fill=status.colour, colour=status.text_colour, mark=status.mark))
        else:
            cells.append(Shown(indicator.reporting.capitalize() if indicator.reporting != "rated" else ""))
        return cells


def _travel(actual: Decimal | None, earlier: Decimal | None, better: str) -> str | None:
    """Return better, worse or same for a figure against an earlier one, by which way is better."""
    if actual is None or earlier is None:
        return None
    if actual == earlier:
        return "same"
    return "better" if (actual > earlier) == (better == "higher") else "worse"


def _by_rule(rule: StatusRule, actual: Decimal, target: Decimal, better: str, trend: str | None) -> tuple[str, str]:
    """Return the status the rule gives, and the reason in words."""
    ahead = actual - target if better == "higher" else target - actual
    against = f"actual {_plain(actual)} against target {_plain(target)}"
    if ahead >= 0:
        return rule.met, f"{against} (at or better than target)"
    adrift = abs(ahead) * 100 / abs(target) if target else Decimal(100)
    how_far = f"{_plain(adrift.quantize(Decimal('0.1')))}% adrift"
    if adrift <= rule.tolerance:
        return rule.within or rule.met, f"{against} ({how_far}, within the {_plain(rule.tolerance)}% tolerance)"
    beyond = f"{against} ({how_far}, beyond the {_plain(rule.tolerance)}% tolerance"
    if rule.improving and trend in ("better", "same"):
        return rule.improving, f"{beyond}, but {trend} than the first comparison)".replace("same than", "level with")
    return rule.off_target, f"{beyond}{', and worse than the first comparison' if trend == 'worse' else ''})"


def _plain(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
