"""The editing loop's commands: check stays light, watch rebuilds and survives errors, output suits where it goes."""

from __future__ import annotations

import io
import re
import subprocess
import sys

from committee_papers.commands.console import Console
from committee_papers.commands.watch import affected, rebuild
from committee_papers.pipeline.build import Config, Report

from .conftest import MINI_REPORT, ROOT

PAPER = "content/cabinet/mini.yaml"
PDF = "output/leicester-city/cabinet/mini.pdf"


def test_check_imports_no_renderer(project):
    root = project({PAPER: MINI_REPORT, "content/cabinet/bad.yaml": "kind: committee-report\n"})
    code = (
        "import sys\nfrom committee_papers.commands.cli import main\n"
        f"status = main(['--root', {str(root)!r}, 'check'])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'weasyprint', 'docx', 'matplotlib', 'pydyf', 'watchfiles'}), status)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.splitlines()[-1] == "[] 1"
    assert "content/cabinet/bad.yaml:1:1: council: expected a value" in result.stderr


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_piped_output_is_the_problems_and_one_summary_line():
    out, err = io.StringIO(), io.StringIO()
    Console(out=out, err=err).report(Report(built=["a.yaml"], failed={"b.yaml": ["b.yaml:1:1: wrong"]}), "built")
    assert err.getvalue() == "b.yaml:1:1: wrong\n"
    assert out.getvalue() == "1 paper built, 1 failed: b.yaml\n"


class Buffered(Terminal):
    """A terminal stream that shows what was written only when flushed, as a pipe to a terminal does."""

    def __init__(self, shown: list[str]) -> None:
        super().__init__()
        self.shown = shown

    def flush(self) -> None:
        self.shown.append(self.getvalue())
        self.seek(0)
        self.truncate()


def test_on_a_terminal_the_summary_line_comes_after_the_problems():
    shown: list[str] = []
    out, err = Buffered(shown), Buffered(shown)
    Console(out=out, err=err).report(Report(failed={"b.yaml": ["b.yaml:1:1: wrong"]}), "checked")
    out.flush(), err.flush()  # whatever is left when the process ends
    text = "".join(shown)
    assert text.index("b.yaml:1:1: wrong") < text.index("0 papers checked, 1 failed: b.yaml")


def test_a_terminal_gets_a_summary_table_of_papers_outputs_and_failures():
    out, err = Terminal(), Terminal()
    report = Report(built=["a.yaml"], failed={"b.yaml": ["b.yaml:1:1: wrong"]}, outputs={"a.yaml": ["output/a.pdf", "output/a.docx"]})
    Console(out=out, err=err).report(report, "built")
    table = re.sub(r"\x1b\[[0-9;]*m", "", err.getvalue())
    assert "output/a.{pdf,docx}" in table
    assert "failed (1 problem)" in table


def test_a_terminal_sees_progress_of_papers_done_of_total():
    err = Terminal()
    with Console(out=Terminal(), err=err).progress() as advance:
        advance("content/a.yaml", 0, 2)
        advance("content/b.yaml", 1, 2)
    assert advance is not None


def test_quiet_prints_only_problems():
    out, err = Terminal(), Terminal()
    with Console(quiet=True, out=out, err=err).progress() as advance:
        assert advance is None
    Console(quiet=True, out=out, err=err).report(Report(built=["a.yaml"]), "built")
    assert out.getvalue() == err.getvalue() == ""


def test_a_saved_theme_rebuilds_every_paper_and_a_saved_paper_only_itself(project):
    root = project({PAPER: MINI_REPORT, "content/cabinet/other.yaml": MINI_REPORT})
    config = Config(root)
    assert affected(config, [root / "templates/leicester-city/theme.yaml"]) == sorted((root / "content/cabinet").glob("*.yaml"))
    assert affected(config, [root / PAPER]) == [root / PAPER]
    assert affected(Config(root, papers=[root / PAPER]), [root / "content/cabinet/other.yaml"]) == []


def test_watch_shows_the_error_keeps_the_last_output_and_rebuilds_once_fixed(project):
    root = project({PAPER: MINI_REPORT})
    config = Config(root, papers=[root / PAPER])
    assert rebuild(config) == "1 paper built\n"
    before = (root / PDF).read_bytes()
    (root / PAPER).write_text(MINI_REPORT.replace("date: 2007-11-12\nwards", "date: soon\nwards"))
    screen = rebuild(config, [root / PAPER])
    assert screen == f"{PAPER}:5:9: meeting.date: expected an ISO date such as 2007-11-10, got 'soon'\n0 papers built, 1 failed: {PAPER}\n"
    assert (root / PDF).read_bytes() == before
    (root / PAPER).write_text(MINI_REPORT.replace("A small report", "A fixed report"))
    assert rebuild(config, [root / PAPER]) == "1 paper built\n"
    assert (root / PDF).read_bytes() != before


def test_watch_survives_a_bug(project, monkeypatch):
    root = project({PAPER: MINI_REPORT})

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("committee_papers.commands.watch.build", broken)
    screen = rebuild(Config(root), [root / PAPER])
    assert "ZeroDivisionError: a bug" in screen and "This is a bug in committee-papers" in screen
