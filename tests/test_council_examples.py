"""The example papers of councils declared with a theme and kind files alone: what a reader checks in each.

Medway's Council Plan performance and risk review, Flintshire's year-end Improvement Plan monitoring,
Westminster's LAA framework report and Epping Forest's agenda and minutes are built once, with the real
templates, and read back from the PDF's text and the DOCX's XML.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader

from committee_papers.pipeline.build import Config, build

from .conftest import ROOT

PAPERS = {
    "medway": "examples/medway-council-plan-performance-q4-2020-21",
    "flintshire": "examples/flintshire-improvement-plan-year-end-2013-14",
    "westminster": "examples/westminster-laa-performance-framework-2008",
    "epping-forest": "examples/epping-forest-overview-scrutiny-2020-01-28",
}


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("councils")
    shutil.copytree(ROOT / "templates", root / "templates")
    for path in PAPERS.values():
        (root / "content" / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "content" / f"{path}.yaml", root / "content" / f"{path}.yaml")
    shutil.copytree(ROOT / "content" / "data" / "flintshire", root / "content" / "data" / "flintshire")
    report = build(Config(root))
    assert report.ok, report.failed
    return root / "output"


def pdf_text(output: Path, council: str) -> str:
    """Return the PDF's text with runs of white space made one space, as a reader reads it."""
    reader = PdfReader(output / council / f"{PAPERS[council]}.pdf")
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def word(output: Path, council: str) -> docx.document.Document:
    return docx.Document(str(output / council / f"{PAPERS[council]}.docx"))


def caption_before(table) -> str:
    previous = table._tbl.getprevious()
    return "".join(t.text or "" for t in previous.iter(qn("w:t"))).strip()


def table(document, caption: str):
    return next(t for t in document.tables if caption_before(t) == caption)


def fill(cell) -> str:
    return cell._tc.tcPr.find(qn("w:shd")).get(qn("w:fill"))


def colours(cell) -> set[str]:
    return {r.get(qn("w:val")) for r in cell._tc.iter(qn("w:color"))}


def row_of(word_table, first: str):
    return next(r for r in word_table.rows if r.cells[0].text.strip() == first)


# ------------------------------------------------------------ Medway


def test_medway_counts_its_measures_by_band_from_the_48_it_lists(output) -> None:
    text = pdf_text(output, "medway")
    assert "26 of 37 (70%) measures are rated Met or exceeded target" in text
    assert "2 of 37 (5%) measures are rated Slightly below target" in text
    assert "9 of 37 (24%) measures are rated Significantly below target" in text
    assert "48 measures in all: 1 data only; 10 not available" in text


def test_medway_status_cells_carry_the_band_s_word_and_fill(output) -> None:
    measures = table(word(output, "medway"), "Council Plan measures, Quarter 4 2020/21")
    business_rates = row_of(measures, "RC 2")  # 92.0 against 98: more than 5% below
    assert business_rates.cells[-1].text.strip().endswith("Significantly below target")
    assert fill(business_rates.cells[-1]) == "C00000"
    council_tax = row_of(measures, "RC 1")
    assert council_tax.cells[-1].text.strip().endswith("Met or exceeded target")
    assert fill(council_tax.cells[-1]) == "92D050"
    assert "↓ Worse" in business_rates.cells[-2].text


def test_medway_heat_maps_count_the_risks_before_and_after_sr26_moved(output) -> None:
    document = word(output, "medway")
    previous = table(document, "Strategic risks, Quarter 4 2020/21: heat maps: previous")
    current = table(document, "Strategic risks, Quarter 4 2020/21: heat maps: current")
    # Columns: the corner, then IV Marginal, III Moderate, II Major, I Catastrophic.
    assert row_of(previous, "A Very high").cells[3].text.strip() == "2"  # SR26 and SR48 at AII
    assert row_of(current, "A Very high").cells[3].text.strip() == "1"  # SR48 alone
    assert row_of(current, "C Significant").cells[3].text.strip() == "2"  # SR26 now at CII, with SR50
    black = row_of(current, "A Very high").cells[3]
    assert fill(black) == "000000" and colours(black) <= {"FFFFFF"}
    text = pdf_text(output, "medway")
    assert "CII (Significant / Major): High" in text and "AII (Very high / Major): Very high" in text


def test_medway_front_sheet_and_decisions_as_the_issue_page_prints_them(output) -> None:
    text = pdf_text(output, "medway")
    assert "Meeting: Cabinet, 04/05/2021" in text and "Item: 7" in text
    assert "Medway Council · Cabinet · 04/05/2021 · Item 7" in text
    assert "and in doing so: 1) noted the addition of a new risk, SR50" in text
    assert "2) noted the change to the current residual score of SR26" in text
    assert "Appendix 1 Strategic Risk Register" in text


# ------------------------------------------------------------ Flintshire


def test_flintshire_summarises_both_dimensions_from_the_98_activities(output) -> None:
    text = pdf_text(output, "flintshire")
    progress = text.index("PROGRESS")
    assert text.index("Good progress (green): 55 (56%)") > progress
    assert "Satisfactory progress (amber): 41 (42%)" in text
    assert "Limited progress (red): 2 (2%)" in text
    outcome = text.index("OUTCOME")
    assert text.index("high (green) level of confidence: 69 (70%)") > outcome > progress
    assert "medium (amber) level of confidence: 28 (29%)" in text
    assert "low (red) level of confidence: 1 (1%)" in text


def test_flintshire_rates_each_activity_on_two_scales(output) -> None:
    activities = table(word(output, "flintshire"), "High level activities by priority, year end 2013/14")
    road_safety = next(r for r in activities.rows if r.cells[2].text.strip() == "Improve road safety around schools")
    assert road_safety.cells[1].text.strip() == "5.5"
    assert road_safety.cells[3].text.strip().endswith("Limited") and fill(road_safety.cells[3]) == "C00000"
    assert road_safety.cells[4].text.strip().endswith("Low") and fill(road_safety.cells[4]) == "C00000"
    assert len(activities.rows) == 99  # the heading row and 98 activities


def test_flintshire_numbers_1_0_and_letters_its_recommendations(output) -> None:
    text = pdf_text(output, "flintshire")
    assert "1.0 Purpose of report 1.1 To present the year-end" in text
    assert "3.0 Considerations 3.1 The levels of progress" in text
    assert "(a) That the following be agreed:" in text and "(b) That Cabinet Members be assured" in text
    sheet = word(output, "flintshire").tables[0]
    assert [c.text for c in sheet.rows[0].cells] == ["Report to", "Cabinet, 17 June 2014"]
    assert [c.text for c in sheet.rows[-1].cells] == ["Decision", "As detailed in the recommendations."]


# ------------------------------------------------------------ Westminster


def test_westminster_front_sheet_names_the_committee_in_its_top_cell(output) -> None:
    sheet = word(output, "westminster").tables[0]
    top = sheet.rows[0]._tr.find(qn("w:tc"))
    assert top.find(qn("w:tcPr")).find(qn("w:gridSpan")).get(qn("w:val")) == "2"
    assert "".join(t.text for t in top.iter(qn("w:t"))) == "Audit and Performance Committee"
    labels = [row.cells[0].text for row in sheet.rows[1:]]
    assert labels == ["Date:", "Classification:", "Title of Report:", "Report of:", "Wards Involved:", "Policy Context:", "Financial Summary:"]
    assert sheet.rows[1].cells[1].text == "14 October 2008"
    assert sheet.rows[3].cells[1].text == "Local Area Agreement Performance and Financial Management Framework"
    text = pdf_text(output, "westminster")
    assert text.index("Audit and Performance Committee Report") < text.index("Report summary")


def test_westminster_funding_total_is_worked_out_in_millions(output) -> None:
    funding = table(word(output, "westminster"), "Transitional neighbourhood renewal funding")
    assert [c.text for c in funding.rows[1].cells] == ["2008/09", "£2.1m"]
    assert [c.text for c in funding.rows[-1].cells] == ["Total 2008-2011", "£3.0m"]


# ------------------------------------------------------------ Epping Forest


def test_epping_forest_items_run_on_from_49(output) -> None:
    text = pdf_text(output, "epping-forest")
    numbers = re.findall(r"\b(\d\d)\. (Webcasting Introduction|SUBSTITUTE MEMBERS|MINUTES)\b", text)
    assert numbers == [("49", "Webcasting Introduction"), ("50", "SUBSTITUTE MEMBERS"), ("51", "MINUTES")]
    headings = [p.text for p in word(output, "epping-forest").paragraphs if p.style.name.startswith("Heading")]
    assert [" ".join(h.split()) for h in headings if h[:2].isdigit()] == ["49. Webcasting Introduction", "50. SUBSTITUTE MEMBERS", "51. MINUTES"]


def test_epping_forest_header_minutes_and_resolutions(output) -> None:
    text = pdf_text(output, "epping-forest")
    assert "Overview & Scrutiny Committee, Tuesday 28th January 2020 Time: 7.30 pm Venue: Council Chamber" in text
    assert "First item" not in text  # the number items start from is the build's, not the reader's
    assert "(i) Councillor [A] for Councillor [B]; and (ii) Councillor [C] for Councillor [D]." in text
    assert "Resolved: (1) That the minutes of the meeting held on 19 November 2019 be taken as read" in text
    assert "Epping Forest District Council · Overview & Scrutiny Committee · Tuesday 28th January 2020" in text
