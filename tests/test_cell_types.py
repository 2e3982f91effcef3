"""Column types a council's tables declare: a choice, a value with a note, paragraph references, risk levels and bands."""

from __future__ import annotations

import textwrap
from typing import Any

from lxml import html as lxml_html

from committee_papers.layout.html import Templates
from committee_papers.pipeline.build import Config
from committee_papers.pipeline.checking import check

THEME = textwrap.dedent(
    """\
    name: Borsetshire Borough Council
    language: en-GB
    fonts: {body: [Arial, Liberation Sans]}
    colours: {heading: "#222222", accent: "#225588", table_header_fill: "#225588"}
    risk:
      impact: {name: Impact, levels: [Negligible, Marginal, Critical, Catastrophic]}
      likelihood: {name: Likelihood, levels: [Almost Impossible, Very Low, Low, Significant, High, Very High]}
      bands:
        - {name: Low, up_to: 4, colour: "#C6E0B4"}
        - {name: Medium, up_to: 9, colour: "#FFE699"}
        - {name: High, up_to: 24, colour: "#F4B183"}
    """
)

KIND = textwrap.dedent(
    """\
    name: Plan
    parts:
      - key: priorities
        heading: Priorities
        numbered: No
        numbering: {style: restart, format: "{})"}
      - {key: sections, type: sections}
    numbering:
      paragraphs: {style: headings, format: "{}."}
    tables:
      actions:
        columns:
          - {title: Action, key: action}
          - {title: Priority, key: priority, type: paragraph-refs}
          - {title: EIA, key: eia, type: choice, options: [New, Review, "Yes", "No"]}
          - {title: Risks, key: risks, type: yes/no}
      risks:
        columns:
          - {title: Risk, key: risk}
          - {title: Impact, key: impact, type: impact}
          - {title: Likelihood, key: likelihood, type: likelihood}
          - {title: Rating, key: rating, type: number, figure: {product: [impact, likelihood]}}
          - {title: Band, key: band, figure: {band: rating}, show: both}
    """
)

PAPER = textwrap.dedent(
    """\
    kind: plan
    council: borsetshire
    title: Leisure plan
    priorities:
      - {id: places, text: Places to live.}
      - {id: services, text: Good services.}
    sections:
      - heading: Actions
        content:
          - table:
              caption: Actions
              columns: actions
              rows:
                - {action: Open a pool, priority: {refs: [services, places]}, eia: Review, risks: {text: "Yes", note: Funding may fall}}
                - {action: Review the hours, priority: Dependent on the review, eia: "No", risks: {note: None known}}
          - table:
              caption: Risks
              columns: risks
              rows:
                - {risk: Funding falls, impact: "2", likelihood: "4"}
    """
)

FILES = {"templates/borsetshire/theme.yaml": THEME, "templates/borsetshire/kinds/plan.yaml": KIND, "content/plan.yaml": PAPER}


def rows_of(root, caption: str) -> tuple[list[list[str]], Any]:
    job = check(Config(root)).jobs[0]
    document = lxml_html.fromstring(Templates(root / "templates", job.theme).render(job.paper).encode())
    for br in document.iter("br"):  # a line break reads as a space between the words either side
        br.tail = " " + (br.tail or "")
    table = next(t for t in document.iter("table") if t.find("caption") is not None and t.find("caption").text_content() == caption)
    return [[" ".join(c.text_content().split()) for c in row.iter("th", "td")] for row in table.iter("tr")], table


def failures(project, paper: str) -> list[str]:
    root = project({**FILES, "content/plan.yaml": paper})
    return check(Config(root)).report.failed["content/plan.yaml"]


def test_paragraph_refs_print_the_numbers_the_reader_sees_and_a_note_sits_under_its_value(project):
    rows, table = rows_of(project(FILES), "Actions")
    assert rows[1:] == [["Open a pool", "2,1", "Review", "Yes Funding may fall"], ["Review the hours", "Dependent on the review", "No", "None known"]]
    assert table.xpath(".//td[starts-with(., 'Yes')]/br")


def test_a_risk_level_prints_its_name_and_the_band_is_worked_out_from_the_product(project):
    rows, table = rows_of(project(FILES), "Risks")
    assert rows[1] == ["Funding falls", "2 (Marginal)", "4 (Significant)", "8", "8 Medium"]
    assert "#FFE699" in table.xpath(".//td")[-1].get("style")


def test_a_choice_not_among_the_options_is_named_with_a_did_you_mean(project):
    [message] = failures(project, PAPER.replace("eia: Review", "eia: Reveiw"))
    assert message.endswith("table.rows[0].eia: expected one of New, Review, Yes, No, got 'Reveiw' (did you mean 'Review'?)")
    assert message.startswith("content/plan.yaml:14:")


def test_a_reference_to_no_paragraph_is_named_at_its_line(project):
    [message] = failures(project, PAPER.replace("[services, places]", "[services, place]"))
    assert message.startswith("content/plan.yaml:14:")
    assert message.endswith("expected the id of a paragraph of this paper, got 'place' (did you mean 'places'?)")


def test_a_level_beyond_the_councils_scale_is_named(project):
    [message] = failures(project, PAPER.replace('impact: "2"', 'impact: "5"'))
    assert message.startswith("content/plan.yaml:20:")
    assert message.endswith("expected a level from 1 to 4 on the Impact scale (Negligible = 1, Marginal = 2, Critical = 3, Catastrophic = 4), got 5")
