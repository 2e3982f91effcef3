from __future__ import annotations

from committee_papers.loader import loads
from committee_papers.validate import validate

from ..conftest import MINI_REPORT


def mini():
    return validate(loads(MINI_REPORT, "mini.yaml"))


def test_sections_and_paragraphs_are_numbered_in_reading_order():
    outline = mini().outline()
    assert [(p.number, p.heading) for p in outline.parts] == [
        ("1", "Purpose of Report"),
        ("2", "Report"),
        ("3", "Recommendations"),
        ("4", "Key Financial, Legal and Other Implications"),
        ("5", "Background Papers"),
        ("6", "Report Author to contact"),
    ]
    report = outline.parts[1]
    # the rules table and the score table carry no number; only paragraphs do
    assert [b.number for b in report.blocks] == ["2.1", "2.2", None, None]


def test_standard_parts_continue_the_numbering():
    outline = mini().outline()
    assert [b.number for b in outline.part("recommendations").blocks] == ["3.1"]
    assert [b.number for b in outline.part("implications").blocks] == ["4.1", "4.2"]


def test_a_paragraph_id_resolves_to_its_number():
    assert mini().outline().paragraphs["rules"] == "2.2"


def test_consultations_left_out_are_not_numbered():
    assert mini().outline().part("consultations") is None


def test_overall_score_is_derived_from_the_rules():
    assert mini().derived()["overall"] == {"scores": 4}
