"""Hostile or wrong kind files: each is a message at its file, line and column, exit status 1, no traceback.

A kind file is data a council writes, like its papers. Each case puts one
kind file in the Halton council's folder and builds: the Halton paper fails
with the kind file's own lines, keeps its last good outputs, and the other
council's paper is still built.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from committee_papers.commands.cli import main
from committee_papers.models.kinds import MAX_PARTS

from ..conftest import MINI_REPORT, ROOT, make_project
from .built import place, replaced

PAPER = "content/examples/halton.yaml"
OTHER = "content/cabinet/mini.yaml"
KIND = "templates/halton/kinds/covering-report.yaml"
OUTPUTS = [f"output/halton/examples/halton.{ext}" for ext in ("pdf", "docx", "html")]
PAPER_LINE = f"{PAPER}:2:7: kind: the kind file of this kind has problems (above)\n"
CHECKED = f"1 paper checked, 1 failed: {PAPER}\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """Return a project of a Halton paper and another council's, built once, and the Halton paper's outputs."""
    halton = (ROOT / "content/examples/halton-business-planning-2013-16.yaml").read_text(encoding="utf-8")
    root = make_project(tmp_path_factory.mktemp("kinds"), {PAPER: halton, OTHER: MINI_REPORT})
    assert main(["--root", str(root), "--jobs", "1", "--quiet", "build"]) == 0
    return root, outputs(root)


def outputs(root: Path) -> dict[str, bytes]:
    return {name: (root / name).read_bytes() for name in OUTPUTS}


def kind_with(old: str, new: str) -> str:
    """Return Halton's kind file with one piece of it replaced."""
    text = (ROOT / KIND).read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


def run(built: tuple[Path, dict[str, bytes]], capsys: pytest.CaptureFixture[str], *command: str) -> tuple[str, str]:
    """Run a command on every paper; check the Halton paper failed with no traceback and kept its outputs; return stdout and stderr."""
    root, before = built
    capsys.readouterr()
    status = main(["--root", str(root), "--jobs", "1", *command])
    out, err = capsys.readouterr()
    assert status == 1
    assert "Traceback" not in err
    assert outputs(root) == before
    return out, err


def refused(built: tuple[Path, dict[str, bytes]], text: str, capsys: pytest.CaptureFixture[str]) -> str:
    """Check every paper with Halton's kind file replaced by text; return what was printed on stderr."""
    with replaced(built[0] / KIND, text):
        out, err = run(built, capsys, "check")
    assert out.endswith(CHECKED)
    return err


@pytest.mark.parametrize(
    ("old", "new", "at", "message"),
    [
        ("name: Covering report", "name: [Covering report", ": A report to", "YAML syntax: while parsing a flow sequence, expected ',' or ']', but got ':'"),
        ("name: Covering report", "nmae: Covering report\nname: x", "nmae",
         "nmae: unknown key (did you mean 'name'?); expected one of: name, description, title, subtitle, front_sheet, parts, "
         "order, numbering, tables, running_header, running_footer, cover_page, contents, landscape"),
        ("running_footer:", "cover_page: maybe\nrunning_footer:", "maybe", "cover_page: expected Yes or No, got 'maybe'"),
        ("style: decimal, format", "style: octal, format", "octal",
         "numbering.paragraphs.style: expected one of 'decimal', 'decimal-zero', 'headings', 'running', 'restart' or 'none', got 'octal'"),
        ("key: purpose", "key: council", "council", "parts[0].key: 'council' is a field of every paper: choose another key"),
        ("key: purpose", "key: model_config", "model_config", "parts[0].key: 'model_config' is a name the engine uses for itself: choose another key"),
        ("key: purpose", "key: sections", "sections\n    type: sections",
         "parts[2].key: expected each key once in a kind, got 'sections' again"),
        ("name: Covering report", 'name: Covering report\ntitle: "{title} for {committee}"', '"{title} for',
         "title: expected {title}, {agenda_item} or a front-sheet field's key in braces, got {committee}"),
        ("name: Covering report", 'name: Covering report\ntitle: "{title.__class__}"', '"{title.',
         "title: expected {title}, {agenda_item} or a front-sheet field's key in braces, got {title.__class__}"),
        ("name: Covering report", 'name: Covering report\ntitle: "{title:>999999999}"', '"{title:',
         "title: expected {title}, {agenda_item} or a front-sheet field's key in braces, got {title:>999999999}"),
        ("type: paragraphs\n    required: true\n  - key: recommended", "type: block\n    block: chart\n    required: true\n  - key: recommended", "chart",
         None),
        ("type: text, required: true}", "type: choice, required: true}", "{key: report_to", "front_sheet.fields[0].options: expected the values a choice may take, got none"),
        ("{field: report_to}", "{field: no_such_field}", "no_such_field", "running_header.items[1].field: expected a front-sheet field's key, got 'no_such_field'"),
    ],
    ids=["yaml", "unknown-key", "wrong-type", "numbering-style", "paper-field", "engine-name", "twice", "title-field",
         "title-attribute", "title-padding", "no-such-block", "choice-without-options", "running-field"],
)
def test_a_wrong_kind_file_is_a_message_at_its_line(built, old, new, at, message, capsys):
    text = kind_with(old, new)
    err = refused(built, text, capsys)
    if message is None:  # a block name: the message lists every block there is
        assert err.startswith(PAPER_LINE + f"{KIND}:{place(text, at)}: parts[0].block: expected one of: ")
        assert "table, " in err
        assert err.endswith(", got 'chart'\n")
        return
    assert err == PAPER_LINE + f"{KIND}:{place(text, at)}: {message}\n"


def test_thousands_of_parts_are_refused_at_the_list(built, capsys):
    parts = "".join(f"  - {{key: part_{i}, heading: Part {i}}}\n" for i in range(5000))
    text = kind_with("parts:\n", "parts:\n" + parts)
    err = refused(built, text, capsys)
    assert err == PAPER_LINE + f"{KIND}:{place(text, '- {key: part_0')}: parts: expected at most {MAX_PARTS} item(s), got 5003\n"


@contextmanager
def in_place_of_kind(root: Path, make) -> Iterator[None]:
    """Put something that is not a kind file (a folder, a pipe, a link) where the kind file is, then put it back."""
    path = root / KIND
    before = path.read_bytes()
    path.unlink()
    make(path)
    try:
        yield
    finally:
        if path.is_dir() and not path.is_symlink():
            path.rmdir()
        else:
            path.unlink()
        path.write_bytes(before)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda path: path.mkdir(), "expected a kind file of YAML text, got a folder"),
        (os.mkfifo, "expected a kind file of YAML text, got no ordinary file (a pipe or a device)"),
        (lambda path: path.symlink_to(path.name), "a link that leads to no file; point it at a kind file, or delete it"),
        (lambda path: path.symlink_to("nowhere.yaml"), "a link that leads to no file; point it at a kind file, or delete it"),
    ],
    ids=["folder", "pipe", "link-loop", "broken-link"],
)
def test_something_that_is_no_kind_file_is_a_message(built, make, message, capsys):
    with in_place_of_kind(built[0], make):
        _, err = run(built, capsys, "build")  # the build reads every template's bytes for its cache key too
    assert err == PAPER_LINE + f"{KIND}:1:1: {message}\n"


def test_a_wrong_kind_file_fails_its_papers_and_the_other_councils_paper_is_built(built, capsys):
    text = kind_with("style: decimal, format", "style: octal, format")
    with replaced(built[0] / KIND, text):
        out, err = run(built, capsys, "build", "--force")
    assert err.startswith(PAPER_LINE + f"{KIND}:{place(text, 'octal')}: numbering.paragraphs.style: ")
    assert out.endswith(f"1 paper built, 1 failed: {PAPER}\n")
    assert (built[0] / "output/leicester-city/cabinet/mini.pdf").is_file()
