"""Lay dialect HTML out as a tagged PDF/UA-1 document with WeasyPrint, its structure tree mended as it is made."""

from __future__ import annotations

import hashlib
import io
import logging
from typing import Any

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from ..layout.assets import Assets
from ..sources.errors import RenderError
from .tagging import ids_prefixed
from .tagging import install as install_tagging

logger = logging.getLogger(__name__)


class _Refused(FatalURLFetchingError):
    """A fetch the paper is not allowed to make; it stops the layout."""


class _AssetFetcher(URLFetcher):
    """Fetch only data: URLs and files inside the asset folders; never the network."""

    def __init__(self, assets: Assets) -> None:
        super().__init__(allowed_protocols={"data", "file"})
        self.assets = assets
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not url.startswith("data:"):
            try:
                self.assets.path_of(url)
            except RenderError as err:
                self.refused.append(str(err))
                raise _Refused(str(err)) from None
        return super().fetch(url, headers)


class PdfWriter:
    """One per process: fonts and each council's stylesheet are loaded once and reused."""

    def __init__(self, assets: Assets) -> None:
        self.assets = assets
        self.font_config = FontConfiguration()
        self._stylesheets: dict[str, CSS] = {}
        install_tagging()  # from now on WeasyPrint's structure tree is mended before each PDF is written

    def _stylesheet(self, council: str, css: str) -> CSS:
        if council not in self._stylesheets:
            fetcher = _AssetFetcher(self.assets)
            self._stylesheets[council] = CSS(string=css, font_config=self.font_config, url_fetcher=fetcher)
        return self._stylesheets[council]

    def write(self, dialect: str, *, base_url: str, council: str, css: str) -> bytes:
        """Return the PDF of a dialect document, or raise RenderError if it reaches outside."""
        fetcher = _AssetFetcher(self.assets)
        out = io.BytesIO()
        try:
            with ids_prefixed(hashlib.sha256(dialect.encode("utf-8")).hexdigest()[:8] + "-"):
                HTML(string=dialect, base_url=base_url, url_fetcher=fetcher).write_pdf(
                    out,
                    stylesheets=[self._stylesheet(council, css)],
                    font_config=self.font_config,
                    pdf_variant="pdf/ua-1",
                )
        except FatalURLFetchingError:
            raise RenderError("; ".join(fetcher.refused) or "an asset could not be fetched") from None
        if fetcher.refused:
            raise RenderError("; ".join(fetcher.refused))
        return out.getvalue()
