"""Typed tables, worked-out figures, KPIs, risk registers and heat maps, workplans and contents: checks and built papers."""

from __future__ import annotations

import re
import tempfile
import textwrap
import zipfile
from collections import Counter
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import html as lxml_html
from pypdf import PdfReader

from committee_papers.models.theme import Theme
from committee_papers.pipeline.build import Config, build
from committee_papers.pipeline.checking import check

from .conftest import make_project, without_sources

THEME = textwrap.dedent(
    """\
    name: Testshire County Council
    fonts: {body: [Liberation Sans]}
    colours: {heading: "#1F3864", accent: "#2E6B8A", table_header_fill: "#1F3864", travel_worse: "#8A1C7C"}
    dates: numeric
    statuses:
      rag:
        statuses:
          - {label: Green, colour: "#00B050", mark: "●"}
          - {label: Amber, colour: "#FFC000", mark: "▲"}
          - {label: Red, colour: "#C00000", mark: "■"}
      progress:
        statuses:
          - {label: Good, key: Good progress (green), colour: "#00B050", mark: "●"}
          - {label: Satisfactory, key: Satisfactory progress (amber), colour: "#FFC000", mark: "▲"}
          - {label: Limited, key: Limited progress (red), colour: "#C00000", mark: "■"}
      confidence:
        statuses:
          - {label: high, colour: "#A9D18E", mark: "●"}
          - {label: medium, colour: "#FFE699", mark: "▲"}
          - {label: low, colour: "#F4B183", mark: "■"}
    risk:
      impact:
        name: Impact
        levels: [Minimal, Minor, Moderate, Major, Critical]
        codes: [V, IV, III, II, I]
      likelihood:
        name: Likelihood
        levels: [Rare, Unlikely, Possible, Likely, Almost certain]
        codes: [E, D, C, B, A]
      bands:
        - {name: Low, up_to: 4, colour: "#A9D18E"}
        - {name: Medium, up_to: 12, colour: "#FFD966"}
        - {name: High, up_to: 19, colour: "#F4B183"}
        - {name: Above tolerance, up_to: 25, colour: "#000000", text: "#FFFFFF"}
    """
)

# Counts by objective (on target, not on target, not reported), as an Isle of Wight count matrix gives them.
COUNTS = {"Health and housing": (6, 2, 1), "Jobs and prosperity": (4, 3, 0), "Safer communities": (5, 0, 2)}
STATUSES = {"Recycling rate": "Green", "Fly-tips cleared": "Red", "Libraries open": "Amber", "Potholes filled": "Green"}
# Activities rated in two dimensions, as Flintshire rates its Improvement Plan: progress and outcome confidence.
ACTIVITIES = {"Extra care housing": ("Good", "high"), "School buildings": ("Satisfactory", "medium"),
              "Road safety": ("Limited", "medium"), "Apprenticeships": ("Good", "high")}
# Budget lines: (budget, spent, reviewed on), money as officers type it.
BUDGET = {"Salaries": ("125,000", "118,250.50", "2015-07-02"), "Transport": ("8000", "9,400", "2015-06-30")}
# Risks: reference -> (previous code, current code) on the likelihood-letter, impact-numeral scales.
RISKS = {"SR1": ("AI", "BII"), "SR2": ("CIII", "CIII"), "SR3": ("BII", "BII"), "SR4": ("EV", "DIV")}


def counts_rows() -> str:
    return "\n".join(
        f"            - [{name}, \"{a}\", \"{b}\", \"{c}\", \"{a + b + c}\"]" for name, (a, b, c) in COUNTS.items()
    )


def status_rows() -> str:
    return "\n".join(f"            - {{name: {name}, status: {status}}}" for name, status in STATUSES.items())


def risk_rows() -> str:
    return "\n".join(
        f"            - {{ref: {ref}, title: Risk {ref}, previous: {previous}, current: {current}}}"
        for ref, (previous, current) in RISKS.items()
    )


def paper(extra: str = "", status_rows_text: str | None = None) -> str:
    """Return a report whose appendix holds every general block, with `extra` blocks at its end."""
    body = textwrap.dedent(
        """\
        kind: committee-report
        council: testshire
        status_scale: rag
        meeting: {committee: Cabinet, date: 2015-07-24}
        wards_affected: All
        title: Tables of every shape
        report_of: {post: Director}
        sections:
          - heading: Summary
            content:
              - contents: {depth: 2}
              - The tables are in the appendix.
        recommendations: [That Cabinet notes the report.]
        implications:
          financial: {text: None., signed_by: {name: A Officer, post: Finance}}
          legal: {text: None., signed_by: {name: B Officer, post: Legal}}
        author: {name: C Officer, post: Policy}
        appendices:
          - title: Tables
            content:
              - table:
                  caption: Portfolio details
                  header: false
                  columns: [Label, Value]
                  rows:
                    - [Portfolio, Environment]
                    - [Lead member, Councillor A]
              - table:
                  caption: Indicators by status
                  columns:
                    - {title: Indicator, key: name}
                    - {title: Status, key: status, type: status}
                  rows:
        STATUS_ROWS
              - table:
                  caption: Performance indicators by objective
                  columns:
                    - {title: Corporate Objective, key: objective}
                    - {title: On Target, key: on, type: number}
                    - {title: Not on Target, key: off, type: number}
                    - {title: Not Reported, key: missing, type: number}
                    - {title: Number of Performance Indicators, key: count, type: number, figure: {sum: [on, off, missing]}}
                    - {title: Share on target, key: share, figure: {of: [on, count]}}
                  totals: {label: TOTAL}
                  rows:
        COUNT_ROWS
              - table:
                  caption: Improvement Plan activities
                  columns:
                    - {title: Activity, key: activity}
                    - {title: Progress, key: progress, type: status, scale: progress}
                    - {title: Outcome, key: outcome, type: status, scale: confidence}
                  counts: {column: progress, style: share}
                  rows:
        ACTIVITY_ROWS
              - table:
                  caption: Budget monitoring
                  columns:
                    - {title: Line, key: line}
                    - {title: Budget, key: budget, type: money}
                    - {title: Spent, key: spent, type: money}
                    - {title: Reviewed, key: reviewed, type: date}
                    - {title: Under budget, key: under, type: money, figure: {difference: [budget, spent]}, better: higher, decimals: 2}
                  rows:
        BUDGET_ROWS
              - kpi:
                  caption: Indicators against target
                  comparisons: [Q4 last year]
                  rule: {tolerance: 10, met: Green, improving: Amber, off_target: Red, action: [Red]}
                  indicators:
                    - {name: Recycling rate, type: percent, target: "35", actual: "33", previous: ["30"]}
                    - {name: Days to process claims, better: lower, target: "20", actual: "26", previous: ["24"], action: Backlog team in place.}
                    - {name: Website visits, reporting: data only, actual: "412"}
              - risk_register:
                  caption: Strategic risks
                  id: strategic
                  compare: previous
                  heat_maps: [previous, current]
                  risks:
        RISK_ROWS
            sections:
              - heading: Workplan
                content:
                  - milestones:
                      caption: Workplan
                      actions:
                        - ref: "1"
                          action: Adopt the plan
                          milestones:
                            - {milestone: Draft, due: 2015-09, status: Green}
                            - {milestone: Consult, due: 2015-10-31, status: Amber}
                            - {milestone: Adopt, due: 2016-02}
                          progress:
                            - {date: 2015-06-30, note: Drafting on time., milestones: [a, b]}
        EXTRA
        """
    )
    return (
        body.replace("STATUS_ROWS", status_rows_text if status_rows_text is not None else status_rows())
        .replace("COUNT_ROWS", counts_rows())
        .replace("RISK_ROWS", risk_rows())
        .replace("BUDGET_ROWS", "\n".join(f'            - [{n}, "{b}", "{s}", "{d}"]' for n, (b, s, d) in BUDGET.items()))
        .replace("ACTIVITY_ROWS", "\n".join(f"            - [{a}, {p}, {o}]" for a, (p, o) in ACTIVITIES.items()))
        .replace("EXTRA", textwrap.indent(extra, "          "))
    )


NAME = "content/cabinet/tables.yaml"


def files(text: str) -> dict[str, str]:
    return {"templates/testshire/theme.yaml": THEME, NAME: text}


def problems(tmp_path: Path, text: str) -> list[str]:
    root = make_project(Path(tempfile.mkdtemp(dir=tmp_path)), files(text))
    checked = check(Config(root))
    return checked.report.failed.get(NAME, [])


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("tables"), files(paper()))
    report = build(Config(root))
    assert report.ok, report.failed
    return root / "output" / "testshire" / "cabinet"


@pytest.fixture(scope="module")
def page(built) -> lxml_html.HtmlElement:
    return lxml_html.fromstring((built / "tables.html").read_bytes())


@pytest.fixture(scope="module")
def word(built) -> docx.document.Document:
    return docx.Document(str(built / "tables.docx"))


def table_named(page, caption: str):
    return page.xpath(f"//table[caption[starts-with(normalize-space(), '{caption}')]]")[0]


def cell_texts(row) -> list[str]:
    return [" ".join(c.text_content().split()) for c in row.xpath("th|td")]


def word_table(word, caption: str):
    return next(t for t in word.tables if _caption_before(t) == caption)


def fill(cell) -> str:
    return cell._tc.tcPr.find(qn("w:shd")).get(qn("w:fill"))


def theme() -> Theme:
    from committee_papers.sources.loader import loads

    return Theme.model_validate(loads(THEME, "theme.yaml").data)


# ------------------------------------------------------------ status cells in an ordinary table


def test_status_cells_show_mark_word_and_fill(page, word) -> None:
    table = table_named(page, "Indicators by status")
    scale = theme().statuses["rag"]
    for row, (name, status) in zip(table.xpath(".//tbody/tr"), STATUSES.items()):
        cell = row.xpath("td")[1]
        assert cell.get("class") == "status"
        assert " ".join(cell.text_content().split()) == f"{scale.get(status).mark} {status}"
        assert f"background-color: {scale.get(status).colour}" in cell.get("style")
    rows = word_table(word, "Indicators by status").rows[1:]
    for row, (name, status) in zip(rows, STATUSES.items()):
        assert row.cells[1].text.strip() == f"{scale.get(status).mark} {status}"
        assert fill(row.cells[1]) == scale.get(status).colour.lstrip("#").upper()


def test_a_misspelt_status_names_the_scale_the_line_and_the_likely_word(tmp_path) -> None:
    rows = status_rows().replace("status: Red}", "status: Gren}")
    text = paper(status_rows_text=rows)
    found = problems(tmp_path, text)
    line = line_of(text, "status: Gren")
    assert len(found) == 1
    assert found[0].startswith(f"{NAME}:{line}:")
    assert "rows[1].status: expected a status of the council's 'rag' scale (Green, Amber, Red), got 'Gren' (did you mean 'Green'?)" in found[0]


def test_a_wrong_type_in_a_typed_column_is_refused_with_its_line(tmp_path) -> None:
    text = paper().replace('[Safer communities, "5",', '[Safer communities, "five",')
    found = problems(tmp_path, text)
    assert len(found) == 1
    assert f":{line_of(text, 'five')}:" in found[0]
    assert "expected a number such as 46, 1,250 or 12.5, got 'five'" in found[0]


def test_an_absurd_amount_is_refused_not_built(tmp_path) -> None:
    extra = textwrap.dedent(
        """\
        - table:
            caption: Budget
            columns: [{title: Line}, {title: Amount, type: money}]
            rows:
              - [Salaries, "1E+999999999"]
        """
    )
    found = problems(tmp_path, paper(extra))
    assert len(found) == 1 and "expected an amount such as £1,250, 1250 or -4,500.50, got '1E+999999999'" in found[0]


def test_two_status_columns_each_on_its_own_scale_and_counted(page, tmp_path) -> None:
    table = table_named(page, "Improvement Plan activities")
    themed = theme()
    for row, (progress, outcome) in zip(table.xpath(".//tbody/tr"), ACTIVITIES.values()):
        cells = row.xpath("td")
        assert f"background-color: {themed.statuses['progress'].get(progress).colour}" in cells[1].get("style")
        assert f"background-color: {themed.statuses['confidence'].get(outcome).colour}" in cells[2].get("style")
    counted = Counter(p for p, _ in ACTIVITIES.values())
    lines = [" ".join(li.text_content().split()) for li in table.getnext().xpath("li")]
    assert lines == [f"{s.key}: {counted[s.label]} ({round(counted[s.label] * 100 / len(ACTIVITIES))}%)"
                     for s in themed.statuses["progress"].statuses if counted[s.label]]
    found = problems(tmp_path, paper().replace("[Road safety, Limited, medium]", "[Road safety, Limited, Medium]"))
    assert len(found) == 1 and "expected a status of the council's 'confidence' scale (high, medium, low), got 'Medium' (did you mean 'medium'?)" in found[0]


def test_money_dates_and_differences_in_the_council_s_style(page) -> None:
    from decimal import Decimal

    table = table_named(page, "Budget monitoring")
    words = theme().performance
    for row, (line, (budget, spent, day)) in zip(table.xpath(".//tbody/tr"), BUDGET.items()):
        cells = cell_texts(row)
        under = Decimal(budget.replace(",", "")) - Decimal(spent.replace(",", ""))
        money = f"£{abs(under):,.2f}".removesuffix(".00")  # pence only where there are any
        assert cells[1] == f"£{Decimal(budget.replace(',', '')):,}"  # 8000 is shown as £8,000
        assert cells[3] == "/".join(reversed(day.split("-")))  # the theme writes dates as 02/07/2015
        if under > 0:
            assert cells[4] == f"+{money} {words.better}"
        else:
            assert cells[4] == f"-{money} {words.worse}"
        assert row.xpath("td")[4].get("style").startswith(
            f"background-color: {words.better_colour if under > 0 else words.worse_colour}")


# ------------------------------------------------------------ totals and percentages


def test_totals_and_shares_are_worked_out_from_the_rows(page, built) -> None:
    table = table_named(page, "Performance indicators by objective")
    rows = [cell_texts(r) for r in table.xpath(".//tbody/tr")]
    for row, (name, (on, off, missing)) in zip(rows, COUNTS.items()):
        count = on + off + missing
        assert row == [name, str(on), str(off), str(missing), str(count), f"{on} of {count} ({round(on * 100 / count)}%)"]
    on, off, missing = (sum(c[i] for c in COUNTS.values()) for i in range(3))
    total = on + off + missing
    assert rows[-1] == ["TOTAL", str(on), str(off), str(missing), str(total), f"{on} of {total} ({round(on * 100 / total)}%)"]
    assert table.xpath(".//tbody/tr")[-1].get("class") == "total"
    pdf = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(built / "tables.pdf").pages)
    assert f"TOTAL {on} {off} {missing} {total} {on} of {total}" in pdf


def test_a_stated_figure_that_disagrees_names_both_numbers_and_the_line(tmp_path) -> None:
    name, (a, b, c) = next(iter(COUNTS.items()))
    text = paper().replace(f'"{a}", "{b}", "{c}", "{a + b + c}"]', f'"{a}", "{b}", "{c}", "{a + b + c + 1}"]')
    found = problems(tmp_path, text)
    assert len(found) == 1
    assert f":{line_of(text, name + ',')}:" in found[0]
    assert f"the paper states {a + b + c + 1} but on {a} + off {b} + missing {c} is {a + b + c}" in found[0]


# ------------------------------------------------------------ KPIs


def test_direction_of_travel_is_an_arrow_and_a_word(page, word) -> None:
    table = table_named(page, "Indicators against target")
    rows = {cell_texts(r)[0]: cell_texts(r) for r in table.xpath(".//tbody/tr")}
    assert rows["Recycling rate"][4] == "↑ Better"  # 33 against 30 last year, higher is better
    assert rows["Days to process claims"][4] == "↓ Worse"  # 26 days against 24, lower is better
    docx_rows = {r.cells[0].text.strip(): r for r in word_table(word, "Indicators against target").rows if r.cells[0].text.strip()}
    assert docx_rows["Days to process claims"].cells[4].text.strip() == "↓ Worse"


def test_direction_of_travel_arrows_take_the_themes_colours(page, word) -> None:
    rows = {cell_texts(r)[0]: r.xpath("th|td") for r in table_named(page, "Indicators against target").xpath(".//tbody/tr")}
    assert "color: #8A1C7C" in rows["Days to process claims"][4].get("style")  # the theme's travel_worse
    assert "color: #1B6E2B" in rows["Recycling rate"][4].get("style")  # travel_better left at its default
    docx_rows = {r.cells[0].text.strip(): r for r in word_table(word, "Indicators against target").rows if r.cells[0].text.strip()}
    worse = [run.font.color.rgb for p in docx_rows["Days to process claims"].cells[4].paragraphs for run in p.runs if run.text.strip()]
    assert worse and all(str(rgb) == "8A1C7C" for rgb in worse)


def test_a_travel_arrow_colour_that_cannot_be_read_on_white_is_refused(tmp_path) -> None:
    root = make_project(Path(tempfile.mkdtemp(dir=tmp_path)), {**files(paper()), "templates/testshire/theme.yaml": THEME.replace('travel_worse: "#8A1C7C"', 'travel_worse: "#F4A0A0"')})
    failed = [line for lines in check(Config(root)).report.failed.values() for line in lines]
    assert any("colours.travel_worse" in line and "direction-of-travel arrows of figures that got worse" in line and "#F4A0A0 on #FFFFFF" in line
               for line in failed), failed


def test_kpi_status_worked_out_by_the_rule_and_counted(page) -> None:
    table = table_named(page, "Indicators against target")
    rows = {cell_texts(r)[0]: cell_texts(r) for r in table.xpath(".//tbody/tr")}
    assert rows["Recycling rate"][-1].endswith("Green")  # 33 is within 10% of 35
    assert rows["Days to process claims"][-1].endswith("Red")  # 30% adrift and worse than last year
    assert rows["Website visits"][-1] == "Data only"
    action = [r for r in table.xpath(".//tbody/tr") if "Corrective action" in r.text_content()]
    assert "Backlog team in place." in action[0].text_content()
    summary = [" ".join(li.text_content().split()) for li in table.getnext().xpath("li")]
    assert summary == ["1 of 2 (50%) indicators are rated Green", "1 of 2 (50%) indicators are rated Red",
                       "3 indicators in all: 1 data only"]


def test_a_stated_kpi_status_is_checked_and_a_red_needs_an_action(tmp_path) -> None:
    text = paper().replace('previous: ["30"]}', 'previous: ["30"], status: Red}').replace(", action: Backlog team in place.}", "}")
    found = problems(tmp_path, text)
    assert len(found) == 2
    line = line_of(text, '"30"], status: Red}')
    assert f":{line}:" in found[0]
    assert "the paper states 'Red' but actual 33 against target 35 (5.7% adrift, within the 10% tolerance) gives 'Green'" in found[0]
    assert "expected a corrective action for an indicator rated 'Red', got nothing" in found[1]


# ------------------------------------------------------------ risk registers and heat maps


def expected_grid(which: int) -> dict[str, list[str]]:
    """Count the risks in each cell from RISKS: likelihood level name -> counts per impact level, lowest first."""
    scales = theme().risk
    cells = Counter()
    for codes in RISKS.values():
        code = codes[which]
        likelihood = scales.likelihood.codes.index(code[0]) + 1
        cells[(likelihood, scales.impact.codes.index(code[1:]) + 1)] += 1
    return {
        scales.likelihood.label(lk): [str(cells[(lk, i)]) if cells[(lk, i)] else "" for i in range(1, 6)]
        for lk in range(5, 0, -1)
    }


@pytest.mark.parametrize("which,title", [(0, "previous"), (1, "current")])
def test_heat_map_counts_in_the_pdf_and_the_docx(built, word, which: int, title: str) -> None:
    grid = expected_grid(which)
    docx_table = next(t for t in word.tables if _caption_before(t) == f"Strategic risks: heat maps: {title}")
    for row in docx_table.rows[1:]:
        level = row.cells[0].text.strip()
        assert [c.text.strip() for c in row.cells[1:]] == grid[level]
    pdf = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(built / "tables.pdf").pages)
    section = pdf.split(f"Strategic risks: heat maps: {title}")[1]
    for level, counts in grid.items():
        assert " ".join([level, *[c for c in counts if c]]) in section


def _caption_before(table) -> str:
    previous = table._tbl.getprevious()
    return "".join(t.text or "" for t in previous.iter(qn("w:t"))).strip()


def test_a_black_band_reads_with_its_own_white_text(word) -> None:
    top = next(t for t in word.tables if _caption_before(t) == "Strategic risks: heat maps: current").rows[1]
    assert fill(top.cells[5]) == "000000"  # Almost certain x Critical = 25, above tolerance
    colours = {r.get(qn("w:val")) for r in top.cells[5]._tc.iter(qn("w:color"))}
    assert colours <= {"FFFFFF"}
    from committee_papers.sources.loader import loads

    without = THEME.replace(', text: "#FFFFFF"', "")
    source = loads(without, "theme.yaml")
    problems = Theme.model_validate(source.data).contrast_problems()
    assert problems and "for a Above tolerance risk rating" in problems[0][1]
    assert not theme().contrast_problems()


def test_a_heat_map_given_as_counts_is_checked_against_the_register(tmp_path) -> None:
    grid = expected_grid(1)
    rows = [[c or "0" for c in counts] for counts in grid.values()]
    rows[1][1] = str(int(rows[1][1]) + 1)  # one more risk in Likely / Minor than the register has
    body = "\n".join(f"      - {row}" for row in rows).replace("'", '"')
    extra = f"- heat_map:\n    caption: Current matrix\n    against: strategic\n    counts:\n{body}\n"
    text = paper(extra)
    found = problems(tmp_path, text)
    assert len(found) == 1
    level = list(grid)[1]
    assert f"the paper states {rows[1][1]} risk(s) at {level.split(' ', 1)[1]} / Minor but the register 'strategic' has {int(rows[1][1]) - 1} there" in found[0]
    assert f":{line_of(text, 'against: strategic') + 3}:" in found[0]
    accepted = problems(tmp_path, paper(extra.replace(f'"{rows[1][1]}"', f'"{int(rows[1][1]) - 1}"', 1)))
    assert accepted == []


def test_a_risk_code_off_the_scales_is_refused(tmp_path) -> None:
    text = paper().replace("current: DIV}", "current: DVI}")
    found = problems(tmp_path, text)
    assert len(found) == 1 and "expected a likelihood code (E, D, C, B, A) then an impact code (V, IV, III, II, I)" in found[0]


# ------------------------------------------------------------ shapes: label/value, spans, workplans


def test_a_label_value_table_has_no_header_row(page, word) -> None:
    table = table_named(page, "Portfolio details")
    assert not table.xpath(".//thead")
    assert [c.get("scope") for c in table.xpath(".//tbody/tr/th")] == ["row", "row"]
    assert [cell_texts(r) for r in table.xpath(".//tr")] == [["Portfolio", "Environment"], ["Lead member", "Councillor A"]]
    docx_table = word_table(word, "Portfolio details")
    assert not docx_table._tbl.xpath(".//w:tblHeader")


def test_workplan_notes_span_the_milestones_they_cover(page) -> None:
    table = table_named(page, "Workplan")
    rows = table.xpath(".//tbody/tr")
    assert rows[0].xpath("th")[0].get("rowspan") == "3"  # ref 1 spans its three milestones
    note = [c for c in rows[0].xpath("td") if "Drafting on time." in c.text_content()][0]
    assert note.get("rowspan") == "2"
    assert "30/06/2015" in note.text_content()  # the theme writes dates as numbers
    assert [" ".join(c.text_content().split()) for c in rows[0].xpath("td")][1:3] == ["1a. Draft", "September 2015"]
    assert len(rows[1].xpath("td")) == 3  # milestone, due, status: the note above spans this row


def test_cells_spanning_rows_and_columns_are_declared_in_content(tmp_path) -> None:
    extra = textwrap.dedent(
        """\
        - table:
            caption: Spans
            head: [[{text: Objective, rows: 2}, {text: Quarter 4, span: 2}]]
            columns: [Objective, Target, Actual]
            rows:
              - [{text: Housing, rows: 2}, "10", "12"]
              - ["20", "18"]
              - [{text: All objectives, span: 3}]
        """
    )
    text = paper(extra)
    assert problems(tmp_path, text) == []
    root = make_project(tmp_path / "spans", files(text))
    assert build(Config(root)).ok
    page = lxml_html.fromstring((root / "output/testshire/cabinet/tables.html").read_bytes())
    table = table_named(page, "Spans")
    head = table.xpath(".//thead/tr")
    assert [cell_texts(r) for r in head] == [["Objective", "Quarter 4"], ["Target", "Actual"]]
    assert head[0].xpath("th")[0].get("rowspan") == "2" and head[0].xpath("th")[1].get("colspan") == "2"
    body = table.xpath(".//tbody/tr")
    assert body[0].xpath("td")[0].get("rowspan") == "2" and len(body[1].xpath("td")) == 2
    too_many = problems(tmp_path, paper(extra.replace('- ["20", "18"]', '- ["20", "18", "3"]')))
    assert len(too_many) == 1 and "expected 2 cells to match the columns, got 3" in too_many[0]


# ------------------------------------------------------------ contents


def test_contents_lists_headings_with_links_and_a_toc_field_in_word(page, built) -> None:
    entries = page.xpath("//nav[@class='contents']//a")
    found = page.xpath("//main//h2|//main//h3|//section[contains(@class, 'appendix')]/h1")
    headings = {h.get("id"): " ".join(h.text_content().split()) for h in found}
    assert [a.text_content() for a in entries] == [headings[a.get("href")[1:]] for a in entries]
    assert "Workplan" in [a.text_content() for a in entries]
    assert any(a.text_content().endswith("Tables") for a in entries)  # the appendix, by its title
    with zipfile.ZipFile(built / "tables.docx") as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    assert re.search(r'<w:fldChar w:fldCharType="begin" w:dirty="true"/>.*?<w:instrText[^>]*> TOC \\o "2-3" \\h \\z \\u </w:instrText>', xml)
    bookmarks = set(re.findall(r'<w:bookmarkStart w:id="\d+" w:name="([^"]+)"', xml))
    pagerefs = re.findall(r"PAGEREF (\S+) \\h", xml)
    assert len(pagerefs) == len(entries) and set(pagerefs) <= bookmarks
    # Until Word updates the field, each entry shows the page the PDF's contents list gives it.
    shown = re.findall(r"PAGEREF \S+ \\h </w:instrText>.*?<w:t[^>]*>([^<]*)</w:t>", xml)
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(built / "tables.pdf").pages)
    printed = [re.search(re.escape(a.text_content()) + r"[ .]*(\d+)\s*$", pdf_text, re.M) for a in entries]
    assert all(printed) and shown == [match.group(1) for match in printed]


def test_side_by_side_blocks_are_a_borderless_table_in_word(tmp_path) -> None:
    extra = textwrap.dedent(
        """\
        - side_by_side:
            - table: {caption: Left, columns: [A], rows: [[one]]}
            - table: {caption: Right, columns: [B], rows: [[two]]}
        """
    )
    root = make_project(tmp_path / "side", files(paper(extra)))
    assert build(Config(root)).ok
    page = lxml_html.fromstring((root / "output/testshire/cabinet/tables.html").read_bytes())
    sides = page.xpath("//div[@class='side-by-side']/div[@class='side']")
    assert [s.xpath(".//caption")[0].text_content() for s in sides] == ["Left", "Right"]
    word = docx.Document(str(root / "output/testshire/cabinet/tables.docx"))
    outer = next(t for t in word.tables if len(t.rows[0].cells) == 2 and t.rows[0].cells[0].tables)
    assert [c.tables[0].rows[0].cells[0].text for c in outer.rows[0].cells] == ["A", "B"]
    assert {b.get(qn("w:val")) for b in outer._tbl.tblPr.find(qn("w:tblBorders"))} == {"nil"}


def test_a_landscape_table_has_its_own_pages_and_repeats_its_headings(tmp_path) -> None:
    extra = textwrap.dedent(
        """\
        - table:
            caption: Wide
            landscape: true
            columns: [A, B]
            rows: [[one, two]]
        """
    )
    root = make_project(tmp_path / "wide", files(paper(extra)))
    assert build(Config(root)).ok
    word = docx.Document(str(root / "output/testshire/cabinet/tables.docx"))
    table = word_table(word, "Wide")
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    # A section's properties close it: the first after the table says how the table's pages are set.
    closing = next(e.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") if e.tag == qn("w:p") else e
                   for e in table._tbl.itersiblings()
                   if e.tag == qn("w:sectPr") or e.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None)
    size = closing.find(qn("w:pgSz"))
    assert size.get(qn("w:orient")) == "landscape"
    html = without_sources((root / "output/testshire/cabinet/tables.html").read_text())
    assert re.search(r'<section class="landscape"><table[^>]*>\s*<caption>Wide</caption>', html)


@pytest.mark.parametrize("cell,expected", [
    ('{text: x, span: 1000000000}', "expected a number of at most 100, got '1000000000'"),
    ('"1.1234567890123456789012345678901"', "expected a number such as 46, 1,250 or 12.5, got '1.1234567890123456789012345678901'"),
])
def test_hostile_cells_are_refused_with_a_message(tmp_path, cell: str, expected: str) -> None:
    extra = f"- table:\n    caption: Hostile\n    columns: [{{title: A, type: number}}]\n    rows:\n      - [{cell}]\n"
    found = problems(tmp_path, paper(extra))
    assert len(found) == 1 and expected in found[0]
