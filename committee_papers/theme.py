"""A council's house style, read from templates/<council>/theme.yaml."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, model_validator

from .errors import ContentError, ThemeError
from .loader import load
from .models.common import Strict

Colour = Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$", description="A colour as #RRGGBB.")]


class Fonts(Strict):
    """Typefaces: the first family that is installed is used."""

    body: list[str] = Field(min_length=1)
    """Font families for text, in order of preference (Arial, Liberation Sans)."""
    headings: list[str] | None = None
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
    rule: Colour = "#7F7F7F"
    banner: Colour = "#B00020"


class Numbering(Strict):
    """How the council numbers appendices and notes."""

    appendices: Literal["letters", "numbers"] = "letters"
    notes: Literal["decimal", "lower-roman", "lower-alpha"] = "decimal"


class RiskScale(Strict):
    """A scale a risk is scored on: its name and its levels, lowest first (the first is 1)."""

    name: str
    """The scale's name in the table header: Impact, Likelihood."""
    levels: list[str] = Field(min_length=2)
    """The level names, lowest first; a level's number is its place in the list."""

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


class RiskScales(Strict):
    """How the council scores risks: two scales, rating = impact x likelihood, and bands of ratings."""

    impact: RiskScale
    likelihood: RiskScale
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


class Performance(Strict):
    """How a figure against its target is marked: always in words, and in these colours."""

    better: str = "Better than target"
    worse: str = "Worse than target"
    on_target: str = "On target"
    better_colour: Colour = "#D9EAD3"
    worse_colour: Colour = "#F4CCCC"
    on_target_colour: Colour = "#FFF2CC"


class Theme(Strict):
    """A council: name, language, typefaces, colours and numbering."""

    name: str
    """The council's name as it appears on its papers."""
    language: str = Field(default="en-GB", pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    fonts: Fonts
    colours: Colours
    numbering: Numbering = Numbering()
    access_to_information: Literal["england", "wales"] = "england"
    """Whose law sets the agenda's notice: england (five clear days) or wales (three)."""
    footer: str | None = None
    """Text at the foot of every page, before the page number."""
    risk: RiskScales | None = None
    """The council's risk scales and bands; needed by papers with a risk analysis."""
    performance: Performance = Performance()
    """Words and colours marking figures better or worse than target."""
    priority_links: Literal["numbers", "names"] = "numbers"
    """How a plan shows the priorities an action or measure serves: 1,4 or their short names."""
    slug: str = ""

    def font_stack(self, role: Literal["body", "headings"]) -> str:
        """Return a CSS font-family list for body text or headings."""
        families = (self.fonts.headings if role == "headings" else None) or self.fonts.body
        return ", ".join(f'"{f}"' for f in families) + ", sans-serif"

    def hex(self, colour: str) -> str:
        """Return a theme colour as Word writes it: RRGGBB."""
        return getattr(self.colours, colour).lstrip("#").upper()


def load_theme(templates: Path, council: str, root: Path) -> Theme:
    """Load and validate a council's theme, or raise ContentError/ThemeError."""
    if not re.fullmatch(r"[a-z][a-z0-9-]*", council):
        raise ThemeError(f"council {council!r}: expected a theme folder name (lower case, hyphens)")
    path = templates / council / "theme.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.parent.name for p in templates.glob("*/theme.yaml")))
        raise ThemeError(f"no theme for council {council!r}: expected {path.relative_to(root)} (themes: {known})")
    source = load(path, path.relative_to(root).as_posix())
    from .validate import problems_of

    try:
        theme = Theme.model_validate(source.data)
    except ValidationError as err:
        raise ContentError(problems_of(source, Theme, err)) from None
    return theme.model_copy(update={"slug": council})
