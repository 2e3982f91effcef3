"""Helpers: a temporary project built from a dict of files, and a small valid report."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

MINI_REPORT = textwrap.dedent(
    """\
    kind: committee-report
    council: leicester-city
    meeting:
      committee: Cabinet
      date: 2007-11-12
    wards_affected: All Wards
    forward_timetable:
      - meeting: Cabinet
        date: 2007-11-12
    title: A small report
    report_of:
      post: Director of Things
    sections:
      - heading: Purpose of Report
        content:
          - This report presents the thing.[^a]
      - heading: Report
        content:
          - |
            It:
            - does one
            - does two
          - id: rules
            text: The rules are below.
          - scoring_rules:
              id: cpa
              caption: Rules for the overall score
              columns: [Scores on themes, Overall score]
              rules:
                - when: Two or more themes with a score of 4 and none below 3
                  at_least: 2
                  score: 4
                  none_below: 3
                  overall: 4
                - when: Any other combination
                  overall: 1
          - score_table:
              id: scores
              caption: Scores by theme
              rules: cpa
              themes:
                - theme: Ambition
                  risks: |
                    - first risk
                    - second risk
                  score: 4
                - theme: Capacity
                  score: 4
              overall: 4
    recommendations:
      - Cabinet is recommended to approve the report.
    implications:
      financial:
        text: There are no direct financial implications.
        signed_by: {name: Andy Morley, post: Chief Accountant}
      legal:
        text: None.
        signed_by: {name: Peter Nicholls, post: Head of Legal Services}
      other:
        - implication: Policy
          applies: No
          paragraphs: [rules]
    background_papers:
      - Audit Commission key lines of enquiry
    author:
      name: Austin Roberts
      post: Head of CPA
      email: austin.roberts@example.gov.uk
    notes:
      a: The report's own note.
    appendices:
      - title: The appendix
        content:
          - Text with a note[^x], another[^y] and the first again[^x].
        sections:
          - heading: Facts
            content:
              - facts:
                  title: Demographics - Facts and figures
                  items: [288,000 residents, 39.46% are BME]
              - score_summary: {of: scores, caption: Scores by theme}
        notes:
          y: Why.
          x: Ex.
    """
)


# A meeting of Leicester's Cabinet that takes MINI_REPORT as item 2.
MEETING = """\
kind: meeting
council: leicester-city
committee: Cabinet
date: 2007-11-12
time: "17:30"
venue: Town Hall, Leicester
membership:
  chair: Councillor A
  vice_chair: Councillor B
  members: [Councillor C]
clerk:
  name: G. Clerk
  email: clerk@example.gov.uk
published: 2007-11-02
items:
  - title: Apologies for absence
  - title: The small report
    paper: cabinet/mini.yaml
"""


def theme_names(root: Path = ROOT) -> str:
    """Return the councils that have a theme, as the build lists them: every council added counts."""
    return ", ".join(sorted(p.parent.name for p in (root / "templates").glob("*/theme.yaml")))


def make_project(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """Return a project folder with the real templates and the given content files."""
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    for name, body in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(body, encoding="utf-8")
    return tmp_path


def build_examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build every example paper and meeting in a copy of the project once; return its output folder."""
    from committee_papers.pipeline.build import Config, build

    root = tmp_path_factory.mktemp("examples")
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copytree(ROOT / "content", root / "content")
    report = build(Config(root))
    assert report.ok, report.failed
    return root / "output"


@pytest.fixture
def project(tmp_path: Path):
    """Return a function that makes a temporary project from a dict of files."""
    return lambda files: make_project(tmp_path, files)


def without_sources(html: str) -> str:
    """Return a web page without its provenance (data-src, data-from, and spans that only carried them), for tests about other things."""
    import re

    html = re.sub(r' data-(?:src|from)="[^"]*"', "", html)
    while True:
        unwrapped = re.sub(r"<span>((?:(?!<span[ >]).)*?)</span>", r"\1", html, flags=re.DOTALL)
        if unwrapped == html:
            return html
        html = unwrapped
