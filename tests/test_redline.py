"""Drafts stamped with their revision, and what changed since a revision as tracked changes."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest

from committee_papers.commands.cli import main
from committee_papers.pipeline.build import Config, build

from .conftest import MINI_REPORT
from .test_review import needs_soffice, soffice

PAPER = "content/cabinet/mini.yaml"
DOCX = "output/leicester-city/cabinet/mini.docx"
DRAFT = MINI_REPORT.replace("council: leicester-city\n", "council: leicester-city\nstatus: draft\n")

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(root: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "Officer", "GIT_AUTHOR_EMAIL": "o@example.gov.uk", "GIT_COMMITTER_NAME": "Officer",
           "GIT_COMMITTER_EMAIL": "o@example.gov.uk", "GIT_AUTHOR_DATE": "2007-11-01T12:00:00Z",
           "GIT_COMMITTER_DATE": "2007-11-01T12:00:00Z", "PATH": "/usr/bin:/bin"}
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def repo(project) -> Path:
    root = project({PAPER: DRAFT})
    git(root, "init", "-q")
    git(root, "add", "content")
    git(root, "commit", "-qm", "First draft")
    return root


def footers(root: Path) -> set[str]:
    return {s.footer.paragraphs[0].text for s in docx.Document(root / DOCX).sections}


@needs_git
def test_a_draft_carries_its_revision_and_date_on_every_page(repo):
    head = git(repo, "rev-parse", "--short", "HEAD")
    assert build(Config(repo, jobs=1)).ok
    assert footers(repo) == {f"DRAFT revision {head}, 12th November 2007 · Page 1 of 1"}
    from pypdf import PdfReader

    pages = PdfReader(repo / DOCX.replace(".docx", ".pdf")).pages
    assert all(f"DRAFT revision {head}, 12th November 2007" in page.extract_text() for page in pages)


@needs_git
def test_uncommitted_changes_are_marked_and_builds_stay_byte_identical(repo):
    build(Config(repo, jobs=1))
    first = (repo / DOCX).read_bytes()
    assert build(Config(repo, jobs=1)).rendered == []
    (repo / PAPER).write_text(DRAFT.replace("presents the thing", "presents the things"))
    assert build(Config(repo, jobs=1)).rendered == [PAPER]
    head = git(repo, "rev-parse", "--short", "HEAD")
    assert footers(repo) == {f"DRAFT revision {head} + changes, 12th November 2007 · Page 1 of 1"}
    changed = (repo / DOCX).read_bytes()
    assert build(Config(repo, force=True, jobs=1)).ok and (repo / DOCX).read_bytes() == changed != first
    git(repo, "commit", "-qam", "Second draft")
    assert build(Config(repo, jobs=1)).rendered == [PAPER]  # the stamp is in the fingerprint
    assert footers(repo) == {f"DRAFT revision {git(repo, 'rev-parse', '--short', 'HEAD')}, 12th November 2007 · Page 1 of 1"}


def test_outside_version_control_the_stamp_says_so(project):
    root = project({PAPER: DRAFT})
    (root / ".git").write_text("gitdir: /nonexistent\n")  # not a repository, whatever encloses the temporary folder
    assert build(Config(root, jobs=1)).ok
    assert footers(root) == {"DRAFT not under version control, 12th November 2007 · Page 1 of 1"}


def changes(path: Path) -> tuple[list[str], list[str], set[tuple[str, str]]]:
    """Return the inserted and deleted text of a DOCX, and the (author, date) pairs of its changes."""
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    inserted = ["".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", m)) for m in re.findall(r"<w:ins [^>]*>(.*?)</w:ins>", xml, re.S)]
    deleted = ["".join(re.findall(r"<w:delText(?: [^>]*)?>([^<]*)</w:delText>", m)) for m in re.findall(r"<w:del [^>]*>(.*?)</w:del>", xml, re.S)]
    who = set(re.findall(r'<w:(?:ins|del) [^>]*w:author="([^"]*)" w:date="([^"]*)"', xml))
    return [t for t in inserted if t], [t for t in deleted if t], who


@needs_git
def test_redline_shows_word_changes_as_tracked_changes(repo, capsys, tmp_path):
    edited = DRAFT.replace("This report presents the thing.", "This report presents the revised thing.")
    edited = edited.replace("recommended to approve", "recommended to note")
    (repo / PAPER).write_text(edited)
    assert main(["--root", str(repo), "redline", "--since", "HEAD", str(repo / PAPER)]) == 0
    written = capsys.readouterr().out.split()
    redline = repo / "output/leicester-city/cabinet/mini.redline.docx"
    assert [Path(p) for p in written] == [redline, redline.with_suffix(".html")]
    inserted, deleted, who = changes(redline)
    assert "revised " in inserted and "note" in inserted and "approve" in deleted
    assert who == {("Changes since HEAD", "2007-11-12T00:00:00Z")}
    page = redline.with_suffix(".html").read_text()
    assert "<ins>note</ins>" in page and "<del>approve</del>" in page
    first = redline.read_bytes()
    assert main(["--root", str(repo), "redline", "--since", "HEAD", str(repo / PAPER)]) == 0 and redline.read_bytes() == first


@needs_git
@needs_soffice
def test_libreoffice_keeps_the_tracked_changes(repo, tmp_path, capsys):
    (repo / PAPER).write_text(DRAFT.replace("Austin Roberts", "Ann Roberts").replace("wards_affected: All Wards\n", "wards_affected: All Wards\nconsultations: [Heads of Service]\n"))
    assert main(["--root", str(repo), "redline", "--since", "HEAD", str(repo / PAPER)]) == 0
    saved = soffice(repo / "output/leicester-city/cabinet/mini.redline.docx", tmp_path)
    inserted, deleted, who = changes(saved)
    assert "Ann" in inserted and "Austin" in deleted and "Heads of Service" in inserted
    assert {author for author, _ in who} == {"Changes since HEAD"}


@needs_git
def test_redline_of_an_unknown_revision_says_why(repo, capsys):
    assert main(["--root", str(repo), "redline", "--since", "no-such-tag", str(repo / PAPER)]) == 1
    assert "--since: 'no-such-tag' is not a revision of this project's git history" in capsys.readouterr().err


@needs_git
def test_a_redline_of_a_paper_without_a_date_is_dated_by_its_commit(project, monkeypatch):
    """Neither the paper nor SOURCE_DATE_EPOCH gives a date: the last commit's, never 1st January 1980."""
    undated = DRAFT
    root = project({PAPER: undated})
    git(root, "init", "-q")
    git(root, "add", "content")
    git(root, "commit", "-qm", "First draft")
    (root / PAPER).write_text(undated.replace("approve", "note"))
    from committee_papers.pipeline.checking import check
    from committee_papers.reviewing.redline import _change_date

    (job,) = check(Config(root, papers=[root / PAPER])).jobs
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setattr(type(job.paper), "document_date", lambda self: None)  # a kind of paper that carries no date
    assert _change_date(job) == "2007-11-01T00:00:00Z"
