"""A council's house style, read from templates/<council>/theme.yaml."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError

from .errors import ContentError, ThemeError, did_you_mean
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


class Theme(Strict):
    """A council: name, language, typefaces, colours and numbering."""

    name: str
    """The council's name as it appears on its papers."""
    language: str = Field(default="en-GB", pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    fonts: Fonts
    colours: Colours
    numbering: Numbering = Numbering()
    footer: str | None = None
    """Text at the foot of every page, before the page number."""
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
        themes = sorted(p.parent.name for p in templates.glob("*/theme.yaml"))
        known = ", ".join(themes)
        raise ThemeError(
            f"no theme for council {council!r}{did_you_mean(council, themes)}: expected {path.relative_to(root)} (themes: {known})"
        )
    source = load(path, path.relative_to(root).as_posix())
    from .validate import problems_of

    try:
        theme = Theme.model_validate(source.data)
    except ValidationError as err:
        raise ContentError(problems_of(source, Theme, err)) from None
    return theme.model_copy(update={"slug": council})
