"""Render a checked paper to its three outputs and write them together."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urljoin

from .assets import Assets
from .docx_writer import write_docx
from .html import Templates, created, web_page
from .output import write_all
from .system import check_libraries
from .theme import Theme

if TYPE_CHECKING:
    from .build import Config, Job


class Renderer:
    """Holds what is loaded once per process: templates, stylesheets, fonts, reference documents."""

    def __init__(self, config: Config) -> None:
        check_libraries()
        from .pdf import PdfWriter  # imports WeasyPrint, which needs the libraries checked above

        self.config = config
        self.assets = Assets([config.content, config.templates])
        self.pdf = PdfWriter(self.assets)
        self._templates: dict[str, Templates] = {}
        self._references: dict[str, bytes] = {}

    def templates(self, theme: Theme) -> Templates:
        """Return the templates of a council, loading them the first time."""
        if theme.slug not in self._templates:
            self._templates[theme.slug] = Templates(self.config.templates, theme)
        return self._templates[theme.slug]

    def reference(self, theme: Theme) -> bytes:
        """Return the council's reference .docx, whose styles the DOCX uses."""
        if theme.slug not in self._references:
            path = self.config.templates / theme.slug / "reference.docx"
            if not path.is_file():
                path = self.config.templates / "default" / "reference.docx"
            self._references[theme.slug] = path.read_bytes()
        return self._references[theme.slug]

    def render(self, job: Job) -> None:
        """Make all three outputs of a paper in memory, then write them; on error write none."""
        templates = self.templates(job.theme)
        dialect = templates.render(job.paper)
        css = templates.stylesheet()
        base_url = job.source.path.parent.resolve().as_uri() + "/"
        files = {
            job.target(self.config, "pdf"): self.pdf.write(dialect, base_url=base_url, council=job.theme.slug, css=css),
            job.target(self.config, "docx"): write_docx(
                dialect,
                self.reference(job.theme),
                created=created(job.paper),
                language=job.theme.language,
                resolve_image=lambda src: self.assets.read(urljoin(base_url, src)),
            ),
            job.target(self.config, "html"): web_page(dialect, css).encode("utf-8"),
        }
        write_all(files)

