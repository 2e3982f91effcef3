"""Agenda packs: contents page numbers, bookmarks, pack page numbers, exempt items, deadlines, reuse."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from committee_papers.commands.cli import main
from committee_papers.pipeline.build import Config, build
from committee_papers.pipeline.checking import check

from .conftest import MEETING, MINI_REPORT, ROOT, without_sources

SECRET = "MARKER-7f3a-exempt-body-text"
EXEMPT_REPORT = MINI_REPORT.replace("title: A small report", "title: Disposal of land").replace(
    "This report presents the thing.", f"This report presents the thing. {SECRET}"
).replace("report_of:", "exempt:\n  paragraph: 3\n  reason: Commercially sensitive terms.\nreport_of:")
EXEMPT_ITEM = """\
  - title: Disposal of land
    paper: cabinet/exempt.yaml
    exempt:
      paragraph: 3
      public_interest: Disclosure would prejudice the council's negotiating position.
"""

PACK = Path("output/meetings/cabinet")


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def pdf_text(pdf: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(pdf).pages]


def outline(pdf: Path) -> list[tuple[int, str, int]]:
    reader = PdfReader(pdf)
    found = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return found


@pytest.fixture
def meeting(project):
    return project({"content/cabinet/mini.yaml": MINI_REPORT, "content/meetings/cabinet.yaml": MEETING})


def test_the_pack_binds_the_front_sheet_and_each_paper_with_pack_page_numbers(meeting):
    report = build(Config(meeting))
    assert report.packs == ["content/meetings/cabinet.yaml"]
    pages = pdf_text(meeting / PACK / "public-pack.pdf")
    paper = pdf_text(meeting / "output/leicester-city/cabinet/mini.pdf")
    assert len(pages) == 1 + len(paper)
    for number, text in enumerate(pages, 1):
        assert f"Page {number}\n" in text + "\n"  # the pack's own number on every page
    assert "Page 1 of" in pages[1]  # beside the paper's own numbering
    assert "Leicester City Council · Cabinet" in pages[1] and "\nItem 2\n" in pages[1]  # the item number stamped in the header band
    assert "Item 2" not in "".join(paper)  # the paper's own PDF serves, stamped only in the pack


def test_the_contents_gives_the_page_each_paper_starts_on(meeting):
    build(Config(meeting))
    front = pdf_text(meeting / PACK / "public-pack.pdf")[0]
    assert re.search(r"2 The small report\s+Report of the Director of Things\s+2", front)
    agenda = (meeting / PACK / "agenda.html").read_text()
    assert '<td class="score">2</td>' in agenda


def test_bookmarks_for_each_item_and_each_papers_headings(meeting):
    build(Config(meeting))
    marks = outline(meeting / PACK / "public-pack.pdf")
    assert marks[0] == (0, "Agenda", 1)
    assert marks[1] == (0, "2. The small report", 2)
    assert (2, "1 Purpose of Report", 2) in marks
    assert (1, "Appendix 1 The appendix", 4) in marks  # the paper is three pages; its appendix starts its third


def test_the_public_pack_never_holds_a_byte_of_exempt_content(project):
    root = project(
        {
            "content/cabinet/mini.yaml": MINI_REPORT,
            "content/cabinet/exempt.yaml": EXEMPT_REPORT,
            "content/meetings/cabinet.yaml": MEETING + EXEMPT_ITEM,
        }
    )
    report = build(Config(root))
    assert report.ok, report.failed
    public = [root / PACK / name for name in ("public-pack.pdf", "agenda.pdf", "agenda.docx", "agenda.html")]
    public += list((root / "output/leicester-city").rglob("*.*"))
    for path in public:
        assert SECRET not in readable(path), path
    agenda = without_sources((root / PACK / "agenda.html").read_text())
    assert "Disposal of land" in agenda and "paragraph 3 of Part 1 of Schedule 12A" in agenda
    assert not (root / PACK / "confidential-pack.pdf").exists()  # never beside what is published
    confidential = "".join(pdf_text(root / "output/confidential/meetings/cabinet/confidential-pack.pdf"))
    assert SECRET in confidential
    assert (root / "output/confidential/leicester-city/cabinet/exempt.pdf").exists()


def readable(path: Path) -> str:
    """Return everything a reader could get out of a file: its text, XML parts or bytes."""
    data = path.read_bytes()
    if path.suffix == ".pdf":
        reader = PdfReader(io.BytesIO(data))
        titles = " ".join(str(v) for v in (reader.metadata or {}).values())
        return titles + " ".join(p.extract_text() for p in reader.pages) + data.decode("latin-1")
    if path.suffix == ".docx":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return " ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return data.decode("utf-8", "replace")


def test_an_item_naming_a_missing_paper_is_an_error_at_its_line(project, capsys):
    root = project({"content/cabinet/mini.yaml": MINI_REPORT, "content/meetings/cabinet.yaml": MEETING.replace("cabinet/mini.yaml", "cabinet/mni.yaml")})
    assert main(["--root", str(root), "check"]) == 1
    err = capsys.readouterr().err
    assert f"content/meetings/cabinet.yaml:{line_of(MEETING, 'cabinet/mini.yaml')}:12: items[1].paper: expected a paper in content/ (such as cabinet/report.yaml), got 'cabinet/mni.yaml': no such paper" in err


def test_check_prints_the_publication_deadline(meeting, capsys):
    assert main(["--root", str(meeting), "check"]) == 0
    out = capsys.readouterr().out
    assert "content/meetings/cabinet.yaml: publish by Friday, 2nd November 2007 (5 clear working days before the meeting on Monday, 12th November 2007)" in out


def test_late_papers_fail_the_meeting_unless_the_chair_agrees_they_are_urgent(project):
    late = MEETING.replace("published: 2007-11-02", "published: 2007-11-05")
    root = project({"content/cabinet/mini.yaml": MINI_REPORT, "content/meetings/cabinet.yaml": late})
    report = check(Config(root)).report
    assert report.failed["content/meetings/cabinet.yaml"] == [
        f"content/meetings/cabinet.yaml:{line_of(late, 'published:')}:12: published: item 2 is published on Monday, 5th November 2007, "
        "after the deadline of Friday, 2nd November 2007: publish it by then, or give the chair's reason for "
        "taking it as urgent in the item's urgency"
    ]
    urgent = late + "    urgency: The report must reach the inspectors before the next meeting.\n"
    (root / "content/meetings/cabinet.yaml").write_text(urgent)
    report = build(Config(root))
    assert report.ok
    agenda = (root / PACK / "agenda.html").read_text()
    assert "The report must reach the inspectors before the next meeting." in agenda


def test_an_exempt_item_whose_paper_is_not_marked_exempt_is_an_error(project):
    root = project({"content/cabinet/mini.yaml": MINI_REPORT, "content/cabinet/exempt.yaml": MINI_REPORT, "content/meetings/cabinet.yaml": MEETING + EXEMPT_ITEM})
    problems = check(Config(root)).report.failed["content/meetings/cabinet.yaml"]
    assert "items[2].exempt: the item is exempt but its paper cabinet/exempt.yaml is not: add exempt: with paragraph 3 to the paper" in problems[0]


def test_a_key_decision_late_on_the_forward_plan_is_warned_about(project):
    paper = MINI_REPORT + "decision_status:\n  key_decision: Yes\n  forward_plan: Yes\n  forward_plan_published: 2007-10-20\n  decision_by: Executive (Cabinet)\n"
    root = project({"content/cabinet/mini.yaml": paper, "content/meetings/cabinet.yaml": MEETING})
    notices = check(Config(root)).report.notices
    assert "warning: content/cabinet/mini.yaml: item 2 is a key decision first on the forward plan on Saturday, 20th October 2007, less than 28 clear days before the meeting" in notices


def test_rebuilding_after_one_paper_changes_lays_out_only_that_paper_again_once(project):
    other = MINI_REPORT.replace("title: A small report", "title: Another report")
    meeting = MEETING + "  - title: Another report\n    paper: cabinet/other.yaml\n"
    root = project({"content/cabinet/mini.yaml": MINI_REPORT, "content/cabinet/other.yaml": other, "content/meetings/cabinet.yaml": meeting})
    first = build(Config(root))
    assert [r for r in first.rendered if r.startswith("content/cabinet/")] == ["content/cabinet/mini.yaml", "content/cabinet/other.yaml"]
    (root / "content/cabinet/other.yaml").write_text(other.replace("Cabinet is recommended to approve", "Cabinet is asked to approve"))
    second = build(Config(root))
    assert [r for r in second.rendered if r.startswith("content/cabinet/")] == ["content/cabinet/other.yaml"]  # laid out once, alone and for the pack
    assert second.packs == ["content/meetings/cabinet.yaml"]
    assert "Cabinet is asked to approve" in "".join(pdf_text(root / PACK / "public-pack.pdf"))


def test_the_front_sheet_is_laid_out_once_and_again_only_when_its_page_numbers_change(project):
    meeting = MEETING + "  - title: Another report\n    paper: cabinet/other.yaml\n"
    other = MINI_REPORT.replace("title: A small report", "title: Another report")
    root = project({"content/cabinet/mini.yaml": MINI_REPORT, "content/cabinet/other.yaml": other, "content/meetings/cabinet.yaml": meeting})
    front = "content/meetings/cabinet.yaml (front sheet)"
    assert [r for r in build(Config(root)).rendered if r.startswith("content/meetings/")] == [front]  # the agenda PDF is the front sheet
    (root / "content/cabinet/mini.yaml").write_text(MINI_REPORT.replace("presents the thing", "presents the thing again"))
    assert front not in build(Config(root)).rendered  # the same length: item 3 still starts on the same page
    purpose = "      - This report presents the thing.[^a]\n"
    longer = purpose + "".join(f"      - Paragraph {n} of a much longer purpose that runs on to more pages.\n" for n in range(80))
    (root / "content/cabinet/mini.yaml").write_text(MINI_REPORT.replace(purpose, longer))
    rebuilt = build(Config(root))
    assert rebuilt.ok and front in rebuilt.rendered
    starts = 1 + len(PdfReader(root / "output/leicester-city/cabinet/mini.pdf").pages) + 1
    pages = pdf_text(root / PACK / "public-pack.pdf")
    assert f"Page {starts}\n" in pages[starts - 1] + "\n" and "Item 3" in pages[starts - 1]  # where the agenda says it starts


def test_the_example_meetings_build(tmp_path):
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    shutil.copytree(ROOT / "content", tmp_path / "content")
    report = build(Config(tmp_path))
    assert report.ok, report.failed
    assert sorted(report.packs) == sorted(f"content/meetings/{p.name}" for p in (ROOT / "content/meetings").glob("*.yaml"))


def test_a_pack_built_twice_is_byte_identical(meeting):
    build(Config(meeting))
    first = {p.name: p.read_bytes() for p in (meeting / PACK).iterdir()}
    shutil.rmtree(meeting / "output")
    build(Config(meeting))
    assert {p.name: p.read_bytes() for p in (meeting / PACK).iterdir()} == first


def test_a_supplementary_item_is_marked_and_dated_on_its_own(project):
    other = MINI_REPORT.replace("title: A small report", "title: A late addition")
    meeting = MEETING + "  - title: A late addition\n    paper: cabinet/other.yaml\n    supplementary: Yes\n    published: 2007-11-09\n"
    root = project({"content/cabinet/mini.yaml": MINI_REPORT, "content/cabinet/other.yaml": other, "content/meetings/cabinet.yaml": meeting})
    failed = check(Config(root)).report.failed["content/meetings/cabinet.yaml"]
    assert f"content/meetings/cabinet.yaml:{line_of(meeting, '2007-11-09')}:16: items[2].published: item 3 is published on Friday, 9th November 2007" in failed[0]
    urgent = meeting + "    urgency: The decision cannot wait for the next meeting.\n"
    (root / "content/meetings/cabinet.yaml").write_text(urgent)
    assert build(Config(root)).ok
    agenda = without_sources((root / PACK / "agenda.html").read_text())
    assert "A late addition</strong> (supplementary)" in agenda


def test_a_paper_that_states_its_item_number_must_agree_with_the_agenda(project):
    paper = MINI_REPORT.replace("title: A small report", "title: A small report\nagenda_item: '5'")
    root = project({"content/cabinet/mini.yaml": paper, "content/meetings/cabinet.yaml": MEETING})
    failed = check(Config(root)).report.failed["content/meetings/cabinet.yaml"]
    assert failed == [f"content/meetings/cabinet.yaml:{line_of(MEETING, 'cabinet/mini.yaml')}:12: items[1].paper: the paper cabinet/mini.yaml says it is item 5, but it is item 2 here"]
