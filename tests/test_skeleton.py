"""`new`: a paper with every field, explained, that passes check once its blanks are filled."""

from __future__ import annotations

import re

import pytest

from committee_papers.commands.cli import main
from committee_papers.models.common import field_note
from committee_papers.models.kinds import declared_kinds
from committee_papers.models.validate import validate
from committee_papers.sources.errors import ContentError
from committee_papers.sources.loader import loads

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
    model = kinds_of("default")["committee-report"]
    for name in model.model_fields:
        line = next(line for line in text.splitlines() if re.match(rf"(# )?{name}:", line))
        assert name == "kind" or field_note(model, name) in line
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


def test_a_table_the_kind_declares_comes_with_a_row_of_its_columns(project):
    _, text = new(project, "portfolio-plan", "harborough")
    assert "  columns: budget  # the kind's standard table budget, its columns: Previous year; This year. Keep this line." in text
    assert "    - item:  # text. e.g. Direct Expenditure\n" in text  # the rows the kind's net row is worked out from
    assert "    - item:  # text. e.g. Direct Income\n" in text
    assert "      previous:  # a number such as 46, 1,250 or 12.5. Previous year. e.g. 46\n" in text
    assert "      eia:  # one of New, Review, Yes, No. EIA Required?" in text
    assert "rows_add_up_to:  # optional: a number. What the figures of every row add up to (100 for the percentages of a survey), each row checked within the rounding of the figures typed. e.g. 92" in text
    assert "  # counts:" not in text.split("\nactions:")[1]  # the actions table has no status column to count


def test_a_reference_used_once_in_a_paper_has_an_example_of_its_own_wherever_it_is_written(project):
    _, text = new(project, "agenda-and-minutes", "epping-forest")
    refs = re.findall(r"ref:  # optional: .*? e\.g\. (.*)$", text, re.MULTILINE)
    assert refs == ["CEC 01", "CEC 02"]
    assert re.search(r'^first_item:  # required: text\. .* e\.g\. "49"$', text, re.MULTILINE)
