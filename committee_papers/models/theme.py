"""A council's house style, read from templates/<council>/theme.yaml."""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, PrivateAttr, ValidationError, model_validator
from pydantic.json_schema import SkipJsonSchema

from ..sources.errors import ContentError, Problem, ThemeError, did_you_mean
from ..sources.loader import Source, load
from .common import Strict
from .decisions import formula_problem

Colour = Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$", description="A colour as #RRGGBB.")]
# A family name goes into the stylesheet: letters, digits, spaces and . ' & + - cover
# every real typeface's name, and none of them can end a CSS string or the <style> element.
FontFamily = Annotated[str, Field(pattern=r"^\w[\w .'&+-]{0,63}$", description="A font family's name: Arial.")]
# What would end the page's <style> element, or start a script or comment, in the HTML.
_STYLE_BREAKERS = re.compile(r"</style|<!--|<script", re.IGNORECASE)


class Fonts(Strict):
    """Typefaces: the first family that is installed is used."""

    body: list[FontFamily] = Field(min_length=1)
    """Font families for text, in order of preference (Arial, Liberation Sans)."""
    headings: list[FontFamily] | None = None
    """Font families for headings; the body fonts when not given."""
    size: float = Field(default=11, ge=8, le=16)
    """Body text size in points."""


class Colours(Strict):
    """The colours of the house style."""

    text: Colour = "#1A1A1A"
    heading: Colour
    accent: Colour
    table_header_fill: Colour
    table_header_text: Colour = "#FFFFFF"
    rule: Colour = "#6E6E6E"
    """Table rules, and the text of the running header and footer: it must read on white."""
    banner: Colour = "#B00020"
    travel_better: Colour = "#1B6E2B"
    """The direction-of-travel arrow of a figure that got better (↑); it must read on white."""
    travel_worse: Colour = "#B3261E"
    """The arrow of a figure that got worse (↓); it must read on white."""
    travel_same: Colour = "#1A1A1A"
    """The arrow of a figure that held level (→); it must read on white."""


class Numbering(Strict):
    """How the council numbers appendices and notes."""

    appendices: Literal["letters", "numbers"] = "letters"
    """Appendices as letters (A, B ...) or numbers (1, 2 ...)."""
    notes: Literal["decimal", "lower-roman", "lower-alpha"] = "decimal"
    """Endnote numbers as 1, 2 ... (decimal), i, ii ... (lower-roman) or a, b ... (lower-alpha)."""


class RiskScale(Strict):
    """A scale a risk is scored on: its name and its levels, lowest first (the first is 1)."""

    name: str
    """The scale's name in the table header: Impact, Likelihood."""
    levels: list[str] = Field(min_length=2)
    """The level names, lowest first; a level's number is its place in the list."""
    codes: list[str] | None = None
    """Codes for the levels, lowest first, where the council writes them (E, D, C, B, A or IV, III, II, I)."""

    @model_validator(mode="after")
    def _one_code_a_level(self) -> RiskScale:
        if self.codes is not None and len(self.codes) != len(self.levels):
            raise ValueError(f"expected one code for each of the {len(self.levels)} levels, got {len(self.codes)}")
        return self

    def level_of(self, written: str) -> int | None:
        """Return the number of a level written as its number, its name or its code; None if it has none."""
        text = written.strip()
        if text.isascii() and text.isdigit() and len(text) < 5 and 1 <= int(text) <= len(self.levels):  # not '²', nor 5,000 digits
            return int(text)
        names = [name.lower() for name in self.levels]
        if text.lower() in names:
            return names.index(text.lower()) + 1
        if self.codes and text in self.codes:
            return self.codes.index(text) + 1
        return None

    def label(self, level: int) -> str:
        """Return a level as the council labels it on a matrix: its code and name, or its name."""
        name = self.levels[level - 1]
        return f"{self.codes[level - 1]} {name}" if self.codes else name

    def header(self) -> str:
        """Return the scale as the council's risk table heads it: Negligible = 1, Marginal = 2 ..."""
        return ", ".join(f"{name} = {n}" for n, name in enumerate(self.levels, 1))

    def name_of(self, level: int) -> str:
        """Return the name of a level by its number."""
        return self.levels[level - 1]


class RiskBand(Strict):
    """A band of risk ratings (impact x likelihood) and how it is shown."""

    name: str
    """Low, Medium, High ..."""
    up_to: int = Field(ge=1)
    """The highest rating in the band; bands are listed lowest first."""
    colour: Colour
    """The fill of the band's cells in the risk table and the risk matrix."""
    text: Colour | None = None
    """The text colour on the fill (white on a black band); the theme's text colour when not given."""
    description: str | None = None
    """What the band means, for the key: "Priority risks which require mitigating controls and quarterly review"."""


class RiskScales(Strict):
    """How the council scores risks: two scales, rating = impact x likelihood, and bands of ratings."""

    impact: RiskScale
    """The impact scale: Negligible, Marginal, Critical, Catastrophic."""
    likelihood: RiskScale
    """The likelihood scale, lowest first."""
    bands: list[RiskBand] = Field(min_length=1)
    """Bands lowest first; the last must reach the highest possible rating."""

    @model_validator(mode="after")
    def _bands_cover_ratings(self) -> RiskScales:
        tops = [b.up_to for b in self.bands]
        if tops != sorted(set(tops)):
            raise ValueError(f"expected bands lowest first with rising up_to values, got {tops}")
        highest = len(self.impact.levels) * len(self.likelihood.levels)
        if tops[-1] < highest:
            raise ValueError(f"the last band must reach the highest rating {highest}, got up_to {tops[-1]}")
        return self

    def band(self, rating: int) -> RiskBand:
        """Return the band a rating falls in."""
        return next(b for b in self.bands if rating <= b.up_to)

    def code(self, impact: int, likelihood: int) -> str | None:
        """Return a risk's code where both scales have codes: likelihood letter then impact numeral (CII)."""
        if self.likelihood.codes and self.impact.codes:
            return self.likelihood.codes[likelihood - 1] + self.impact.codes[impact - 1]
        return None


class Performance(Strict):
    """How a figure against its target is marked: always in words, and in these colours."""

    better: str = "Better than target"
    """The words beside a figure better than its target."""
    worse: str = "Worse than target"
    """The words beside a figure worse than its target."""
    on_target: str = "On target"
    """The words beside a figure on its target."""
    better_mark: str = Field(default="", max_length=2, examples=["▲"])
    """A shape printed before the words of a figure better than its target (▲), so the marker does not rest on colour."""
    worse_mark: str = Field(default="", max_length=2, examples=["▼"])
    """A shape printed before the words of a figure worse than its target (▼)."""
    on_target_mark: str = Field(default="", max_length=2, examples=["●"])
    """A shape printed before the words of a figure on its target (●)."""
    better_colour: Colour = "#D9EAD3"
    worse_colour: Colour = "#F4CCCC"
    on_target_colour: Colour = "#FFF2CC"
def luminance(colour: str) -> float:
    """Return a #RRGGBB colour's relative luminance (WCAG 2)."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """Return the WCAG contrast ratio of two #RRGGBB colours (1 to 21)."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


MIN_CONTRAST = 4.5
"""WCAG AA for normal text: the least contrast any text may have on what it is set on."""

PAGE = "#FFFFFF"
"""The page every paper is printed and shown on."""
FACTS_FILL = "#F3F6F9"
"""The fill of a facts box (paper.css.j2 uses it)."""


class Status(Strict):
    """One status of a council's scale: what officers write, what the key says, how it looks."""

    label: str
    """What content writes and cells show: Green, Amber, Completed ..."""
    name: str | None = None
    """A longer name where the council uses one (Not Available for N/A); the label when not given."""
    key: str | None = None
    """The definition as the council's key prints it: "Green – On Trajectory"."""
    colour: Colour
    """The fill of a status cell."""
    text: Colour | None = None
    """The text colour on the fill; black or white, whichever reads better, when not given."""
    mark: str = Field(min_length=1, max_length=3)
    """A shape or letter shown with the label, so a status never relies on colour alone."""

    @property
    def title(self) -> str:
        """Return the status's name, or its label."""
        return self.name or self.label

    @property
    def definition(self) -> str:
        """Return what the key prints for this status."""
        return self.key or self.title

    @property
    def text_colour(self) -> str:
        """Return the text colour on the fill: the theme's, or black or white by contrast."""
        if self.text:
            return self.text
        return "#000000" if contrast(self.colour, "#000000") >= contrast(self.colour, "#FFFFFF") else "#FFFFFF"

    @model_validator(mode="after")
    def _readable(self) -> Status:
        ratio = contrast(self.colour, self.text_colour)
        if ratio < MIN_CONTRAST:
            raise ValueError(
                f"text {self.text_colour} on {self.colour} has a contrast of {ratio:.1f}:1; "
                f"status text needs at least {MIN_CONTRAST}:1 to stay readable"
            )
        return self


class StatusScale(Strict):
    """A council's status scale: the statuses in the order its key lists them."""

    statuses: list[Status] = Field(min_length=1)
    """The statuses, in the order the key lists them."""
    column: str | None = None
    """The heading of a status column, as the council writes it ("Red/Amber/Green?")."""

    @model_validator(mode="after")
    def _unique(self) -> StatusScale:
        labels = [s.label for s in self.statuses]
        twice = sorted({label for label in labels if labels.count(label) > 1})
        if twice:
            raise ValueError(f"each status label must be used once; {', '.join(twice)} is used more than once")
        return self

    @property
    def labels(self) -> list[str]:
        return [s.label for s in self.statuses]

    @property
    def column_heading(self) -> str:
        """Return the heading of a status column: the theme's, or the labels joined."""
        return self.column or "/".join(self.labels)

    def get(self, label: str) -> Status | None:
        """Return the status with this label, if the scale has one.

        Asked with a paper's rating that knows its source (provenance.py), the
        status shows the paper's rating as its label: a status cell is traced
        to the line that rates, not to the theme that defines the status.
        """
        found = next((s for s in self.statuses if s.label == label), None)
        if found is not None and getattr(label, "provenance_refs", None) is not None:
            return found.model_copy(update={"label": label})
        return found


class Formulas(Strict):
    """The words a council puts before its decisions; {committee} is filled in with the committee's name."""

    recommendations: str | None = Field(default=None, examples=["The {committee} is RECOMMENDED to:"])
    """The line before recommendations, if the council prints one."""
    resolutions: str | None = Field(default=None, examples=["The {committee} RESOLVES that:"])
    """The line before resolutions, if the council prints one."""
    reason: str = "Reason"
    """The label before the reason paired with a recommendation or resolution."""

    @model_validator(mode="after")
    def _sound(self) -> Formulas:
        for formula in (self.recommendations, self.resolutions):
            problem = formula_problem(formula) if formula else None
            if problem:
                raise ValueError(problem)
        return self


class ImplicationHeading(Strict):
    """One of the council's implication headings: the key officers write, the heading printed, and what it needs."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$", examples=["financial"])
    """What officers write in an implications block: financial, legal, equalities ..."""
    heading: str = Field(examples=["Financial Implications"])
    """The heading printed above it."""
    required: bool = False
    """Whether every implications block must have it."""
    signed: bool = False
    """Whether an officer must sign it off (signed_by)."""


class ThemeClass(Strict):
    """A CSS class of the council's own and the Word style it maps to, so PDF, HTML and DOCX agree."""

    element: Literal["p", "span", "table"]
    """The element it goes on: p (a paragraph style), span (a character style) or table (a table style)."""
    word_style: str = Field(min_length=1, examples=["Intense Quote"])
    """The style of that type in the council's reference.docx; the CSS goes in the council's theme.css."""


ClassName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")]


def _unique_keys(headings: list[ImplicationHeading]) -> list[ImplicationHeading]:
    """Refuse an implication key declared twice."""
    keys = [h.key for h in headings]
    twice = sorted({key for key in keys if keys.count(key) > 1})
    if twice:
        raise ValueError(f"expected each implication key once, got {', '.join(twice)} more than once")
    return headings


ImplicationHeadings = Annotated[list[ImplicationHeading], AfterValidator(_unique_keys)]


class Theme(Strict):
    """A council: name, language, typefaces, colours and numbering."""

    name: str
    """The council's name as it appears on its papers."""
    language: str = Field(default="en-GB", pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    """The language the papers are written in, for screen readers: en-GB."""
    fonts: Fonts
    """The typefaces and text size."""
    colours: Colours
    """The colours of the house style."""
    numbering: Numbering = Numbering()
    """How appendices and notes are numbered."""
    access_to_information: Literal["england", "wales"] = "england"
    """Whose law sets the agenda's notice: england (five clear days) or wales (three)."""
    footer: str | None = None
    """Text at the foot of every page, before the page number."""
    risk: RiskScales | None = None
    """The council's risk scales and bands; needed by papers with a risk analysis."""
    performance: Performance = Performance()
    """Words and colours marking figures better or worse than target."""
    dates: Literal["ordinal", "day-month-year", "short", "numeric"] = "day-month-year"
    """How dates are written in tables: 18th January 2013 (ordinal), 18 January 2013, 18 Jan 2013 (short), 18/01/2013 (numeric)."""
    statuses: dict[str, StatusScale] = {}
    """The council's status scales by name (a RAG trajectory scale, a risk scale ...); the first is the default."""
    formulas: Formulas = Formulas()
    """The words before recommendations and resolutions, with {committee} filled in."""
    implications: ImplicationHeadings = []
    """The council's implication headings in the order printed; without them an implications block prints its keys."""
    classes: dict[ClassName, ThemeClass] = {}
    """CSS classes the council's block templates may use, each with the Word style the DOCX gives it."""
    slug: SkipJsonSchema[str] = ""
    """The theme's folder name, set when it is loaded: never typed."""
    _warnings: list[str] = PrivateAttr(default_factory=list)
    """What the clerk should know of the theme on this machine (fonts it lacks), set when it is loaded."""

    @property
    def warnings(self) -> list[str]:
        """Return the warnings found when the theme was loaded."""
        return self._warnings

    def scale(self, name: str | None) -> StatusScale | None:
        """Return a status scale by name, or the first when name is None."""
        if name is None:
            return next(iter(self.statuses.values()), None)
        return self.statuses.get(name)

    def font_stack(self, role: Literal["body", "headings"]) -> str:
        """Return a CSS font-family list for body text or headings."""
        families = (self.fonts.headings if role == "headings" else None) or self.fonts.body
        return ", ".join(_css_string(f) for f in families) + ", sans-serif"

    def contrast_problems(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Return each pair of the theme's colours that text is set in and on whose contrast is under 4.5:1."""
        found = []
        for path, text, fill, where in self._colour_pairs():
            ratio = contrast(text, fill)
            if ratio < MIN_CONTRAST:
                found.append((path, f"expected a contrast of at least {MIN_CONTRAST}:1 for {where}, "
                                    f"got {ratio:.2f}:1 ({text} on {fill})"))
        return found

    def _colour_pairs(self) -> list[tuple[tuple[str | int, ...], str, str, str]]:
        """Return (field blamed, text colour, fill, what is set so) for every colour pair a paper shows."""
        c, white = self.colours, PAGE
        pairs = [
            (("colours", "text"), c.text, white, "body text on the page"),
            (("colours", "heading"), c.heading, white, "headings and captions on the page"),
            (("colours", "accent"), c.accent, white, "links on the page"),
            (("colours", "rule"), c.rule, white, "the running header and footer"),
            (("colours", "banner"), c.banner, white, "the DRAFT and exempt banners"),
            *((("colours", f"travel_{way}"), getattr(c, f"travel_{way}"), white, f"the direction-of-travel arrows of figures {meaning}")
              for way, meaning in (("better", "that got better"), ("worse", "that got worse"), ("same", "that held level"))),
            (("colours", "table_header_text"), c.table_header_text, c.table_header_fill, "table header cells"),
            (("colours", "accent"), "#FFFFFF", c.accent, "white sub-heading rows of tables, on the accent colour"),
            (("colours", "text"), c.text, FACTS_FILL, "the text of a facts box"),
            (("colours", "heading"), c.heading, FACTS_FILL, "the heading of a facts box"),
        ]
        performance = self.performance
        for kind in ("better", "worse", "on_target"):
            pairs.append((("performance", f"{kind}_colour"), c.text, getattr(performance, f"{kind}_colour"),
                          f"the {kind.replace('_', ' ')} marker"))
        for i, band in enumerate(self.risk.bands if self.risk else []):
            pairs.append((("risk", "bands", i, "text" if band.text else "colour"), band.text or c.text, band.colour,
                          f"a {band.name} risk rating"))
        return pairs

    def word_styles(self) -> dict[str, str]:
        """Return the Word style of each class the theme declares, by `element.class`."""
        return {f"{c.element}.{name}": c.word_style for name, c in self.classes.items()}

    def hex(self, colour: str) -> str:
        """Return a theme colour as Word writes it: RRGGBB."""
        return getattr(self.colours, colour).lstrip("#").upper()


def _css_string(text: str) -> str:
    """Return text as a quoted CSS string that cannot end early, whatever it holds."""
    return '"' + "".join(c if c.isalnum() or c in " .'&+-_" else f"\\{ord(c):x} " for c in text) + '"'


def markup_in_css(text: str) -> list[re.Match[str]]:
    """Return each piece of a stylesheet that would end the web page's <style> element, or start markup in it."""
    return list(_STYLE_BREAKERS.finditer(text))


def stylesheet_problems(text: str, name: str) -> list[Problem]:
    """Return each place where a council's stylesheet would end the page's <style> element or start markup."""
    found = []
    for match in markup_in_css(text):
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        message = f"expected CSS, got {match.group()!r}: a stylesheet may not hold markup, which would end the web page's <style>"
        found.append(Problem(name, line, column, "", message))
    return found


def load_stylesheet(templates: Path, council: str, root: Path) -> str:
    """Return a council's theme.css, or nothing; raise ContentError where it holds markup or is not UTF-8 text."""
    path = templates / council / "theme.css"
    if not path.is_file():
        return ""
    name = path.relative_to(root).as_posix()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ContentError([Problem(name, 1, 1, "", f"expected UTF-8 text, got the byte {err.object[err.start]:#04x}; save the file as UTF-8")]) from None
    problems = stylesheet_problems(text, name)
    if problems:
        raise ContentError(problems)
    return text


@functools.cache
def installed_fonts() -> frozenset[str] | None:
    """Return the names of the font families fontconfig knows, lower-cased, or None where it cannot be asked."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    listing = subprocess.run([fc_list, "--format", "%{family}\n"], capture_output=True, text=True, timeout=60, check=False).stdout
    return frozenset(name.strip().casefold() for line in listing.splitlines() for name in line.split(","))


def fallback_font(family: str) -> str:
    """Return the family fontconfig sets text in when a theme asks for one that is not installed."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return "a default font"
    found = subprocess.run([fc_match, "--format", "%{family[0]}", family], capture_output=True, text=True, timeout=60, check=False).stdout
    return found.strip() or "a default font"


def font_warnings(theme: Theme, source: Source) -> list[str]:
    """Return a warning for each list of fonts of which none is installed, naming the font used instead."""
    installed = installed_fonts()
    if installed is None:
        return []
    warnings = []
    for role in ("body", "headings"):
        families = getattr(theme.fonts, role)
        if families and not any(f.casefold() in installed for f in families):
            listed = ", ".join(families)
            problem = source.problem(("fonts", role), f"none of these fonts is installed: {listed}; papers will be set in {fallback_font(families[0])} (install one, or name one that is)")
            warnings.append(f"warning: {problem}")
    return warnings


def load_theme(templates: Path, council: str, root: Path) -> Theme:
    """Load and validate a council's theme, or raise ContentError/ThemeError."""
    if not re.fullmatch(r"[a-z][a-z0-9-]*", council):
        raise ThemeError(f"council {council!r}: expected a theme folder name (lower case, hyphens)")
    path = templates / council / "theme.yaml"
    if not path.is_file():
        themes = sorted(p.parent.name for p in templates.glob("*/theme.yaml"))
        known = ", ".join(themes)
        raise ThemeError(
            f"no theme for council {council!r}{did_you_mean(council, themes)}: expected {path.relative_to(root)} (themes: {known})"
        )
    source = load(path, path.relative_to(root).as_posix())
    from .messages import problems_of

    try:
        theme = Theme.model_validate(source.data)
    except ValidationError as err:
        raise ContentError(problems_of(source, Theme, err)) from None
    unreadable = theme.contrast_problems()
    if unreadable:
        raise ContentError([source.problem(path, message) for path, message in unreadable])
    load_stylesheet(templates, council, root)
    theme = theme.model_copy(update={"slug": council})
    theme._warnings = font_warnings(theme, source)
    return theme
