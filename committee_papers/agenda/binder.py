"""Bind an agenda pack: the front sheet, then each paper's own PDF, stamped with its item and the pack's page numbers."""

from __future__ import annotations

import io
from html import escape
from typing import Any

import pikepdf
from weasyprint import HTML

from ..outputs.cache import Layouts
from ..outputs.render import Renderer
from ..outputs.tagging import TaggedBinder
from ..sources.dates import long_date
from ..sources.errors import ContentError
from ..sources.loader import load
from ..sources.provenance import Origin
from .packs import Pack, PackItem


class Assembler:
    """Binds each pack from its papers' own PDFs, laying out only the front sheets and page stamps itself."""

    def __init__(self, renderer: Renderer, layouts: Layouts) -> None:
        self.renderer = renderer
        self.layouts = layouts

    def build(self, pack: Pack, papers: dict[str, bytes], links: dict[str, dict[str, str]]) -> dict[str, bytes]:
        """Return the agenda in three formats, the pack's web page and the public (and, if needed, confidential) pack PDFs.

        papers holds each item's PDF by item number; links each public
        item's paper outputs (html, pdf, docx) relative to the pack's folder.
        """
        public = [e for e in pack.items if not e.item.exempt]
        files: dict[str, bytes] = {}
        front, pages = self._front_sheet(pack, papers, public)
        files["public-pack.pdf"] = self._bind(pack, front, [(e, papers.get(e.number)) for e in public], pages)
        # The agenda is the public pack's front sheet: the same dialect, so the same PDF, laid out once.
        origin = Origin.of(pack.source if pack.source.values else load(pack.source.path, pack.source.name), [])  # the agenda's DOCX maps to the meeting file
        agenda = self.renderer.outputs(pack.meeting, pack.theme, pack.source.path.parent, pack.source.name, origin=origin, pdf=front, **self._context(pack, pages, public))
        files |= {f"agenda.{ext}": data for ext, data in agenda.items()}
        index = self.renderer.templates(pack.theme).pack_index(pack.meeting, pack.items, links)
        files["index.html"] = index.encode("utf-8")
        if len(public) < len(pack.items):
            front, pages = self._front_sheet(pack, papers, pack.items)
            files["confidential-pack.pdf"] = self._bind(pack, front, [(e, papers.get(e.number)) for e in pack.items], pages)
        return files

    def _front_sheet(self, pack: Pack, papers: dict[str, bytes], included: list[PackItem]) -> tuple[bytes, list[int | None]]:
        """Lay out the front sheet until the page numbers it lists are the pages the papers start on."""
        lengths = {number: page_count(pdf) for number, pdf in papers.items()}
        pages: list[int | None] = [None] * len(pack.items)
        front_length = 1
        for _ in range(4):  # a longer contents list can push the papers on by a page; it settles at once
            pages = start_pages(pack, included, lengths, front_length)
            dialect = self.renderer.dialect(pack.meeting, pack.theme, **self._context(pack, pages, included))
            base = pack.source.path.parent
            front = self.layouts.get("front", f"{base}\n{dialect}", lambda: self.renderer.pdf(dialect, pack.theme, base, f"{pack.source.name} (front sheet)"))
            laid_out = page_count(front)
            if laid_out == front_length:
                return front, pages
            front_length = laid_out
        raise ContentError([pack.source.problem((), "the front sheet's length would not settle")])

    def _bind(self, pack: Pack, front: bytes, papers: list[tuple[PackItem, bytes | None]], pages: list[int | None]) -> bytes:
        """Return one tagged PDF: the front sheet then each paper, bookmarked, with a pack page number on every page."""
        binder = TaggedBinder(
            title=f"Agenda pack: {pack.meeting.committee}, {long_date(pack.meeting.date)}",
            author=pack.theme.name,
            language=pack.theme.language,
        )
        binder.append(front, "Agenda", nested=False)
        items = [""] * len(binder.page_sizes())
        for entry, pdf in papers:
            if pdf is not None:
                binder.append(pdf, f"{entry.number}. {entry.item.title}")
                items += [f"Item {entry.number}"] * (len(binder.page_sizes()) - len(items))
        stamps = page_numbers(binder.page_sizes(), items)
        binder.stamp(self.layouts.get("stamps", stamps, lambda: HTML(string=stamps).write_pdf()))
        return binder.write()

    @staticmethod
    def _context(pack: Pack, pages: list[int | None], included: list[PackItem]) -> dict[str, Any]:
        shown = {id(e) for e in included}
        return {
            "pages": [page if id(e) in shown else None for e, page in zip(pack.items, pages)],
            "reports": [e.report_of for e in pack.items],
        }


def start_pages(pack: Pack, included: list[PackItem], lengths: dict[str, int], front_length: int) -> list[int | None]:
    """Return the pack page each item's paper starts on, in the order they are bound."""
    pages: list[int | None] = [None] * len(pack.items)
    next_page = front_length + 1
    shown = {id(e) for e in included}
    for i, entry in enumerate(pack.items):
        if id(entry) in shown and entry.number in lengths:
            pages[i] = next_page
            next_page += lengths[entry.number]
    return pages


def page_count(pdf: bytes) -> int:
    """Return how many pages a PDF has."""
    with pikepdf.Pdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)


def page_numbers(sizes: list[tuple[float, float]], items: list[str]) -> str:
    """Return the HTML of transparent pages of these sizes: "Page N" of the pack at the foot, the agenda item at the head.

    The item number is stamped rather than laid out with the paper, so a paper
    is laid out once and the same PDF serves alone and in every pack.
    """
    pages = "".join(
        f'<div style="page: {"landscape" if w > h else "portrait"}; string-set: item &quot;{escape(item)}&quot;"></div>'
        for (w, h), item in zip(sizes, items)
    )
    return _OVERLAY.format(pages=pages)


# The pack's own page numbers and item numbers, drawn on transparent pages of each paper page's size.
_MARGIN_BOXES = """@bottom-right {{ content: "Page " counter(page); font: bold 9pt "Liberation Sans", sans-serif; }}
  @top-right {{ content: string(item); font: bold 9pt "Liberation Sans", sans-serif; vertical-align: bottom; }}"""
_OVERLAY = (
    """<!DOCTYPE html><html><head><style>
@page portrait {{ size: A4; margin: 22mm 20mm 8mm 0; """
    + _MARGIN_BOXES
    + """ }}
@page landscape {{ size: A4 landscape; margin: 22mm 20mm 8mm 0; """
    + _MARGIN_BOXES
    + """ }}
div {{ break-after: page; }} div:last-child {{ break-after: auto; }}
</style></head><body>{pages}</body></html>"""
)
