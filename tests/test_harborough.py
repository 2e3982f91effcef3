"""The Harborough portfolio plan and performance statement: derived figures, mismatch errors and the built papers."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from lxml import html as lxml_html
from pypdf import PdfReader

from committee_papers.models.kinds import declared_kinds
from committee_papers.models.validate import validate
from committee_papers.pipeline.build import Config, build
from committee_papers.pipeline.checking import check
from committee_papers.sources.errors import ContentError
from committee_papers.sources.loader import load

from .conftest import ROOT

PLAN = "content/portfolio-plans/community-engagement-2012-13.yaml"
STATEMENT = "content/scrutiny/community-engagement-performance-2011-12.yaml"


def paper(name: str):
    source = load(ROOT / name, name)
    return validate(source, declared_kinds(ROOT / "templates", source.data["council"], ROOT))


def problems(project, name: str, text: str) -> list[str]:
    root = project({name: text})
    checked = check(Config(root))
    assert not checked.jobs
    return checked.report.failed[name]


# ------------------------------------------------------------ derived figures


def harborough_theme(project):
    from committee_papers.models.theme import load_theme

    root = project({})
    return load_theme(root / "templates", "harborough", root)


def texts_of(view) -> list[list[str]]:
    """Return the words of every body row of a laid-out table, as a reader sees them."""
    return [[" ".join(w for w in (c.words, c.text) if w) if c.kind in ("travel", "band") else c.text for c in row.cells] for row in view.body]


def test_crosstab_totals_are_computed(project) -> None:
    statement = paper(STATEMENT)
    rows = texts_of(statement.achievements[0].content[2].table.view(harborough_theme(project)))
    assert rows[-1] == ["Total target groups engaged", "339", "182", "896", "220", "121", "1758"]
    assert [row[-1] for row in rows[:3]] == ["73", "257", "300"]
    assert "1758" not in (ROOT / STATEMENT).read_text()  # computed, not typed


def test_difference_and_marker_by_polarity(project) -> None:
    theme = harborough_theme(project)
    table = paper(STATEMENT).achievements[2].content[3].table
    assert texts_of(table.view(theme)) == [["439097", "429988", "9109", "1031972", "▲ Better than target"]]
    lower = table.model_copy(update={"columns": [*table.columns[:4], table.columns[4].model_copy(update={"better": "lower"})]})
    assert texts_of(lower.view(theme))[0][4] == "▼ Worse than target"
    level = table.model_copy(update={"rows": [{"actual": "429988", "target": "429988"}]})
    assert texts_of(level.view(theme))[0][2:] == ["0", "", "● On target"]
    assert "9109" not in (ROOT / STATEMENT).read_text()


def test_risk_rating_and_band_are_computed_and_priorities_print_their_numbers(project) -> None:
    plan = paper(PLAN)
    theme = harborough_theme(project)
    risks = texts_of(plan.risks[0].table.view(theme, paper=plan))
    assert risks == [["R1", "Failing to meet 'Achieving' standard of EFLG", "2 (Marginal)", "4 (Significant)", "8 Medium",
                      "Richard Ellis", "Undertake gap analysis and create action plan to remedy any shortfalls"]]
    assert "rating:" not in (ROOT / PLAN).read_text()  # worked out, not typed
    assert theme.risk.band(8).name == "Medium"
    actions = texts_of(plan.actions.view(theme, paper=plan))
    assert actions[3][1] == "1,4"
    assert actions[0][1] == "Dependent on the outcome of the review"
    measures = texts_of(plan.measures.view(theme, paper=plan))
    assert [row[3] for row in measures] == ["", "1,2,4", "1,2,4", "1,2,4", "1,2,4", "1,2,4"]


def test_budget_net_is_blank_when_unknown_and_worked_out_when_known(project) -> None:
    plan = paper(PLAN)
    theme = harborough_theme(project)
    assert texts_of(plan.budget.view(theme))[-1] == ["Net Direct Expenditure", "", ""]
    rows = [{"item": "Direct Expenditure", "previous": "1000", "current": "1,250"}, {"item": "Direct Income", "previous": "250"}]
    known = plan.budget.model_copy(update={"rows": rows})
    assert texts_of(known.view(theme))[-1] == ["Net Direct Expenditure", "750", ""]


def test_risk_matrix_alt_text_lists_every_risk_and_cell(project) -> None:
    theme = harborough_theme(project)
    plan = paper(PLAN)
    chart = plan.risks[1].heat_map.placed_chart(plan, theme)
    alt = chart.alt_text()
    assert "R1 Failing to meet 'Achieving' standard of EFLG: Likelihood 4 Significant, Impact 2 Marginal; rating 8, Medium." in alt
    assert chart.fills[3][1] == theme.risk.band(8).colour


# ------------------------------------------------------------ mismatch errors

STATEMENT_HEAD = """\
kind: performance-statement
council: harborough
panel: Scrutiny People
portfolio: Things
portfolio_holder: Cllr Test
year: 2011/2012
achievements:
  - ref: CEC 01
    heading: A title
    content:
"""


def test_stated_crosstab_totals_are_checked(project) -> None:
    text = STATEMENT_HEAD + """\
      - table:
          columns: [Area, {title: A, key: a, type: number}, {title: B, key: b, type: number}, {title: Total, key: total, type: number, figure: {sum: [a, b]}}]
          rows:
            - [One, 1, 2]
            - {area: Two, a: 3, b: 4, total: 8}
          totals: {stated: {b: "7", total: "11"}}
          caption: Counts by area
"""
    found = problems(project, "content/s.yaml", text.replace("[Area,", "[{title: Area, key: area},"))
    assert any(re.search(r"content/s\.yaml:15:\d+: .*total: the paper states 8 but a 3 \+ b 4 is 7", p) for p in found), found
    assert any(re.search(r"content/s\.yaml:16:\d+: .*totals\.stated\.b: the paper states 7 but the sum of the B column is 6", p) for p in found), found
    assert any(re.search(r"content/s\.yaml:16:\d+: .*totals\.stated\.total: the paper states 11 but a 4 \+ b 6 is 10", p) for p in found), found


def test_stated_difference_is_checked(project) -> None:
    text = STATEMENT_HEAD + """\
      - table:
          columns:
            - {title: Actual, key: actual, type: number}
            - {title: Target, key: target, type: number}
            - {title: Difference, key: difference, type: number, figure: {difference: [actual, target]}, better: higher}
          rows:
            - {actual: 439097, target: 429988, difference: 9000}
          caption: Patronage against target
"""
    found = problems(project, "content/s.yaml", text)
    assert any(re.search(r"content/s\.yaml:17:\d+: .*difference: the paper states 9,000 but actual 439,097 - target 429,988 is 9,109", p) for p in found), found


def test_percentages_must_make_100_within_rounding(project) -> None:
    text = STATEMENT_HEAD + """\
      - table:
          columns: [Centre, {title: Great, type: percent}, {title: Good, type: percent}, {title: Ok, type: percent}, {title: Poor, type: percent}]
          rows_add_up_to: 100
          rows:
            - [Fine, 22.6%, 54.1%, 22%, 1.3%]
            - [Off, 25.2%, 56.1%, 17.8%, 1.9%]
          caption: Satisfaction
"""
    found = problems(project, "content/s.yaml", text)
    assert len(found) == 1
    assert re.search(r"content/s\.yaml:16:\d+: .*the figures of 'Off' add up to 101\.0% but should make 100% \(within rounding, ±0\.20\)", found[0]), found


PLAN_MINI = """\
kind: portfolio-plan
council: harborough
year: 2012-13
portfolio: Things
portfolio_holder: Cllr Test
lead_officers: A. Officer
vision: [A vision.]
priorities:
  - {id: places, text: Places to live.}
remit: [Leisure]
budget:
  caption: Budget figures
  columns: budget
  rows:
    - {item: Direct Expenditure, previous: "1000"}
    - {item: Direct Income, previous: "200"}
  worked_rows:
    - {label: Net Direct Expenditure, difference: [Direct Expenditure, Direct Income], stated: {previous: "900"}}
actions:
  caption: Actions
  columns: actions
  rows:
    - action: Do a thing
      priority: {refs: [places, nowhere]}
      eia: Maybe
risks:
  - table:
      caption: Risks
      id: risks
      columns: risks
      rows:
        - {ref: R1, risk: A risk, impact: "2", likelihood: "4", rating: "6"}
"""


def test_plan_mismatches_name_the_line_and_both_numbers(project) -> None:
    found = problems(project, "content/p.yaml", PLAN_MINI.replace("eia: Maybe", "eia: New"))
    text = "\n".join(found)
    assert re.search(r"content/p\.yaml:18:\d+: budget\.worked_rows\[0\]\.stated\.previous: the paper states 900 but Direct Expenditure 1,000 - Direct Income 200 is 800", text), text
    assert re.search(r"content/p\.yaml:24:\d+: actions\.rows\[0\]\.priority\.refs\[1\]: expected the id of a paragraph of this paper, got 'nowhere'", text), text
    assert re.search(r"content/p\.yaml:32:\d+: risks\[0\]\.table\.rows\[0\]\.rating: the paper states 6 but impact 2 x likelihood 4 is 8", text), text


def test_a_typed_answer_outside_its_vocabulary_is_an_error(project) -> None:
    typo = problems(project, "content/q.yaml", PLAN_MINI)
    assert re.search(r"content/q\.yaml:25:\d+: actions\.rows\[0\]\.eia: expected one of New, Review, Yes, No, got 'Maybe'", "\n".join(typo))


def test_risk_level_beyond_the_theme_scale_is_an_error(project) -> None:
    text = PLAN_MINI.replace("nowhere", "places").replace("eia: Maybe", "eia: New").replace('rating: "6"', 'rating: "28"')
    text = text.replace('stated: {previous: "900"}', 'stated: {previous: "800"}').replace('likelihood: "4"', 'likelihood: "7"')
    found = problems(project, "content/p.yaml", text)
    assert len(found) == 1, found
    assert re.search(r"content/p\.yaml:32:\d+: risks\[0\]\.table\.rows\[0\]\.likelihood: expected a level from 1 to 6 on the Likelihood scale", found[0])


def test_a_heat_map_naming_no_table_or_a_column_of_no_levels_is_an_error(project) -> None:
    text = PLAN_MINI.replace("nowhere", "places").replace("eia: Maybe", "eia: New").replace('rating: "6"', 'rating: "8"')
    text = text.replace('stated: {previous: "900"}', 'stated: {previous: "800"}')
    root = project({"content/p.yaml": text + "  - heat_map: {caption: Risk matrix, table: risk, label: ref}\n",
                    "content/q.yaml": text + "  - heat_map: {caption: Risk matrix, table: risks, impact: risk}\n"})
    failed = check(Config(root)).report.failed
    assert re.search(r"content/p\.yaml:33:\d+: risks\[1\]\.heat_map\.table: expected the id of a table in this paper \(risks\), got 'risk'", "\n".join(failed["content/p.yaml"])), failed
    assert re.search(r"content/q\.yaml:33:\d+: risks\[1\]\.heat_map\.impact: expected the key of an impact column of 'risks' \(impact\), got 'risk'", "\n".join(failed["content/q.yaml"])), failed


# ------------------------------------------------------------ check imports no renderer


def test_check_imports_no_renderer() -> None:
    code = (
        "import sys; from pathlib import Path; from committee_papers.pipeline.checking import Config, check;"
        f"report = check(Config(Path({str(ROOT)!r}))).report;"
        "assert report.ok, report.failed; print(sorted({'matplotlib', 'weasyprint', 'docx', 'pypdf'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ------------------------------------------------------------ the built papers


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("harborough")
    shutil.copytree(ROOT / "templates", root / "templates")
    for name in (PLAN, STATEMENT):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, root / name)
    report = build(Config(root))
    assert report.ok, report.failed
    return root / "output" / "harborough"


def plan_file(built: Path, ext: str) -> Path:
    return built / "portfolio-plans" / f"community-engagement-2012-13.{ext}"


def statement_file(built: Path, ext: str) -> Path:
    return built / "scrutiny" / f"community-engagement-performance-2011-12.{ext}"


def test_plan_pdf_actions_landscape_with_repeating_header_and_draft_on_every_page(built) -> None:
    reader = PdfReader(plan_file(built, "pdf"))
    landscape = [p for p in reader.pages if float(p.mediabox.width) > float(p.mediabox.height)]
    assert len(landscape) >= 2
    for page in landscape:
        assert "Portfolio Action Priority Link Lead Head of Service" in " ".join(page.extract_text().split())
    assert all("DRAFT" in page.extract_text() for page in reader.pages)
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Impact: Negligible = 1, Marginal = 2, Critical = 3, Catastrophic = 4" in text
    assert "Dependent on the outcome of the review" in text


def test_plan_docx_landscape_section_and_header_row(built) -> None:
    document = docx.Document(plan_file(built, "docx"))
    orientations = [s.orientation for s in document.sections]
    assert WD_ORIENT.LANDSCAPE in orientations and orientations[-1] == WD_ORIENT.PORTRAIT
    actions = next(t for t in document.tables if t.rows[0].cells[0].text == "Portfolio Action")
    assert len(actions.columns) == 10
    assert actions.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in actions.rows[4].cells[6:]] == ["No", "No", "With Key stakeholders", ""]
    budget = next(t for t in document.tables if t.rows[0].cells[1].text == "Approved Budget 2011/12 £")
    assert [c.text for c in budget.rows[3].cells] == ["Net Direct Expenditure", "", ""]
    risk = next(t for t in document.tables if t.rows[0].cells[1].text == "Detail of risk")
    assert risk.rows[1].cells[4].text == "8\nMedium"


def test_risk_matrix_is_svg_in_html_and_png_with_alt_in_docx(built) -> None:
    page = lxml_html.parse(str(plan_file(built, "html"))).getroot()
    (img,) = page.xpath('//figure[@class="chart"][@id="risk-matrix"]/img')
    assert img.get("src").startswith("data:image/svg+xml;base64,")
    assert "R1 Failing to meet" in img.get("alt") and "Likelihood 4 Significant, Impact 2 Marginal" in img.get("alt")
    with zipfile.ZipFile(plan_file(built, "docx")) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        body = z.read("word/document.xml").decode()
    assert media and all(n.endswith(".png") for n in media)
    assert 'descr="Risk matrix: a grid of Likelihood' in body
    reader = PdfReader(plan_file(built, "pdf"))
    assert any("/XObject" in (p.get("/Resources") or {}) or "Risk matrix" in p.extract_text() for p in reader.pages)


def test_statement_outputs_carry_the_derived_figures_header_and_marker(built) -> None:
    reader = PdfReader(statement_file(built, "pdf"))
    for page in reader.pages:
        text = " ".join(page.extract_text().split())
        assert "PERFORMANCE MANAGEMENT Statement to Scrutiny People by the Community Engagement, Cohesion and Wellbeing Portfolio Holder (Cllr Pain) 2011/2012" in text
    document = docx.Document(statement_file(built, "docx"))
    cross = next(t for t in document.tables if t.rows[0].cells[0].text == "Target group")
    assert [c.text for c in cross.rows[-1].cells] == ["Total target groups engaged", "339", "182", "896", "220", "121", "1758"]
    assert cross.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    target = next(t for t in document.tables if t.rows[0].cells[0].text == "Actual Patronage April")
    assert [c.text for c in target.rows[1].cells] == ["439097", "429988", "9109", "1031972", "▲ Better than target"]
    header = document.sections[0].header.paragraphs[0].text
    assert "Appendix A" in header and "(Cllr Pain) 2011/2012" in header
    key = " ".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "▼ Worse than target" in key  # in words, not only colour


def test_the_marker_key_caption_stays_on_the_page_of_its_table(built) -> None:
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(statement_file(built, "pdf")).pages]
    key = next(p for p in pages if "Key to performance markers" in p)
    assert "The figure is worse than its target." in key


def test_draft_statement_is_marked_on_every_page(project) -> None:
    text = (ROOT / STATEMENT).read_text().replace("status: final", "status: draft")
    root = project({STATEMENT: text})
    assert build(Config(root)).ok
    reader = PdfReader(root / "output" / "harborough" / "scrutiny" / "community-engagement-performance-2011-12.pdf")
    assert all("DRAFT" in page.extract_text() for page in reader.pages)


def test_figures_are_deterministic() -> None:
    from committee_papers.models.figures import GridChart, GridItem, Segment, StackedBarChart, StackPanel, draw

    grid = GridChart("T", "X", ("a", "b"), "Y", ("c", "d"), (("#FFFFFF", "#000000"), ("#000000", "#FFFFFF")), (GridItem("R1", "n", 1, 2),))
    green = Segment("Green", "#00B050", mark="●")
    stacked = StackedBarChart("T", "Count", "Block", ("a", "b"), (green,), (StackPanel("P", ((3,), (None,))),))
    for chart in (grid, stacked):
        first = draw(chart)
        draw.cache_clear()
        second = draw(chart)
        assert first.svg == second.svg and first.png == second.png
        assert b"<dc:date>" not in first.svg


def test_unknown_yaml_error_paths_raise_content_error() -> None:
    kinds = declared_kinds(ROOT / "templates", "harborough", ROOT)
    with pytest.raises(ContentError):
        validate(load(ROOT / PLAN, PLAN).__class__(ROOT / PLAN, PLAN, {"kind": "portfolio-plan", "council": "harborough"}), kinds)


def test_an_action_code_written_twice_is_an_error_at_the_second(project) -> None:
    text = (ROOT / STATEMENT).read_text()
    repeated = text.replace("  - ref: CEC 02\n", "  - ref: CEC 01\n", 1)
    assert repeated != text
    line = [i for i, l in enumerate(repeated.splitlines(), 1) if l == "  - ref: CEC 01"][1]
    [problem] = problems(project, STATEMENT, repeated)
    assert problem == f"{STATEMENT}:{line}:10: achievements[1].ref: expected each reference once, got 'CEC 01' again (first at achievements[0])"


def test_plan_priorities_carry_one_number_each(built) -> None:
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(plan_file(built, "pdf")).pages).split())
    assert "1) To develop places in which to live and be happy." in text
    assert "1. 1)" not in text and "1.1)" not in text
    paragraphs = [p.text for p in docx.Document(plan_file(built, "docx")).paragraphs]
    assert "1)\tTo develop places in which to live and be happy." in paragraphs
    assert not any(p.startswith("1.\t1)") for p in paragraphs)
