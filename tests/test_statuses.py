"""Council status scales, the two Leicestershire kinds, and what they work out from their data."""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
import textwrap
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from lxml import etree
from lxml import html as lxml_html
from pypdf import PdfReader

from committee_papers.models.period import FinancialQuarter
from committee_papers.pipeline.build import Config, build
from committee_papers.pipeline.checking import check

from .conftest import ROOT, without_sources

MONITORING = "content/commitments/chief-executives-q3-2007-08.yaml"
KIND = "templates/leicestershire/kinds/commitments-monitoring.yaml"
REPORT_KIND = "templates/leicestershire/kinds/performance-report.yaml"
PARTNERSHIP = "content/ssog/laa-quarter-3-performance-2006-07.yaml"
DATA = ["content/data/laa/2006-07-q2.yaml", "content/data/laa/2006-07-q3.yaml"]
DOCX_NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
}


def real(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def leicestershire(project, **changes: str) -> Path:
    """A project holding both Leicestershire papers and their data, each changed as given (old=>new)."""
    files = {name: real(name) for name in [MONITORING, PARTNERSHIP, *DATA, KIND]}
    for name, change in changes.items():
        key = {"monitoring": MONITORING, "partnership": PARTNERSHIP, "q2": DATA[0], "q3": DATA[1]}[name]
        old, new = change.split("=>")
        assert old in files[key], old
        files[key] = files[key].replace(old, new, 1)
    return project(files)


def line_of_last_quarter() -> tuple[int, int]:
    """Return the line and column of the value that names last quarter's data file in the example report."""
    text = (ROOT / PARTNERSHIP).read_text()
    n, line = next((i, line) for i, line in enumerate(text.splitlines(), 1) if "last_period:" in line)
    return n, line.index("last_period:") + len("last_period: ") + 1


def paper(root: Path, name: str):
    checked = check(Config(root, papers=[root / name]))
    assert checked.report.ok, checked.report.failed
    return checked.jobs[0].paper


def failures(root: Path, name: str) -> list[str]:
    return check(Config(root, papers=[root / name])).report.failed[name]


# ---------------------------------------------------------------- financial quarters


@pytest.mark.parametrize(
    ("quarter", "year", "months", "short"),
    [(3, "2007-08", "October to December 2007", "Q3 2007-08"), (1, "2007-08", "April to June 2007", "Q1 2007-08"),
     (4, "2007-08", "January to March 2008", "Q4 2007-08"), (4, "1999-00", "January to March 2000", "Q4 1999-00")],
)
def test_a_quarter_of_the_uk_financial_year_names_its_months(quarter, year, months, short):
    q = FinancialQuarter(quarter=quarter, financial_year=year)
    assert (q.months, q.short) == (months, short)


def test_the_quarter_before_the_first_is_the_last_of_the_year_before():
    assert FinancialQuarter(quarter=1, financial_year="2007-08").previous() == (4, "2006-07")


def line_and_column(name: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """Return the line and column of the value a line of the example holding a piece of text gives."""
    lines = real(name).splitlines()
    n = [i for i, line in enumerate(lines) if needle in line][nth]
    return n + 1, lines[n].index(needle.split(": ", 1)[0]) + len(needle.split(": ", 1)[0]) + 3


def test_a_misspelt_standard_table_of_the_kind_is_named_with_a_did_you_mean(project):
    root = leicestershire(project, monitoring="columns: commitments=>columns: comitments")
    line, column = line_and_column(MONITORING, "columns: commitments")
    assert failures(root, MONITORING) == [
        f"{MONITORING}:{line}:{column}: sections[2].content[0].table.columns: expected one of the standard tables its kind "
        "declares (commitments, priorities), got 'comitments' (did you mean 'commitments'?)"
    ]


def test_a_financial_year_must_run_into_the_next_year(project):
    root = leicestershire(project, monitoring="quarter: Q3 2007-08=>quarter: Q3 2007-09")
    line, column = line_and_column(MONITORING, "quarter: Q3 2007-08")
    assert failures(root, MONITORING) == [
        f"{MONITORING}:{line}:{column}: quarter: expected a financial year such as Q3 2007-08 (April 2007 to March 2008); got 'Q3 2007-09'"
    ]


# ---------------------------------------------------------------- commitments monitoring


def test_the_monitoring_title_is_built_from_plan_quarter_and_department(project):
    p = paper(leicestershire(project), MONITORING)
    assert p.title == p.printed_title() == "MTCS and Annual Plan Commitments Monitoring Q3 2007-08 - Chief Executives"
    assert p.printed_subtitle("Leicestershire County Council") == "Leicestershire County Council: quarter 3, October to December 2007"
    assert p.document_date() == datetime.date(2007, 12, 31)


def test_a_typed_monitoring_title_is_refused(project):
    root = leicestershire(project, monitoring="department: Chief Executives=>department: Chief Executives\ntitle: Q3")
    assert "title: the title is built from the kind's pattern" in failures(root, MONITORING)[0]


def summary_of(p):
    """Return the summary of statuses the example paper shows, worked out from its tables."""
    block = p.sections[1].content[0].status_breakdown
    return block.view(p, ["Green", "Amber", "Red"])


def test_the_summary_counts_each_status_per_group_and_overall(project):
    summary = summary_of(paper(leicestershire(project), MONITORING))
    rows = {row.label: ({k: v for k, v in row.counts.items() if v}, row.lines) for part in summary.parts for row in part.rows}
    assert rows == {
        "Leading and engaging communities": ({"Green": 6, "Amber": 2}, 8),
        "Safer Communities": ({"Green": 3, "Amber": 1, "Red": 1}, 4),  # drugs: Amber and Green parts
        "Equalities": ({"Green": 2, "Red": 1}, 3),
        "Consultation": ({"Green": 4}, 4),
        "Quality, Customers and Diversity - Chief Executives": ({"Amber": 1}, 1),
    }
    assert [part.heading for part in summary.parts] == [
        "B - Improved Quality of Life for Communities",
        "MTCS targets and priorities - Improve Services So They Are High Quality And Value For Money",
    ]
    assert (summary.overall.counts, summary.overall.lines, summary.overall.total) == ({"Green": 15, "Amber": 4, "Red": 2}, 20, 21)


def test_a_summary_written_twice_is_laid_out_twice(project):
    once = "      - status_breakdown:\n          caption: Statuses by group, Q3 2007-08\n"
    twice = once + "          total: All commitments\n          noun: commitment\n" + once.replace("Q3", "the third quarter of")
    root = leicestershire(project, monitoring=f"{once}=>{twice}")
    report = build(Config(root, papers=[root / MONITORING], jobs=1))
    assert report.ok, report.failed  # the table had a fixed id, and a second one made a document with two
    page = (root / "output/leicestershire/commitments/chief-executives-q3-2007-08.html").read_text(encoding="utf-8")
    assert "Statuses by group, Q3 2007-08" in page and "Statuses by group, the third quarter of 2007-08" in page


def test_an_unknown_status_lists_the_scale_and_suggests_one(project):
    root = leicestershire(project, monitoring="  status: Red\n=>  status: Rde\n")
    line, column = line_and_column(MONITORING, "  status: Red")
    assert failures(root, MONITORING) == [
        f"{MONITORING}:{line}:{column}: sections[2].content[0].table.rows[10].status: expected a status of the council's "
        "'trajectory' scale (Green, Amber, Red), got 'Rde' (did you mean 'Red'?)"
    ]


def test_an_unknown_labelled_status_is_found_inside_a_cell(project):
    root = leicestershire(project, monitoring="{label: Nos in Treatment, status: Amber}=>{label: Nos in Treatment, status: amber}")
    message = failures(root, MONITORING)[0]
    assert "rows[12].status.statuses[0].status: expected a status of the council's 'trajectory' scale (Green, Amber, Red), got 'amber' (did you mean 'Amber'?)" in message


def test_an_unknown_scale_names_the_themes_scales(project):
    root = leicestershire(project, monitoring="status_scale: trajectory=>status_scale: rag")
    line, column = line_and_column(MONITORING, "status_scale: trajectory")
    assert failures(root, MONITORING) == [
        f"{MONITORING}:{line}:{column}: status_scale: the theme 'leicestershire' has no status scale 'rag' (its scales: trajectory, laa-risk)"
    ]


# ---------------------------------------------------------------- partnership performance report


def count_table(p):
    """Return the example report's count table block (its first appendix's)."""
    return p.appendices[0].content[0].count_table


def test_paragraphs_are_numbered_across_sections_and_points_under_them(project):
    outline = paper(leicestershire(project), PARTNERSHIP).outline()
    numbers = [n for part in outline.sections for item in part.blocks for n in item.numbers]
    points = [n for n in numbers if not n.endswith(".")]
    assert points == ["4.1", "4.2", "4.3", "4.4", "4.5"]
    # the funding table takes no number; the recommendations take one, their items numbered (i), (ii) under it
    assert [n for n in numbers if n.endswith(".")] == [f"{i}." for i in range(1, 20)]
    recommendations = next(part for part in outline.sections if part.key == "recommendations")
    assert recommendations.blocks[0].numbers == ["19."]
    assert recommendations.blocks[0].block.recommendations.own_numbers() == ["(i)", "(ii)", "(iii)"]


def test_the_risk_summary_is_worked_out_from_two_quarters_data(project):
    p = paper(leicestershire(project), PARTNERSHIP)
    table = count_table(p).view(p)
    rows = {block: [str(f) for f in figures] for block, figures in table.rows}
    assert rows["Children and Young People"] == ["28 (25)", "3 (2)", "2 (1)", "0 (5)", "", "29 (32)", "3 (1)", "1 (0)"]
    assert rows["Health"] == ["1 (3)", "1 (2)", "3 (0)", "7 (7)", "", "7", "5", "0"]
    assert rows["Economic Development"][4] == "3"
    # The seed's own totals row: 66 (55) 14 (12) 5 (1) 34 (49); Refresh and delivery totals worked out.
    assert [str(f) for f in table.totals] == ["66 (55)", "14 (12)", "5 (1)", "34 (49)", "4", "96 (82†)", "20 (9†)", "3 (2†)"]
    assert [(m.key, rows) for m, rows in table.missing] == [("delivery", ["Health", "Older People"])]


def laa_scale():
    from committee_papers.models.theme import load_theme

    return load_theme(ROOT / "templates", "leicestershire", ROOT).scale("laa-risk")


def test_the_status_chart_alt_text_gives_every_blocks_derived_counts(project):
    report = paper(leicestershire(project), PARTNERSHIP)
    chart = count_table(report).status_chart(report, laa_scale())
    alt = chart.alt_text()
    assert chart.title == "Indicators at each status by block, quarter 3 2006-07"
    assert "Children and Young People: outcomes Green 28, Amber 3, Red 2, N/A 0; delivery Green 29, Amber 3, Red 1." in alt
    assert "Economic Development: outcomes Green 8, Amber 0, Red 0, N/A 4, Refresh 3;" in alt
    for row in report.data_named(count_table(report).this_period).rows:
        sentence = next(s for s in alt.split(". ") if s.startswith(row.label + ":"))
        for measure, by_status in row.counts.items():
            stated = ", ".join(f"{status} {n}" for status, n in by_status.items())
            assert f"{measure} {stated}" in sentence, (row.label, measure)
    # Colours, marks and order are the theme's; a segment is named with its mark, not by colour alone.
    assert [(s.name, s.colour, s.label) for s in chart.segments] == [
        ("Green", "#00B050", "● Green"), ("Amber", "#FFC000", "▲ Amber"), ("Red", "#C00000", "■ Red"),
        ("N/A", "#D9D9D9", "○ N/A"), ("Refresh", "#BDD7EE", "□ Refresh")]
    assert chart.table().rows[0][:3] == ("Children and Young People", "28", "3")


def test_a_block_that_did_not_report_a_measure_is_said_to_be_not_reported(project):
    root = leicestershire(project, q3="      delivery: {Green: 7, Amber: 5, Red: 0}\n=>")
    p = paper(root, PARTNERSHIP)
    alt = count_table(p).status_chart(p, laa_scale()).alt_text()
    assert "Health: outcomes Green 1, Amber 1, Red 3, N/A 7; delivery not reported." in alt


@pytest.fixture(scope="module")
def partnership(tmp_path_factory) -> Path:
    """The partnership report built once, in a project of its own: the outputs' path without suffix."""
    root = tmp_path_factory.mktemp("partnership")
    shutil.copytree(ROOT / "templates", root / "templates")
    for name in (PARTNERSHIP, *DATA):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, root / name)
    report = build(Config(root, papers=[root / PARTNERSHIP]))
    assert report.ok, report.failed
    return root / "output/leicestershire/ssog/laa-quarter-3-performance-2006-07"


def test_the_status_chart_is_in_the_pdf_docx_and_html_with_its_alt_text(partnership):
    out = partnership
    p = paper(out.parents[3], PARTNERSHIP)
    alt = count_table(p).status_chart(p, laa_scale()).alt_text()

    page = lxml_html.parse(str(out.with_suffix(".html"))).getroot()
    (img,) = page.xpath('//section[@id="appendix-1"]//figure[@class="chart"][@id="status-summary-1"]/img')
    (caption,) = page.xpath('//figure[@id="status-summary-1"]/figcaption')
    assert caption.text_content() == "Status summary: each block's indicators at each status, quarter 3 (October to December 2006)"
    assert img.get("src").startswith("data:image/svg+xml;base64,") and img.get("alt") == alt

    with zipfile.ZipFile(out.with_suffix(".docx")) as z:
        body = etree.fromstring(z.read("word/document.xml"))
    pictures = body.xpath("//w:drawing/wp:inline[a:graphic//pic:pic]/wp:docPr/@descr", namespaces=DOCX_NS)
    assert pictures == [alt]

    tree = PdfReader(out.with_suffix(".pdf")).trailer["/Root"]["/StructTreeRoot"]
    figures = [n for n in _structure(tree) if n.get("/S") == "/Figure"]
    assert [str(f.get("/Alt")) for f in figures] == [alt]


def test_the_officer_to_contact_is_kept_with_the_recommendations(partnership):
    out = partnership
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(out.with_suffix(".pdf")).pages]
    contact = next(p for p in pages if "Officer to Contact" in p)
    assert "Neighbourhood Management and considers options" in contact, "the last recommendation moves over with it"
    paragraphs = docx.Document(out.with_suffix(".docx")).paragraphs
    heading = next(i for i, p in enumerate(paragraphs) if p.text == "Officer to Contact")
    assert paragraphs[heading - 1].paragraph_format.keep_with_next


def _structure(node):
    """Yield every element of a tagged PDF's structure tree."""
    node = node.get_object()
    if isinstance(node, list):
        for child in node:
            yield from _structure(child)
    elif hasattr(node, "get"):
        yield node
        if node.get("/K") is not None:
            yield from _structure(node["/K"])


def test_last_quarter_must_be_the_quarter_before(project):
    root = leicestershire(project, q2="quarter: 2=>quarter: 1")
    assert failures(root, PARTNERSHIP) == [
        "{}:{}:{}: appendices[0].content[0].count_table.last_period: expected the quarter before Q3 2006-07, got Q1 2006-07".format(PARTNERSHIP, *line_of_last_quarter())
    ]


def test_an_unknown_status_in_a_data_file_is_reported_at_its_line(project):
    root = leicestershire(project, q3="Refresh: 3}=>Refrsh: 3}")
    assert failures(root, PARTNERSHIP) == [
        "content/data/laa/2006-07-q3.yaml:{}:{}: rows[2].counts.outcomes.Refrsh: expected a status of the council's ".format(*refresh_in_q3()) +
        "'laa-risk' scale (Green, Amber, Red, N/A, Refresh), got 'Refrsh' (did you mean 'Refresh'?)"
    ]


def refresh_in_q3() -> tuple[int, int]:
    """Return the line and column of Economic Development's Refresh count in this quarter's data file."""
    lines = real(DATA[1]).splitlines()
    n = next(i for i, line in enumerate(lines) if "Refresh: 3}" in line)
    return n + 1, lines[n].index("Refresh") + 1


def test_a_missing_data_file_is_named(project):
    root = leicestershire(project, partnership="2006-07-q2.yaml=>2006-07-q1.yaml")
    assert failures(root, PARTNERSHIP) == [
        "{}:{}:{}: appendices[0].content[0].count_table.last_period: expected a data file, got ".format(PARTNERSHIP, *line_of_last_quarter()) +
        "'../data/laa/2006-07-q1.yaml': there is no content/data/laa/2006-07-q1.yaml"
    ]


def test_data_files_are_not_built_as_papers(project):
    report = check(Config(leicestershire(project))).report
    assert report.checked == [MONITORING, PARTNERSHIP]


def test_the_funding_table_totals_are_worked_out(project):
    p = paper(leicestershire(project), PARTNERSHIP)
    table = p.sections[-1].content[2].totals_table
    assert table.totals() == [Decimal(139555), Decimal(190515)]
    assert [table.money(t) for t in table.totals()] == ["£139,555", "£190,515"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("24000*, 25000*=>24000†, 25000*", "the marker '†' has no note under `notes:` (*)"),
        ('"*": Rough initial estimate=>"*": Rough initial estimate\n            "‡": Unused', "the note '‡' is not used by any amount"),
        ("[Blaby, 25000, 31000]=>[Blaby, 25000]", "expected a label and 2 amount(s), got 2 cells"),
        ("[Blaby, 25000, 31000]=>[Blaby, 25k, 31000]", "expected an amount such as 25000, 12,500 or 24000*, got '25k'"),
    ],
)
def test_funding_table_mistakes_are_named(project, change, message):
    root = leicestershire(project, partnership=change)
    assert any(f.endswith(message) for f in failures(root, PARTNERSHIP)), failures(root, PARTNERSHIP)


# ---------------------------------------------------------------- another council's scale, no code change


BLUE_THEME = textwrap.dedent(
    """\
    name: Blueshire County Council
    fonts:
      body: [Arial, Liberation Sans]
    colours:
      heading: "#222222"
      accent: "#333333"
      table_header_fill: "#222222"
    statuses:
      progress:
        column: Progress
        statuses:
          - {label: Completed, key: Blue - Completed, colour: "#0070C0", mark: C}
          - {label: On target, key: Green - On target, colour: "#00B050", mark: G}
          - {label: At risk, key: Amber - At risk, colour: "#FFC000", mark: A}
          - {label: Overdue, key: Red - Overdue, colour: "#C00000", mark: R}
    """
)


def blueshire(project) -> Path:
    text = real(MONITORING).replace("council: leicestershire", "council: blueshire").replace("status_scale: trajectory\n", "")
    text = text.replace("status: Green", "status: On target").replace("status: Amber", "status: At risk").replace("status: Red", "status: Overdue")
    text = text.replace("status: On target", "status: Completed", 2)
    kind = real(KIND).replace("Red/Amber/Green?", "Progress")
    return project({MONITORING: text, "templates/blueshire/theme.yaml": BLUE_THEME, "templates/blueshire/kinds/commitments-monitoring.yaml": kind})


def test_a_four_status_word_scale_renders_with_the_kind_file_and_no_code_change(project):
    root = blueshire(project)
    report = build(Config(root))
    assert report.ok, report.failed
    out = root / "output/blueshire/commitments/chief-executives-q3-2007-08"
    html = without_sources(out.with_suffix(".html").read_text(encoding="utf-8"))
    assert 'style="background-color: #0070C0; color: #FFFFFF"><span class="status-mark" aria-hidden="true">C</span> Completed</td>' in html
    assert "Blue - Completed" in html and "<th scope=\"col\">Progress</th>" in html
    p = paper(root, MONITORING)
    summary = p.sections[1].content[0].status_breakdown.view(p, ["Completed", "On target", "At risk", "Overdue"]).overall.counts
    assert summary == {"Completed": 2, "On target": 13, "At risk": 4, "Overdue": 2}

    document = docx.Document(out.with_suffix(".docx"))
    fills = {c._tc.xpath("string(w:tcPr/w:shd/@w:fill)"): c.text for t in document.tables for r in t.rows for c in r.cells}
    assert fills["0070C0"] == "C Completed"
    assert fills["C00000"] == "R Overdue"
    text = subprocess.run(["pdftotext", "-layout", str(out.with_suffix(".pdf")), "-"], capture_output=True, text=True, check=True).stdout
    assert "C Completed" in text and "R Overdue" in text and "Blue - Completed" in text


def test_a_status_whose_text_would_not_read_on_its_fill_is_refused(project):
    theme = BLUE_THEME.replace('colour: "#FFC000", mark: A}', 'colour: "#FFC000", text: "#FFFFFF", mark: A}')
    root = project({MONITORING: real(MONITORING), KIND: real(KIND), "templates/leicestershire/theme.yaml": theme.replace("Blueshire", "Leicestershire")})
    message = next(f for f in failures(root, MONITORING) if "contrast of 1.6:1" in f)
    assert message.endswith("text #FFFFFF on #FFC000 has a contrast of 1.6:1; status text needs at least 4.5:1 to stay readable")


def test_every_leicestershire_status_reads_on_its_fill():
    from committee_papers.models.theme import MIN_CONTRAST, contrast, load_theme

    theme = load_theme(ROOT / "templates", "leicestershire", ROOT)
    assert all(contrast(s.colour, s.text_colour) >= MIN_CONTRAST for scale in theme.statuses.values() for s in scale.statuses)


# ---------------------------------------------------------------- status cells carry colour and text in all three outputs


def test_status_cells_carry_colour_and_text_in_pdf_docx_and_html(project):
    root = leicestershire(project)
    assert build(Config(root)).ok
    out = root / "output/leicestershire/commitments/chief-executives-q3-2007-08"
    html = without_sources(out.with_suffix(".html").read_text(encoding="utf-8"))
    assert '<td class="status" style="background-color: #C00000; color: #FFFFFF"><span class="status-mark" aria-hidden="true">■</span> Red</td>' in html
    assert re.search(r'Nos in Treatment: <span class="status" style="background-color: #FFC000; color: #000000">', html)

    document = docx.Document(out.with_suffix(".docx"))
    cells = [c for t in document.tables for r in t.rows for c in r.cells]
    red = [c for c in cells if c._tc.xpath("string(w:tcPr/w:shd/@w:fill)") == "C00000" and c.text == "■ Red"]
    assert red, "a Red status cell shaded C00000"
    assert red[0]._tc.xpath("string(.//w:r/w:rPr/w:color/@w:val)") == "FFFFFF"
    inline = [r for c in cells for r in c._tc.iter(qn("w:r")) if r.xpath("string(w:rPr/w:shd/@w:fill)") == "FFC000"]
    assert any("Amber" in "".join(r.itertext()) for r in inline), "the labelled Amber status is run-shaded"
    header = document.sections[0].header.paragraphs[0].text
    assert "MTCS and Annual Plan Commitments Monitoring Q3 2007-08 - Chief Executives" in header
    assert "Amber – Off Trajectory, but With Prospects For Recovery With Remedial Action" in header

    text = subprocess.run(["pdftotext", "-layout", str(out.with_suffix(".pdf")), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")[:-1]
    assert len(pages) > 3
    for page in pages[1:]:  # the title and the key at the top of every page after the first
        assert "Q3 2007-08 - Chief Executives" in page and "Red- Off Trajectory" in page
    assert "■ Red" in text and "▲ Amber" in text

    pdf = subprocess.run(["pdftotext", "-layout", str(root / "output/leicestershire/ssog/laa-quarter-3-performance-2006-07.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    assert re.search(r"Totals\s+66 \(55\)\s+14 \(12\)\s+5 \(1\)\s+34 \(49\)\s+4\s+96 \(82†\)", pdf)
    assert "TOTAL" in pdf and "£139,555" in pdf and "* Rough initial estimate" in pdf
    assert "(iii)" in pdf and "19." in pdf


def test_a_data_file_outside_content_is_refused(project, tmp_path):
    name = "content/ssog/laa-quarter-3-performance-2006-07.yaml"
    text = (ROOT / name).read_text().replace("last_period: ../data/laa/2006-07-q2.yaml", "last_period: ../../templates/leicestershire/theme.yaml")
    root = leicestershire(project)
    (root / name).write_text(text)
    [problem] = failures(root, name)
    line, column = line_of_last_quarter()
    assert problem == (
        f"{name}:{line}:{column}: appendices[0].content[0].count_table.last_period: expected a data file inside content/, "
        "got '../../templates/leicestershire/theme.yaml': a paper may not read files outside it"
    )


def test_a_draft_monitoring_paper_opens_on_its_landscape_page_with_the_banner(project):
    root = leicestershire(project, monitoring="status_scale: trajectory\n=>status_scale: trajectory\nstatus: draft\n")
    assert build(Config(root, papers=[root / MONITORING])).ok
    out = root / "output/leicestershire/commitments/chief-executives-q3-2007-08"
    first = PdfReader(out.with_suffix(".pdf")).pages[0]
    assert float(first.mediabox.width) > float(first.mediabox.height)
    text = " ".join(first.extract_text().split())
    assert "DRAFT: not for publication" in text and "Summary of statuses" in text

    document = docx.Document(out.with_suffix(".docx"))
    assert document.sections[0].orientation == WD_ORIENT.LANDSCAPE  # no portrait page before it
    assert document.paragraphs[0].text == "DRAFT: not for publication"


# ---------------------------------------------------------------- the general blocks and kind options the report is made of


def test_the_report_prints_its_numbers_labels_and_appendix_names(partnership):
    page = lxml_html.parse(str(partnership.with_suffix(".html"))).getroot()
    text = lambda node: " ".join(node.text_content().split())  # noqa: E731
    assert [text(p) for p in page.xpath('//div[@class="cover"]/p[@class="label"]')] == [
        "Leicestershire Strategic Senior Officers' Group", "14th February 2007"]  # printed in capitals by the cover style
    (points,) = page.xpath('//div[@class="para"][span[@class="num"] = "4."]')
    assert [text(n) for n in points.xpath('.//div[@class="para"]/span[@class="num"]')] == ["4.1", "4.2", "4.3", "4.4", "4.5"]
    assert text(points.xpath('.//div[@class="para"][span = "4.2"]')[0]).endswith(
        "To reduce the harm caused by illegal drugs – drug treatment ▲ Amber, two further ○ N/A")
    assert text(points.xpath('.//div[@class="para"][span = "4.5"]')[0]).endswith("services – Baseline established")
    (lead,) = page.xpath('//section[@id="recommendations"]/div[@class="para"]')
    assert lead.xpath('string(span[@class="num"])') == "19." and lead.xpath('string(div/p[1])') == "It is RECOMMENDED:-"
    assert [n.text for n in lead.xpath('.//div[@class="para"]/span[@class="num"]')] == ["(i)", "(ii)", "(iii)"]
    assert all(p.xpath("strong") for p in lead.xpath('.//div[@class="para"]/div[@class="body"]/p'))
    assert page.xpath('//section[@id="contact"]/@class') == ["keep-with-previous"]
    assert [text(h) for h in page.xpath('//section[contains(@class, "appendix")]/h1')] == [
        "1. Overall Risk Summary table", "2. Reward Targets Risk"]
    assert [text(h) for h in page.xpath('//section[@id="appendix-2"]//h2')] == ["● Green", "▲ Amber", "■ Red", "○ Not Available"]
    assert text(page.xpath('//section[@id="appendix-2"]//ul')[1]).startswith("All district recycling (Cleaner and Greener)")
    (table,) = page.xpath('//section[@id="appendix-1"]//table')
    assert [text(th) for th in table.xpath("thead/tr[1]/th")] == ["Block", "Outcomes (quarter 2 count in brackets)", "Delivery"]
    assert [text(td) for td in table.xpath('tbody/tr[@class="total"]/td')][-3:] == ["96 (82†)", "20 (9†)", "3 (2†)"]
    notes = [text(p) for p in page.xpath('//section[@id="appendix-1"]//p')]
    assert "† Delivery: the quarter 2 total is of the blocks that gave quarter 2 figures; Health and Older People gave none." in notes


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ("key: delivery=>key: deliveries", "appendices[0].content[0].count_table.measures",
         "../data/laa/2006-07-q3.yaml counts Children and Young People under 'delivery', which is not a measure here (outcomes, deliveries)"),
        ("statuses: [Green, Amber, Red, N/A, Refresh]=>statuses: [Green, Amber, Red, N/A]", "appendices[0].content[0].count_table.measures[0].statuses",
         "../data/laa/2006-07-q3.yaml counts Economic Development outcomes at Refresh, which is not a column here (Green, Amber, Red, N/A)"),
        ("quarter {quarter} {financial_year}=>quarter {qaurter}", "appendices[0].content[0].count_table.chart.title",
         "expected only {quarter}, {months}, {financial_year}, {last_quarter}, {last_months}, {last_financial_year} in braces, got {qaurter} (did you mean 'quarter'?)"),
        ("quarter {quarter} {financial_year}=>quarter {quarter:>999999999}", "appendices[0].content[0].count_table.chart.title",
         "expected {quarter} alone in its braces, got 'Indicators at each status by block, quarter {quarter:>999999999}'"),
    ],
)
def test_count_table_mistakes_are_named_at_their_line(project, change, field, message):
    found = failures(leicestershire(project, partnership=change), PARTNERSHIP)
    assert any(f.split(": ", 1)[1] == f"{field}: {message}" for f in found), found
    assert all(re.match(rf"{re.escape(PARTNERSHIP)}:\d+:\d+: ", f) for f in found)


def test_a_row_counted_twice_in_a_data_file_is_named(project):
    root = leicestershire(project, q3="  - label: Stronger=>  - label: Safer")
    lines = real(DATA[1]).splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "- label: Stronger" in text)
    assert failures(root, PARTNERSHIP) == [f"{DATA[1]}:{line}:12: rows[6].label: expected each row once, got 'Safer' again"]


def test_a_points_status_the_scale_lacks_is_named_with_a_did_you_mean(project):
    root = leicestershire(project, partnership="status: Amber\n            - text: To reduce the harm=>status: Ambre\n            - text: To reduce the harm")
    (message,) = failures(root, PARTNERSHIP)
    assert "sections[2].content[0].points.items[0].status: expected a status of the council's 'laa-risk' scale" in message
    assert message.endswith("got 'Ambre' (did you mean 'Amber'?)")
