"""Property-based: any mutation of the example content gives a clear error or a valid paper, never a traceback or a lost output."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from committee_papers.models.kinds import declared_kinds
from committee_papers.models.validate import validate
from committee_papers.pipeline.build import Config, build
from committee_papers.sources.errors import ContentError
from committee_papers.sources.loader import loads

from .conftest import MINI_REPORT, ROOT, make_project

NAME = "content/cabinet/paper.yaml"
EXAMPLES = {
    "example": (ROOT / "content/cabinet/cpa-corporate-assessment-2007.yaml").read_text(encoding="utf-8"),
    "mini": MINI_REPORT,
}
KINDS = declared_kinds(ROOT / "templates", "leicester-city", ROOT)
CLEAR = re.compile(rf"^{re.escape(NAME)}:(\d+):(\d+): \S.*$")

# Characters officers paste or mistype, and the ones YAML gives meaning to.
TRICKY = st.sampled_from(list(":-#&*!|>'\"%@`[]{},?\t\n \x00\x07\x0b\x1b\x7f\u00a0\u200b\ufeff\ufffe\\é€😀") + ["\\ud800", ": ", "- ", "<script>", "](javascript:x)", "![x](file:///etc/passwd)", "[^zz]"])
TEXT = st.lists(st.one_of(TRICKY, st.text(max_size=8)), max_size=6).map("".join)
RETYPED = st.one_of(TEXT, st.just(None), st.just([]), st.just({}), st.lists(TEXT, max_size=2), st.dictionaries(TEXT, TEXT, max_size=2), st.sampled_from(["0", "-1", "99", "No", "2007-13-45", "null"]))


def assert_clear_or_valid(text: str) -> bool:
    """Return whether text is a valid paper; fail if checking it raises anything but clear problems."""
    try:
        validate(loads(text, NAME), KINDS)
    except ContentError as err:
        lines = text.count("\n") + 2
        for problem in err.problems:
            match = CLEAR.match(str(problem))
            assert match, str(problem)
            assert 1 <= int(match.group(1)) <= lines, str(problem)
        assert err.problems
        return False
    return True


def paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Return the path of every value inside a loaded paper."""
    found = [path]
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, item in items:
        found += paths(item, (*path, key))
    return found


DATA = {name: loads(text, NAME).data for name, text in EXAMPLES.items()}
PATHS = {name: paths(data)[1:] for name, data in DATA.items()}


@st.composite
def text_mutation(draw: st.DrawFn, example: str) -> str:
    """Insert text, drop, duplicate or re-indent a line of an example."""
    lines = EXAMPLES[example].splitlines(keepends=True)
    i = draw(st.integers(0, len(lines) - 1))
    line = lines[i]
    operation = draw(st.sampled_from(["insert", "drop", "duplicate", "indent", "dedent"]))
    if operation == "insert":
        column = draw(st.integers(0, len(line)))
        lines[i] = line[:column] + draw(TEXT) + line[column:]
    elif operation == "drop":
        del lines[i]
    elif operation == "duplicate":
        lines.insert(i, line)
    elif operation == "indent":
        lines[i] = "  " + line
    else:
        lines[i] = line[2:] if line.startswith("  ") else line
    return "".join(lines)


@st.composite
def tree_mutation(draw: st.DrawFn, example: str) -> str:
    """Drop or retype a value, or add a key, anywhere in an example; write it back as YAML."""
    data = copy.deepcopy(DATA[example])
    path = draw(st.sampled_from(PATHS[example]))
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    operation = draw(st.sampled_from(["drop", "retype", "add"]))
    if operation == "drop":
        del parent[path[-1]]
    elif operation == "retype":
        parent[path[-1]] = draw(RETYPED)
    elif isinstance(parent, dict):
        parent[draw(TEXT) or "extra"] = draw(RETYPED)
    else:
        parent.insert(path[-1], draw(RETYPED))
    return yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False, allow_unicode=True, width=1000)


# Validation only, which is fast; the big example is checked less often than the mini one to keep CI within minutes.
CHECKS = {"example": 60, "mini": 300}


@pytest.mark.parametrize("example", list(EXAMPLES))
def test_a_mutated_paper_is_a_clear_error_or_valid(example):
    @settings(max_examples=CHECKS[example], deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(mutation=st.one_of(text_mutation(example), tree_mutation(example)))
    def check(mutation: str) -> None:
        assert_clear_or_valid(mutation)

    check()


def outputs(root: Path) -> dict[Path, bytes]:
    """Return the paper's outputs (not the build's cache of what they were made from)."""
    return {p: p.read_bytes() for p in (root / "output").rglob("*.*") if ".cache" not in p.parts}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict[Path, bytes]]:
    root = make_project(tmp_path_factory.mktemp("mutations"), {NAME: MINI_REPORT})
    assert build(Config(root)).ok
    return root, outputs(root)


def test_a_mutated_paper_builds_or_keeps_its_last_outputs(built):
    root, before = built

    @settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(mutation=st.one_of(text_mutation("mini"), tree_mutation("mini")))
    def check(mutation: str) -> None:
        valid = assert_clear_or_valid(mutation)
        (root / NAME).write_text(mutation, encoding="utf-8", errors="surrogatepass")
        after = before
        try:
            report = build(Config(root))
            after = outputs(root)
            assert set(after) == set(before)
            assert valid or not report.ok
            assert report.ok or after == before, report.failed
        finally:
            (root / NAME).write_text(MINI_REPORT, encoding="utf-8")
            if after != before:
                assert build(Config(root)).ok

    check()
