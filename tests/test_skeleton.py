"""`new`: a paper with every field, explained, that passes check once its blanks are filled."""

from __future__ import annotations

import re

import pytest

from committee_papers.cli import main
from committee_papers.errors import ContentError
from committee_papers.loader import loads
from committee_papers.kinds import declared_kinds
from committee_papers.validate import validate

from .conftest import ROOT

PAPER = "content/cabinet/new.yaml"
DATA_FILES = {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in (ROOT / "content/data").rglob("*.yaml")}
KIND_FILES = sorted((p.parent.parent.name, p.stem) for p in (ROOT / "templates").glob("*/kinds/*.yaml"))
"""Every kind a council or the defaults declare, as (council folder, kind)."""
_BLANK = re.compile(r"^(?P<head>\s*(?:- )?(?:\w+:)?)\s*# .*?e\.g\. (?P<example>.*)$")
_COMMENTED = re.compile(r"^(\s*)# (?=(?:- )?\w+:|-  #)")


def fill(text: str) -> str:
    """Put each blank's example in the blank, as an officer would put the real value."""
    lines = text.splitlines()
    return "\n".join(line if line.lstrip().startswith("#") else _BLANK.sub(r"\g<head> \g<example>", line) for line in lines) + "\n"


def uncomment(text: str) -> str:
    """Uncomment every optional part, as an officer would with Ctrl+/."""
    return "\n".join(_COMMENTED.sub(r"\1", line) for line in text.splitlines()) + "\n"


def new(project, kind: str, council: str = "default") -> tuple[object, str]:
    root = project(DATA_FILES)  # what a data file's example names is there, as in the officer's project
    chosen = [] if council == "default" else ["--council", council]
    assert main(["--root", str(root), "new", kind, *chosen, str(root / PAPER)]) == 0
    return root, (root / PAPER).read_text(encoding="utf-8")


def kinds_of(council: str) -> dict[str, object]:
    return declared_kinds(ROOT / "templates", None if council == "default" else council, ROOT)


@pytest.mark.parametrize(("council", "kind"), KIND_FILES)
def test_a_new_paper_lists_its_blanks_and_passes_check_once_they_are_filled(project, council, kind, capsys):
    root, text = new(project, kind, council)
    schema = f"{kind}.schema.json" if council == "default" else f"{council}/{kind}.schema.json"
    assert text.startswith(f"# yaml-language-server: $schema=../../schemas/{schema}\n")
    with pytest.raises(ContentError) as caught:
        validate(loads(text, PAPER), kinds_of(council))
    blanks = [i for i, line in enumerate(text.splitlines(), 1) if _BLANK.match(line) and not line.lstrip().startswith("#")]
    assert {p.line for p in caught.value.problems} <= set(blanks)
    (root / PAPER).write_text(fill(text), encoding="utf-8")
    assert main(["--root", str(root), "check", str(root / PAPER)]) == 0, capsys.readouterr().err


@pytest.mark.parametrize(("council", "kind"), KIND_FILES)
def test_every_optional_part_of_a_new_paper_is_valid_once_uncommented_and_filled(project, council, kind, capsys):
    root, text = new(project, kind, council)
    (root / PAPER).write_text(fill(uncomment(text)), encoding="utf-8")
    assert main(["--root", str(root), "check", str(root / PAPER)]) == 0, capsys.readouterr().err


def test_every_field_of_the_kind_is_in_a_new_paper_with_what_it_means(project):
    _, text = new(project, "committee-report")
    for name, info in kinds_of("default")["committee-report"].model_fields.items():
        line = next(line for line in text.splitlines() if re.match(rf"(# )?{name}:", line))
        assert name == "kind" or info.description in line
    assert "  # paragraph:  # required: a whole number. The paragraph of Part 1 of Schedule 12A (1-7). e.g. 1" in text


def test_new_refuses_to_overwrite_a_paper(project, capsys):
    root, text = new(project, "committee-report")
    (root / PAPER).write_text("kind: committee-report\n", encoding="utf-8")
    assert main(["--root", str(root), "new", "committee-report", str(root / PAPER)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert (root / PAPER).read_text(encoding="utf-8") == "kind: committee-report\n"


def test_new_names_the_kinds_there_are(project, capsys):
    root = project({})
    assert main(["--root", str(root), "new", "comittee-report", str(root / PAPER)]) == 1
    assert "unknown kind 'comittee-report' (did you mean 'committee-report'?)" in capsys.readouterr().err
    assert not (root / PAPER).exists()
