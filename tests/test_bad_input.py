"""The bad-input corpus: every bad source gives its exact message, exit status 1, no traceback, and loses no output (but a public one of a paper that now says it is exempt).

Each tests/bad_input/<case>.yaml is put in place of a paper that was built
once; <case>.expected holds exactly what the build prints on stderr.
Regenerate the expected messages (then read every one) with
REGENERATE_BAD_INPUT=1 python -m pytest tests/test_bad_input.py. `{themes}` in
an expected message stands for the councils that have a theme, so adding a
council changes no expected file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from committee_papers.commands.cli import main
from committee_papers.pipeline.build import Config, build
from committee_papers.sources.errors import ContentError
from committee_papers.sources.loader import loads

from .conftest import MINI_REPORT, ROOT, make_project, theme_names

CORPUS = Path(__file__).parent / "bad_input"
CASES = sorted(p.stem for p in CORPUS.glob("*.yaml"))
PAPER = "content/cabinet/mini.yaml"
OUTPUTS = [f"output/leicester-city/cabinet/mini.{ext}" for ext in ("pdf", "docx", "html")]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """Return a project whose paper was built once, and its outputs."""
    root = make_project(tmp_path_factory.mktemp("bad-input"), {PAPER: MINI_REPORT})
    assert build(Config(root)).ok
    return root, {name: (root / name).read_bytes() for name in OUTPUTS}


def run_bad(root: Path, source: bytes, capsys) -> tuple[int, str]:
    (root / PAPER).write_bytes(source)
    status = main(["--root", str(root), "build", str(root / PAPER)])
    return status, capsys.readouterr().err


def test_the_corpus_covers_every_class_of_bad_input():
    assert len(CASES) >= 40
    assert all((CORPUS / f"{case}.expected").is_file() for case in CASES), "REGENERATE_BAD_INPUT=1 to write the missing ones"


@pytest.mark.parametrize("case", CASES)
def test_bad_input_gives_its_message_and_keeps_the_outputs(built, case, capsys):
    root, before = built
    status, err = run_bad(root, (CORPUS / f"{case}.yaml").read_bytes(), capsys)
    expected = CORPUS / f"{case}.expected"
    if os.environ.get("REGENERATE_BAD_INPUT"):
        expected.write_text(err.replace(f"(themes: {theme_names()})", "(themes: {themes})"), encoding="utf-8")
    assert status == 1
    assert "Traceback" not in err
    assert err == expected.read_text(encoding="utf-8").replace("{themes}", theme_names())
    if b"\nexempt:" not in (CORPUS / f"{case}.yaml").read_bytes():
        assert {name: (root / name).read_bytes() for name in OUTPUTS} == before
        return
    # A bad paper that says it is exempt keeps no public output: what was published before is withdrawn.
    assert [name for name in OUTPUTS if (root / name).exists()] == []
    (root / PAPER).write_text(MINI_REPORT)
    assert build(Config(root, papers=[root / PAPER])).ok  # the public paper again, for the next case
    assert {name: (root / name).read_bytes() for name in OUTPUTS} == before


def test_a_file_of_several_megabytes_is_refused_unread(built, capsys):
    root, before = built
    status, err = run_bad(root, (MINI_REPORT + "subtitle: " + "lorem ipsum " * 500_000 + "\n").encode(), capsys)
    assert status == 1
    assert err == f"{PAPER}:1:1: the file is 5.7 MB; a paper may be at most 2 MB (is it the right file?)\n"
    assert {name: (root / name).read_bytes() for name in OUTPUTS} == before


def test_a_billion_laughs_is_refused_at_once_in_bounded_memory():
    laughs = (CORPUS / "billion-laughs.yaml").read_text()
    tracemalloc.start()
    with pytest.raises(ContentError, match="anchors and aliases"):
        loads(laughs, "laughs.yaml")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 1_000_000  # refused before any alias is expanded


def test_the_command_line_prints_the_message_and_no_traceback(built):
    root, _ = built
    for case in ("billion-laughs", "unpaired-surrogate", "non-utf8", "deep-nesting"):
        (root / PAPER).write_bytes((CORPUS / f"{case}.yaml").read_bytes())
        result = subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(root), "check"], capture_output=True, text=True)
        assert result.returncode == 1
        assert result.stderr == (CORPUS / f"{case}.expected").read_text(encoding="utf-8")
