"""The whole build on a temporary project: outputs, determinism, and bad input that loses nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import docx
import pytest

from committee_papers.commands.cli import main
from committee_papers.pipeline.build import Config, build
from committee_papers.sources.errors import SystemLibraryError

from .conftest import MINI_REPORT, ROOT, theme_names, without_sources

PAPER = "content/cabinet/mini.yaml"
OUTPUTS = [f"output/leicester-city/cabinet/mini.{ext}" for ext in ("pdf", "docx", "html")]


def outputs(root: Path) -> dict[str, bytes]:
    return {name: (root / name).read_bytes() for name in OUTPUTS}


def test_a_paper_is_built_to_pdf_docx_and_html(project):
    root = project({PAPER: MINI_REPORT})
    report = build(Config(root))
    assert report.built == [PAPER] and report.ok
    assert outputs(root)[OUTPUTS[0]].startswith(b"%PDF")
    assert "A small report" in outputs(root)[OUTPUTS[2]].decode()


def test_a_build_logs_no_warnings(project, caplog):
    root = project({PAPER: MINI_REPORT})
    with caplog.at_level("WARNING"):
        assert build(Config(root)).ok
    assert [r.getMessage() for r in caplog.records if r.levelname in ("WARNING", "ERROR")] == []


def test_one_paper_named_on_the_command_line_is_the_only_one_built(project, capsys):
    root = project({PAPER: MINI_REPORT, "content/cabinet/other.yaml": MINI_REPORT})
    assert main(["--root", str(root), "build", str(root / PAPER)]) == 0
    assert capsys.readouterr().out.strip() == "1 paper built"
    assert (root / OUTPUTS[0]).exists()
    assert not (root / "output/leicester-city/cabinet/other.pdf").exists()


def test_a_paper_outside_content_is_refused_by_name(project, capsys):
    root = project({"elsewhere/mini.yaml": MINI_REPORT})
    assert main(["--root", str(root), "build", str(root / "elsewhere/mini.yaml")]) == 1
    assert "elsewhere/mini.yaml:1:1: papers live in content/; this file is outside it" in capsys.readouterr().err


def test_an_exempt_paper_is_marked_and_kept_apart(project):
    root = project({PAPER: MINI_REPORT.replace("report_of:", "exempt:\n  paragraph: 3\nreport_of:")})
    assert build(Config(root)).ok
    assert not (root / OUTPUTS[2]).exists()  # never beside the papers that are published
    page = without_sources((root / "output/confidential" / OUTPUTS[2].removeprefix("output/")).read_text())
    assert "exempt information under paragraph 3 of Part 1 of Schedule 12A to the Local Government Act 1972" in page
    assert "<strong>NOT FOR PUBLICATION</strong>" in page  # on every page, in the running header


def test_two_builds_of_the_same_sources_are_byte_identical(project, tmp_path_factory):
    first = project({PAPER: MINI_REPORT})
    build(Config(first))
    before = outputs(first)
    build(Config(first))
    assert outputs(first) == before


def test_two_separate_runs_give_byte_identical_outputs(project):
    root = project({PAPER: MINI_REPORT})
    command = [sys.executable, str(ROOT / "build.py"), "--root", str(root)]
    subprocess.run(command, check=True, capture_output=True)
    first = outputs(root)
    for name in OUTPUTS:
        (root / name).unlink()
    subprocess.run(command, check=True, capture_output=True)
    assert outputs(root) == first


def test_dates_come_from_the_sources_or_source_date_epoch(project, monkeypatch):
    root = project({PAPER: MINI_REPORT})
    build(Config(root))
    props = docx.Document(root / OUTPUTS[1]).core_properties
    assert props.created.date().isoformat() == "2007-11-12"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(Config(root))
    assert docx.Document(root / OUTPUTS[1]).core_properties.created.isoformat().startswith("2023-11-14T22:13:20")


def test_one_bad_paper_does_not_stop_the_others(project):
    root = project({PAPER: MINI_REPORT, "content/cabinet/broken.yaml": MINI_REPORT.replace("title: A small report\n", "")})
    report = build(Config(root))
    assert report.built == [PAPER]
    assert report.failed["content/cabinet/broken.yaml"] == ["content/cabinet/broken.yaml:1:1: title: expected a value, got nothing: this field is required"]
    assert report.summary("built") == "1 paper built, 1 failed: content/cabinet/broken.yaml"


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# Each class of bad input in DESIGN.md: (name, change to the paper, text to find, what the message says)
BAD_INPUT = [
    ("yaml syntax", ("title: A small report", "title: Cabinet: a small report"), "title: Cabinet", "YAML syntax: mapping values are not allowed here"),
    ("duplicate key", ("wards_affected: All Wards", "wards_affected: All Wards\nwards_affected: None"), "wards_affected: None", "wards_affected: duplicate key (first written on line"),
    ("tag", ("title: A small report", "title: !!str A small report"), "title: !!str", "YAML syntax: tags such as tag:yaml.org,2002:str are not allowed"),
    ("alias", ("title: A small report", "title: &t A small report\nsubtitle: *t"), "title: &t", "YAML syntax: anchors and aliases"),
    ("wrong type", ("date: 2007-11-12\nwards", "date: next Monday\nwards"), "next Monday", "meeting.date: expected an ISO date such as 2007-11-10, got 'next Monday'"),
    ("missing field", ("  post: Director of Things\n", "  name: Someone\n"), "name: Someone", "report_of.post: expected a value, got nothing: this field is required"),
    ("unknown key", ("wards_affected:", "ward_affected:"), "ward_affected:", "ward_affected: unknown key (did you mean 'wards_affected'?)"),
    ("broken reference", ("paragraphs: [rules]", "paragraphs: [ruels]"), "ruels", "implications.other[0].paragraphs[0]: expected a paragraph number printed in this paper or a paragraph id, got 'ruels'"),
    ("control character", ("title: A small report", 'title: "A small\\x0b report"'), "title:", "title: contains a control character U+000B"),
    ("link outside", ("This report presents the thing.", "See [this](file:///etc/passwd)."), "See [this]", "sections[0].content[0]: expected a web address (https://...) or mailto: link, got 'file:///etc/passwd'"),
    ("contradicted figure", ("      overall: 4\nrecommendations", "      overall: 2\nrecommendations"), "overall: 2", "score_table.overall: the paper states 2 but the rules 'cpa' give 4"),
]


@pytest.mark.parametrize(("change", "needle", "message"), [case[1:] for case in BAD_INPUT], ids=[case[0] for case in BAD_INPUT])
def test_bad_input_names_file_line_and_field_and_keeps_the_last_good_output(project, change, needle, message):
    root = project({PAPER: MINI_REPORT})
    assert build(Config(root)).ok
    before = outputs(root)
    bad = MINI_REPORT.replace(*change)
    assert bad != MINI_REPORT
    (root / PAPER).write_text(bad, encoding="utf-8")
    report = build(Config(root))
    problem = next(p for p in report.failed[PAPER] if message in p)
    assert problem.startswith(f"{PAPER}:{_line(bad, needle)}:")
    assert outputs(root) == before


def test_a_stylesheet_reaching_outside_the_project_fails_the_paper_and_keeps_its_outputs(project):
    root = project({PAPER: MINI_REPORT})
    build(Config(root))
    before = outputs(root)
    (root / "templates/leicester-city/theme.css").write_text('body { background: url("file:///etc/hostname"); }')
    report = build(Config(root))
    assert "outside the content and template folders" in report.failed[PAPER][0]
    assert outputs(root) == before


def test_a_theme_with_a_bad_colour_is_reported_at_its_line(project):
    root = project({PAPER: MINI_REPORT})
    theme = root / "templates/leicester-city/theme.yaml"
    theme.write_text(theme.read_text().replace('heading: "#00205B"', 'heading: "navy"'))
    report = build(Config(root))
    theme_problem = next(p for p in report.failed[PAPER] if p.startswith("templates/leicester-city/theme.yaml:"))
    assert theme_problem.startswith(f"templates/leicester-city/theme.yaml:{_line(theme.read_text(), 'heading:')}:")
    assert "colours.heading: expected a colour written as #RRGGBB, got 'navy'" in theme_problem


def test_an_unknown_council_names_the_themes_there_are(project):
    root = project({PAPER: MINI_REPORT.replace("council: leicester-city", "council: leicester")})
    report = build(Config(root))
    assert report.failed[PAPER] == [f"{PAPER}:2:10: council: no theme for council 'leicester' (did you mean 'leicestershire'?): expected templates/leicester/theme.yaml (themes: {theme_names()})"]


def test_a_council_added_to_templates_is_among_the_themes_named(project):
    root = project({PAPER: MINI_REPORT.replace("council: leicester-city", "council: leicester")})
    theme = (root / "templates/leicester-city/theme.yaml").read_text(encoding="utf-8")
    (root / "templates/newtown").mkdir()
    (root / "templates/newtown/theme.yaml").write_text(theme.replace("Leicester City Council", "Newtown Council"), encoding="utf-8")
    message = build(Config(root)).failed[PAPER][0]
    assert "newtown" in theme_names(root) and message.endswith(f"(themes: {theme_names(root)})")


def test_papers_kept_in_a_folder_named_after_their_council_are_not_put_under_it_twice(project):
    root = project({"content/leicester-city/cabinet/mini.yaml": MINI_REPORT})
    assert build(Config(root)).ok
    assert (root / "output/leicester-city/cabinet/mini.pdf").is_file()
    assert not (root / "output/leicester-city/leicester-city").exists()


def test_missing_system_libraries_are_named_as_debian_packages(monkeypatch):
    import ctypes.util

    from committee_papers.outputs.system import check_libraries

    real = ctypes.util.find_library
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None if name == "harfbuzz-subset" else real(name))
    with pytest.raises(SystemLibraryError, match="install the Debian packages libharfbuzz-subset0"):
        check_libraries()


def test_check_reports_every_problem_and_exits_1(project, capsys):
    root = project({PAPER: MINI_REPORT.replace("wards_affected:", "ward_affected:").replace("applies: No", "applies: Maybe")})
    assert main(["--root", str(root), "check"]) == 1
    out, err = capsys.readouterr()
    assert len(err.strip().splitlines()) == 2  # the unknown key (naming the field it left missing) and the bad Yes/No
    assert out.strip() == "0 papers checked, 1 failed: content/cabinet/mini.yaml"


def test_the_command_line_prints_no_traceback_on_bad_input(project):
    root = project({PAPER: MINI_REPORT.replace("date: 2007-11-12\nwards", "date: 2007-13-45\nwards")})
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--root", str(root), "build"], capture_output=True, text=True, cwd=root
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{PAPER}:5:9: meeting.date: expected an ISO date such as 2007-11-10, got '2007-13-45'" in result.stderr
