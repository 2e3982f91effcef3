from __future__ import annotations

import pytest

from committee_papers.models.kinds import declared_kinds
from committee_papers.models.validate import validate as validate_with
from committee_papers.sources.errors import ContentError
from committee_papers.sources.loader import loads

from .conftest import MINI_REPORT, ROOT

NAME = "content/cabinet/mini.yaml"
LEICESTER = declared_kinds(ROOT / "templates", "leicester-city", ROOT)


def validate(source, kinds=LEICESTER, **options):
    """Check a paper as the build does for Leicester City: the engine's kinds and its kind files."""
    return validate_with(source, kinds, **options)


def problems(text: str) -> list[str]:
    with pytest.raises(ContentError) as caught:
        validate(loads(text, NAME))
    return [str(p) for p in caught.value.problems]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_mini_report_is_valid():
    paper = validate(loads(MINI_REPORT, NAME))
    assert paper.title == "A small report"
    assert paper.implications["other"][0].applies is False


def test_unknown_key_suggests_the_right_one():
    text = MINI_REPORT.replace("wards_affected:", "wards_afected:")
    found = problems(text)
    assert any(p.startswith(f"{NAME}:{line_of(text, 'wards_afected')}:1: wards_afected: unknown key (did you mean 'wards_affected'?)") for p in found)


def test_missing_field_is_reported_at_its_parent():
    text = MINI_REPORT.replace("  date: 2007-11-12\nwards", "wards")
    assert problems(text) == [f"{NAME}:4:3: meeting.date: expected a value, got nothing: this field is required"]


def test_every_problem_in_a_file_is_reported_together():
    text = MINI_REPORT.replace("date: 2007-11-12\nwards", "date: 12/11/2007\nwards").replace("applies: No", "applies: Perhaps")
    found = problems(text)
    assert len(found) == 2
    assert f"{NAME}:{line_of(text, '12/11/2007')}:9: meeting.date: expected an ISO date such as 2007-11-10, got '12/11/2007'" in found
    assert any("implications.other[0].applies: expected Yes or No, got 'Perhaps'" in p for p in found)


def test_unknown_kind_suggests_a_kind():
    found = problems(MINI_REPORT.replace("kind: committee-report", "kind: comittee-report"))
    kinds = ', '.join(LEICESTER)
    assert found == [f"{NAME}:1:7: kind: expected one of: {kinds}, got 'comittee-report' (did you mean 'committee-report'?)"]


def test_unknown_block_suggests_a_block():
    text = MINI_REPORT.replace("- scoring_rules:", "- scoring_rule:")
    found = problems(text)
    assert len(found) == 1
    assert "sections[1].content[2]: expected text, a mapping with text and id, or one of: table" in found[0]
    assert "(did you mean 'scoring_rules'?)" in found[0]
    assert found[0].startswith(f"{NAME}:{line_of(text, 'scoring_rule:')}:")


def test_unknown_key_inside_a_block_lists_the_keys_of_that_block():
    text = MINI_REPORT.replace("  none_below: 3", "  none_belo: 3")
    found = problems(text)
    assert "none_belo: unknown key (did you mean 'none_below'?)" in found[0]
    assert "sections[1].content[2].scoring_rules.rules[0].none_belo" in found[0]


def test_a_stated_overall_score_that_disagrees_names_both():
    text = MINI_REPORT.replace("          overall: 4\nrecommendations:", "          overall: 3\nrecommendations:")
    found = problems(text)
    assert found == [
        f"{NAME}:{line_of(text, 'overall: 3')}:20: sections[1].content[3].score_table.overall: "
        "the paper states 3 but the rules 'cpa' give 4"
    ]


def test_a_row_with_the_wrong_number_of_cells():
    text = MINI_REPORT.replace(
        "      - id: rules\n", "      - table:\n          columns: [A, B]\n          rows:\n            - [one, two, three]\n          caption: Two columns\n      - id: rules\n"
    )
    found = problems(text)
    assert found == [f"{NAME}:{line_of(text, '[one, two, three]')}:15: sections[1].content[1].table.rows[0]: expected 2 cells to match the columns, got 3"]


def test_a_paragraph_reference_must_exist():
    text = MINI_REPORT.replace("paragraphs: [rules]", "paragraphs: [rules, '9.9']")
    found = problems(text)
    assert found == [f"{NAME}:{line_of(text, '9.9')}:27: implications.other[0].paragraphs[1]: expected a paragraph number printed in this paper or a paragraph id, got '9.9'"]


def test_note_markers_and_notes_must_match():
    text = MINI_REPORT.replace("another[^y]", "another[^z]")
    found = problems(text)
    assert any("appendices[0].content[0]: note marker [^z] has no note in appendices.0.notes (notes written: x, y)" in p for p in found)
    assert any("appendices[0].notes.y: note is never referred to" in p for p in found)


def test_links_may_only_go_to_the_web():
    text = MINI_REPORT.replace("This report presents the thing.", "See [the file](../../../etc/passwd).")
    found = problems(text)
    assert found == [f"{NAME}:{line_of(text, 'See [the file]')}:9: sections[0].content[0]: expected a web address (https://...) or mailto: link, got '../../../etc/passwd'"]


def test_a_list_where_a_mapping_was_expected():
    text = MINI_REPORT.replace("report_of:\n  post: Director of Things", "report_of:\n  - Director of Things")
    assert problems(text) == [f"{NAME}:{line_of(text, '- Director of Things')}:3: report_of: expected a mapping (lines of 'key: value'), got a list (hint: remove the '- ' before the keys)"]
