"""The committee report: the default kind file, read by the declared-kind engine, numbers as councils print it."""

from __future__ import annotations

from committee_papers.models.kinds import declared_kinds
from committee_papers.models.validate import validate
from committee_papers.sources.loader import loads

from ..conftest import MINI_REPORT, ROOT


def mini():
    kinds = declared_kinds(ROOT / "templates", "leicester-city", ROOT)
    return validate(loads(MINI_REPORT, "mini.yaml"), kinds)


def test_sections_and_paragraphs_are_numbered_in_reading_order():
    outline = mini().outline()
    assert [(p.number, p.heading) for p in outline.sections] == [
        ("1", "Purpose of Report"),
        ("2", "Report"),
        ("3", "Recommendations"),
        ("4", "Key Financial, Legal and Other Implications"),
        ("5", "Background Papers"),
        ("6", "Report Author to contact"),
    ]
    report = outline.sections[1]
    # the rules table and the score table carry no number; only paragraphs do
    assert [b.number for b in report.blocks] == ["2.1", "2.2", None, None]


def test_standard_parts_continue_the_numbering():
    parts = {s.key: s for s in mini().outline().sections if s.key}
    assert [b.numbers for b in parts["recommendations"].blocks] == [["3.1"]]
    assert [b.numbers for b in parts["implications"].blocks] == [["4.1", "4.2"]]


def test_a_paragraph_id_resolves_to_its_number():
    assert mini().outline().paragraphs["rules"] == "2.2"


def test_consultations_left_out_are_not_numbered():
    assert "consultations" not in mini().part_keys()


def test_overall_score_is_derived_from_the_rules():
    assert mini().derived()["overall"] == {"scores": 4}


def test_the_default_serves_councils_without_their_own_and_a_councils_own_wins():
    assert declared_kinds(ROOT / "templates", "leicester-city", ROOT)["committee-report"].declared_as == "templates/default/kinds/committee-report.yaml"
    assert declared_kinds(ROOT / "templates", "havering", ROOT)["committee-report"].declared_as == "templates/default/kinds/committee-report.yaml"
    assert declared_kinds(ROOT / "templates", "westminster", ROOT)["committee-report"].declared_as == "templates/westminster/kinds/committee-report.yaml"
