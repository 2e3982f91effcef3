"""A council declares a kind of paper as data: a new council, made in a temporary folder, builds with no Python."""

from __future__ import annotations

import pickle
import re
import textwrap

import docx
import pytest
from pypdf import PdfReader

from committee_papers.models.kinds import declared_kinds
from committee_papers.pipeline.build import Config, build
from committee_papers.pipeline.checking import check

THEME = textwrap.dedent(
    """\
    name: Borsetshire Borough Council
    language: en-GB
    fonts: {body: [Arial, Liberation Sans]}
    colours: {heading: "#222222", accent: "#225588", table_header_fill: "#225588"}
    """
)

# A cover report numbered in one level through the paper, with a RESOLVES formula and a contact officer.
KIND = textwrap.dedent(
    """\
    name: Executive report
    title: "{title}"
    front_sheet:
      layout: table
      fields:
        - {key: meeting, label: Meeting, type: meeting, required: true}
        - {key: agenda_item, label: Agenda item, type: agenda-item}
        - {key: key_decision, label: Key decision, type: yes-no, required: true}
        - {key: divisions, label: Divisions affected, type: wards, required: true}
        - {key: contact, label: Contact officer, type: officer, required: true}
    parts:
      - {key: summary, heading: Summary, type: paragraphs, required: true}
      - {key: resolutions, heading: Recommendation, type: paragraphs, required: true,
         formula: "The Council Executive RESOLVES that:", numbering: {style: restart, counter: lower-alpha, format: "({})"}}
      - {key: sections, type: sections, required: true}
    numbering:
      paragraphs: {style: running, format: "{}."}
      appendices: {prefix: Annex, style: decimal}
    running_header:
      items: [council, {show: agenda_item, format: "Agenda Item {}"}]
    running_footer:
      items: [committee, page-slash]
    """
)

PAPER = textwrap.dedent(
    """\
    kind: executive-report
    council: borsetshire
    title: Library opening hours
    agenda_item: "12"
    meeting: {committee: Council Executive, date: 2025-03-04}
    key_decision: "No"
    divisions: All divisions
    contact: {name: Pat Example, post: Head of Libraries, phone: "01234 567890"}
    sections:
      - heading: Background
        content:
          - The libraries open six days a week.
          - id: costs
            text: Opening on Sundays would cost more.
      - heading: Options
        content:
          - Keep the hours as they are.
        sections:
          - heading: Consultation
            content:
              - Readers were asked in January.
    summary:
      - This report proposes new opening hours.
    resolutions:
      - the new opening hours are approved;
      - the Head of Libraries reviews them in a year.
    appendices:
      - title: Survey results
        content:
          - Most readers asked for later evenings.
    """
)

FILES = {
    "templates/borsetshire/theme.yaml": THEME,
    "templates/borsetshire/kinds/executive-report.yaml": KIND,
    "content/executive/libraries.yaml": PAPER,
}
FIELD_TYPES = ("'text', 'prose', 'date', 'officer', 'people', 'yes-no', 'choice', 'wards', 'meeting', 'list', "
               "'paragraphs-refs', 'agenda-item', 'exempt', 'title', 'status', 'quarter' or 'timetable'")
OUT = "output/borsetshire/executive/libraries"


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from .conftest import make_project

    root = make_project(tmp_path_factory.mktemp("borsetshire"), FILES)
    report = build(Config(root))
    assert report.ok, report.failed
    pdf = words(" ".join(page.extract_text() for page in PdfReader(root / f"{OUT}.pdf").pages))
    document = docx.Document(str(root / f"{OUT}.docx"))
    body = words(" ".join(p.text for p in document.paragraphs))
    cells = [[words(c.text) for c in row.cells] for row in document.tables[0].rows]
    footer = words(" ".join(p.text for p in document.sections[0].footer.paragraphs))
    header = words(" ".join(p.text for p in document.sections[0].header.paragraphs))
    return {"pdf": pdf, "docx": body, "cells": cells, "header": header, "footer": footer}


FRONT_SHEET = [
    ["Meeting", "Council Executive, 4th March 2025"],
    ["Agenda item", "12"],
    ["Key decision", "No"],
    ["Divisions affected", "All divisions"],
    ["Contact officer", "Pat Example, Head of Libraries Tel: 01234 567890"],
]


def test_the_front_sheet_shows_the_kinds_fields_in_order(built):
    assert built["cells"] == FRONT_SHEET
    for label, value in FRONT_SHEET:
        assert f"{label} {value}" in built["pdf"]


# The parts in the kind's order (not the order the paper wrote them), paragraphs numbered 1. 2. ... through
# the paper, headings unnumbered, the resolutions lettered under the council's formula.
ORDER = [
    "Summary 1. This report proposes new opening hours.",
    "Recommendation The Council Executive RESOLVES that: (a) the new opening hours are approved; (b) the Head of Libraries",
    "Background 2. The libraries open six days a week. 3. Opening on Sundays would cost more.",
    "Options 4. Keep the hours as they are. Consultation 5. Readers were asked in January.",
    "Annex 1 Survey results Most readers asked for later evenings.",
]


@pytest.mark.parametrize("output", ["pdf", "docx"])
def test_parts_come_in_the_kinds_order_with_the_numbers_the_scheme_gives(built, output):
    text = built[output]
    places = [text.find(part) for part in ORDER]
    assert -1 not in places, [part for part, at in zip(ORDER, places) if at == -1]
    assert places == sorted(places)
    assert "Wards" not in text and "Implications" not in text


def test_the_running_header_and_footer_are_the_kinds(built):
    assert built["header"] == "Borsetshire Borough Council · Agenda Item 12"
    assert built["footer"].startswith("Council Executive ·")
    assert re.search(r"Borsetshire Borough Council · Agenda Item 12 .*Council Executive · 1 / 2", built["pdf"])


def test_a_misspelt_declared_field_is_named_at_its_line_with_the_kinds_own_key(project):
    root = project({**FILES, "content/executive/libraries.yaml": PAPER.replace("key_decision:", "key_decison:")})
    failed = check(Config(root)).report.failed["content/executive/libraries.yaml"]
    assert failed == ["content/executive/libraries.yaml:6:1: key_decison: unknown key (did you mean 'key_decision'?); expected one of: " + ", ".join(
        ["kind", "council", "status", "title", "agenda_item", "exempt", "status_scale", "notes", "appendices",
         "meeting", "key_decision", "divisions", "contact", "summary", "resolutions", "sections"])]


def test_a_missing_required_part_is_named(project):
    root = project({**FILES, "content/executive/libraries.yaml": PAPER.replace("summary:", "# summary:").replace("  - This report", "#  - This report")})
    failed = check(Config(root)).report.failed["content/executive/libraries.yaml"]
    assert failed == ["content/executive/libraries.yaml:1:1: summary: expected a value, got nothing: this field is required"]


def test_a_mistake_in_a_kind_file_is_named_at_its_line_in_the_kind_file(project):
    kind = KIND.replace("type: yes-no", "type: yes-or-no")
    root = project({**FILES, "templates/borsetshire/kinds/executive-report.yaml": kind})
    failed = check(Config(root)).report.failed["content/executive/libraries.yaml"]
    line = kind.splitlines()[7]
    assert failed == [
        "content/executive/libraries.yaml:1:7: kind: the kind file of this kind has problems (above)",
        f"templates/borsetshire/kinds/executive-report.yaml:8:{line.index('yes-or-no') + 1}: front_sheet.fields[2].type: expected one of "
        + FIELD_TYPES + ", got 'yes-or-no' (did you mean 'yes-no'?)",
    ]


def test_a_paper_of_a_declared_kind_survives_pickling_as_the_build_sends_it_to_workers(project):
    root = project(FILES)
    job = check(Config(root)).jobs[0]
    again = pickle.loads(pickle.dumps(job.paper))
    assert again.outline().paragraphs == job.paper.outline().paragraphs
    assert again.part_keys() == ["summary", "resolutions", "sections"]


def test_reading_a_kind_file_twice_in_a_process_reads_it_once(project):
    root = project(FILES)
    first = declared_kinds(root / "templates", "borsetshire", root)["executive-report"]
    assert declared_kinds(root / "templates", "borsetshire", root)["executive-report"] is first


def test_new_writes_a_skeleton_of_a_councils_own_kind_that_names_its_fields(project):
    from committee_papers.commands.cli import main

    root = project(FILES)
    assert main(["--root", str(root), "-q", "new", "executive-report", str(root / "content/new.yaml"), "--council", "borsetshire"]) == 0
    lines = (root / "content/new.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../schemas/borsetshire/executive-report.schema.json"
    assert "council: borsetshire" in lines
    keys = [line.split(":")[0] for line in lines if re.match(r"[a-z_]+:", line)]
    assert keys[keys.index("meeting"):] == ["meeting", "key_decision", "divisions", "contact", "summary", "resolutions", "sections"]


def test_a_recommendations_block_as_a_part_takes_the_kinds_formula_and_a_number_per_item(project):
    from lxml import html as lxml_html

    from committee_papers.layout.html import Templates

    kind = KIND.replace(
        "  - {key: sections, type: sections, required: true}",
        "  - {key: sections, type: sections, required: true}\n"
        "  - {key: recommendations, heading: Recommendations, type: block, block: recommendations,\n"
        "     formula: 'The {committee} is RECOMMENDED to:'}",
    )
    paper = PAPER.replace("appendices:", "recommendations:\n  items: [note the report, agree the hours]\nappendices:")
    root = project({**FILES, "templates/borsetshire/kinds/executive-report.yaml": kind, "content/executive/libraries.yaml": paper})
    job = check(Config(root)).jobs[0]
    document = lxml_html.fromstring(Templates(root / "templates", job.theme).render(job.paper).encode())
    part = document.get_element_by_id("recommendations")
    assert words(" ".join(part.itertext())) == "Recommendations The Council Executive is RECOMMENDED to: 6. note the report 7. agree the hours"


def test_a_formula_naming_an_unknown_placeholder_is_named_in_the_kind_file(project):
    kind = KIND.replace('formula: "The Council Executive RESOLVES that:"', 'formula: "The {cabinet} RESOLVES that:"')
    root = project({**FILES, "templates/borsetshire/kinds/executive-report.yaml": kind})
    failed = check(Config(root)).report.failed["content/executive/libraries.yaml"]
    assert [f.split(": ", 2)[1] for f in failed if f.startswith("templates/")] == ["parts[1].formula"]


@pytest.mark.parametrize(
    "change, where, message",
    [
        (("{key: summary,", "{key: model_config,"), "parts[0].key", "'model_config' is a name the engine uses for itself: choose another key"),
        (("{key: summary,", "{key: outline,"), "parts[0].key", "'outline' is a name the engine uses for itself: choose another key"),
        (("{key: summary,", "{key: council,"), "parts[0].key", "'council' is a field of every paper: choose another key"),
        (('title: "{title}"', 'title: "{title:>99999999}"'), "title", "expected {title}, {agenda_item} or a front-sheet field's key in braces, got {title:>99999999}"),
        (('title: "{title}"', 'title: "{title.__class__}"'), "title", "expected {title}, {agenda_item} or a front-sheet field's key in braces, got {title.__class__}"),
    ],
)
def test_a_kind_file_cannot_reach_into_the_engine(project, change, where, message):
    root = project({**FILES, "templates/borsetshire/kinds/executive-report.yaml": KIND.replace(*change)})
    failed = check(Config(root)).report.failed["content/executive/libraries.yaml"]
    assert [f.split(": ", 1)[1] for f in failed if f.startswith("templates/")] == [f"{where}: {message}"]


def test_a_running_header_left_off_the_first_page_is_off_it_in_pdf_and_docx_and_on_the_others(project):
    kind = KIND.replace("running_header:\n  items:", "cover_page: true\nrunning_header:\n  first_page: false\n  items:")
    root = project({**FILES, "templates/borsetshire/kinds/executive-report.yaml": kind})
    assert build(Config(root)).ok
    pages = [words(page.extract_text()) for page in PdfReader(root / f"{OUT}.pdf").pages]
    header = "Borsetshire Borough Council · Agenda Item 12"
    assert header not in pages[0] and all(header in page for page in pages[1:])
    assert all("Council Executive · " in page for page in pages)
    section = docx.Document(str(root / f"{OUT}.docx")).sections[0]
    assert section.different_first_page_header_footer
    assert words(" ".join(p.text for p in section.first_page_header.paragraphs)) == ""
    assert words(" ".join(p.text for p in section.header.paragraphs)) == header
    assert words(" ".join(p.text for p in section.first_page_footer.paragraphs)).startswith("Council Executive · ")


def test_a_first_number_left_to_the_paper_must_be_a_whole_number_and_a_field_the_kind_has(project):
    kind = KIND.replace('paragraphs: {style: running, format: "{}."}', 'paragraphs: {style: running, format: "{}.", start: first_paragraph}')
    kind = kind.replace("    - {key: contact,", "    - {key: first_paragraph, label: First, type: text, shown: false}\n    - {key: contact,")
    root = project({**FILES, "templates/borsetshire/kinds/executive-report.yaml": kind,
                    "content/executive/libraries.yaml": PAPER.replace('agenda_item: "12"', 'agenda_item: "12"\nfirst_paragraph: forty')})
    failed = check(Config(root)).report.failed["content/executive/libraries.yaml"]
    assert failed == ["content/executive/libraries.yaml:5:18: first_paragraph: expected the first number as a whole number such as 49, got 'forty'"]


def test_a_first_number_left_to_the_paper_names_a_field_the_kind_has(project):
    kind = KIND.replace('paragraphs: {style: running, format: "{}."}', 'paragraphs: {style: running, format: "{}.", start: first_para}')
    wrong = kind
    root = project({**FILES, "templates/borsetshire/kinds/executive-report.yaml": wrong})
    failed = check(Config(root)).report.failed["content/executive/libraries.yaml"]
    assert failed[1].endswith("numbering.paragraphs.start: expected a whole number or the key of a text field of the front sheet, got 'first_para'")


def test_a_status_summary_must_name_a_table_and_a_status_column_of_the_paper(project):
    summary = "      - status_summary: {table: activites, column: progress}\n"
    root = project({**FILES, "content/executive/libraries.yaml": PAPER.replace("      - Keep the hours as they are.\n", "      - Keep the hours as they are.\n" + summary)})
    failed = check(Config(root)).report.failed["content/executive/libraries.yaml"]
    assert len(failed) == 1 and failed[0].endswith("status_summary.table: expected the id of a table in this paper (none), got 'activites'")


# A standard table declared once in the kind: an action plan's columns, and a key whose rows are the same in every paper.
TABLES = textwrap.dedent(
    """\
    tables:
      actions:
        columns:
          - {title: Action, key: action, width: 60}
          - {title: Due, key: due, type: date}
          - {title: Cost, key: cost, type: money}
      key:
        columns: [Mark, Meaning]
        rows:
          - [A, Agreed]
          - [P, Proposed]
    """
)
TABLE_PAPER = PAPER.replace(
    "      - Keep the hours as they are.\n",
    "      - Keep the hours as they are.\n"
    "      - table:\n"
    "          caption: Actions\n"
    "          columns: actions\n"
    "          rows:\n"
    "            - {action: Open on Sundays, due: 2025-06-01, cost: 12000}\n"
    "      - table: {caption: Key to the marks, columns: key}\n",
)
assert TABLE_PAPER != PAPER


def test_a_paper_table_takes_the_columns_and_fixed_rows_of_a_standard_table_its_kind_declares(project):
    from lxml import html as lxml_html

    from committee_papers.layout.html import Templates

    root = project({**FILES, "templates/borsetshire/kinds/executive-report.yaml": KIND + TABLES, "content/executive/libraries.yaml": TABLE_PAPER})
    job = check(Config(root)).jobs[0]
    document = lxml_html.fromstring(Templates(root / "templates", job.theme).render(job.paper).encode())
    tables = {words(t.find("caption").text_content()): t for t in document.iter("table") if t.find("caption") is not None}
    rows = [[words(c.text_content()) for c in row.iter("th", "td")] for row in tables["Actions"].iter("tr")]
    assert rows == [["Action", "Due", "Cost"], ["Open on Sundays", "1 June 2025", "£12,000"]]
    rows = [[words(c.text_content()) for c in row.iter("th", "td")] for row in tables["Key to the marks"].iter("tr")]
    assert rows == [["Mark", "Meaning"], ["A", "Agreed"], ["P", "Proposed"]]


def test_a_misspelt_standard_table_is_named_at_its_line_with_a_did_you_mean(project):
    paper = TABLE_PAPER.replace("columns: actions", "columns: action")
    root = project({**FILES, "templates/borsetshire/kinds/executive-report.yaml": KIND + TABLES, "content/executive/libraries.yaml": paper})
    failed = check(Config(root)).report.failed["content/executive/libraries.yaml"]
    line = next(n for n, text in enumerate(paper.splitlines(), 1) if "columns: action" in text)
    assert failed == [f"content/executive/libraries.yaml:{line}:20: sections[1].content[1].table.columns: "
                      "expected one of the standard tables its kind declares (actions, key), got 'action' (did you mean 'actions'?)"]


def test_a_standard_table_whose_figure_names_a_missing_column_is_named_in_the_kind_file(project):
    tables = TABLES.replace("- {title: Cost, key: cost, type: money}", "- {title: Cost, key: cost, type: money}\n      - {title: Left, figure: {difference: [cost, spent]}}")
    root = project({**FILES, "templates/borsetshire/kinds/executive-report.yaml": KIND + tables, "content/executive/libraries.yaml": TABLE_PAPER})
    failed = check(Config(root)).report.failed["content/executive/libraries.yaml"]
    assert [f.split(": ", 2)[1:] for f in failed if f.startswith("templates/")] == [
        ["tables.actions.columns[3].figure", "expected a column key, got 'spent'; keys: action, due, cost"]]


# A statement whose title is made from its fields, a label above the title, sections known by codes, and a key
# the kind itself prints at the end.
STATEMENT_KIND = textwrap.dedent(
    """\
    name: Statement
    title: Statement to {panel}
    subtitle: by the {portfolio} Portfolio Holder
    front_sheet:
      layout: lines
      fields:
        - {key: appendix, label: Appendix, format: "Appendix {}", place: above-title}
        - {key: panel, label: Panel, required: true, place: none}
        - {key: portfolio, label: Portfolio, required: true, place: none}
    parts:
      - {key: actions, heading: Actions, type: sections, required: true}
      - key: key
        type: paragraphs
        content:
          - table:
              caption: Key
              columns: [{title: Marker, type: status, scale: rag}, Meaning]
              rows: [[Green, On track]]
    numbering:
      paragraphs: {style: none}
    running_header:
      items: [{field: appendix, format: "Appendix {}"}, title]
    """
)

STATEMENT_PAPER = textwrap.dedent(
    """\
    kind: statement
    council: borsetshire
    appendix: B
    panel: Scrutiny People
    portfolio: Leisure
    actions:
      - {ref: LEI 01, heading: Open the pool, content: [The pool opened.]}
      - {ref: LEI 02, heading: Run the gym, content: [The gym ran.]}
    """
)

STATEMENT_THEME = THEME + textwrap.dedent(
    """\
    statuses:
      rag:
        statuses:
          - {label: Green, colour: "#00B050", mark: ●}
    """
)


def test_a_title_made_from_fields_a_label_above_it_coded_sections_and_a_key_the_kind_prints(project) -> None:
    root = project({"templates/borsetshire/theme.yaml": STATEMENT_THEME, "templates/borsetshire/kinds/statement.yaml": STATEMENT_KIND,
                    "content/scrutiny/leisure.yaml": STATEMENT_PAPER})
    assert build(Config(root)).ok
    reader = PdfReader(root / "output/borsetshire/scrutiny/leisure.pdf")
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "APPENDIX B Statement to Scrutiny People by the Leisure Portfolio Holder" in text
    assert "Appendix B · Statement to Scrutiny People" in text  # the running header
    assert "LEI 01 Open the pool" in text and "LEI 02 Run the gym" in text
    assert "Panel" not in text and "Portfolio:" not in text  # fields only the title names are not on the sheet
    document = docx.Document(root / "output/borsetshire/scrutiny/leisure.docx")
    (key,) = [t for t in document.tables if t.rows[0].cells[0].text == "Marker"]
    assert [c.text for c in key.rows[1].cells] == ["● Green", "On track"]


def test_a_status_the_kind_prints_is_checked_against_each_papers_council(project) -> None:
    root = project({"templates/borsetshire/theme.yaml": STATEMENT_THEME,
                    "templates/borsetshire/kinds/statement.yaml": STATEMENT_KIND.replace("[[Green, On track]]", "[[Gren, On track]]"),
                    "content/scrutiny/leisure.yaml": STATEMENT_PAPER})
    [problem] = check(Config(root)).report.failed["content/scrutiny/leisure.yaml"]
    assert problem.startswith("content/scrutiny/leisure.yaml:1:7: kind: templates/borsetshire/kinds/statement.yaml: parts[1].content[0].table.rows[0][0]: ")
    assert "'Gren' (did you mean 'Green'?)" in problem
