"""Decision blocks, one template per block, and a theme's own classes: what a reader sees in PDF and DOCX."""

from __future__ import annotations

import datetime
import io
import re
import textwrap
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader

from committee_papers.commands import block_docs
from committee_papers.models.blocks import BLOCK_KEYS
from committee_papers.models.decisions import Signatories
from committee_papers.models.theme import load_theme
from committee_papers.outputs.docx_writer import write_docx
from committee_papers.outputs.reference_docx import for_theme
from committee_papers.pipeline.build import Config, build
from committee_papers.pipeline.checking import check
from committee_papers.sources.errors import RenderError, ThemeError

from .conftest import MINI_REPORT, ROOT, make_project

THEME = textwrap.dedent(
    """\
    name: Testshire County Council
    fonts:
      body: [Liberation Sans]
    colours:
      heading: "#1F3864"
      accent: "#2E5E8C"
      table_header_fill: "#1F3864"
    formulas:
      recommendations: "The {committee} is RECOMMENDED to:"
      resolutions: "The {committee} RESOLVES that:"
    implications:
      - {key: financial, heading: Financial Implications, required: true, signed: true}
      - {key: legal, heading: Legal Implications, required: true, signed: true}
      - {key: equalities, heading: Equalities Implications}
    classes:
      ledger: {element: table, word_style: Light Grid}
    """
)

# A council's one small file: every table of its papers in its own class.
TABLE_OVERRIDE = """\
{%- set t = item.table -%}
<table class="ledger"><caption>{{ t.caption }}</caption>
<thead><tr>{% for c in t.column_specs %}<th scope="col">{{ c.title }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in t.rows %}<tr>{% for cell in row %}<td>{{ cell | inline }}</td>{% endfor %}</tr>{% endfor %}</tbody>
</table>
"""

# The council's running header alone: "Agenda Item 12", then what the kind puts there.
HEADER_OVERRIDE = """Agenda Item {{ paper.agenda_item }} · {{ theme.name }} · {{ paper.meeting.committee }} · {{ paper.meeting.date | long_date }}"""

PAPER = textwrap.dedent(
    """\
    kind: committee-report
    council: testshire
    meeting:
      committee: Council Executive
      date: 2024-04-11
    wards_affected: All divisions
    title: Library opening hours
    agenda_item: "12"
    report_of:
      post: Executive Director
    sections:
      - heading: Summary
        content:
          - The hours are set out below.
          - table:
              caption: Opening hours
              columns: [Library, Hours]
              rows:
                - [Central, "09:00-17:00"]
      - heading: Decisions
        content:
          - recommendations:
              items:
                - text: Approve the new opening hours.
                  reason: To match the hours people use.
                - Note the consultation response.
          - resolutions:
              items: [Adopt the policy., Review it in a year.]
          - implications:
              financial:
                text: The change saves money.
                signed_by: {post: Section 151 Officer}
              legal:
                text: No legal implications.
                signed_by: {name: A. Lawyer, post: Monitoring Officer}
              equalities:
                text: An equality impact assessment was carried out.
          - signatories:
              foreword: We commend this plan to the Council.
              people:
                - {name: Councillor A. Leader, post: Leader of the Council}
                - {name: B. Chief, post: Chief Executive}
          - decision_status:
              rows:
                - {label: Key decision, value: "Yes"}
                - {label: Reason key, value: Expenditure over the threshold}
          - background_papers: [The library strategy 2020]
          - consultations: [Library users, Staff]
          - forward_timetable:
              meetings:
                - {meeting: Council Executive, date: 2024-04-11}
          - contact: {name: C. Officer, post: Libraries Manager, phone: "01234 567890"}
    recommendations:
      - text: Approve the report.
        reason: It sets the hours out in full.
    implications:
      financial:
        text: None.
        signed_by: {post: Section 151 Officer}
      legal:
        text: None.
        signed_by: {name: A. Lawyer, post: Monitoring Officer}
    author:
      post: Not stated
    """
)

# What each block prints, as a reader finds it in the PDF and the DOCX.
BLOCK_TEXT = {
    "recommendations": "The Council Executive is RECOMMENDED to:",
    "resolutions": "The Council Executive RESOLVES that:",
    "implications": "Equalities Implications",
    "signatories": "Councillor A. Leader",
    "decision_status": "Expenditure over the threshold",
    "background_papers": "The library strategy 2020",
    "consultations": "Library users",
    "forward_timetable": "Thursday, 11th April 2024",
    "contact": "Libraries Manager",
    "author": "Not stated",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("blocks"), {
        "templates/testshire/theme.yaml": THEME,
        "templates/testshire/blocks/table.html.j2": TABLE_OVERRIDE,
        "templates/testshire/frame/running-header.html.j2": HEADER_OVERRIDE,
        "content/reports/hours.yaml": PAPER,
        "content/cabinet/mini.yaml": MINI_REPORT,
    })
    report = build(Config(root))
    assert report.ok, report.failed
    return root / "output"


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)


def docx_paragraphs(path: Path) -> list[str]:
    document = docx.Document(path)
    found = [p.text for p in document.paragraphs]
    for table in document.tables:
        found += [p.text for row in table.rows for cell in row.cells for p in cell.paragraphs]
    return found


@pytest.fixture(scope="module")
def hours(built: Path) -> tuple[str, list[str]]:
    folder = built / "testshire" / "reports"
    return pdf_text(folder / "hours.pdf"), docx_paragraphs(folder / "hours.docx")


@pytest.mark.parametrize("key", sorted(BLOCK_TEXT))
def test_each_block_prints_its_text_in_pdf_and_docx(hours, key: str) -> None:
    pdf, paragraphs = hours
    assert BLOCK_TEXT[key] in pdf
    assert any(BLOCK_TEXT[key] in p for p in paragraphs)


def test_the_formula_names_the_committee_the_paper_goes_to(hours) -> None:
    pdf, paragraphs = hours
    formula = paragraphs.index("The Council Executive is RECOMMENDED to:")
    assert paragraphs[formula + 1] == "2.1\tApprove the new opening hours."
    assert "The Council Executive is RECOMMENDED to: 2.1 Approve the new opening hours." in pdf


def test_a_reason_is_printed_under_its_recommendation(hours) -> None:
    pdf, paragraphs = hours
    at = paragraphs.index("2.1\tApprove the new opening hours.")
    assert paragraphs[at + 1] == "Reason: To match the hours people use."
    assert paragraphs[at + 2] == "2.2\tNote the consultation response."
    assert "2.1 Approve the new opening hours. Reason: To match the hours people use. 2.2 Note" in pdf
    assert "3.1 Approve the report. Reason: It sets the hours out in full." in pdf  # the report's own recommendations too


def test_implications_follow_the_councils_headings_and_numbers(hours) -> None:
    _, paragraphs = hours
    headings = [p for p in paragraphs if p.endswith(" Implications")]
    assert headings[:3] == ["Financial Implications", "Legal Implications", "Equalities Implications"]
    at = paragraphs.index("Equalities Implications")
    assert paragraphs[at + 1].startswith("2.7\tAn equality impact assessment")


def test_an_officer_without_a_name_prints_the_post_alone(hours) -> None:
    pdf, paragraphs = hours
    assert "Section 151 Officer" in paragraphs
    assert "A. Lawyer, Monitoring Officer" in paragraphs
    assert "None" not in pdf.replace("None.", "")
    assert not [p for p in paragraphs if "None" in p.replace("None.", "")]


def test_signatories_stand_side_by_side_in_a_borderless_table(built: Path) -> None:
    document = docx.Document(built / "testshire" / "reports" / "hours.docx")
    table = next(t for t in document.tables if "Councillor A. Leader" in t.rows[0].cells[0].text)
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["Councillor A. Leader\nLeader of the Council", "B. Chief\nChief Executive"]
    ]
    style = table._tbl.tblPr.find(qn("w:tblStyle"))
    assert style is None or style.get(qn("w:val")) == "TableNormal"
    assert table._tbl.tblPr.find(qn("w:tblBorders")) is None
    foreword = next(p for p in document.paragraphs if p.text == "We commend this plan to the Council.")
    assert foreword._p.getnext() is table._tbl


def test_signatories_share_a_line_in_the_pdf(built: Path) -> None:
    page = next(p for p in PdfReader(built / "testshire" / "reports" / "hours.pdf").pages if "Councillor A. Leader" in p.extract_text())
    where: dict[str, tuple[float, float]] = {}
    page.extract_text(visitor_text=lambda text, cm, tm, *_: where.setdefault(text.strip(), (tm[4], tm[5])) if text.strip() else None)
    (leader_x, leader_y), (chief_x, chief_y) = where["Councillor A. Leader"], where["B. Chief"]
    assert leader_y == pytest.approx(chief_y) and chief_x > leader_x + 100


def test_a_council_block_template_changes_every_table_of_its_papers_only(built: Path) -> None:
    own = (built / "testshire" / "reports" / "hours.html").read_text(encoding="utf-8")
    other = (built / "leicester-city" / "cabinet" / "mini.html").read_text(encoding="utf-8")
    assert '<table class="ledger">' in own and "ledger" not in other
    styles = {t._tbl.tblPr.find(qn("w:tblStyle")).get(qn("w:val")) for t in docx.Document(built / "testshire" / "reports" / "hours.docx").tables
              if t.rows[0].cells[0].text == "Library"}
    assert styles == {"LightGrid"}
    grid = docx.Document(built / "leicester-city" / "cabinet" / "mini.docx").tables
    assert {t._tbl.tblPr.find(qn("w:tblStyle")).get(qn("w:val")) for t in grid if t.rows[0].cells[0].text == "Scores on themes"} == {"TableGrid"}


def problems(project, paper: str, theme: str = THEME) -> list[str]:
    root = project({"templates/testshire/theme.yaml": theme, "content/reports/hours.yaml": paper})
    checked = check(Config(root))
    assert not checked.jobs
    return checked.report.failed["content/reports/hours.yaml"]


def test_an_implication_heading_the_council_lacks_is_named_with_its_line(project) -> None:
    paper = PAPER.replace("equalities:\n", "equality:\n")
    found = problems(project, paper)
    line = [text.strip() for text in paper.splitlines()].index("equality:") + 2  # its entry starts on the next line
    assert any(re.search(rf"hours.yaml:{line}:\d+: .*implications.equality: expected one of the council's implication headings "
                         r"\(financial, legal, equalities\), got 'equality' \(did you mean 'equalities'\?\)", p) for p in found), found


def test_a_required_implication_must_be_given_and_signed(project) -> None:
    paper = re.sub(r"\n *signed_by: \{name: A\. Lawyer, post: Monitoring Officer\}", "", PAPER, count=1)
    found = problems(project, paper)
    assert any("expected signed_by: the council has 'Legal Implications' signed by an officer" in p for p in found), found


def test_a_formula_naming_an_unknown_placeholder_is_a_theme_error(project) -> None:
    theme = THEME.replace("The {committee} is RECOMMENDED to:", "The {comittee} is RECOMMENDED to:")
    found = problems(project, PAPER, theme)
    assert any("theme.yaml" in p and "got {comittee}" in p and "did you mean" in p.lower() for p in found), found


def test_a_report_whose_officers_have_no_names_never_prints_none(project) -> None:
    report = MINI_REPORT.replace("signed_by: {name: Andy Morley, post: Chief Accountant}", "signed_by: {post: Section 151 Officer}")
    report = re.sub(r"author:\n  name: Austin Roberts\n  post: .*\n", "author:\n  post: Not stated\n", report)
    assert "Section 151 Officer" in report and "Austin Roberts" not in report
    root = project({"content/cabinet/mini.yaml": report})
    assert build(Config(root)).ok
    folder = root / "output" / "leicester-city" / "cabinet"
    paragraphs = docx_paragraphs(folder / "mini.docx")
    assert "Section 151 Officer" in paragraphs
    assert any(p.splitlines()[:1] == ["Not stated"] for p in paragraphs)
    assert "None" not in pdf_text(folder / "mini.pdf").replace("None.", "")


def test_the_block_reference_in_docs_is_current() -> None:
    assert not block_docs.stale(ROOT), "run: python build.py schema"


def test_the_block_reference_names_every_block_and_its_template() -> None:
    text = (ROOT / block_docs.DOC).read_text(encoding="utf-8")
    for key in BLOCK_KEYS:
        assert f"### `{key}`" in text and f"`blocks/{key}.html.j2`" in text
        assert (ROOT / "templates" / "default" / "blocks" / f"{key}.html.j2").is_file()


def test_a_changed_docstring_makes_the_block_reference_stale(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    text = (ROOT / block_docs.DOC).read_text(encoding="utf-8")
    (tmp_path / block_docs.DOC).write_text(text.replace("The officer's post.", "The post."), encoding="utf-8")
    assert block_docs.stale(tmp_path)
    block_docs.write(tmp_path)
    assert not block_docs.stale(tmp_path) and (tmp_path / block_docs.DOC).read_text(encoding="utf-8") == text


def write_classed(classes: dict[str, str]) -> docx.document.Document:
    html = ('<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>T</title></head><body><main>'
            '<p class="key-point">Savings of <span class="figure">£1.2m</span>.</p></main></body></html>')
    reference = for_theme(load_theme(ROOT / "templates", "leicester-city", ROOT))
    data = write_docx(html, reference, created=datetime.datetime(2024, 4, 11), language="en-GB",
                      resolve_image=lambda src: b"", classes=classes)
    return docx.Document(io.BytesIO(data))


def test_a_class_the_theme_declares_takes_its_word_style() -> None:
    document = write_classed({"p.key-point": "Intense Quote", "span.figure": "Strong"})
    paragraph = next(p for p in document.paragraphs if p.text == "Savings of £1.2m.")
    assert paragraph.style.name == "Intense Quote"
    assert [(run.text, run.style.name) for run in paragraph.runs if run.text == "£1.2m"] == [("£1.2m", "Strong")]


def test_a_class_no_theme_declares_is_still_refused() -> None:
    with pytest.raises(RenderError, match="unknown class 'key-point'"):
        write_classed({"span.figure": "Strong"})


def test_a_class_whose_word_style_the_reference_lacks_is_a_theme_error() -> None:
    with pytest.raises(ThemeError, match="theme class 'key-point': expected a paragraph style named 'Key Point' in the reference.docx, got none"):
        write_classed({"p.key-point": "Key Point", "span.figure": "Strong"})


def test_a_council_frame_template_changes_its_running_header_only(built: Path) -> None:
    expected = "Agenda Item 12 · Testshire County Council · Council Executive · Thursday, 11th April 2024"
    pages = PdfReader(built / "testshire" / "reports" / "hours.pdf").pages
    assert all(expected in " ".join(page.extract_text().split()) for page in pages)
    header = docx.Document(built / "testshire" / "reports" / "hours.docx").sections[0].header
    assert [p.text for p in header.paragraphs if p.text] == [expected]
    other = docx.Document(built / "leicester-city" / "cabinet" / "mini.docx").sections[0].header
    assert not any("Agenda Item" in p.text for p in other.paragraphs)


@pytest.mark.parametrize("formula", ["The {committee.__class__} is", "The {committee:{x}} is", "The {0} is", "The {} is", "The { is"])
def test_a_formula_can_name_the_committee_and_nothing_else(project, formula: str) -> None:
    lines = PAPER.splitlines()
    at = next(i for i, text in enumerate(lines) if text.strip() == "- recommendations:")
    lines.insert(at + 1, " " * (lines[at].index("-") + 4) + f"formula: {formula!r}")
    found = problems(project, "\n".join(lines) + "\n")
    line = at + 2
    assert [p for p in found if re.match(rf"content/reports/hours.yaml:{line}:\d+: .*formula: .*expected", p)], found


@pytest.mark.parametrize(("people", "rows"), [(2, [2]), (3, [3]), (4, [2, 2]), (5, [3, 2]), (7, [3, 3, 1])])
def test_signatories_stand_in_rows_of_at_most_three_as_even_as_can_be(people: int, rows: list[int]) -> None:
    block = Signatories(people=[{"name": f"Person {n}", "post": "Member"} for n in range(people)])
    laid_out = block.rows()
    assert [sum(p is not None for p in row) for row in laid_out] == rows
    assert len({len(row) for row in laid_out}) == 1  # the last row padded, so every column keeps its width
    assert [p.name for row in laid_out for p in row if p] == [p.name for p in block.people]


def test_a_theme_class_may_not_take_a_name_the_dialect_uses() -> None:
    with pytest.raises(ThemeError, match="theme class 'caption': expected a name the dialect does not use, got p.caption"):
        write_classed({"p.key-point": "Intense Quote", "span.figure": "Strong", "p.caption": "Intense Quote"})
