"""The seed Cabinet report, built whole: PDF and DOCX carry the same numbers, headings, cells and notes.

The golden file lists what a reader would check, taken from the DOCX. To
accept a deliberate change, regenerate it and read the diff:

    UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.table import Table
from pypdf import PdfReader

from committee_papers.pipeline.build import Config, build

from .conftest import ROOT

SEED = "content/cabinet/cpa-corporate-assessment-2007.yaml"
GOLDEN = Path(__file__).parent / "golden" / "cpa-corporate-assessment-2007.txt"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("seed")
    shutil.copytree(ROOT / "templates", root / "templates")
    (root / SEED).parent.mkdir(parents=True)
    shutil.copy(ROOT / SEED, root / SEED)
    report = build(Config(root))
    assert report.ok, report.failed
    return root / "output" / "leicester-city" / "cabinet"


def _words(text: str, n: int) -> str:
    return " ".join(text.split()[:n])


def landmarks(document: Document) -> list[str]:
    """Return headings, numbered paragraphs, table cells and notes in reading order."""
    found: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            found += [f"cell: {_words(cell.text, 4)}" for row in item.rows for cell in _unique(row.cells) if cell.text.strip()]
            continue
        text, style = item.text, item.style.name
        if style.startswith("Heading") or style == "Subtitle":  # a title's second line is its own paragraph
            found.append(f"{style}: {' '.join(text.split())}")
        elif re.match(r"^\d+\.\d+\t", text):
            found.append(f"para: {_words(text, 6)}")
        elif style == "Endnote Text":
            found.append(f"note: {_words(text, 6)}")
    return found


def _unique(cells):
    seen = []
    for cell in cells:
        if not any(cell._tc is s._tc for s in seen):
            seen.append(cell)
    return seen


def test_the_docx_matches_the_golden_landmarks(built):
    found = landmarks(docx.Document(built / "cpa-corporate-assessment-2007.docx"))
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text("\n".join(found) + "\n", encoding="utf-8")
    assert found == GOLDEN.read_text(encoding="utf-8").splitlines()


def test_the_pdf_shows_the_same_landmarks_in_the_same_order(built):
    pdf = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(built / "cpa-corporate-assessment-2007.pdf").pages)
    cursor = 0
    for landmark in GOLDEN.read_text(encoding="utf-8").splitlines():
        text = landmark.split(": ", 1)[1].replace("\t", " ")
        at = pdf.find(text, cursor)
        assert at >= 0, f"{landmark!r} not found in the PDF after position {cursor}: {pdf[cursor:cursor + 200]!r}"
        cursor = at


def test_the_seed_carries_its_derived_figures(built):
    # where each value came from (data-src, data-from) is another test's subject
    text = re.sub(r' data-(src|from)="[^"]*"', "", (built / "cpa-corporate-assessment-2007.html").read_text(encoding="utf-8"))
    text = re.sub(r"<span>([^<]*)</span>", r"\1", text)
    # 2.9's overall score is worked out from the theme scores by the rules in 2.3
    assert re.search(r'<tr class="total"><th scope="row">Overall</th><td></td><td></td><td class="score"><strong>3</strong>', text)
    # the appendix's 32 notes are numbered i to xxxii in reading order, whatever keys they were written under
    labels = re.findall(r'<li id="note-appendix-1-([ivx]+)"><span class="note-label">\1</span>', text)
    assert len(labels) == 32 and labels[0] == "i" and labels[-1] == "xxxii"


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_the_seed_docx_is_word_native(built):
    document = docx.Document(built / "cpa-corporate-assessment-2007.docx")
    scores = next(t for t in document.tables if t.cell(0, 0).text == "Theme" and len(t.columns) == 4)
    header = scores.rows[0]._tr
    # the header row repeats on every page, shaded in the theme's header colour
    assert header.find(f"{W}trPr/{W}tblHeader") is not None
    assert {shd.get(f"{W}fill") for shd in header.iter(f"{W}shd")} == {"00205B"}
    assert scores.rows[1]._tr.find(f"{W}trPr/{W}tblHeader") is None
    section = document.sections[0]
    assert section.page_height > section.page_width  # A4 portrait
    footer = section.footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer
    props = document.core_properties
    assert props.title == "Comprehensive Performance Assessment (CPA) Corporate Assessment Self assessment"  # the title and its subtitle
    assert props.author == "Director of Partnership, Performance & Policy"
    assert props.created.date().isoformat() == "2007-11-10"
    assert props.language == "en-GB"
