from __future__ import annotations

import pytest

from committee_papers.sources.errors import ContentError
from committee_papers.sources.loader import loads


def problem(text: str) -> str:
    with pytest.raises(ContentError) as caught:
        loads(text, "content/p.yaml")
    return str(caught.value)


def test_strings_stay_strings():
    source = loads("a: NO\nb: 1.10\nc: 12:30\nd: 007\ne: 2007-11-10\n", "p.yaml")
    assert source.data == {"a": "NO", "b": "1.10", "c": "12:30", "d": "007", "e": "2007-11-10"}


def test_empty_value_is_nothing_but_quoted_empty_is_text():
    assert loads("a:\nb: ''\n", "p.yaml").data == {"a": None, "b": ""}


def test_every_value_keeps_its_line_and_column():
    source = loads("sections:\n  - heading: One\n    content:\n      - text\n", "p.yaml")
    assert source.mark(("sections", 0, "content", 0)).line == 4
    assert source.mark(("sections", 0, "content", 0)).column == 9
    assert source.mark(("sections", 0, "heading"), key=True).line == 2


def test_missing_field_points_at_its_parent():
    source = loads("meeting:\n  committee: Cabinet\n", "p.yaml")
    assert source.mark(("meeting", "date")).line == 2


def test_duplicate_key_names_both_lines():
    assert problem("title: A\nsubtitle: B\ntitle: C\n") == "content/p.yaml:3:1: title: duplicate key (first written on line 1)"


def test_aliases_are_refused():
    assert "anchors and aliases" in problem("a: &x 1\nb: *x\n")
    assert problem("a: &x 1\nb: *x\n").startswith("content/p.yaml:1:4:")


def test_tags_are_refused():
    assert "tags such as" in problem("a: !!python/object:os.system x\n")


def test_control_characters_are_refused_with_their_line():
    assert problem('title: ok\nsubtitle: "bad \\x07 bell"\n').startswith("content/p.yaml:2:11: subtitle: contains a control character U+0007")
    assert problem("title: ok\nsubtitle: raw \x0c feed\n").startswith("content/p.yaml:2:15: contains a control character U+000C")


def test_syntax_errors_carry_a_hint():
    assert "indent with spaces, not tabs" in problem("a:\n\t- b\n")
    assert "put the value in quotes" in problem("title: Cabinet: the report\n")


def test_not_utf8(tmp_path):
    from committee_papers.sources.loader import load

    path = tmp_path / "p.yaml"
    path.write_bytes(b"title: caf\xe9\n")
    with pytest.raises(ContentError, match="expected UTF-8 text"):
        load(path, "p.yaml")
