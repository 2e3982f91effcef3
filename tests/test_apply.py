"""apply: a reviewer's tracked changes written back into the YAML, only the bytes of the values they change."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.text.paragraph import Paragraph

from committee_papers.commands.cli import main
from committee_papers.pipeline.build import Config, build

from .conftest import MINI_REPORT, make_project

PAPER = "content/cabinet/mini.yaml"
DOCX = "output/leicester-city/cabinet/mini.docx"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(root: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "O", "GIT_AUTHOR_EMAIL": "o@example.gov.uk", "GIT_COMMITTER_NAME": "O",
           "GIT_COMMITTER_EMAIL": "o@example.gov.uk", "PATH": "/usr/bin:/bin"}
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout


def paragraph(document: docx.document.Document, words: str) -> Paragraph:
    """Return the first body or cell paragraph whose text holds the words."""
    return next(p for p in (Paragraph(e, document.part) for e in document.element.body.iter(f"{{{W}}}p")) if words in p.text)


def track(para: Paragraph, old: str, new: str) -> None:
    """Replace words of a paragraph as Word records it with Track Changes on: the old deleted, the new inserted."""
    run = next(r for r in para.runs if old in r.text)
    before, after = run.text.split(old, 1)
    run.text = before
    pieces = []
    if old:
        pieces.append(f'<w:del xmlns:w="{W}" w:id="9101" w:author="Legal" w:date="2007-11-01T00:00:00Z"><w:r><w:delText xml:space="preserve">{old}</w:delText></w:r></w:del>')
    if new:
        pieces.append(f'<w:ins xmlns:w="{W}" w:id="9102" w:author="Legal" w:date="2007-11-01T00:00:00Z"><w:r><w:t xml:space="preserve">{new}</w:t></w:r></w:ins>')
    if after:
        pieces.append(f'<w:r xmlns:w="{W}"><w:t xml:space="preserve">{after}</w:t></w:r>')
    at = run._r
    for xml in pieces:
        element = parse_xml(xml)
        at.addnext(element)
        at = element


@pytest.fixture
def repo(tmp_path) -> Path:
    root = make_project(tmp_path, {PAPER: MINI_REPORT})
    git(root, "init", "-q")
    git(root, "add", "content")
    git(root, "commit", "-qm", "Paper")
    assert build(Config(root, jobs=1)).ok
    return root


def reviewed(root: Path, edits: list[tuple[str, str, str]]) -> Path:
    document = docx.Document(root / DOCX)
    for starts, old, new in edits:
        track(paragraph(document, starts), old, new)
    document.save(root / "reviewed.docx")
    return root / "reviewed.docx"


@needs_git
def test_three_prose_changes_land_in_the_yaml_and_nothing_else_moves(repo, capsys):
    path = reviewed(repo, [
        ("presents the thing", "presents the thing", "presents the whole thing"),
        ("rules are below", "are below", "are set out below"),
        ("There are no direct", "no direct financial", "no financial"),
    ])
    assert main(["--root", str(repo), "apply", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.count("applied: ") == 3 and "not applied" not in out
    diff = git(repo, "diff", "-U0", "--", PAPER)
    removed = [line[1:] for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    lines = MINI_REPORT.splitlines()
    expected = [next(line for line in lines if "presents the thing" in line), next(line for line in lines if "are below" in line),
                next(line for line in lines if "no direct financial" in line)]
    assert removed == expected
    assert added == [expected[0].replace("the thing", "the whole thing"), expected[1].replace("are below", "are set out below"),
                     expected[2].replace("no direct financial", "no financial")]
    assert build(Config(repo, jobs=1)).ok
    page = (repo / DOCX).with_suffix(".html").read_text(encoding="utf-8")
    assert "presents the whole thing" in page and "are set out below" in page and "There are no financial implications" in page


@needs_git
def test_what_cannot_be_applied_is_listed_and_nothing_half_applied(repo, capsys):
    document = docx.Document(repo / DOCX)
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Theme" and len(t.columns) == 4)
    track(table.rows[-1].cells[-1].paragraphs[0], "4", "3")  # the overall score: worked out by the rules
    track(paragraph(document, "presents the thing"), "presents the thing.", "presents the thing now.")
    heading = next(p for p in document.paragraphs if p.text.endswith("Recommendations"))
    track(heading, "Recommendations", "Recommendation")  # the template's heading
    document.save(repo / "reviewed.docx")
    before = (repo / PAPER).read_bytes()
    assert main(["--root", str(repo), "apply", str(repo / "reviewed.docx")]) == 0
    out = capsys.readouterr().out
    refused = [line for line in out.splitlines() if line.startswith("not applied")]
    assert len(refused) == 2 and any("Recommendations” → “3 Recommendation”: text the template writes" in line for line in refused)
    # the overall score the paper states is a value, but one the rules must give: the paper would fail, so it stays
    assert any("score_table.overall: “4” → “3”: the paper would no longer be valid" in line and "the rules 'cpa' give 4" in line for line in refused)
    assert len([line for line in out.splitlines() if line.startswith("applied: ")]) == 1  # the prose change alone
    assert (repo / PAPER).read_text() == MINI_REPORT.replace("presents the thing.", "presents the thing now.")
    assert (repo / PAPER).read_bytes() != before


@needs_git
def test_a_file_with_uncommitted_changes_is_left_alone_unless_forced(repo, capsys):
    path = reviewed(repo, [("presents the thing", "presents the thing", "presents the whole thing")])
    (repo / PAPER).write_text(MINI_REPORT.replace("Austin Roberts", "Ann Roberts"))
    changed = (repo / PAPER).read_bytes()
    assert main(["--root", str(repo), "apply", str(path)]) == 1
    assert "has uncommitted changes: commit them first (or use --force)" in capsys.readouterr().out
    assert (repo / PAPER).read_bytes() == changed
    assert main(["--root", str(repo), "apply", "--force", str(path)]) == 0
    assert "presents the whole thing" in (repo / PAPER).read_text() and "Ann Roberts" in (repo / PAPER).read_text()
