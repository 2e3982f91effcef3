"""Rebuilds do no work twice: unchanged papers are skipped, and workers do not change a byte."""

from __future__ import annotations

import subprocess
import sys

from committee_papers.pipeline.build import Config, build

from .conftest import MEETING, MINI_REPORT, ROOT

PAPER = "content/cabinet/mini.yaml"
OTHER = "content/cabinet/other.yaml"


def test_a_rebuild_lays_out_only_what_changed(project):
    root = project({PAPER: MINI_REPORT, OTHER: MINI_REPORT.replace("A small report", "Another report")})
    assert build(Config(root)).rendered == [PAPER, OTHER]
    (root / OTHER).write_text(MINI_REPORT.replace("A small report", "Another report, revised"))
    report = build(Config(root))
    assert report.rendered == [OTHER]
    assert report.up_to_date == [PAPER]
    assert report.summary("built") == "1 paper built, 1 up to date"


def test_a_changed_template_or_theme_lays_out_its_councils_papers_again(project):
    root = project({PAPER: MINI_REPORT})
    build(Config(root))
    css = root / "templates/leicester-city/theme.css"
    css.write_text("h1 { letter-spacing: 0.5pt; }")
    assert build(Config(root)).rendered == [PAPER]


def test_force_lays_out_everything_again(project):
    root = project({PAPER: MINI_REPORT})
    build(Config(root))
    assert build(Config(root, force=True)).rendered == [PAPER]


def test_a_deleted_output_is_made_again(project):
    root = project({PAPER: MINI_REPORT})
    build(Config(root))
    (root / "output/leicester-city/cabinet/mini.docx").unlink()
    assert build(Config(root)).rendered == [PAPER]
    assert (root / "output/leicester-city/cabinet/mini.docx").exists()


def test_a_build_with_nothing_to_do_imports_no_renderer_and_reads_no_paper(project):
    root = project({PAPER: MINI_REPORT})
    build(Config(root))
    code = (
        "import sys; from pathlib import Path; from committee_papers.pipeline.build import Config, build;"
        f"report = build(Config(Path({str(root)!r})));"
        "print(report.summary('built'), sorted({'weasyprint', 'docx', 'matplotlib', 'pypdf', 'pydantic', 'yaml'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "0 papers built, 1 up to date []"


def test_a_build_with_nothing_to_do_still_tells_the_clerk_the_deadline(project):
    root = project({PAPER: MINI_REPORT, "content/meetings/cabinet.yaml": MEETING})
    first = build(Config(root))
    second = build(Config(root))
    assert second.rendered == [] and second.up_to_date == [PAPER, "content/meetings/cabinet.yaml"]
    assert second.notices == first.notices and "publish by" in second.notices[0]


def test_a_paper_with_problems_is_reported_on_every_build(project):
    root = project({PAPER: MINI_REPORT, OTHER: MINI_REPORT.replace("council: leicester-city", "council: leicester-cty")})
    first = build(Config(root))
    assert list(first.failed) == [OTHER]
    second = build(Config(root))
    assert second.failed == first.failed and second.up_to_date == [PAPER]


def test_an_unchanged_paper_whose_theme_changed_is_checked_again(project):
    root = project({PAPER: MINI_REPORT})
    build(Config(root))
    theme = root / "templates/leicester-city/theme.yaml"
    theme.write_text(theme.read_text() + "\nnot_a_theme_field: 1\n")
    report = build(Config(root))
    assert not report.ok and "not_a_theme_field" in "".join(report.failed[PAPER])


def test_outputs_do_not_depend_on_the_number_of_workers(project, tmp_path_factory):
    files = {PAPER: MINI_REPORT, OTHER: MINI_REPORT.replace("A small report", "Another report")}
    one = project(files)
    build(Config(one, jobs=1))
    from .conftest import make_project

    two = make_project(tmp_path_factory.mktemp("two"), files)
    report = build(Config(two, jobs=2))
    assert report.built == [PAPER, OTHER]  # in the order of the sources, whichever finished first
    for path in sorted((one / "output").rglob("*.*")):
        if ".cache" not in path.parts:
            assert path.read_bytes() == (two / path.relative_to(one)).read_bytes(), path


def test_force_and_jobs_work_before_or_after_build_on_the_command_line(project, capsys):
    from committee_papers.commands.cli import main

    root = project({PAPER: MINI_REPORT})
    assert main(["--root", str(root), "--quiet"]) == 0
    assert main(["--root", str(root), "--force", "--jobs", "1"]) == 0
    assert main(["--root", str(root), "--jobs", "1", "build", "--force"]) == 0
    assert main(["--root", str(root), "build"]) == 0
    assert capsys.readouterr().out.splitlines()[-3:] == ["1 paper built", "1 paper built", "0 papers built, 1 up to date"]


def test_a_process_that_builds_again_lays_out_with_the_changed_stylesheet(project):
    root = project({PAPER: MINI_REPORT})
    build(Config(root))  # this process keeps its renderer, as watch does
    (root / "templates/leicester-city/theme.css").write_text('h1::after { content: " restyled"; }')
    assert build(Config(root)).rendered == [PAPER]
    from pypdf import PdfReader

    assert "restyled" in PdfReader(root / "output/leicester-city/cabinet/mini.pdf").pages[0].extract_text()


def test_a_changed_data_file_has_its_paper_checked_again(project):
    from .test_statuses import DATA, PARTNERSHIP, leicestershire, refresh_in_q3

    root = leicestershire(project)
    assert build(Config(root)).ok
    data = root / DATA[1]
    data.write_text(data.read_text().replace("Refresh: 3}", "Refrsh: 3}", 1))
    report = build(Config(root))
    assert list(report.failed) == [PARTNERSHIP]
    assert "content/data/laa/2006-07-q3.yaml:{}:{}: rows[2].counts.outcomes.Refrsh: expected a status".format(*refresh_in_q3()) in report.failed[PARTNERSHIP][0]
