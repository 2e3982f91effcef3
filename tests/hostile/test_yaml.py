"""Hostile YAML: characters that mislead, shapes no paper has, values pydantic would read its own way, bounds."""

from __future__ import annotations

import pytest

from committee_papers.sources.errors import MAX_MESSAGES
from committee_papers.sources.loader import MAX_ITEMS, MAX_KEYS

from ..conftest import MINI_REPORT
from .built import PAPER, place, refused


def line_of(source: str, text: str) -> int:
    """Return the line a piece of the source is on, counted by newlines as an editor counts."""
    return source[: source.index(text)].count("\n") + 1


@pytest.mark.parametrize("character", ["\u202e", "\u202a", "\u2066", "\u2069"])
def test_a_bidirectional_control_in_a_title_is_refused_where_it_is(built, character, capsys):
    source = MINI_REPORT.replace("title: A small report", f"title: A small {character}troper")
    err = refused(built, PAPER, source, capsys)
    code = f"U+{ord(character):04X}"
    assert err == (
        f"{PAPER}:{place(source, character)}: contains the bidirectional control character {code}, which can make text "
        "show in another order than it is read; delete it (it is invisible: retype the text around it)\n"
    )


@pytest.mark.parametrize("character", ["\u2028", "\u2029", "\x85"])
def test_a_yaml_only_line_break_in_a_comment_is_refused_at_its_line(built, character, capsys):
    source = MINI_REPORT.replace("title: A small report", f"# a comment{character}with more\ntitle: A small report")
    err = refused(built, PAPER, source, capsys)
    assert err.startswith(f"{PAPER}:{place(source, character)}: contains ")
    assert "which YAML reads as a new line though editors do not show one" in err


def test_a_line_separator_in_a_value_is_refused_at_its_line(built, capsys):
    source = MINI_REPORT.replace("title: A small report", "title: A small\u2028report")
    err = refused(built, PAPER, source, capsys)
    assert f"{PAPER}:{place(source, chr(0x2028))}: contains a line separator U+2028" in err


def test_a_list_used_as_a_key_is_reported_where_it_is_written(built, capsys):
    source = MINI_REPORT.replace("title: A small report", "title: A small report\n[one, two]: three")
    err = refused(built, PAPER, source, capsys)
    assert err == (
        f"{PAPER}:{line_of(source, '[one, two]')}:1: expected a plain key, got a list as a key "
        "(hint: a key cannot start with '[', '{' or '? '; put it in quotes)\n"
    )


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("1194825600", " (hint: write the date as year-month-day)"),
        ("2007-11-12T10:00:00", " (hint: a date without a time)"),
        ("2007-02-30", " (hint: 2007-02-30 is not a day of the calendar)"),
    ],
)
def test_a_date_must_be_an_iso_date(built, written, hint, capsys):
    source = MINI_REPORT.replace("  date: 2007-11-12\nwards", f"  date: {written}\nwards")
    err = refused(built, PAPER, source, capsys)
    assert err == f"{PAPER}:5:9: meeting.date: expected an ISO date such as 2007-11-10, got '{written}'{hint}\n"


def test_a_number_too_long_for_a_whole_number_is_said_plainly(built, capsys):
    source = MINI_REPORT.replace("  overall: 4\n", "  overall: " + "9" * 5000 + "\n", 1)
    err = refused(built, PAPER, source, capsys)
    assert "exceeded maximum size" not in err
    where = f"{PAPER}:{place(source, '9' * 5000)}: sections[1].content[2].scoring_rules.rules[0].overall"
    assert err == f"{where}: expected a whole number of at most 19 digits, got '{'9' * 37}...'\n"


def test_a_flood_of_unknown_keys_gives_a_bounded_number_of_messages(built, capsys):
    extra = "".join(f"  unknown{i}: x\n" for i in range(MAX_MESSAGES + 70))
    source = MINI_REPORT.replace("author:\n", "author:\n" + extra, 1)
    lines = refused(built, PAPER, source, capsys).splitlines()
    assert len(lines) == MAX_MESSAGES + 1
    assert lines[0].startswith(f"{PAPER}:{line_of(source, 'unknown0:')}:3: author.unknown0: unknown key")
    assert lines[-1] == f"{PAPER}: and 70 more problems; mend the ones above first"


def test_hundreds_of_thousands_of_recommendations_are_refused_at_the_item_past_the_bound(built, capsys):
    source = MINI_REPORT.replace("recommendations:\n", "recommendations:\n" + "  - A\n" * 250_000, 1)
    assert len(source.encode()) > 1_500_000
    err = refused(built, PAPER, source, capsys)
    first = line_of(source, "  - A\n")
    assert err == f"{PAPER}:{first + MAX_ITEMS}:5: too big for a paper: a list of more than {MAX_ITEMS:,} items; split the paper or the table\n"


def test_a_mapping_of_too_many_keys_is_refused_at_the_key_past_the_bound(built, capsys):
    source = MINI_REPORT.replace("notes:\n  a:", "notes:\n" + "".join(f"  n{i}: x\n" for i in range(MAX_KEYS + 5)) + "  a:", 1)
    err = refused(built, PAPER, source, capsys)
    assert err == f"{PAPER}:{line_of(source, f'n{MAX_KEYS}:')}:3: too big for a paper: a mapping of more than {MAX_KEYS:,} keys\n"


@pytest.mark.parametrize("character", ["\u200b", "\u200e", "\ufeff"])
def test_an_invisible_character_in_a_key_is_refused_where_it_is(built, character, capsys):
    source = MINI_REPORT.replace("title: A small report", f"title{character}: A small report")
    err = refused(built, PAPER, source, capsys)
    assert err == f"{PAPER}:{place(source, character)}: [{'title' + character!r}]: the key holds an invisible character U+{ord(character):04X}; retype the key\n"
