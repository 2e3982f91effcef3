"""Hostile and damaged inputs to the review tools: a message, exit status 1 and no traceback, every time."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from committee_papers.commands.cli import main
from committee_papers.models.theme import load_theme
from committee_papers.outputs.reference_docx import for_theme
from committee_papers.pipeline.build import Config, build

from ..conftest import MINI_REPORT, make_project

PAPER = "content/cabinet/mini.yaml"
DOCX = "output/leicester-city/cabinet/mini.docx"
DRAFT = MINI_REPORT.replace("council: leicester-city\n", "council: leicester-city\nstatus: draft\n")
BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lollollollollollollollollollol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol4;</w:t></w:r></w:p></w:body></w:document>"""

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("hostile-review"), {PAPER: MINI_REPORT})
    assert build(Config(root, jobs=1)).ok
    return root


def replaced(docx: Path, target: Path, parts: dict[str, bytes]) -> Path:
    """Write a copy of a DOCX with some parts replaced (or added)."""
    with zipfile.ZipFile(docx) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name in source.namelist():
            out.writestr(name, parts.get(name, source.read(name)))
        for name in parts.keys() - set(source.namelist()):
            out.writestr(name, parts[name])
    return target


def refused(capsys, argv: list[str], *words: str) -> str:
    """Run the command line; assert exit status 1, no traceback and a message holding the words."""
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.startswith("error: ")
    for word in words:
        assert word in err, err
    return err


def test_a_corrupt_docx_is_a_message(tmp_path, capsys):
    (tmp_path / "corrupt.docx").write_bytes(b"PK\x03\x04 this is not a zip at all")
    refused(capsys, ["comments", str(tmp_path / "corrupt.docx")], "corrupt.docx: not a Word document")


def test_a_truncated_docx_is_a_message(built, tmp_path, capsys):
    data = (built / DOCX).read_bytes()
    (tmp_path / "cut.docx").write_bytes(data[: len(data) * 2 // 3])
    refused(capsys, ["comments", str(tmp_path / "cut.docx")], "cut.docx:")


def test_a_truncated_part_is_a_message(built, tmp_path, capsys):
    """The directory is intact but a part's compressed bytes are cut short: found as it is inflated."""
    with zipfile.ZipFile(built / DOCX) as source:
        info = source.getinfo("word/document.xml")
    data = bytearray((built / DOCX).read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 10 : start + info.compress_size] = b"\0" * (info.compress_size - 10)
    (tmp_path / "damaged.docx").write_bytes(bytes(data))
    refused(capsys, ["comments", str(tmp_path / "damaged.docx")], "damaged.docx: word/document.xml", "damaged")


def test_a_damaged_map_is_a_message(built, tmp_path, capsys):
    with zipfile.ZipFile(built / DOCX) as package:
        item = next(n for n in package.namelist() if n.startswith("customXml/item") and b"provenance" in package.read(n))
        xml = package.read(item)
    broken = xml.replace(b'line="', b'line="x', 1)
    refused(capsys, ["comments", str(replaced(built / DOCX, tmp_path / "map.docx", {item: broken}))], "the map back to the sources is damaged")
    cut = xml[: len(xml) // 2]
    refused(capsys, ["comments", str(replaced(built / DOCX, tmp_path / "cutmap.docx", {item: cut}))], "is not well-formed XML")


def test_an_entity_bomb_is_refused_without_expanding(built, tmp_path, capsys):
    bomb = replaced(built / DOCX, tmp_path / "bomb.docx", {"word/document.xml": BOMB})
    refused(capsys, ["comments", str(bomb)], "word/document.xml declares a DTD", "refused")


def test_an_external_entity_is_never_fetched(built, tmp_path, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    xml = f"""<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM "{secret.as_uri()}">]>
<w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:comment w:id="0" w:author="A"><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:comment></w:comments>""".encode()
    hostile = replaced(built / DOCX, tmp_path / "xxe.docx", {"word/comments.xml": xml})
    err = refused(capsys, ["comments", str(hostile)], "word/comments.xml declares a DTD")
    assert "TOP-SECRET-MARKER" not in err


def test_a_zip_bomb_is_refused_before_it_inflates(built, tmp_path, capsys):
    """A part that inflates a thousandfold: stopped once it passes the ratio, long before its full size."""
    bomb = replaced(built / DOCX, tmp_path / "zipbomb.docx", {"word/document.xml": b"<a>" + b" " * (50 * 2**20) + b"</a>"})
    assert bomb.stat().st_size < 2**20
    refused(capsys, ["comments", str(bomb)], "zipbomb.docx: word/document.xml inflates more than")


def test_a_package_of_too_many_parts_is_refused(tmp_path, capsys):
    with zipfile.ZipFile(tmp_path / "many.docx", "w") as package:
        for n in range(2_001):
            package.writestr(f"part{n}.xml", b"<a/>")
    refused(capsys, ["comments", str(tmp_path / "many.docx")], "holds 2001 parts")


def test_a_hostile_reference_docx_fails_the_paper_with_a_message(tmp_path):
    root = make_project(tmp_path, {PAPER: MINI_REPORT})
    reference = root / "templates/leicester-city/reference.docx"
    derived = tmp_path / "derived.docx"
    derived.write_bytes(for_theme(load_theme(root / "templates", "leicester-city", root)))
    replaced(derived, reference, {"word/styles.xml": BOMB})
    report = build(Config(root, jobs=1))
    assert not report.ok
    (message,) = report.failed[PAPER] if PAPER in report.failed else next(iter(report.failed.values()))
    assert "templates/leicester-city/reference.docx: word/styles.xml declares a DTD" in message
    assert not (root / DOCX).exists()


@pytest.fixture
def repo(tmp_path) -> Path:
    root = make_project(tmp_path, {PAPER: DRAFT})
    env = {"GIT_AUTHOR_NAME": "O", "GIT_AUTHOR_EMAIL": "o@example.gov.uk", "GIT_COMMITTER_NAME": "O",
           "GIT_COMMITTER_EMAIL": "o@example.gov.uk", "PATH": "/usr/bin:/bin"}
    for args in (["init", "-q"], ["add", "content"], ["commit", "-qm", "First"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)
    return root


def commit(root: Path, message: str) -> None:
    env = {"GIT_AUTHOR_NAME": "O", "GIT_AUTHOR_EMAIL": "o@example.gov.uk", "GIT_COMMITTER_NAME": "O",
           "GIT_COMMITTER_EMAIL": "o@example.gov.uk", "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", "commit", "-qam", message], cwd=root, env=env, check=True, capture_output=True)


@needs_git
def test_a_revision_that_is_an_option_is_never_passed_to_git_as_one(repo, tmp_path, capsys):
    target = tmp_path / "written-by-git"
    refused(capsys, ["--root", str(repo), "redline", f"--since=--output={target}", str(repo / PAPER)], "is not a revision")
    assert not target.exists()


@needs_git
def test_an_empty_since_is_refused(repo, capsys):
    refused(capsys, ["--root", str(repo), "redline", "--since=", str(repo / PAPER)], "--since: expected a git revision")
    refused(capsys, ["--root", str(repo), "redline", "--since", "  ", str(repo / PAPER)], "--since: expected a git revision")


@needs_git
def test_an_old_revision_not_in_utf8_is_a_message_at_its_line(repo, capsys):
    (repo / PAPER).write_bytes(DRAFT.replace("A small report", "A small r\xe9port").encode("latin-1"))
    commit(repo, "Saved in the wrong encoding")
    (repo / PAPER).write_text(DRAFT)
    line = next(n for n, text in enumerate(DRAFT.splitlines(), 1) if "A small report" in text)
    refused(capsys, ["--root", str(repo), "redline", "--since", "HEAD", str(repo / PAPER)], f"{PAPER}@HEAD:{line}:", "expected UTF-8")


@needs_git
def test_an_old_revision_over_the_size_limit_is_refused(repo, capsys):
    (repo / PAPER).write_text(DRAFT + "#" * (3 * 2**20) + "\n")
    commit(repo, "Huge")
    (repo / PAPER).write_text(DRAFT)
    refused(capsys, ["--root", str(repo), "redline", "--since", "HEAD", str(repo / PAPER)], f"{PAPER}@HEAD:1:1:", "at most 2 MB")


@needs_git
def test_a_redline_of_a_meeting_names_its_papers(repo, capsys):
    meeting = repo / "content/meetings/cabinet.yaml"
    meeting.parent.mkdir(parents=True)
    meeting.write_text("kind: meeting\n")
    err = refused(capsys, ["--root", str(repo), "redline", "--since", "HEAD", str(meeting)], "content/meetings/cabinet.yaml: a meeting file")
    assert "run redline on each paper" in err
    assert not list((repo / "output").rglob("*.redline.*")) if (repo / "output").exists() else True


def test_apply_on_a_corrupt_docx_is_a_message(tmp_path, capsys):
    (tmp_path / "corrupt.docx").write_bytes(b"not a zip")
    refused(capsys, ["--root", str(tmp_path), "apply", str(tmp_path / "corrupt.docx")], "corrupt.docx: not a Word document")


def test_apply_never_writes_outside_content_whatever_the_map_says(built, tmp_path, capsys):
    """A map edited to point a value at a file outside the project: the change is listed as not applied, nothing written."""
    import docx as python_docx
    from docx.oxml import parse_xml

    with zipfile.ZipFile(built / DOCX) as package:
        item = next(n for n in package.namelist() if n.startswith("customXml/item") and b"provenance" in package.read(n))
        xml = package.read(item).replace(b'file="content/cabinet/mini.yaml"', b'file="../outside.yaml"')
    hostile = replaced(built / DOCX, tmp_path / "map.docx", {item: xml})
    document = python_docx.Document(hostile)
    para = next(p for p in document.paragraphs if "presents the thing" in p.text)
    run = next(r for r in para.runs if "presents" in r.text)
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    run._r.addnext(parse_xml(f'<w:ins xmlns:w="{w}" w:id="1" w:author="X"><w:r><w:t xml:space="preserve"> really</w:t></w:r></w:ins>'))
    document.save(hostile)
    outside = built.parent / "outside.yaml"
    outside.write_text("title: untouched\n")
    assert main(["--root", str(built), "apply", "--force", str(hostile)]) == 1
    out = capsys.readouterr().out
    assert "not applied: ../outside.yaml" in out and "not a paper's value" in out
    assert outside.read_text() == "title: untouched\n"
