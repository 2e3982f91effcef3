"""Tests for the DOCX writer: every dialect element read back as Word constructs."""

from __future__ import annotations

import datetime
import io
import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Emu
from lxml import etree

from committee_papers.outputs.docx_writer import bookmark_names, write_docx
from committee_papers.outputs.reference_docx import main as reference_main
from committee_papers.outputs.reference_docx import make_reference
from committee_papers.sources.errors import RenderError, ThemeError

CREATED = datetime.datetime(2007, 11, 10, 9, 30, tzinfo=datetime.timezone.utc)
HEADER_FILL = "1F3864"


def tiny_png(width: int = 40, height: int = 20) -> bytes:
    """Return a small solid PNG, written by hand so the tests need no imaging library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x2e\x74\xb5" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


SAMPLE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <title>Budget monitoring 2012/13</title>
  <meta name="author" content="Head of Finance">
  <meta name="description" content="Quarter 2 revenue budget monitoring">
  <meta name="keywords" content="budget, finance">
  <meta name="dcterms.created" content="2007-11-10">
</head>
<body class="paper committee-report">
  <header class="running-header">Corporate Policy and Strategy Committee &ndash; 10 November 2007</header>
  <footer class="running-footer">Page <span class="page-number"></span> of <span class="page-count"></span></footer>
  <main>
    <div class="banner">DRAFT &ndash; not for publication</div>
    <div class="cover">
      <p class="label">Report of</p>
      <p>Head of   Finance</p>
    </div>
    <section id="summary">
      <h2><span class="num">1</span> Summary</h2>
      <div class="para" id="para-1-1"><span class="num">1.1</span><div class="body">
        <p>The council forecasts an <strong>underspend</strong> of <em>&pound;1.2m</em>
           for the year, as shown in <a href="#budget-table">the table</a>.<sup class="note-ref"><a href="#note-1">i</a></sup></p>
      </div></div>
    </section>
    <section id="recommendations">
      <h2><span class="num">2</span> Recommendations</h2>
      <div class="para" id="para-2-1"><span class="num">2.1</span><div class="body">
        <p>The committee is asked to:</p>
        <ol>
          <li>note the forecast position;</li>
          <li><p>approve the virements in <a href="https://www.example.gov.uk/virements">Appendix 1</a>:</p>
            <ul><li>transport, &pound;200k;</li><li>schools, &pound;150k.</li></ul>
          </li>
        </ol>
        <p>Further detail is given below.</p>
      </div></div>
      <aside class="facts">
        <h3>Key facts</h3>
        <ul><li>Net budget &pound;1.1bn</li><li>Savings delivered 92%</li></ul>
      </aside>
      <dl class="timeline">
        <dt>January 2013</dt><dd>Budget set by Council.</dd>
        <dt>March 2013</dt><dd><p>Outturn reported.</p></dd>
      </dl>
      <blockquote><p>Every pound is public money.</p><footer>&mdash; Audit Scotland</footer></blockquote>
    </section>
    <section class="landscape" id="appendix-1">
      <h2><span class="num">Appendix 1</span> Forecast by service</h2>
      <table id="budget-table">
        <caption>Table 1: forecast outturn by service (&pound;000)</caption>
        <colgroup><col style="width: 40%"><col style="width: 20%"><col style="width: 20%"><col style="width: 20%"></colgroup>
        <thead>
          <tr><th scope="col">Service</th><th scope="col">Budget</th><th scope="col">Forecast</th><th scope="col">Status</th></tr>
        </thead>
        <tbody>
          <tr class="group"><th colspan="4" scope="colgroup">People</th></tr>
          <tr><td>Schools</td><td style="text-align: right">120,000</td><td style="text-align: right">119,500</td>
              <td style="background-color: #00B050"><span class="status">Green</span></td></tr>
          <tr><td>Social care</td><td colspan="2">Budget and forecast to be confirmed</td>
              <td style="background-color: #FFC000"><p>Amber</p><ul><li>pressures in care homes</li></ul></td></tr>
        </tbody>
      </table>
      <p>Figures exclude ring-fenced grants.</p>
    </section>
    <section class="new-page" id="appendix-2">
      <h2><span class="num">Appendix 2</span> Trend</h2>
      <figure id="trend">
        <img src="trend.png" alt="Line chart: spend below budget in every quarter">
        <figcaption>Figure 1: spend against budget</figcaption>
      </figure>
      <div class="page-break"></div>
      <h2>Notes</h2>
      <ol class="endnotes">
        <li id="note-1"><span class="note-label">i</span> Before year-end adjustments.</li>
      </ol>
    </section>
  </main>
</body>
</html>
"""


@pytest.fixture(scope="module")
def reference() -> bytes:
    """Return a reference .docx in a council-like theme."""
    return make_reference(body_font="Arial", heading_font="Georgia", font_size_pt=11, text_colour="1A1A1A",
                          heading_colour="1F3864", accent_colour="2E74B5", table_header_fill=HEADER_FILL,
                          table_header_text="FFFFFF", language="en-GB")


def render(html: str, reference: bytes) -> bytes:
    """Return the .docx bytes of a dialect document."""
    images = {"trend.png": tiny_png()}

    def resolve(src: str) -> bytes:
        if src not in images:
            raise RenderError(f"image {src} not allowed")
        return images[src]

    return write_docx(html, reference, created=CREATED, language="en-GB", resolve_image=resolve)


@pytest.fixture(scope="module")
def sample(reference: bytes) -> bytes:
    """Return the sample paper as .docx bytes."""
    return render(SAMPLE, reference)


@pytest.fixture(scope="module")
def document(sample: bytes) -> WordDocument:
    """Return the sample paper opened with python-docx."""
    return docx.Document(io.BytesIO(sample))


def body_paragraphs(document: WordDocument) -> list:
    """Return the top-level body paragraphs."""
    return document.paragraphs


def paragraph_with(document: WordDocument, start: str):
    """Return the first body paragraph whose text starts with `start`."""
    return next(p for p in document.paragraphs if p.text.startswith(start))


# ---------------------------------------------------------------- tables


def test_table_header_row_repeats_and_rows_do_not_split(document: WordDocument) -> None:
    table = document.tables[0]
    first, second = table.rows[0]._tr, table.rows[1]._tr
    assert first.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    assert second.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None
    assert all(row._tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for row in table.rows)


def test_table_header_is_bold_and_shaded(document: WordDocument) -> None:
    header = document.tables[0].rows[0].cells[0]
    assert header.text == "Service"
    assert header.paragraphs[0].style.name == "Table Heading"
    assert header.paragraphs[0].style.font.bold is True
    assert header._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == HEADER_FILL


def test_shaded_cell_takes_its_fill_from_the_style(document: WordDocument) -> None:
    row = document.tables[0].rows[2]
    status = row.cells[3]
    assert status.text == "Green"
    assert status._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == "00B050"


def test_colspan_and_group_row_are_merged(document: WordDocument) -> None:
    table = document.tables[0]
    group = table.rows[1]._tr.tc_lst
    assert len(group) == 1 and group[0].grid_span == 4
    assert group[0].tcPr.find(qn("w:shd")) is not None
    heading = table.rows[1].cells[0].paragraphs[0]
    assert heading.style.name == "Table Subheading" and heading.style.font.bold  # the group heading is bold
    social = table.rows[3]._tr.tc_lst
    assert [tc.grid_span for tc in social] == [1, 2, 1]


def test_cell_with_block_content_keeps_every_paragraph(document: WordDocument) -> None:
    cell = document.tables[0].rows[3].cells[3]
    assert [p.text for p in cell.paragraphs] == ["Amber", "pressures in care homes"]
    assert cell.paragraphs[1].style.name == "Table List Bullet"


def test_column_widths_follow_the_colgroup(document: WordDocument) -> None:
    table = document.tables[0]
    tbl_w = table._tbl.tblPr.find(qn("w:tblW"))
    assert tbl_w.get(qn("w:type")) == "pct" and tbl_w.get(qn("w:w")) == "5000"
    section = document.sections[1]
    text_width = section.page_width - section.left_margin - section.right_margin
    widths = [table.rows[2].cells[i].width for i in range(4)]
    assert abs(widths[0] - text_width * 0.4) < 12700  # within a point
    assert abs(widths[1] - text_width * 0.2) < 12700


def test_table_caption_comes_before_the_table_in_caption_style(document: WordDocument) -> None:
    body = document.element.body
    tbl = document.tables[0]._tbl
    before = tbl.getprevious()
    assert "".join(before.xpath(".//w:t/text()")).startswith("Table 1: forecast outturn")
    assert document.paragraphs[[p._p for p in document.paragraphs].index(before)].style.name == "Caption"
    assert before.getparent() is body


# ---------------------------------------------------------------- sections, header and footer


def test_landscape_section_then_portrait(document: WordDocument) -> None:
    sections = document.sections
    assert len(sections) == 3
    portrait, landscape, after = sections
    assert landscape.orientation == WD_ORIENT.LANDSCAPE
    assert landscape.page_width > landscape.page_height
    assert after.orientation == WD_ORIENT.PORTRAIT and after.page_width < after.page_height
    assert landscape.left_margin == portrait.left_margin and landscape.top_margin == portrait.top_margin
    assert landscape.header.is_linked_to_previous and after.footer.is_linked_to_previous


def test_footer_has_page_and_numpages_fields(document: WordDocument) -> None:
    footer = document.sections[0].footer
    assert not footer.is_linked_to_previous
    instructions = [t.text.strip() for t in footer._element.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert footer.paragraphs[0].style.name == "Running Footer"
    assert document.sections[0].header.paragraphs[0].text.startswith("Corporate Policy and Strategy Committee")


def test_new_page_section_and_page_break_start_pages(document: WordDocument) -> None:
    assert paragraph_with(document, "Appendix 2").paragraph_format.page_break_before is not True  # new section
    assert paragraph_with(document, "Notes").paragraph_format.page_break_before is True


# ---------------------------------------------------------------- paragraphs


def test_numbered_paragraph_carries_its_number_as_text(document: WordDocument) -> None:
    paragraph = paragraph_with(document, "2.1")
    assert paragraph.text == "2.1\tThe committee is asked to:"
    assert paragraph.style.name == "Numbered Paragraph"
    later = paragraph_with(document, "Further detail")
    assert later.style.name == "Body Indent"


def test_ordered_list_numbers_are_text_and_nested_list_is_a_level_in(document: WordDocument) -> None:
    first = paragraph_with(document, "1.\tnote the forecast")
    second = paragraph_with(document, "2.\tapprove the virements")
    assert first.style.name == "List Number"
    assert first._p.pPr.numPr is None and first.style.element.pPr.numPr is None  # no automatic number as well
    nested = paragraph_with(document, "transport")
    assert nested.style.name == "List Bullet 2"
    assert nested.paragraph_format.left_indent > second.paragraph_format.left_indent


def test_heading_number_then_tab(document: WordDocument) -> None:
    heading = paragraph_with(document, "2\tRecommendations")
    assert heading.style.name == "Heading 2"


def test_styles_of_the_other_blocks(document: WordDocument) -> None:
    expected = {
        "DRAFT": "Banner", "Report of": "Cover Label", "Head of Finance": "Normal",
        "Key facts": "Facts Heading", "\u2022\tNet budget": "Facts", "January 2013": "Definition Term",
        "Budget set by Council.": "Definition", "Outturn reported.": "Definition",
        "Every pound": "Quote", "\u2014 Audit Scotland": "Quote Source",
        "Figure 1: spend": "Figure Caption", "i\tBefore year-end adjustments.": "Endnote Text",
    }
    for start, style in expected.items():
        assert paragraph_with(document, start).style.name == style, start


def test_a_figure_caption_is_bold_body_text_and_a_table_caption_the_heading_colour(document: WordDocument) -> None:
    figure, table = paragraph_with(document, "Figure 1: spend").style, document.styles["Caption"]
    normal = document.styles["Normal"]
    assert figure.font.bold and figure.font.size in (None, normal.font.size)
    assert figure.font.color.rgb in (None, normal.font.color.rgb)
    assert table.font.color.rgb == document.styles["Heading 2"].font.color.rgb != normal.font.color.rgb


def test_whitespace_collapses_as_in_html(document: WordDocument) -> None:
    summary = paragraph_with(document, "1.1")
    assert summary.text == ("1.1\tThe council forecasts an underspend of \u00a31.2m for the year, "
                            "as shown in the table.i")


def test_no_empty_paragraphs_in_the_body(document: WordDocument) -> None:
    for paragraph in document.paragraphs:
        has_picture = paragraph._p.xpath(".//w:drawing")
        assert paragraph.text.strip() or has_picture, paragraph._p.xml


# ---------------------------------------------------------------- inline


def test_inline_formatting(document: WordDocument) -> None:
    runs = paragraph_with(document, "1.1").runs
    assert any(r.text == "underspend" and r.bold for r in runs)
    assert any(r.text == "\u00a31.2m" and r.italic for r in runs)


def test_bookmarks_and_internal_links(document: WordDocument) -> None:
    body = document.element.body
    names = body.xpath(".//w:bookmarkStart/@w:name")
    assert "note_1" in names and "budget_table" in names and "para_2_1" in names
    ids = body.xpath(".//w:bookmarkStart/@w:id")
    assert ids == [str(i) for i in range(len(ids))]
    anchors = body.xpath(".//w:hyperlink/@w:anchor")
    assert "note_1" in anchors and "budget_table" in anchors
    marker = body.xpath(".//w:hyperlink[@w:anchor='note_1']//w:vertAlign/@w:val")
    assert marker == ["superscript"]


def test_external_link_has_a_relationship(document: WordDocument) -> None:
    link = document.element.body.xpath(".//w:hyperlink[@r:id]")[0]
    rel = document.part.rels[link.get(qn("r:id"))]
    assert rel.is_external and rel.target_ref == "https://www.example.gov.uk/virements"
    assert "".join(link.xpath(".//w:t/text()")) == "Appendix 1"


def test_bookmark_names_follow_word_rules() -> None:
    names = bookmark_names(["note-1", "note_1", "1st", "x" * 50, "X" * 50])
    assert names["note-1"] == "note_1" and names["note_1"] == "note_1_2"
    assert names["1st"] == "b1st"
    assert all(len(n) <= 40 for n in names.values())
    assert len({n.lower() for n in names.values()}) == 5


# ---------------------------------------------------------------- pictures


def test_picture_alt_text_and_width(document: WordDocument) -> None:
    doc_pr = document.element.body.xpath(".//wp:docPr")[0]
    assert doc_pr.get("descr") == "Line chart: spend below budget in every quarter"
    assert doc_pr.get("title") == doc_pr.get("descr")
    assert doc_pr.get("id") == "1"
    shape = document.inline_shapes[0]
    section = document.sections[2]
    assert 0 < shape.width <= section.page_width - section.left_margin - section.right_margin


def test_wide_picture_is_fitted_to_the_text_width(reference: bytes) -> None:
    html = SAMPLE.replace("trend.png", "wide.png")
    data = write_docx(html, reference, created=CREATED, language="en-GB",
                      resolve_image=lambda src: tiny_png(4000, 100))
    document = docx.Document(io.BytesIO(data))
    section = document.sections[2]
    assert document.inline_shapes[0].width == section.page_width - section.left_margin - section.right_margin


# ---------------------------------------------------------------- package


def test_core_properties_come_from_the_head(document: WordDocument) -> None:
    props = document.core_properties
    assert props.title == "Budget monitoring 2012/13"
    assert props.author == "Head of Finance" and props.last_modified_by == "Head of Finance"
    assert props.subject == "Quarter 2 revenue budget monitoring"
    assert props.keywords == "budget, finance"
    assert props.language == "en-GB"
    assert props.created == CREATED
    assert props.modified == props.created
    assert props.revision == 1
    assert "python-docx" not in (props.comments or "") + (props.author or "")


def test_language_on_the_document_defaults(sample: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(sample)) as package:
        styles = etree.fromstring(package.read("word/styles.xml"))
    lang = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert lang.get(qn("w:val")) == "en-GB"


def test_same_input_same_bytes(sample: bytes, reference: bytes) -> None:
    assert render(SAMPLE, reference) == sample
    with zipfile.ZipFile(io.BytesIO(sample)) as package:
        infos = package.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {info.date_time for info in infos} == {(2007, 11, 10, 9, 30, 0)}


def test_reference_is_deterministic_and_has_the_styles(reference: bytes) -> None:
    again = make_reference(body_font="Arial", heading_font="Georgia", font_size_pt=11, text_colour="1A1A1A",
                           heading_colour="1F3864", accent_colour="2E74B5", table_header_fill=HEADER_FILL,
                           table_header_text="FFFFFF", language="en-GB")
    assert again == reference
    styles = {s.name for s in docx.Document(io.BytesIO(reference)).styles}
    assert {"Numbered Paragraph", "Body Indent", "Facts", "Banner", "Endnote Text", "Table Grid"} <= styles


def test_reference_command_line_writes_the_themes_fonts_and_colours(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from .conftest import make_project

    root = make_project(tmp_path, {})
    theme = root / "templates/leicester-city/theme.yaml"
    theme.write_text(theme.read_text().replace("body: [Arial, Liberation Sans]", "body: [Verdana]").replace('heading: "#00205B"', 'heading: "#003366"'))
    assert reference_main(["leicester-city", "--root", str(root)]) == 0
    assert "wrote templates/leicester-city/reference.docx" in capsys.readouterr().out
    document = docx.Document(str(root / "templates/leicester-city/reference.docx"))
    assert document.styles["Normal"].font.name == "Verdana"
    assert str(document.styles["Heading 1"].font.color.rgb) == "003366"


# ---------------------------------------------------------------- refusals


def test_unknown_element_is_refused_with_its_place(reference: bytes) -> None:
    html = SAMPLE.replace("<p>Further detail is given below.</p>", "<marquee>Further detail</marquee>")
    with pytest.raises(RenderError, match=r"main > section#?.* > div\.para > div\.body: unknown element <marquee>"):
        render(html, reference)


def test_unknown_class_is_refused(reference: bytes) -> None:
    html = SAMPLE.replace('<span class="status">Green</span>', '<span class="rag">Green</span>')
    with pytest.raises(RenderError, match=r"unknown class 'rag' on <span\.rag>"):
        render(html, reference)


def test_link_to_a_missing_id_is_refused(reference: bytes) -> None:
    html = SAMPLE.replace('href="#budget-table"', 'href="#nowhere"')
    with pytest.raises(RenderError, match="#nowhere"):
        render(html, reference)


def test_reference_without_the_styles_is_a_theme_error() -> None:
    plain = io.BytesIO()
    docx.Document().save(plain)
    with pytest.raises(ThemeError, match="Numbered Paragraph"):
        render(SAMPLE, plain.getvalue())


# ---------------------------------------------------------------- LibreOffice


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_lays_the_document_out(sample: bytes, tmp_path: Path) -> None:
    source = tmp_path / "paper.docx"
    source.write_bytes(sample)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    pdf = (tmp_path / "paper.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "paper.pdf"), "-"],
                              check=True, capture_output=True, text=True).stdout
        assert "Forecast by service" in text and "Page 1 of" in text


# ---------------------------------------------------------------- the PDF's look (issue 18)

STYLESHEET = """
@page { size: A4; margin: 22mm 20mm 20mm 20mm; @top-left { content: element(header); } }
@page landscape { size: A4 landscape; }
@page wide { size: A4 landscape; margin: 36mm 15mm 16mm 15mm; }
@page wide:first { margin-top: 15mm; @top-left { content: none; } }
section.landscape { page: landscape; }
body.monitoring section.landscape { page: wide; }
"""
MM = 1440 / 25.4  # twips


def sections_of(html: str, reference: bytes) -> WordDocument:
    """Return a paper written with the test stylesheet."""
    data = write_docx(html, reference, created=CREATED, language="en-GB", resolve_image=lambda src: tiny_png(),
                      stylesheet=STYLESHEET)
    return docx.Document(io.BytesIO(data))


def test_page_size_and_margins_are_the_stylesheets(reference: bytes) -> None:
    document = sections_of(SAMPLE, reference)
    portrait, landscape = document.sections[0], document.sections[1]
    margins = [round(getattr(portrait, f"{side}_margin").twips / MM, 1) for side in ("top", "right", "bottom", "left")]
    assert margins == [22.0, 20.0, 20.0, 20.0]
    assert (round(portrait.page_width.twips / MM), round(portrait.page_height.twips / MM)) == (210, 297)
    assert landscape.orientation == WD_ORIENT.LANDSCAPE
    assert (round(landscape.page_width.twips / MM), round(landscape.page_height.twips / MM)) == (297, 210)
    # The running header ends just above the text, as in the PDF's top margin box.
    assert 5 < portrait.header_distance.twips / MM < 22


def test_a_first_page_without_running_header_gets_an_empty_first_page_header(reference: bytes) -> None:
    html = SAMPLE.replace('class="paper committee-report"', 'class="paper monitoring"') \
        .replace('<div class="banner">DRAFT &ndash; not for publication</div>', "") \
        .replace('<div class="cover">', '<section class="landscape"><div class="cover">') \
        .replace('<p>Head of   Finance</p>\n    </div>', '<p>Head of   Finance</p>\n    </div></section>')
    document = sections_of(html, reference)
    first = document.sections[0]
    assert first.orientation == WD_ORIENT.LANDSCAPE
    assert first.different_first_page_header_footer
    assert first.first_page_header.paragraphs[0].text == ""
    assert "Corporate Policy" in first.header.paragraphs[0].text
    assert "Page" in "".join(p.text for p in first.first_page_footer.paragraphs)
    # Page 1's own margin; the header is placed to push later pages' text down to 36mm.
    assert round(first.top_margin.twips / MM) == 15
    padding = first.header.paragraphs[-1].paragraph_format.space_after
    bottom = first.header_distance.twips / MM + padding.pt * 25.4 / 72
    assert 15 < bottom < 36


def test_a_paper_whose_first_page_has_its_header_has_no_first_page_header(reference: bytes) -> None:
    assert not sections_of(SAMPLE, reference).sections[0].different_first_page_header_footer


def test_group_row_is_filled_with_the_accent_as_the_stylesheet_fills_it() -> None:
    from committee_papers.layout.html import Templates
    from committee_papers.models.theme import load_theme
    from committee_papers.outputs.reference_docx import for_theme

    root = Path(__file__).resolve().parent.parent
    theme = load_theme(root / "templates", "leicestershire", root)
    css = Templates(root / "templates", theme).stylesheet()
    rule = re.search(r"tr\.group th \{ background: (#[0-9A-Fa-f]{6}); color: (#[0-9A-Fa-f]{6}); \}", css)
    assert rule, "the stylesheet's rule for sub-heading rows"
    document = docx.Document(io.BytesIO(render(SAMPLE, for_theme(theme))))
    group = document.tables[0].rows[1].cells[0]
    assert group._tc.xpath("w:tcPr/w:shd/@w:fill") == [rule.group(1).lstrip("#").upper()]
    assert group.paragraphs[0].style.name == "Table Subheading"
    assert str(group.paragraphs[0].style.font.color.rgb) == rule.group(2).lstrip("#").upper()


def test_banner_is_a_box_in_the_banner_colour(document: WordDocument) -> None:
    banner = paragraph_with(document, "DRAFT")
    assert banner.style.name == "Banner"
    borders = {etree.QName(line).localname: line for line in banner.style.element.xpath("w:pPr/w:pBdr/*")}
    assert set(borders) == {"top", "left", "bottom", "right"}
    assert {line.get(qn("w:color")) for line in borders.values()} == {"B00020"}
    assert {int(line.get(qn("w:sz"))) for line in borders.values()} == {16}  # eighths of a point: 2pt
    assert str(banner.style.font.color.rgb) == "B00020"


def test_a_list_in_a_cell_is_in_the_table_list_style_at_table_size(document: WordDocument) -> None:
    cell = document.tables[0].rows[3].cells[3]
    item = next(p for p in cell.paragraphs if p.text == "pressures in care homes")
    assert item.style.name == "Table List Bullet"
    assert item.style.base_style.name == "Table Text"
    assert item.style.font.size is None and item.style.base_style.font.size.pt == 10
    assert item.paragraph_format.left_indent.twips < 360  # 5mm, as td ul in the stylesheet


def test_only_header_rows_and_rows_that_fit_a_page_are_kept_whole(reference: bytes) -> None:
    long_text = " ".join(["The review found that the service has improved its response times."] * 120)
    html = SAMPLE.replace("<td>Schools</td>", f"<td>{long_text}</td>")
    table = docx.Document(io.BytesIO(render(html, reference))).tables[0]
    kept = [bool(row._tr.xpath("w:trPr/w:cantSplit")) for row in table.rows]
    assert kept == [True, True, False, True]  # header, group, a row taller than a page, a short row


def test_a_kept_table_keeps_every_row_whole(reference: bytes) -> None:
    long_text = " ".join(["The review found that the service has improved its response times."] * 120)
    html = SAMPLE.replace("<td>Schools</td>", f"<td>{long_text}</td>").replace('<table id="budget-table">', '<table id="budget-table" class="keep">')
    table = docx.Document(io.BytesIO(render(html, reference))).tables[0]
    assert all(row._tr.xpath("w:trPr/w:cantSplit") for row in table.rows)


def test_a_column_is_at_least_as_wide_as_its_longest_word(reference: bytes) -> None:
    from committee_papers.outputs.docx_metrics import text_width

    html = SAMPLE.replace("<th scope=\"col\">Budget</th>", "<th scope=\"col\">Anticipated</th>") \
        .replace('<col style="width: 40%"><col style="width: 20%">', '<col style="width: 56%"><col style="width: 4%">')
    table = docx.Document(io.BytesIO(render(html, reference))).tables[0]
    widths = [int(w) for w in table._tbl.xpath("w:tblGrid/w:gridCol/@w:w")]
    word = text_width("Anticipated", "Arial", 10, bold=True) * 20 + 200  # the cell's padding, 5pt a side
    assert widths[1] >= word
    assert sum(widths) == pytest.approx(sum([56, 4, 20, 20]) / 100 * widths_room(reference), abs=5)


def test_a_heading_after_a_table_keeps_its_space_before(reference: bytes) -> None:
    html = SAMPLE.replace("<p>Figures exclude ring-fenced grants.</p>",
                          "<h3>Ring-fenced grants</h3><p>Figures exclude them.</p>")
    document = docx.Document(io.BytesIO(render(html, reference)))
    heading, text = paragraph_with(document, "Ring-fenced grants"), paragraph_with(document, "Figures exclude them")
    assert heading.paragraph_format.space_before in (None, heading.style.paragraph_format.space_before)
    assert heading.style.paragraph_format.space_before > document.styles["Normal"].paragraph_format.space_after
    assert text.paragraph_format.space_before is None  # the heading is between it and the table


def test_a_date_is_one_word_when_sizing_columns(reference: bytes) -> None:
    from committee_papers.outputs.docx_metrics import text_width

    html = SAMPLE.replace('<td style="text-align: right">120,000</td>', '<td style="text-align: right">29/07/2015</td>')\
        .replace('<col style="width: 40%"><col style="width: 20%">', '<col style="width: 56%"><col style="width: 4%">')
    table = docx.Document(io.BytesIO(render(html, reference))).tables[0]
    widths = [int(w) for w in table._tbl.xpath("w:tblGrid/w:gridCol/@w:w")]
    assert widths[1] >= text_width("29/07/2015", "Arial", 10) * 20 + 200  # a browser breaks no line inside it


def widths_room(reference: bytes) -> int:
    """Return the width of the landscape text area of the reference's page, in twips."""
    section = docx.Document(io.BytesIO(reference)).sections[0]
    return int(Emu(section.page_height - section.left_margin - section.right_margin).twips)


def test_title_and_subtitle_are_distinct_styles(reference: bytes) -> None:
    html = SAMPLE.replace('<h2><span class="num">1</span> Summary</h2>',
                          '<h1>Commitments monitoring<br><span class="subtitle">Quarter 3, 2007-08</span></h1>'
                          '<h2><span class="num">1</span> Summary</h2>')
    document = docx.Document(io.BytesIO(render(html, reference)))
    title = paragraph_with(document, "Commitments monitoring")
    assert (title.text, title.style.name) == ("Commitments monitoring", "Heading 1")
    subtitle = paragraph_with(document, "Quarter 3")
    assert subtitle.style.name == "Subtitle"
    assert subtitle.style.font.size.pt < title.style.font.size.pt
    assert subtitle.style.font.color.rgb == title.style.font.color.rgb  # the heading colour, as h1 .subtitle


def test_running_header_is_on_the_left_as_in_the_pdf(document: WordDocument) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    assert document.sections[0].header.paragraphs[0].style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.LEFT


def test_no_reference_to_a_numbering_the_style_does_not_have(document: WordDocument) -> None:
    numbered_styles = {s.style_id for s in document.styles if s.element.xpath("w:pPr/w:numPr/w:numId")}
    for p in document.element.body.iter(qn("w:p")):
        if p.xpath("w:pPr/w:numPr/w:numId[@w:val='0']"):
            assert p.xpath("string(w:pPr/w:pStyle/@w:val)") in numbered_styles


def test_numbering_switched_off_with_numid_0_is_what_ecma_376_allows(reference: bytes) -> None:
    """ECMA-376 Part 1, 17.9.18 (numId): "A value of 0 for the val attribute shall never be used to
    point to a numbering definition instance, and shall instead only be used to designate the removal
    of numbering properties at a particular level in the style hierarchy". openxml-audit reports it as
    a missing numbering definition; where a council's List Number style carries numbering, the writer
    switches it off so, and the validator is wrong there."""
    numbered = docx.Document(io.BytesIO(reference))
    style = numbered.styles["List Number"]
    style.element.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = 1
    out = io.BytesIO()
    numbered.save(out)
    document = docx.Document(io.BytesIO(render(SAMPLE, out.getvalue())))
    item = paragraph_with(document, "1.\tnote the forecast")
    assert item._p.xpath("w:pPr/w:numPr/w:numId/@w:val") == ["0"]


def test_custom_xml_part_has_its_properties_part(reference: bytes) -> None:
    from committee_papers.outputs.docx_writer import add_custom_xml

    document = docx.Document(io.BytesIO(reference))
    add_custom_xml(document, b'<?xml version="1.0"?><map xmlns="urn:example"/>', "urn:example")
    out = io.BytesIO()
    document.save(out)
    with zipfile.ZipFile(out) as package:
        names = package.namelist()
        rels = [n for n in names if n.startswith("customXml/_rels/")]
        items = [n for n in names if re.fullmatch(r"customXml/item\d+\.xml", n)]
        assert len(rels) == len(items) >= 1
        for item in items:
            number = re.search(r"\d+", item).group()
            rel = package.read(f"customXml/_rels/item{number}.xml.rels").decode()
            assert f'Target="itemProps{number}.xml"' in rel and "customXmlProps" in rel
            props = package.read(f"customXml/itemProps{number}.xml").decode()
            assert "ds:itemID=" in props
        assert b"customXmlProperties+xml" in package.read("[Content_Types].xml")


# ---------------------------------------------------------------- the dialect's classes (issue 13)


def test_every_class_the_dialect_lists_is_accepted() -> None:
    from committee_papers.outputs.docx_writer import ALLOWED_CLASSES

    dialect = (Path(__file__).resolve().parent.parent / "docs" / "dialect.md").read_text(encoding="utf-8")
    listed = {(tag, name) for tag, name in re.findall(r"`([a-z][a-z0-9]*)\.([a-z][a-z-]*)`", dialect)
              if tag in ALLOWED_CLASSES}
    spans = re.search(r"`span` \(classes ([^:]*):", dialect)
    listed |= {("span", name) for name in re.findall(r"`([a-z-]+)`", spans.group(1))}
    listed.discard(("a", "skip-link"))  # the web page's own, outside the dialect (as dialect.md says)
    assert {("p", "contact"), ("span", "subtitle"), ("h2", "notes-heading")} <= listed
    refused = sorted(f"{tag}.{name}" for tag, name in listed if name not in ALLOWED_CLASSES[tag])
    assert refused == []


def test_p_contact_is_a_normal_paragraph(reference: bytes) -> None:
    html = SAMPLE.replace("<p>Further detail is given below.</p>", '<p class="contact">Austin Roberts, ext. 7120</p>')
    document = docx.Document(io.BytesIO(render(html, reference)))
    assert paragraph_with(document, "Austin Roberts").style.name == "Body Indent"  # as a plain p there


# ---------------------------------------------------------------- the reference follows the theme (issue 13)


def header_fill_of_built_paper(root: Path) -> str:
    """Build the small report and return the fill of its first table's header cells."""
    from committee_papers.pipeline.build import build
    from committee_papers.sources.project import Config

    report = build(Config(root))
    assert report.ok, report.failed
    document = docx.Document(str(root / "output/leicester-city/cabinet/mini.docx"))
    return document.tables[0].rows[0].cells[0]._tc.xpath("string(w:tcPr/w:shd/@w:fill)")


def test_a_councils_docx_follows_its_theme_without_running_the_reference_command(tmp_path: Path) -> None:
    from .conftest import MINI_REPORT, make_project

    root = make_project(tmp_path, {"content/cabinet/mini.yaml": MINI_REPORT})
    theme = root / "templates/leicester-city/theme.yaml"
    theme.write_text(theme.read_text().replace('table_header_fill: "#00205B"', 'table_header_fill: "#5B2000"'))
    assert header_fill_of_built_paper(root) == "5B2000"


def test_a_councils_own_reference_is_used_as_it_is(tmp_path: Path) -> None:
    from .conftest import MINI_REPORT, make_project

    root = make_project(tmp_path, {"content/cabinet/mini.yaml": MINI_REPORT})
    own = docx.Document(io.BytesIO(make_reference(
        body_font="Arial", heading_font="Arial", font_size_pt=11, text_colour="1A1A1A", heading_colour="00205B",
        accent_colour="006C84", table_header_fill="123456", table_header_text="FFFFFF", language="en-GB")))
    own.save(str(root / "templates/leicester-city/reference.docx"))  # as restyled in Word
    assert header_fill_of_built_paper(root) == "123456"


def test_a_class_outside_the_dialect_is_blamed_on_the_template_that_writes_it(tmp_path: Path) -> None:
    from committee_papers.pipeline.build import build
    from committee_papers.sources.project import Config

    from .conftest import MINI_REPORT, make_project

    root = make_project(tmp_path, {"content/cabinet/mini.yaml": MINI_REPORT})
    base = root / "templates/default/base.html.j2"
    lines = base.read_text().splitlines(keepends=True)
    at = next(n for n, line in enumerate(lines) if "<main" in line)
    lines.insert(at + 1, '<p class="officer-card">Officer</p>\n')
    base.write_text("".join(lines))
    report = build(Config(root))
    [message] = report.failed["content/cabinet/mini.yaml"]
    assert message.startswith(f"templates/default/base.html.j2:{at + 2}:1: ")
    assert "unknown class 'officer-card' on <p.officer-card>" in message
    assert message.endswith("(while laying out content/cabinet/mini.yaml)")


def test_a_table_without_widths_is_shared_as_a_browser_shares_it(reference: bytes) -> None:
    from committee_papers.outputs.docx_metrics import text_width

    prose = "The council has improved the way it consults residents on every service it runs."
    html = SAMPLE.replace("<p>Further detail is given below.</p>", f"""
        <table><thead><tr><th scope="col">Area</th><th scope="col">Score</th></tr></thead>
        <tbody><tr><td>{prose} {prose}</td><td class="score">3</td></tr></tbody></table>""")
    document = docx.Document(io.BytesIO(render(html, reference)))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Area")
    area, score = (int(w) for w in table._tbl.xpath("w:tblGrid/w:gridCol/@w:w"))
    # The score column has room for its widest line ("Score", bold) and its share of what is left over.
    assert score >= text_width("Score", "Arial", 10, bold=True) * 20 + 200
    assert score < (area + score) * 0.15


def test_tables_stand_at_the_margin_as_in_the_pdf(reference: bytes) -> None:
    """In Word 2013 layout (compatibility mode 15) a table's indent is measured to its border, as the
    stylesheet places a table's border on the margin; in earlier modes its text would be on the margin."""
    settings = docx.Document(io.BytesIO(reference)).settings.element
    assert settings.xpath("w:compat/w:compatSetting[@w:name='compatibilityMode']/@w:val") == ["15"]


def test_a_facts_box_is_kept_on_one_page(document: WordDocument) -> None:
    box = [p for p in document.paragraphs if p.style.name in ("Facts", "Facts Heading")]
    assert [p.text.split("\t")[-1] for p in box] == ["Key facts", "Net budget £1.1bn", "Savings delivered 92%"]
    assert [bool(p.paragraph_format.keep_with_next or p.style.paragraph_format.keep_with_next) for p in box] == [True, True, False]


def test_a_quotations_source_stays_with_its_quotation(document: WordDocument) -> None:
    quote = paragraph_with(document, "Every pound is public money.")
    source = paragraph_with(document, "\u2014 Audit Scotland")
    assert quote.paragraph_format.keep_with_next and source.style.name == "Quote Source"
