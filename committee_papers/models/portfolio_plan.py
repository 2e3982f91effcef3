"""The portfolio development plan: a portfolio holder's priorities, budget, actions, measures and risks for a year."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field

from .common import Prose, Strict, by_shape
from .paper import Located, PaperBase
from .values import EiaValue, Money, MonthOrDate, YesNoValue

if TYPE_CHECKING:
    from ..figures import GridChart
    from ..theme import Theme

class Priority(Strict):
    """A corporate priority; actions and measures link to it by id."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$", examples=["places"])
    """A short name, lower case with hyphens, that actions and measures use."""
    name: str = Field(examples=["Live and be happy"])
    """The priority's short name, shown where the council's style links by name (Live and be happy)."""
    text: Prose
    """The priority as the plan states it."""


class Priorities(Strict):
    """The council's priorities, numbered in order."""

    intro: Prose | None = None
    """The line that leads into them (Work with communities;)."""
    items: list[Priority] = Field(min_length=1)
    """The priorities, in the order the plan numbers them."""


PriorityLink = Annotated[
    by_shape(
        {list: list[str], str: Prose},
        "expected a list of priority ids, or text such as 'Dependent on the outcome of the review'",
    ),
    Field(examples=[["places"]]),
]


class BudgetYear(Strict):
    """One year's approved budget; leave a figure out when it is not known (it shows blank, not 0)."""

    year: str = Field(pattern=r"^\d{4}/\d{2}$", examples=["2012/13"])
    """The financial year, written 2012/13."""
    heading: str | None = None
    """The column heading; 'Approved Budget <year> £' when not given."""
    direct_expenditure: Money | None = Field(default=None, examples=[125000])
    """Direct expenditure in pounds (125000); leave it out while it is not known."""
    direct_income: Money | None = Field(default=None, examples=[25000])
    """Income as a positive amount; net expenditure is expenditure less income."""
    net_direct_expenditure: Money | None = Field(default=None, examples=[100000])
    """Only if the paper states it: it is checked against expenditure less income."""

    @property
    def column_heading(self) -> str:
        """Return the year's column heading: Approved Budget 2012/13 £."""
        return self.heading or f"Approved Budget {self.year} £"

    @property
    def net(self) -> Decimal | None:
        """Return expenditure less income, or None while either is unknown."""
        if self.direct_expenditure is None or self.direct_income is None:
            return None
        return self.direct_expenditure - self.direct_income


class Action(Strict):
    """A row of the planned portfolio actions table. Only the action itself is required."""

    action: Prose
    """The action, as the plan words it (Markdown)."""
    priority: PriorityLink | None = None
    """Priority ids ([places, vulnerable]), or text where there is no link yet."""
    lead: str | None = None
    """The lead head of service."""
    service_areas: Prose | None = None
    """Service areas involved to achieve the action."""
    dates: str | None = None
    """Planned start and finish, as the plan writes them: 2012/13, April 2012 to March 2013."""
    outcome: Prose | None = None
    """The outcome, including how performance is measured."""
    major_project: YesNoValue | None = None
    """Yes or No: whether the action is a major project."""
    eia: EiaValue | None = None
    """New, Review, Yes or No; details go in the planned equality impact assessments."""
    consultation: YesNoValue | None = None
    """Yes or No; details go in the planned communication and consultation."""
    risks: YesNoValue | None = None
    """Yes or No: whether the risks are in the risk analysis."""


class Measure(Strict):
    """A performance measurement (KPI)."""

    ref: str = Field(examples=["NI 8"])
    """The KPI reference: NI 8, LPI200."""
    measure: Prose
    """What is measured, as the plan words it (Markdown)."""
    purpose: Prose | None = None
    """Why it is measured (Markdown)."""
    priority: PriorityLink | None = None
    """Priority ids ([places, vulnerable]), or text where there is no link yet."""
    last_actual: str | None = None
    """Last year's actual outturn, as reported; New where there is no history."""
    predicted: str | None = None
    """This year's predicted outturn."""
    target: str | None = None
    """Next year's target."""


class Risk(Strict):
    """A risk, scored on the council's scales (in its theme)."""

    risk: Prose
    """The detail of the risk."""
    impact: int = Field(ge=1)
    """The impact level's number on the theme's impact scale."""
    likelihood: int = Field(ge=1)
    """The likelihood level's number on the theme's likelihood scale."""
    rating: int | None = None
    """Only if the paper states it: it is checked against impact x likelihood."""
    lead: str | None = None
    """Lead responsibility."""
    mitigation: Prose | None = None
    """What is done to reduce the risk (Markdown)."""

    @property
    def computed_rating(self) -> int:
        """Return impact x likelihood."""
        return self.impact * self.likelihood


class Eia(Strict):
    """A planned equality impact assessment."""

    name: str
    """The policy or function to be assessed."""
    lead: str
    """Service area or lead head of service."""
    start: MonthOrDate | None = None
    """When the assessment starts: a month (2012-03) or a date (2012-03-31)."""
    finish: MonthOrDate | None = Field(default=None, examples=["2013-03"])
    """When it finishes: a month (2013-03) or a date (2013-03-31)."""


class EqualityDuty(Strict):
    """The general equality duty: what the portfolio is doing to meet it."""

    question: str = "What are you doing"
    """The heading over the portfolio's response."""
    duties: list[Prose] = Field(min_length=1)
    """The duty's aims, as the plan lists them."""
    response: list[Prose] = []
    """What the portfolio is doing, a paragraph each."""


class Communication(Strict):
    """A planned communication or consultation exercise."""

    exercise: Prose
    """The communication or consultation exercise (Markdown)."""
    purpose: Prose | None = None
    """What it is for (Markdown)."""
    date: str | None = None
    """When, as the plan writes it: April 2012 to September 2012."""
    method: Prose | None = None
    """How it is done: survey, public meeting, newsletter (Markdown)."""


class PortfolioPlan(PaperBase):
    """A portfolio development plan for one year."""

    kind: Literal["portfolio-plan"]
    """The kind of paper: portfolio-plan."""
    council: str = Field(examples=["harborough"])
    """The council's theme: a folder in templates/ whose theme has risk scales."""
    title: str = "Portfolio Development Plan"
    """The title; the cover adds the year."""
    year: str = Field(pattern=r"^\d{4}-\d{2}$", examples=["2012-13"])
    """The plan year, written 2012-13."""
    portfolio: str = Field(examples=["Community Engagement, Cohesion & Wellbeing"])
    """The portfolio, as the council names it."""
    portfolio_holder: str = Field(examples=["Cllr Pain"])
    """The councillor who holds the portfolio."""
    lead_officers: list[str] = Field(min_length=1, examples=[["Matthew Bradford"]])
    """The lead officers, one name a line."""
    vision: list[Prose] = Field(min_length=1)
    """The corporate vision, a paragraph each."""
    priorities: Priorities
    """The council's priorities, which actions and measures link to by id."""
    remit: list[str] = Field(min_length=1, examples=[["Leisure Centres"]])
    """The portfolio remit: one service or responsibility a line."""
    budget: list[BudgetYear] = Field(min_length=1)
    """The approved budget, one financial year each, earliest first."""
    actions: list[Action] = Field(min_length=1)
    """The planned portfolio actions, one row each."""
    measures: list[Measure] = []
    """The performance measurements (KPIs), one row each."""
    risks: list[Risk] = []
    """The risk analysis: each risk scored on the council's impact and likelihood scales."""
    eias: list[Eia] = []
    """The planned equality impact assessments, one each."""
    eia_note: Prose | None = None
    """Where the planned assessments come from, shown under the heading."""
    equality_duty: EqualityDuty | None = None
    """What the portfolio is doing to meet the general equality duty."""
    communications: list[Communication] = []
    """The planned communication and consultation exercises, one each."""

    def document_title(self) -> str:
        """Return the title as the cover shows it: Portfolio Development Plan 2012-13."""
        return f"{self.title} {self.year}"

    def years(self) -> dict[str, str]:
        """Return the years the measures table heads its columns with, from the plan year."""
        start = int(self.year[:4])
        return {"last": f"{start - 2}-{start - 1}", "this": f"{start - 1}-{start}", "next": f"{start}-{start + 1}"}

    def problems(self) -> list[Located]:
        """Return unknown priority ids, and stated ratings and net figures that disagree with the computed ones."""
        found = super().problems()
        ids = [p.id for p in self.priorities.items]
        seen: set[str] = set()
        for i, priority in enumerate(self.priorities.items):
            if priority.id in seen:
                found.append((("priorities", "items", i, "id"), f"priority id {priority.id!r} is used twice"))
            seen.add(priority.id)
        for field, rows in (("actions", self.actions), ("measures", self.measures)):
            for i, row in enumerate(rows):
                if isinstance(row.priority, list):
                    for j, ref in enumerate(row.priority):
                        if ref not in ids:
                            found.append(
                                ((field, i, "priority", j), f"unknown priority id {ref!r}; expected one of: {', '.join(ids)}")
                            )
        for i, risk in enumerate(self.risks):
            if risk.rating is not None and risk.rating != risk.computed_rating:
                found.append(
                    (
                        ("risks", i, "rating"),
                        f"the paper states a rating of {risk.rating} but impact {risk.impact} x likelihood "
                        f"{risk.likelihood} is {risk.computed_rating}",
                    )
                )
        for i, year in enumerate(self.budget):
            if year.net_direct_expenditure is not None and year.net is not None and year.net != year.net_direct_expenditure:
                found.append(
                    (
                        ("budget", i, "net_direct_expenditure"),
                        f"the paper states net direct expenditure of {year.net_direct_expenditure} but expenditure "
                        f"{year.direct_expenditure} less income {year.direct_income} is {year.net}",
                    )
                )
        return found

    def theme_problems(self, theme: Theme) -> list[Located]:
        """Return risk levels outside the council's scales (or a risk analysis where the theme has no scales)."""
        found = super().theme_problems(theme)
        if not self.risks:
            return found
        if theme.risk is None:
            return [*found, (("risks",), f"the theme of {theme.slug!r} defines no risk scales (risk: in its theme.yaml)")]
        for i, risk in enumerate(self.risks):
            for axis in ("impact", "likelihood"):
                scale = getattr(theme.risk, axis)
                level = getattr(risk, axis)
                if level > len(scale.levels):
                    found.append(
                        (
                            ("risks", i, axis),
                            f"expected a level from 1 to {len(scale.levels)} on the {scale.name} scale ({scale.header()}), got {level}",
                        )
                    )
        return found

    def priority_links(self, link: Any, theme: Theme) -> str:
        """Return a priority link as the council shows it: 1,4 or Live and be happy, Vulnerable; text as written."""
        if link is None:
            return ""
        if isinstance(link, str):
            return link
        order = {p.id: (n, p) for n, p in enumerate(self.priorities.items, 1)}
        if theme.priority_links == "names":
            return ", ".join(order[ref][1].name for ref in link)
        return ",".join(str(order[ref][0]) for ref in link)

    def risk_matrix(self, theme: Theme) -> GridChart:
        """Return the risk matrix chart: likelihood (rows) by impact (columns), risks placed, band colours."""
        from ..figures import GridChart, GridItem

        scales = theme.risk
        assert scales is not None
        fills = tuple(
            tuple(scales.band(i * lk).colour for i in range(1, len(scales.impact.levels) + 1))
            for lk in range(1, len(scales.likelihood.levels) + 1)
        )
        items = tuple(
            GridItem(
                label=f"R{n}",
                name=_plain(risk.risk),
                column=risk.impact,
                row=risk.likelihood,
                note=f"rating {risk.computed_rating}, {scales.band(risk.computed_rating).name}",
            )
            for n, risk in enumerate(self.risks, 1)
        )
        return GridChart(
            title="Risk matrix",
            x_title=scales.impact.name,
            x_levels=tuple(scales.impact.levels),
            y_title=scales.likelihood.name,
            y_levels=tuple(scales.likelihood.levels),
            fills=fills,
            items=items,
            legend=tuple((b.name, b.colour) for b in scales.bands),
        )


def _plain(text: str) -> str:
    """Return Markdown as plain words for alt text."""
    return re.sub(r"[*_`\[\]]|\(https?://[^)]*\)|\[\^[^\]]*\]", "", text).strip()
