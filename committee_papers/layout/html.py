"""Lay a validated paper out as dialect HTML with the Jinja templates of its council."""

from __future__ import annotations

import re
import traceback
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from lxml import html as lxml_html
from markupsafe import Markup

from ..models import PaperBase
from ..models.theme import FACTS_FILL, Theme, load_stylesheet, markup_in_css
from ..sources import prose, provenance
from ..sources.dates import council_date, created, day_month_year, long_date
from ..sources.errors import PaperError, TemplateProblem, relative
from ..sources.notes import label as note_label
from ..sources.notes import number_notes
from .contents import fill_contents
from .sandbox import Sandbox, draw


def block_kind(block: Any) -> str:
    """Name a content block for the templates: text, paragraph, table ..."""
    if isinstance(block, str):
        return "text"
    fields = type(block).model_fields
    return "paragraph" if "text" in fields and "id" in fields else next(iter(fields))


@jinja2.pass_context
def appendix_label(context: Any, n: int) -> str:
    """Return an appendix's label in the council's style: A, B ... or 1, 2 ..."""
    theme: Theme = context["theme"]
    return str(n) if theme.numbering.appendices == "numbers" else chr(ord("A") + n - 1)


@jinja2.pass_context
def paragraph_number(context: Any, reference: str) -> str:
    """Return the number a paragraph reference (number or id) resolves to."""
    return context["outline"].paragraphs[reference]


def figure(chart: Any, id: str, caption: str | None = None, with_table: bool = False) -> Markup:
    """Return a chart's dialect figure, drawn once (see committee_papers.models.figures)."""
    from ..models.figures import figure_markup

    return Markup(figure_markup(chart, id=id, caption=caption, with_table=with_table))


def _shown(value: Any) -> Any:
    """Print a missing value (an officer's name the paper does not give) as nothing, never as "None"."""
    return "" if value is None else value


class Templates:
    """The Jinja environment of one council: its theme's templates first, then the defaults."""

    def __init__(self, templates: Path, theme: Theme) -> None:
        self.theme = theme
        self.root = templates
        default = jinja2.FileSystemLoader(templates / "default")
        loader = jinja2.ChoiceLoader(
            [jinja2.FileSystemLoader(templates / theme.slug), default, jinja2.PrefixLoader({"default": default})]
        )
        self.env = Sandbox(
            loader=loader,
            autoescape=lambda name: name is None or name.endswith(".html.j2"),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            finalize=lambda value: provenance.finalize(_shown(value)),
        )
        self.env.filters.update(
            prose=prose.to_html,
            inline=prose.to_inline,
            long_date=long_date,
            day_month_year=day_month_year,
            council_date=council_date,
            paragraph_number=paragraph_number,
            roman=lambda n: note_label(n, "lower-roman"),
        )
        provenance.source_filters(self.env)
        self.env.globals.update(block_kind=block_kind, appendix_label=appendix_label, figure=figure)

    @lru_cache(maxsize=None)
    def stylesheet(self) -> str:
        """Return the council's stylesheet: the default one with its theme's values and additions."""
        css = self._draw("paper.css.j2", {"theme": self.theme, "facts_fill": FACTS_FILL})
        markup = markup_in_css(css)
        if markup:  # a council's own paper.css.j2 is inlined in the web page, as theme.css is
            source = self._name(self.env.get_template("paper.css.j2").filename or "paper.css.j2")
            raise TemplateProblem(source, f"the stylesheet it makes holds {markup[0].group()!r}, which would end the web page's <style>")
        return css + load_stylesheet(self.root, self.theme.slug, self.root.parent)

    def pack_index(self, meeting: Any, items: list[Any], links: dict[str, dict[str, str]]) -> str:
        """Return the web page of an agenda pack, linking to the agenda and each public paper."""
        context = {"meeting": meeting, "items": items, "links": links, "theme": self.theme, "stylesheet": Markup(self.stylesheet())}
        return self._draw("pack-index.html.j2", context)

    def _draw(self, name: str, context: dict[str, Any]) -> str:
        """Render a template, turning a mistake in a council's template into a message at its line."""
        try:
            return draw(self.env.get_template(name), context)
        except jinja2.TemplateSyntaxError as err:
            raise TemplateProblem(f"{self._name(err.filename or name)}:{err.lineno}", f"template syntax: {err.message}") from None
        except jinja2.TemplateNotFound as err:
            where = f"{self._name(str(self.root / self.theme.slug))}/ or {self._name(str(self.root / 'default'))}/"
            raise self._problem(err, f"no template named {err.name!r} in {where}") from None
        except jinja2.UndefinedError as err:
            raise self._problem(err, f"undefined: {_plain(err.message or str(err))}") from None
        except jinja2.TemplateError as err:
            raise self._problem(err, err.message or str(err)) from None
        except PaperError:
            raise  # already a message (an asset or a figure refused)
        except Exception as err:  # a value a template cannot use, in the council's templates or the default ones
            raise self._problem(err, f"{type(err).__name__}: {err}") from None

    def _problem(self, err: Exception, what: str) -> TemplateProblem:
        """Return where in the templates an error was raised: jinja rewrites its frames to the templates' names and lines."""
        frames = [f for f in traceback.extract_tb(err.__traceback__) if f.filename.endswith(".j2")]
        where = f"{self._name(frames[-1].filename)}:{frames[-1].lineno}" if frames else self._name(str(self.root / self.theme.slug))
        return TemplateProblem(where, what)

    def _name(self, filename: str) -> str:
        """Return a template's path from the project root, as a person types it."""
        return relative(Path(filename), self.root.parent)

    def render(self, paper: PaperBase, **extra: Any) -> str:
        """Return the dialect HTML of a paper (or agenda), notes numbered."""
        context = {
            "paper": paper,
            "theme": self.theme,
            "scale": self.theme.scale(getattr(paper, "status_scale", None)),
            "created": created(paper).date().isoformat(),
            **paper.derived(),
            **extra,
        }
        document = lxml_html.document_fromstring(
            provenance.mark_sources(self._draw(getattr(paper, "template", f"{paper.kind}.html.j2"), context))
        )
        number_notes(document, self.theme.numbering.notes)
        fill_contents(document)
        provenance.place_sources(document)
        return serialise(document)


def _plain(message: str) -> str:
    """Name a Python object in jinja's message as its class alone: a PortfolioPlan, not 'committee_papers...object'."""
    return re.sub(r"'(?:[\w]+\.)*(\w+) object'", r"a \1", message)


def serialise(document: Any) -> str:
    """Write a document as HTML5 text."""
    return lxml_html.tostring(document, doctype="<!DOCTYPE html>", encoding="unicode", method="html") + "\n"


SKIP_LINK = '<a class="skip-link" href="#content">Skip to content</a>'
"""The first thing a keyboard reaches on a web page; the PDF and DOCX have no use for it."""


def web_page(dialect: str, stylesheet: str) -> str:
    """Return the web version: the dialect document with its stylesheet inlined and a skip link to its main content."""
    document = lxml_html.document_fromstring(dialect.replace("</head>", f"<style>\n{stylesheet}</style>\n</head>", 1))
    main = document.find(".//main")
    if main is not None:
        main.set("id", "content")
        document.body.insert(0, lxml_html.fragment_fromstring(SKIP_LINK))
    return serialise(document)
