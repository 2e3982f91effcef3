"""Render a checked paper (or agenda) to PDF, DOCX and HTML in memory."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import docx
from lxml import etree

from ..layout.assets import Assets
from ..layout.html import Templates, created, web_page
from ..models.theme import Theme
from ..sources.errors import RenderError, ThemeError, relative
from ..sources.package import checked_bytes
from ..sources.provenance import NAMESPACE, Origin, Recording, docx_map, trace_paper, trace_theme
from .docx_pages import anchor_pages
from .docx_writer import DialectError, add_custom_xml, check_styles, write_docx
from .reference_docx import derived_key, for_theme
from .system import check_libraries


class Renderer:
    """Holds what is loaded once per process: templates, stylesheets, fonts, reference documents."""

    def __init__(self, content: Path, templates: Path) -> None:
        check_libraries()
        from .pdf import PdfWriter  # imports WeasyPrint, which needs the libraries checked above

        self.template_root = templates
        self.assets = Assets([content, templates])
        self.pdf_writer = PdfWriter(self.assets)
        self._templates: dict[str, Templates] = {}
        self._references: dict[str, bytes] = {}
        self.rendered: list[str] = []
        """What was laid out, in order: lets a rebuild show it did no more than it had to."""

    def templates(self, theme: Theme) -> Templates:
        """Return the templates of a council, loading them the first time."""
        if theme.slug not in self._templates:
            self._templates[theme.slug] = Templates(self.template_root, theme)
        return self._templates[theme.slug]

    def reference(self, theme: Theme) -> bytes:
        """Return the reference .docx whose styles the council's DOCX uses.

        A council's own `reference.docx` (restyled in Word) is used as it is,
        once checked; otherwise the reference is derived from the theme, in
        memory, so the DOCX follows every change to theme.yaml.
        """
        own = self.template_root / theme.slug / "reference.docx"
        key = str(own) if own.is_file() else derived_key(theme)
        if key not in self._references:
            self._references[key] = self._checked_reference(own) if own.is_file() else for_theme(theme)
        return self._references[key]

    def _checked_reference(self, path: Path) -> bytes:
        """Return a reference .docx's bytes, or raise RenderError naming it when Word could not open it or it lacks a style."""
        name = relative(path, self.template_root.parent)
        data = path.read_bytes()
        if zipfile.is_zipfile(io.BytesIO(data)):  # within the bounds of any Word package before python-docx reads it
            data = checked_bytes(data, name)
        try:
            check_styles(docx.Document(io.BytesIO(data)))
        except ThemeError as err:
            raise RenderError(f"{name}: {err}; add them in Word, or delete the file to use the default styles") from None
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, etree.LxmlError):
            what = "a zip archive that is not a Word document" if zipfile.is_zipfile(io.BytesIO(data)) else "a file that is not a Word document"
            raise RenderError(f"{name}: expected a Word document (.docx) whose styles the papers use, got {what}; "
                              "save it again from Word as .docx, or delete it to use the default styles") from None
        return data

    def dialect(self, document: Any, theme: Theme, **extra: Any) -> str:
        """Return a paper or agenda laid out as dialect HTML."""
        return self.templates(theme).render(document, **extra)

    def pdf(self, dialect: str, theme: Theme, base: Path, name: str) -> bytes:
        """Return the PDF of a dialect document whose relative links start in folder base."""
        self.rendered.append(name)
        css = self.templates(theme).stylesheet()
        return self.pdf_writer.write(dialect, base_url=base.resolve().as_uri() + "/", council=theme.slug, css=css)

    def outputs(
        self, document: Any, theme: Theme, base: Path, name: str, origin: Origin | None = None, pdf: bytes | None = None, **extra: Any
    ) -> dict[str, bytes]:
        """Return the PDF, DOCX and HTML of a paper or agenda, all made before any is written.

        With the `origin` of its sources, the DOCX is anchored back to them
        (provenance.py); with a `pdf` already laid out from the same dialect,
        that PDF is used rather than laid out again.
        """
        dialect = self.traced_dialect(document, theme, origin, **extra) if origin else self.dialect(document, theme, **extra)
        laid_out = pdf if pdf is not None else self.pdf(dialect, theme, base, name)
        return {
            "pdf": laid_out,
            "docx": self.docx(dialect, document, theme, base, origin, pdf=laid_out),
            "html": web_page(dialect, self.templates(theme).stylesheet()).encode("utf-8"),
        }

    def traced_dialect(self, document: Any, theme: Theme, origin: Origin, **extra: Any) -> str:
        """Return the dialect of a paper or agenda whose every shown value carries its source (provenance.py)."""
        traced, theme_source = trace_theme(theme, self.template_root, self.template_root.parent)
        scale = traced.scale(getattr(document, "status_scale", None))
        with Recording([origin.paper, *origin.data, *theme_source]):
            return self.templates(theme).render(trace_paper(document, origin), **{"theme": traced, "scale": scale, **extra})

    def docx(self, dialect: str, document: Any, theme: Theme, base: Path, origin: Origin | None = None,
             pdf: bytes | None = None) -> bytes:
        """Return the DOCX of a dialect document whose relative links start in folder base.

        With the `pdf` laid out from the same dialect, its contents list shows the PDF's page numbers.
        """
        base_url = base.resolve().as_uri() + "/"
        try:
            return write_docx(
                dialect,
                self.reference(theme),
                created=created(document),
                language=theme.language,
                resolve_image=lambda src: self.assets.read(urljoin(base_url, src)),
                annotate=(lambda word, marks: add_custom_xml(word, docx_map(origin.paper.name, marks), NAMESPACE)) if origin else None,
                classes=theme.word_styles(),
                stylesheet=self.templates(theme).stylesheet(),
                anchor_pages=anchor_pages(pdf) if pdf is not None else None,
            )
        except DialectError as error:
            # The HTML came from the council's templates: name the one that wrote the element.
            folders = [self.template_root / theme.slug, self.template_root / "default"]
            raise error.in_templates(folders, self.template_root.parent) from None

