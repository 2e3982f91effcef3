"""Decision parts as blocks any paper may use: recommendations, resolutions, implications, contacts, signatories."""

from __future__ import annotations

import datetime
import math
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator

from ..sources.errors import did_you_mean
from .common import Contact, Officer, Prose, Strict, by_shape, pattern_problem

Located = tuple[tuple[Any, ...], str]

PLACEHOLDERS = ("committee",)
"""What a decision formula may name in braces: `The {committee} is RECOMMENDED to:`."""


def formula_problem(formula: str) -> str | None:
    """Return what is wrong with a formula's placeholders, or None when it is sound."""
    return pattern_problem(formula, PLACEHOLDERS, "placeholders")


def fill(formula: str, committee: str | None) -> str:
    """Return a formula with the committee's name filled in."""
    return formula.format(committee=committee or "")


class ReasonedDecision(Strict):
    """A recommendation or resolution paired with the reason for it."""

    text: Prose
    """What is recommended or resolved (Markdown)."""
    reason: Prose
    """The reason for it (Markdown), printed under it."""


Decision = by_shape({str: Prose, dict: ReasonedDecision}, "expected text, or a mapping with text and reason")


class DecisionNumbers(Strict):
    """How a decision block numbers its own items, apart from the paper's paragraphs: (1), 1), (a)."""

    counter: Literal["decimal", "lower-alpha", "upper-alpha", "lower-roman", "upper-roman"] = "decimal"
    """How the number is written: 1 (decimal), a (lower-alpha), A, i (lower-roman), I."""
    format: str = Field(default="{}", pattern=r"^[^{}]*\{\}[^{}]*$", examples=["({})", "{})"])
    """How a number is printed, {} standing for it: "({})" gives (1), "{})" gives 1)."""
    formula_numbered: bool = False
    """Yes for the formula to take the paper's next paragraph number, the items numbered under it: 19. It is
    RECOMMENDED: (i) ..., (ii) ..."""
    bold: bool = False
    """Yes to print the items in bold."""


class Decisions(Strict):
    """Recommendations or resolutions under the council's formula, one item each."""

    formula: str | None = Field(default=None, examples=["The {committee} is RECOMMENDED to:"])
    """The words before the items, if not the theme's; {committee} is filled in with the committee's name."""
    committee: str | None = Field(default=None, examples=["Council Executive"])
    """The body the formula names, if not the committee the paper goes to."""
    items: list[Decision] = Field(min_length=1)
    """One item each: text, or a mapping with text and the reason for it."""
    numbering: DecisionNumbers | None = None
    """The items' own numbers, such as (1), (2) under "Resolved:"; without it they take the paper's paragraph numbers."""

    @field_validator("formula")
    @classmethod
    def _sound_formula(cls, formula: str | None) -> str | None:
        problem = formula_problem(formula) if formula is not None else None
        if problem:
            raise ValueError(problem)
        return formula

    def paragraphs(self) -> int:
        """Return how many of the paper's paragraph numbers the items take: one each, none when they number themselves
        (one, the formula's, when the formula is numbered)."""
        if self.numbering:
            return int(self.numbering.formula_numbered)
        return len(self.items)

    def own_numbers(self) -> list[str]:
        """Return the items' own printed numbers, (1), (2) ..., or none when they take the paper's."""
        if self.numbering is None:
            return []
        from .numbering import counter

        return [self.numbering.format.format(counter(n, self.numbering.counter)) for n in range(1, len(self.items) + 1)]

    def texts(self) -> list[tuple[str, str | None]]:
        """Return each item's text and its reason (None when it has none)."""
        return [(i, None) if isinstance(i, str) else (i.text, i.reason) for i in self.items]

    def formula_text(self, theme_formula: str | None, committee: str | None) -> str | None:
        """Return the formula as printed: this block's or the theme's, with the committee filled in."""
        formula = self.formula if self.formula is not None else theme_formula
        return fill(formula, self.committee or committee) if formula else None

    def formula_problems(self, theme_formula: str | None, committee: str | None) -> list[Located]:
        """Return a formula that names a committee when there is none to name."""
        formula = self.formula if self.formula is not None else theme_formula
        if formula and "{committee}" in formula and not (self.committee or committee):
            return [((), "expected committee: the formula names the committee, but this paper goes to none")]
        return []


class FormulaBlock(Strict):
    """What recommendations and resolutions share: a paragraph number per item, a formula from the theme."""

    key: ClassVar[str]
    """The block's key, which is also the theme's formula for it (formulas.recommendations ...)."""

    def decisions(self) -> Decisions:
        """Return the block's formula and items."""
        return getattr(self, self.key)

    def paragraphs(self) -> int:
        """Return how many numbered paragraphs the block takes."""
        return self.decisions().paragraphs()

    def theme_problems(self, theme: Any, committee: str | None) -> list[Located]:
        """Return a formula that cannot be filled in."""
        found = self.decisions().formula_problems(getattr(theme.formulas, self.key), committee)
        return [((self.key, *path), message) for path, message in found]


class RecommendationsBlock(FormulaBlock):
    """Recommendations, written `- recommendations:`; the formula is the theme's `formulas.recommendations`."""

    key: ClassVar[str] = "recommendations"
    recommendations: Decisions
    """The formula and the recommendations, each optionally paired with its reason."""


class ResolutionsBlock(FormulaBlock):
    """Resolutions, written `- resolutions:`; the formula is the theme's `formulas.resolutions`."""

    key: ClassVar[str] = "resolutions"
    resolutions: Decisions
    """The formula and the resolutions, each optionally paired with its reason."""


class Implication(Strict):
    """What one kind of implication is, and the officer who signs it off where the council asks for one."""

    text: Prose
    """What the implications are (Markdown)."""
    signed_by: Officer | None = None
    """The officer who signs the implications off (the theme says which headings need one)."""


class ImplicationLine(Strict):
    """A line of a table of other implications: the implication, whether it applies, and where the paper covers it."""

    implication: str = Field(examples=["Equal Opportunities"])
    """The kind of implication: Equal Opportunities, Policy, Sustainable and Environmental ..."""
    applies: bool
    """Yes or No: whether the implication applies."""
    paragraphs: list[str] = Field(default=[], examples=[["1.1"]])
    """Paragraph references (2.3, or a paragraph id) within the paper, checked against the numbers it prints."""


ImplicationEntry = by_shape({dict: Implication, list: list[ImplicationLine]}, "expected a mapping with text (and signed_by), or a list of other implications")


class ImplicationsBlock(Strict):
    """Implications under the council's own headings, written `- implications:` with one key per heading."""

    implications: dict[str, ImplicationEntry] = Field(min_length=1, examples=[{"financial": {"text": "None."}}])
    """One entry per heading: a key the theme's `implications:` declares (or, without that list, the heading itself).
    An entry that is a list of lines (implication, applies, paragraphs) is a table of other implications."""

    def paragraphs(self) -> int:
        """Return how many numbered paragraphs the block takes: one per heading with text; a table takes none."""
        return sum(isinstance(value, Implication) for value in self.implications.values())

    def entries(self, theme: Any) -> list[tuple[str, Implication | list[ImplicationLine]]]:
        """Return (heading, implication or table) in the theme's order, or as written when the theme declares no headings."""
        if not theme.implications:
            return list(self.implications.items())
        return [(h.heading, self.implications[h.key]) for h in theme.implications if h.key in self.implications]

    def numbered_entries(self, theme: Any, numbers: list[str] | None) -> list[tuple[str, Any, str | None]]:
        """Return (heading, implication or table, the paragraph number it carries or None), in the theme's order."""
        found: list[tuple[str, Any, str | None]] = []
        given = iter(numbers or [])
        for heading, value in self.entries(theme):
            found.append((heading, value, next(given, None) if isinstance(value, Implication) else None))
        return found

    def paragraph_refs(self) -> list[tuple[tuple[Any, ...], str]]:
        """Return each paragraph reference of the tables of other implications, with its path in the block."""
        return [(("implications", key, i, "paragraphs", j), ref)
                for key, value in self.implications.items() if isinstance(value, list)
                for i, line in enumerate(value) for j, ref in enumerate(line.paragraphs)]

    def theme_problems(self, theme: Any, committee: str | None) -> list[Located]:
        """Return headings the theme does not declare, required ones missing and unsigned ones it wants signed (a table is signed by none)."""
        declared = {h.key: h for h in theme.implications}
        if not declared:
            return []
        found: list[Located] = []
        for key, implication in self.implications.items():
            heading = declared.get(key)
            if heading is None:
                found.append((("implications", key), f"expected one of the council's implication headings "
                               f"({', '.join(declared)}), got {key!r}{did_you_mean(key, declared)}"))
            elif heading.signed and isinstance(implication, Implication) and implication.signed_by is None:
                found.append((("implications", key), f"expected signed_by: the council has {heading.heading!r} signed by an officer"))
        missing = [h for h in declared.values() if h.required and h.key not in self.implications]
        found += [(("implications",), f"expected {h.key}: the council requires {h.heading!r}") for h in missing]
        return found


class ContactBlock(Strict):
    """The contact officer, written `- contact:`."""

    contact: Contact
    """The officer to contact: post, and any of name, team, telephone and email."""


class AuthorBlock(Strict):
    """The report author, written `- author:`."""

    author: Contact
    """The author to contact: post, and any of name, team, telephone and email."""


class Signatory(Strict):
    """Someone who signs a paper: a leader, a chief executive, a chair."""

    name: str = Field(examples=["Councillor A. Leader"])
    """The signatory's name."""
    post: str = Field(examples=["Leader of the Council"])
    """The signatory's post or role."""


class Signatories(Strict):
    """Two or more people signing side by side, under an optional foreword."""

    foreword: Prose | None = None
    """The words they sign (Markdown), printed above their names."""
    people: list[Signatory] = Field(min_length=2)
    """The signatories, left to right."""

    def rows(self) -> list[list[Signatory | None]]:
        """Return the signatories in rows of at most three, as even as can be, the last padded with None."""
        count = math.ceil(len(self.people) / 3)
        across = math.ceil(len(self.people) / count)
        rows: list[list[Signatory | None]] = [list(self.people[i:i + across]) for i in range(0, len(self.people), across)]
        rows[-1] += [None] * (across - len(rows[-1]))
        return rows


class SignatoriesBlock(Strict):
    """Signatories side by side, written `- signatories:`."""

    signatories: Signatories
    """The foreword and the people who sign it."""


class StatusLine(Strict):
    """A row of a decision status table: the council's label and its value."""

    label: str = Field(examples=["Key Decision"])
    """The row's label, as the council words it."""
    value: Prose = Field(examples=["Yes"])
    """The value (Markdown)."""


class DecisionStatus(Strict):
    """A decision status table with the council's own rows."""

    caption: str = "Decision status"
    """The table's title."""
    rows: list[StatusLine] = Field(min_length=1)
    """The rows, top to bottom."""


class DecisionStatusBlock(Strict):
    """A decision status table, written `- decision_status:`."""

    decision_status: DecisionStatus
    """The caption and the council's rows."""


class KeyDecision(Strict):
    """Whether a decision is a key decision, and where it stands on the forward plan: the table at a report's end."""

    key_decision: bool
    """Yes or No: whether this is a key decision."""
    reason: str | None = None
    """Why it is (or is not) a key decision."""
    forward_plan: Literal["Yes", "No", "N/A"]
    """Whether it appeared in the forward plan."""
    forward_plan_published: datetime.date | None = None
    """When a key decision was first published on the forward plan (28 clear days' notice are needed): agenda packs warn when it was later."""
    decision_by: str
    """Executive (Cabinet) or Council, as the council writes it."""

    def table(self) -> DecisionStatus:
        """Return the status as the rows of a decision status table."""
        rows = [("Key Decision", "Yes" if self.key_decision else "No"), ("Reason", self.reason),
                ("Appeared in Forward Plan", self.forward_plan), ("Executive or Council Decision", self.decision_by)]
        return DecisionStatus(rows=[StatusLine(label=label, value=value) for label, value in rows if value is not None])


class KeyDecisionBlock(Strict):
    """A key decision's status, written `- key_decision:`, drawn as a decision status table."""

    key_decision: KeyDecision
    """Whether it is a key decision, why, the forward plan and who decides."""

    def as_table(self) -> DecisionStatusBlock:
        """Return the status as the decision status table that draws it."""
        return DecisionStatusBlock.model_construct(decision_status=self.key_decision.table())


class BackgroundPapersBlock(Strict):
    """Background papers, written `- background_papers:`."""

    background_papers: list[Prose] = Field(min_length=1)
    """Background papers (Local Government Act 1972, s.100D), one each."""


class ConsultationsBlock(Strict):
    """Who was consulted, written `- consultations:`."""

    consultations: list[Prose] = Field(min_length=1)
    """Who was consulted, one each."""


class TimetableEntry(Strict):
    """A meeting in the forward timetable of consultation and meetings."""

    meeting: str = Field(examples=["Cabinet"])
    """The meeting, as the council names it."""
    date: datetime.date
    """The meeting date (ISO: 2007-11-10)."""


class ForwardTimetable(Strict):
    """The meetings a paper goes to, in order."""

    caption: str = "Forward timetable of consultation and meetings"
    """The table's title."""
    meetings: list[TimetableEntry] = Field(min_length=1)
    """The meetings, in order."""


class ForwardTimetableBlock(Strict):
    """A forward timetable, written `- forward_timetable:`."""

    forward_timetable: ForwardTimetable
    """The caption and the meetings."""


DECISION_BLOCKS: dict[str, type[Strict]] = {
    "recommendations": RecommendationsBlock,
    "resolutions": ResolutionsBlock,
    "implications": ImplicationsBlock,
    "contact": ContactBlock,
    "author": AuthorBlock,
    "signatories": SignatoriesBlock,
    "decision_status": DecisionStatusBlock,
    "key_decision": KeyDecisionBlock,
    "background_papers": BackgroundPapersBlock,
    "consultations": ConsultationsBlock,
    "forward_timetable": ForwardTimetableBlock,
}
"""The decision blocks by the key they are written with."""
